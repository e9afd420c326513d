"""The Amazon A2I runtime API (REST-JSON, botocore's ``sagemaker-a2i-runtime`` 2019-11-07
model), so that boto3's own client works against the console through ``endpoint_url``.

Every request must be signed with the console's key pair (``signatures``), before anything
else is looked at. Inputs are checked as the service model says (name and ARN patterns,
lengths, enums, ranges) and refused with a ``ValidationException``; times are ISO 8601, the
model's format. The ``InputContent`` must be a review task (``TaskInput`` as JSON) of at most
100 KB. Stopping or deleting a loop never loses its answers (``db``).
"""

from __future__ import annotations

import base64
import binascii
import json
import re
import time
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from starlette.datastructures import QueryParams

from ocr_pipeline.errors import InvalidRequestError, NotFoundError
from ocr_pipeline.review.console.db import Loop, ReviewDatabase
from ocr_pipeline.review.console.flows import FLOW_ARN, FlowRegistry
from ocr_pipeline.review.console.output import LoopOutputs, iso_time
from ocr_pipeline.review.console.signatures import SignatureCheck
from ocr_pipeline.review.contract import FIELDS, TaskInput

PREFIX = "/human-loops"
MAX_INPUT_BYTES = 100 * 1024
"""A review task is small; the model itself allows 3 MiB of InputContent."""
_LOOP_NAME = re.compile(r"^[a-z0-9](-*[a-z0-9])*$")
_CLASSIFIERS = ("FreeOfPersonallyIdentifiableInformation", "FreeOfAdultContent")
_SORT_ORDERS = ("Ascending", "Descending")


async def json_body(request: Request) -> dict[str, Any]:
    """The request's JSON object (an empty body is ``{}``).

    A body must come as ``application/json`` (as boto3 sends it): a web page on another site
    can post plain text or form data here without the browser asking first, not JSON.
    """
    raw = await request.body()
    media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if raw and media_type != "application/json":
        raise InvalidRequestError("send the request body as Content-Type: application/json")
    try:
        body = json.loads(raw) if raw.strip() else {}
    except (ValueError, UnicodeDecodeError):
        raise InvalidRequestError("the request body is not valid JSON") from None
    if not isinstance(body, dict):
        raise InvalidRequestError("the request body must be a JSON object")
    return body


JsonBody = Annotated[dict[str, Any], Depends(json_body)]


def a2i_router(*, db: ReviewDatabase, flows: FlowRegistry, outputs: LoopOutputs,
               signatures: SignatureCheck) -> APIRouter:
    router = APIRouter(prefix=PREFIX, dependencies=[Depends(signatures)])

    @router.post("")
    def start_human_loop(body: JsonBody) -> dict[str, Any]:
        loop = _new_loop(body, flows=flows)
        db.insert(loop)
        return {"HumanLoopArn": loop.arn}

    @router.get("/{name}")
    def describe_human_loop(name: str) -> dict[str, Any]:
        loop = db.get(_loop_name(name))
        described: dict[str, Any] = {
            "CreationTime": iso_time(loop.creation_time),
            "HumanLoopStatus": loop.status,
            "HumanLoopName": loop.name,
            "HumanLoopArn": loop.arn,
            "FlowDefinitionArn": loop.flow_arn,
        }
        if loop.output_uri:
            described["HumanLoopOutput"] = {"OutputS3Uri": loop.output_uri}
        return described

    @router.get("")
    def list_human_loops(request: Request) -> dict[str, Any]:
        return _loop_summaries(request.query_params, db=db, flows=flows)

    @router.post("/stop")
    def stop_human_loop(body: JsonBody) -> dict[str, Any]:
        db.stop(_loop_name(body.get("HumanLoopName")), keep=outputs.write)
        return {}

    @router.delete("/{name}")
    def delete_human_loop(name: str) -> dict[str, Any]:
        db.delete(_loop_name(name))
        return {}

    return router


def _new_loop(body: dict[str, Any], *, flows: FlowRegistry) -> Loop:
    """The loop a ``StartHumanLoop`` request asks for, its input checked (not stored yet)."""
    name = _loop_name(body.get("HumanLoopName"))
    flow_arn = _flow_arn(body.get("FlowDefinitionArn"))
    flow = flows.get(flow_arn)
    if flow is None:
        known = ", ".join(defined.arn for defined in flows)
        raise InvalidRequestError(
            f"flow definition {flow_arn} does not exist in this console (it has: {known})"
        )
    content = _input_content(body.get("HumanLoopInput"))
    _check_data_attributes(body.get("DataAttributes"))
    account = flow_arn.split(":flow-definition/", 1)[0]
    return Loop(name=name, arn=f"{account}:human-loop/{name}", flow_arn=flow_arn,
                role=flow.role, task_count=flow.task_count,
                record_id=_task(content).record_id, status="InProgress",
                input_content=content, created=time.time())


def _loop_summaries(query: QueryParams, *, db: ReviewDatabase,
                    flows: FlowRegistry) -> dict[str, Any]:
    """A ``ListHumanLoops`` answer: one page of a flow's loops, filtered and sorted as
    ``query`` asks, with a ``NextToken`` when more follow."""
    flow_arn = _flow_arn(query.get("FlowDefinitionArn"))
    if flows.get(flow_arn) is None:
        raise NotFoundError(f"flow definition {flow_arn} does not exist in this console")
    sort_order = query.get("SortOrder", "Descending")
    if sort_order not in _SORT_ORDERS:
        raise _constraint("sortOrder", sort_order,
                          f"Member must satisfy enum value set: [{', '.join(_SORT_ORDERS)}]")
    limit = _max_results(query.get("MaxResults", "100"))
    loops = db.page(flow_arn=flow_arn, created_after=_timestamp(query, "CreationTimeAfter"),
                    created_before=_timestamp(query, "CreationTimeBefore"),
                    descending=sort_order == "Descending", limit=limit + 1,
                    after=_decode_token(query.get("NextToken")))
    listed: dict[str, Any] = {"HumanLoopSummaries": [
        {"HumanLoopName": loop.name, "HumanLoopStatus": loop.status,
         "CreationTime": iso_time(loop.creation_time), "FlowDefinitionArn": loop.flow_arn}
        for loop in loops[:limit]
    ]}
    if len(loops) > limit:
        listed["NextToken"] = _encode_token(loops[limit - 1])
    return listed


def _constraint(member: str, value: object, rule: str) -> InvalidRequestError:
    shown = value if isinstance(value, str | int) else json.dumps(value)[:80]
    return InvalidRequestError(
        f"1 validation error detected: Value '{shown}' at '{member}' failed to satisfy "
        f"constraint: {rule}"
    )


def _required(member: str) -> InvalidRequestError:
    return _constraint(member, "null", "Member must not be null")


def _loop_name(value: object) -> str:
    if value is None:
        raise _required("humanLoopName")
    if not isinstance(value, str) or not 1 <= len(value) <= 63:
        raise _constraint("humanLoopName", value,
                          "Member must be a string of length between 1 and 63")
    if not _LOOP_NAME.fullmatch(value):
        raise _constraint("humanLoopName", value,
                          f"Member must satisfy regular expression pattern: {_LOOP_NAME.pattern}")
    return value


def _flow_arn(value: object) -> str:
    if value is None:
        raise _required("flowDefinitionArn")
    if not isinstance(value, str) or len(value) > 1024 or not FLOW_ARN.fullmatch(value):
        raise _constraint("flowDefinitionArn", value,
                          f"Member must satisfy regular expression pattern: {FLOW_ARN.pattern}")
    return value


def _input_content(loop_input: object) -> str:
    if loop_input is None:
        raise _required("humanLoopInput")
    if not isinstance(loop_input, dict):
        raise _constraint("humanLoopInput", loop_input, "Member must be an object")
    content = loop_input.get("InputContent")
    if content is None:
        raise _required("humanLoopInput.inputContent")
    if not isinstance(content, str):
        raise _constraint("humanLoopInput.inputContent", content, "Member must be a string")
    if len(content.encode("utf-8")) > MAX_INPUT_BYTES:
        raise InvalidRequestError(
            f"InputContent is {len(content.encode('utf-8'))} bytes; at most "
            f"{MAX_INPUT_BYTES} are allowed"
        )
    return content


def _task(content: str) -> TaskInput:
    """The review task in ``content``, or a ``ValidationException`` saying what is wrong."""
    try:
        data = json.loads(content)
    except ValueError as exc:
        raise InvalidRequestError(f"InputContent is not valid JSON: {exc}") from None
    if not isinstance(data, dict):
        raise InvalidRequestError("InputContent must be a JSON object (a review task)")
    try:
        task = TaskInput.from_dict(data)
    except TypeError as exc:
        raise InvalidRequestError(f"InputContent is not a review task: {exc}") from None
    texts = (task.record_id, task.catalog_id, task.image_uri)
    if (not all(isinstance(text, str) and text for text in texts)
            or not isinstance(task.page, int) or not isinstance(task.fields, dict)
            or not all(isinstance(task.fields.get(name, ""), str) for name in FIELDS)):
        raise InvalidRequestError(
            "InputContent is not a review task: record_id, catalog_id and image_uri must be "
            f"non-empty strings, page an integer, fields an object of strings ({', '.join(FIELDS)})"
        )
    return task


def _check_data_attributes(attributes: object) -> None:
    if attributes is None:
        return
    classifiers = attributes.get("ContentClassifiers") if isinstance(attributes, dict) else None
    if classifiers is None:
        raise _required("dataAttributes.contentClassifiers")
    if (not isinstance(classifiers, list) or len(classifiers) > 256
            or any(item not in _CLASSIFIERS for item in classifiers)):
        raise _constraint("dataAttributes.contentClassifiers", classifiers,
                          f"Member must be a list of: [{', '.join(_CLASSIFIERS)}]")


def _max_results(raw: str) -> int:
    try:
        value = int(raw)
    except ValueError:
        raise _constraint("maxResults", raw, "Member must be an integer") from None
    if not 1 <= value <= 100:
        raise _constraint("maxResults", value, "Member must have value between 1 and 100")
    return value


def _timestamp(query: QueryParams, member: str) -> float | None:
    raw = query.get(member)
    if raw is None:
        return None
    try:
        moment = datetime.fromisoformat(raw)
    except ValueError:
        raise _constraint(member, raw, "Member must be an ISO 8601 timestamp") from None
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).timestamp()


def _encode_token(loop: Loop) -> str:
    return base64.urlsafe_b64encode(json.dumps([loop.created, loop.name]).encode()).decode()


def _decode_token(token: str | None) -> tuple[float, str] | None:
    if token is None:
        return None
    try:
        created, name = json.loads(base64.urlsafe_b64decode(token.encode()))
        if isinstance(created, int | float) and isinstance(name, str):
            return float(created), name
    except (ValueError, TypeError, binascii.Error):
        pass
    raise InvalidRequestError("the NextToken is not one this console issued")
