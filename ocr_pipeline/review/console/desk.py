"""The reviewers' side of the console: open tasks, a task's page crop, answers.

Every method acts for one signed-in reviewer account and sees only what it may: tasks of
flows whose workteam includes it (expert tasks: expert accounts), never anyone else's answers.
"""

from __future__ import annotations

import logging
import mimetypes
from pathlib import Path
from urllib.parse import unquote, urlsplit

from ocr_pipeline.errors import (
    ForbiddenError,
    InvalidRequestError,
    NotFoundError,
    ObjectNotFoundError,
)
from ocr_pipeline.review.console.accounts import Account
from ocr_pipeline.review.console.db import Loop, ReviewDatabase
from ocr_pipeline.review.console.flows import FlowRegistry
from ocr_pipeline.review.console.output import LoopOutputs
from ocr_pipeline.storage.objects import LocalObjectStore

logger = logging.getLogger(__name__)

MAX_FIELD_CHARS = 10_000


class ReviewDesk:
    def __init__(self, *, db: ReviewDatabase, store: LocalObjectStore, flows: FlowRegistry,
                 outputs: LoopOutputs) -> None:
        self._db = db
        self._store = store
        self._flows = flows
        self._outputs = outputs

    def queue(self, reviewer: Account) -> list[Loop]:
        """Tasks ``reviewer`` may answer now, oldest first."""
        return self._db.open_loops(worker=reviewer.name, flow_arns=self._arns(reviewer))

    def take(self, reviewer: Account, name: str) -> Loop:
        """The task ``name`` for ``reviewer`` to answer (from now on: their acceptance time)."""
        return self._db.accept(name=name, worker=reviewer.name, flow_arns=self._arns(reviewer))

    def answer(self, reviewer: Account, name: str, *, not_a_course: bool,
               fields: dict[str, str]) -> Loop:
        """Record ``reviewer``'s answer to ``name``: the value of each field the task asks
        about, or "not a course"."""
        flow_arns = self._arns(reviewer)
        task = self._db.open_loop(name=name, worker=reviewer.name, flow_arns=flow_arns).task
        values = {} if not_a_course else _field_values(fields, asked=task.asked)
        return self._db.submit(name=name, worker=reviewer.name, flow_arns=flow_arns,
                               not_a_course=not_a_course, fields=values,
                               complete=self._outputs.write)

    def image(self, reviewer: Account, name: str) -> tuple[bytes, str]:
        """The page crop of a task ``reviewer`` may answer, and its media type.

        Only a ``file://`` image inside the object store is served, whatever the task says.
        """
        uri = self._db.open_loop(name=name, worker=reviewer.name,
                                 flow_arns=self._arns(reviewer)).task.image_uri
        parts = urlsplit(uri)
        if parts.scheme != "file" or parts.netloc not in ("", "localhost"):
            raise NotFoundError(f"task {name!r}: its image {uri!r} is not in the local store")
        path = Path(unquote(parts.path)).resolve()
        if not path.is_relative_to(self._store.root):
            logger.warning("task %s: refused image outside the object store: %s", name, uri)
            raise ForbiddenError(f"task {name!r}: its image is outside the object store")
        media_type = mimetypes.guess_type(path.name)[0] or ""
        if not media_type.startswith("image/"):
            raise ForbiddenError(f"task {name!r}: {path.name!r} is not an image")
        try:
            return self._store.get_bytes(path.relative_to(self._store.root).as_posix()), media_type
        except (ObjectNotFoundError, ValueError):
            raise NotFoundError(f"task {name!r}: its image is missing") from None

    def _arns(self, reviewer: Account) -> list[str]:
        return [flow.arn for flow in self._flows.allowed(reviewer)]


def _field_values(fields: dict[str, str], *, asked: tuple[str, ...]) -> dict[str, str]:
    """The answer's value of each ``asked`` field (others are ignored), trimmed."""
    missing = [name for name in asked if not isinstance(fields.get(name), str)]
    if missing:
        raise InvalidRequestError(f"the answer lacks a text value for {', '.join(missing)}")
    values = {}
    for name in asked:
        value = "\n".join(line.rstrip() for line in fields[name].strip().splitlines())
        if len(value) > MAX_FIELD_CHARS:
            raise InvalidRequestError(f"{name} is longer than {MAX_FIELD_CHARS} characters")
        values[name] = value
    return values
