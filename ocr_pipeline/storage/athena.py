"""The analysts' SQL on Amazon Athena, over the Glue tables the Parquet warehouse keeps.

The same statements ``ocr-pipeline query`` runs through DuckDB run here on Athena's engine
(Trino SQL): start, poll until the query ends (or stop it at the timeout), then page through
the results, typed by Athena's column metadata.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

from ocr_pipeline.errors import WarehouseError

logger = logging.getLogger(__name__)

_ENDED = {"SUCCEEDED", "FAILED", "CANCELLED"}
_TYPES: dict[str, Callable[[str], Any]] = {
    "tinyint": int, "smallint": int, "integer": int, "int": int, "bigint": int,
    "double": float, "float": float, "real": float, "decimal": float,
    "boolean": lambda text: text.lower() == "true",
}


class AthenaQueries:
    def __init__(self, *, client: Any, database: str, workgroup: str = "primary",
                 output: str = "", timeout: float = 300.0, poll_seconds: float = 0.5) -> None:
        self.client = client
        self.database = database
        self.workgroup = workgroup
        self.output = output
        """``s3://`` URI for results; empty: the workgroup's configured location."""
        self.timeout = timeout
        self.poll_seconds = poll_seconds

    def query(self, sql: str) -> tuple[list[str], list[tuple[Any, ...]]]:
        """Run ``sql``; column names and rows, or a WarehouseError with Athena's reason."""
        params: dict[str, Any] = {"QueryString": sql, "WorkGroup": self.workgroup,
                                  "QueryExecutionContext": {"Database": self.database}}
        if self.output:
            params["ResultConfiguration"] = {"OutputLocation": self.output}
        query_id = self.client.start_query_execution(**params)["QueryExecutionId"]
        self._wait(query_id)
        pages = self.client.get_paginator("get_query_results").paginate(
            QueryExecutionId=query_id)
        columns: list[dict[str, Any]] = []
        texts: list[list[str | None]] = []
        for page in pages:
            result = page["ResultSet"]
            columns = columns or result.get("ResultSetMetadata", {}).get("ColumnInfo", [])
            texts += [[d.get("VarCharValue") for d in r.get("Data", [])]
                      for r in result.get("Rows", [])]
        names = [c["Name"] for c in columns]
        if texts and texts[0] == names:  # a SELECT's first row repeats the column names
            texts = texts[1:]
        return names, [_typed(values, columns) for values in texts]

    def _wait(self, query_id: str) -> None:
        deadline = time.monotonic() + self.timeout
        while True:
            status = self.client.get_query_execution(
                QueryExecutionId=query_id)["QueryExecution"]["Status"]
            if status["State"] == "SUCCEEDED":
                return
            if status["State"] in _ENDED:
                raise WarehouseError(f"Athena query {query_id} {status['State'].lower()}: "
                                     f"{status.get('StateChangeReason', 'no reason given')}")
            if time.monotonic() > deadline:
                self.client.stop_query_execution(QueryExecutionId=query_id)
                raise WarehouseError(f"Athena query {query_id} still {status['State'].lower()} "
                                     f"after {self.timeout:g} s; stopped")
            time.sleep(self.poll_seconds)


def _typed(texts: list[str | None], columns: list[dict[str, Any]]) -> tuple[Any, ...]:
    values = []
    for i, text in enumerate(texts):
        kind = columns[i].get("Type", "varchar").lower() if i < len(columns) else "varchar"
        convert = _TYPES.get(kind.split("(")[0])
        values.append(None if text is None else convert(text) if convert else text)
    return tuple(values)
