"""Human loops and reviewers' answers in SQLite (WAL; one connection per call, so several
processes can share the file, which only its owner may read: mode 0600).

A loop takes answers while it is InProgress; the answer that brings it to its TaskCount of
distinct workers completes it in the same transaction, after ``complete`` has written its
output. A worker is a reviewer account (``accounts``): it answers a loop at most once, and
never answers a second crowd loop (round1/round2) of a record it already answered, so
consensus counts distinct accounts.

Answers are never deleted. Stopping a loop writes the answers it has as its output;
deleting a loop only hides it from the A2I API (its name stays taken), as Amazon A2I keeps
the outputs of the loops it deletes.
"""

from __future__ import annotations

import json
import logging
import sqlite3
import time
from collections.abc import Callable, Collection, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from ocr_pipeline.errors import (
    ConflictError,
    ForbiddenError,
    InvalidRequestError,
    NotFoundError,
)
from ocr_pipeline.review.contract import Answer, Role, TaskInput

logger = logging.getLogger(__name__)

LoopStatus = Literal["InProgress", "Completed", "Failed", "Stopping", "Stopped"]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS loops (
    name TEXT PRIMARY KEY,
    arn TEXT NOT NULL,
    flow_arn TEXT NOT NULL,
    role TEXT NOT NULL,
    task_count INTEGER NOT NULL,
    record_id TEXT NOT NULL,
    status TEXT NOT NULL
        CHECK (status IN ('InProgress', 'Completed', 'Failed', 'Stopping', 'Stopped')),
    input_content TEXT NOT NULL,
    creation_time REAL NOT NULL,
    output_uri TEXT,
    deleted_time REAL
);
CREATE INDEX IF NOT EXISTS loops_by_flow ON loops (flow_arn, creation_time, name);
CREATE INDEX IF NOT EXISTS loops_by_record ON loops (record_id);
CREATE TABLE IF NOT EXISTS assignments (
    loop_name TEXT NOT NULL REFERENCES loops (name) ON DELETE CASCADE,
    worker TEXT NOT NULL,
    accepted_time REAL NOT NULL,
    submitted_time REAL,
    answer TEXT,
    PRIMARY KEY (loop_name, worker)
);
CREATE INDEX IF NOT EXISTS assignments_by_worker ON assignments (worker, submitted_time);
"""

_MIGRATIONS = {"deleted_time": "ALTER TABLE loops ADD COLUMN deleted_time REAL"}
"""Columns a file made by an older console lacks, and how to add each."""
_ANSWERED = "a.worker = :worker AND a.submitted_time IS NOT NULL"
_ANSWERED_RECORD_IN_CROWD = f"""
    SELECT 1 FROM assignments a JOIN loops o ON o.name = a.loop_name
    WHERE {_ANSWERED} AND o.record_id = :record_id AND o.role != 'expert' AND o.name != :name
"""


def _utc(epoch: float) -> datetime:
    return datetime.fromtimestamp(epoch, UTC)


@dataclass(frozen=True, slots=True)
class Loop:
    name: str
    arn: str
    flow_arn: str
    role: Role
    task_count: int
    record_id: str
    status: LoopStatus
    input_content: str
    created: float
    """Creation time, epoch seconds (the sort and paging key, with the name)."""
    output_uri: str | None = None

    @property
    def creation_time(self) -> datetime:
        return _utc(self.created)

    @property
    def task(self) -> TaskInput:
        return TaskInput.from_dict(json.loads(self.input_content))


@dataclass(frozen=True, slots=True)
class SubmittedAnswer:
    worker: str
    answer: dict[str, Any]
    """``Answer.to_dict()`` as the reviewer submitted it."""
    accepted: datetime
    submitted: datetime


Complete = Callable[[Loop, list[SubmittedAnswer]], str]
"""Writes a finished loop's output; returns its URI."""


class ReviewDatabase:
    """The console's loops and answers in one SQLite file."""

    def __init__(self, *, path: Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.path.touch(mode=0o600)
        self.path.chmod(0o600)  # reviewers' secrets: its -wal and -shm files take this mode
        with sqlite3.connect(self.path, timeout=30) as conn:
            conn.execute("PRAGMA journal_mode = WAL")
            conn.executescript(_SCHEMA)
            columns = {row[1] for row in conn.execute("PRAGMA table_info(loops)")}
            for column, statement in _MIGRATIONS.items():
                if column not in columns:
                    conn.execute(statement)
        conn.close()

    # -- the A2I runtime API ------------------------------------------------------------------

    def insert(self, loop: Loop) -> None:
        """Store a new loop; ``ConflictError`` if a loop of that name exists."""
        with self.transaction(write=True) as conn:
            deleted = conn.execute("SELECT 1 FROM loops WHERE name = ? AND deleted_time IS NOT "
                                   "NULL", (loop.name,)).fetchone()
            if deleted:
                raise ConflictError(f"a human loop named {loop.name!r} was deleted: its answers "
                                    "are kept, so the name is not used again")
            try:
                conn.execute(
                    "INSERT INTO loops (name, arn, flow_arn, role, task_count, record_id, status, "
                    "input_content, creation_time, output_uri) VALUES (:name, :arn, :flow_arn, "
                    ":role, :task_count, :record_id, :status, :input_content, :created, "
                    ":output_uri)",
                    asdict(loop),
                )
            except sqlite3.IntegrityError:
                raise ConflictError(f"a human loop named {loop.name!r} already exists") from None
        logger.info("human loop %s started in %s", loop.name, loop.flow_arn)

    def get(self, name: str) -> Loop:
        with self.transaction(write=False) as conn:
            return self._loop(conn, name)

    def page(self, *, flow_arn: str, created_after: float | None, created_before: float | None,
             descending: bool, limit: int, after: tuple[float, str] | None) -> list[Loop]:
        """Up to ``limit`` loops of a flow, ordered by (creation time, name), after ``after``."""
        where = ["flow_arn = ?", "deleted_time IS NULL"]
        params: list[Any] = [flow_arn]
        if created_after is not None:
            where.append("creation_time >= ?")
            params.append(created_after)
        if created_before is not None:
            where.append("creation_time < ?")
            params.append(created_before)
        if after is not None:
            where.append(f"(creation_time, name) {'<' if descending else '>'} (?, ?)")
            params.extend(after)
        order = "DESC" if descending else "ASC"
        sql = (f"SELECT * FROM loops WHERE {' AND '.join(where)} "
               f"ORDER BY creation_time {order}, name {order} LIMIT ?")
        with self.transaction(write=False) as conn:
            return [_row_loop(row) for row in conn.execute(sql, [*params, limit])]

    def stop(self, name: str, *, keep: Complete) -> None:
        """InProgress -> Stopped (stopping a stopped loop again is fine); the answers given so
        far, if any, become the loop's output through ``keep``."""
        with self.transaction(write=True) as conn:
            loop = self._loop(conn, name)
            if loop.status in ("Stopping", "Stopped"):
                return
            if loop.status != "InProgress":
                raise InvalidRequestError(
                    f"human loop {name!r} is {loop.status}: only an InProgress loop can be stopped"
                )
            answers = self._answers(conn, name)
            uri = keep(loop, answers) if answers else None
            conn.execute("UPDATE loops SET status = 'Stopped', output_uri = ? WHERE name = ?",
                         (uri, name))
        logger.info("human loop %s stopped with %d answer(s)", name, len(answers))

    def delete(self, name: str) -> None:
        """Hide a loop that is not InProgress (A2I: stop it first) from the A2I API; its
        answers and output stay."""
        with self.transaction(write=True) as conn:
            loop = self._loop(conn, name)
            if loop.status in ("InProgress", "Stopping"):
                raise InvalidRequestError(
                    f"human loop {name!r} is {loop.status}: stop it before deleting it"
                )
            conn.execute("UPDATE loops SET deleted_time = ? WHERE name = ?", (time.time(), name))
        logger.info("human loop %s deleted (its answers are kept)", name)

    # -- reviewers ------------------------------------------------------------------------------

    def open_loops(self, *, worker: str, flow_arns: Collection[str]) -> list[Loop]:
        """InProgress loops of ``flow_arns`` that ``worker`` may answer, oldest first."""
        if not flow_arns:
            return []
        marks = ", ".join("?" for _ in flow_arns)
        sql = f"""
            SELECT l.* FROM loops l
            WHERE l.status = 'InProgress' AND l.flow_arn IN ({marks})
              AND NOT EXISTS (SELECT 1 FROM assignments a
                              WHERE a.loop_name = l.name AND a.worker = ?
                                AND a.submitted_time IS NOT NULL)
              AND (l.role = 'expert' OR NOT EXISTS (
                  SELECT 1 FROM assignments a JOIN loops o ON o.name = a.loop_name
                  WHERE a.worker = ? AND a.submitted_time IS NOT NULL
                    AND o.record_id = l.record_id AND o.role != 'expert'))
            ORDER BY l.creation_time, l.name
        """
        with self.transaction(write=False) as conn:
            return [_row_loop(row) for row in conn.execute(sql, [*flow_arns, worker, worker])]

    def open_loop(self, *, name: str, worker: str, flow_arns: Collection[str]) -> Loop:
        """The loop if ``worker`` may answer it now; else the reason as a ``ConsoleError``."""
        with self.transaction(write=False) as conn:
            return self._open(conn, name, worker, flow_arns)

    def accept(self, *, name: str, worker: str, flow_arns: Collection[str]) -> Loop:
        """``open_loop``, noting when ``worker`` first opened the task (A2I's acceptanceTime)."""
        with self.transaction(write=True) as conn:
            loop = self._open(conn, name, worker, flow_arns)
            conn.execute(
                "INSERT OR IGNORE INTO assignments (loop_name, worker, accepted_time) "
                "VALUES (?, ?, ?)", (name, worker, time.time()),
            )
            return loop

    def submit(self, *, name: str, worker: str, flow_arns: Collection[str], not_a_course: bool,
               fields: dict[str, str], complete: Complete) -> Loop:
        """Record ``worker``'s answer (in the loop's role); the TaskCount-th one completes the
        loop, once ``complete`` has written its output."""
        now = time.time()
        with self.transaction(write=True) as conn:
            loop = self._open(conn, name, worker, flow_arns)
            answer = Answer(worker_id=worker, not_a_course=not_a_course, fields=fields,
                            role=loop.role)
            conn.execute(
                "INSERT INTO assignments VALUES (?, ?, ?, ?, ?) ON CONFLICT (loop_name, worker) "
                "DO UPDATE SET submitted_time = excluded.submitted_time, answer = excluded.answer",
                (name, worker, now, now, json.dumps(answer.to_dict(), ensure_ascii=False)),
            )
            answers = self._answers(conn, name)
            logger.info("human loop %s: answer %d of %d from %s",
                        name, len(answers), loop.task_count, worker)
            if len(answers) < loop.task_count:
                return loop
            uri = complete(loop, answers)
            conn.execute("UPDATE loops SET status = 'Completed', output_uri = ? WHERE name = ?",
                         (uri, name))
        logger.info("human loop %s completed: %s", name, uri)
        return self.get(name)

    # -- internals ------------------------------------------------------------------------------

    @contextmanager
    def transaction(self, *, write: bool) -> Iterator[sqlite3.Connection]:
        """A connection in a transaction (``write``: taking the write lock from the start)."""
        conn = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        try:
            conn.row_factory = sqlite3.Row
            conn.execute("PRAGMA foreign_keys = ON")
            conn.execute("BEGIN IMMEDIATE" if write else "BEGIN")
            try:
                yield conn
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")
        finally:
            conn.close()

    @staticmethod
    def _loop(conn: sqlite3.Connection, name: str) -> Loop:
        row = conn.execute("SELECT * FROM loops WHERE name = ? AND deleted_time IS NULL",
                           (name,)).fetchone()
        if row is None:
            raise NotFoundError(f"human loop {name!r} does not exist")
        return _row_loop(row)

    @staticmethod
    def _answers(conn: sqlite3.Connection, name: str) -> list[SubmittedAnswer]:
        rows = conn.execute(
            "SELECT * FROM assignments WHERE loop_name = ? AND submitted_time IS NOT NULL "
            "ORDER BY submitted_time, worker", (name,),
        )
        return [SubmittedAnswer(worker=row["worker"], answer=json.loads(row["answer"]),
                                accepted=_utc(row["accepted_time"]),
                                submitted=_utc(row["submitted_time"])) for row in rows]

    def _open(self, conn: sqlite3.Connection, name: str, worker: str,
              flow_arns: Collection[str]) -> Loop:
        loop = self._loop(conn, name)
        if loop.flow_arn not in flow_arns:
            raise ForbiddenError(f"task {name!r} is for another workteam (expert tasks are "
                                 "for expert accounts)")
        if loop.status != "InProgress":
            raise ConflictError(f"task {name!r} is closed ({loop.status}): it takes no answers")
        params = {"name": name, "worker": worker, "record_id": loop.record_id}
        answered = conn.execute(
            f"SELECT 1 FROM assignments a WHERE a.loop_name = :name AND {_ANSWERED}", params
        ).fetchone()
        if answered:
            raise ConflictError(f"you have already answered task {name!r}")
        if loop.role != "expert" and conn.execute(_ANSWERED_RECORD_IN_CROWD, params).fetchone():
            raise ConflictError(
                f"you have already reviewed record {loop.record_id!r} in another round"
            )
        return loop


def _row_loop(row: sqlite3.Row) -> Loop:
    return Loop(name=row["name"], arn=row["arn"], flow_arn=row["flow_arn"], role=row["role"],
                task_count=row["task_count"], record_id=row["record_id"], status=row["status"],
                input_content=row["input_content"], created=row["creation_time"],
                output_uri=row["output_uri"])
