"""The reviewers' web pages, and the same actions as JSON under ``/api``.

A reviewer signs in with the one-time link printed for their account (``accounts``) and stays
signed in through a signed, expiring session cookie (``sessions``). A reviewer sees their own
queue and tasks, the page crop and the extracted values; never anyone else's answers.
"""

# Without ``from __future__ import annotations``: FastAPI reads the annotations of the
# routes below, which name ``Reviewer``, a type local to the function that adds them.

from collections.abc import Callable
from typing import Annotated, Any
from urllib.parse import parse_qsl, urlsplit

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import RedirectResponse

from ocr_pipeline.errors import (
    ForbiddenError,
    InvalidRequestError,
    NotSignedInError,
)
from ocr_pipeline.review.console.accounts import SIGN_IN_PATH, Account, ReviewerAccounts
from ocr_pipeline.review.console.api import JsonBody
from ocr_pipeline.review.console.desk import ReviewDesk
from ocr_pipeline.review.console.pages import SECURITY_HEADERS, render
from ocr_pipeline.review.console.sessions import ReviewerSessions
from ocr_pipeline.review.contract import FIELDS

API_PREFIX = "/api"
BAD_LINK = ("This sign-in link does not work: it was used already, it expired, or it was never "
            "issued. Ask for a new one.")


async def form_body(request: Request) -> dict[str, str]:
    """An ``application/x-www-form-urlencoded`` body (the last value of a repeated field),
    posted from this console's own pages (a browser's Origin, when it sends one, says so)."""
    origin = request.headers.get("origin")
    if origin and urlsplit(origin).netloc != request.headers.get("host"):
        raise ForbiddenError("forms posted from another site are refused")
    try:
        return dict(parse_qsl((await request.body()).decode("utf-8"), keep_blank_values=True,
                              max_num_fields=50))
    except (UnicodeDecodeError, ValueError):
        raise InvalidRequestError("the form data is not valid") from None


FormBody = Annotated[dict[str, str], Depends(form_body)]


def _see_other(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


def web_router(*, desk: ReviewDesk, accounts: ReviewerAccounts,
               sessions: ReviewerSessions) -> APIRouter:
    """The pages, and their JSON twins under ``API_PREFIX``, for reviewers signed in through
    ``sessions``."""
    router = APIRouter()

    def signed_in(request: Request) -> Account:
        reviewer = sessions.reviewer(request)
        if reviewer is None:
            raise NotSignedInError("sign in first, with the sign-in link you were given")
        request.state.reviewer = reviewer  # for the error pages' header
        return reviewer

    _add_sign_in_pages(router, accounts=accounts, sessions=sessions)
    _add_task_pages(router, desk=desk, signed_in=signed_in)
    _add_api_routes(router, desk=desk, signed_in=signed_in)
    return router


def _add_sign_in_pages(router: APIRouter, *, accounts: ReviewerAccounts,
                       sessions: ReviewerSessions) -> None:
    """The home page, signing in with a one-time link, and signing out."""

    def shown(request: Request) -> str | None:
        reviewer = sessions.reviewer(request)
        return reviewer.name if reviewer else None

    @router.get("/")
    def home(request: Request) -> Response:
        return _see_other("/tasks" if shown(request) else SIGN_IN_PATH)

    @router.get(SIGN_IN_PATH)
    def sign_in_page(request: Request, token: str = "") -> Response:
        return render("sign_in.html", reviewer=shown(request), token=token, error=None)

    @router.post(SIGN_IN_PATH)
    def sign_in(form: FormBody) -> Response:
        account = accounts.redeem(form.get("token", ""))
        if account is None:
            return render("sign_in.html", status=403, token="", error=BAD_LINK)
        response = _see_other("/tasks")
        sessions.start(response, account)
        return response

    @router.post("/sign-out")
    def sign_out() -> Response:
        response = _see_other(SIGN_IN_PATH)
        sessions.end(response)
        return response


def _add_task_pages(router: APIRouter, *, desk: ReviewDesk,
                    signed_in: Callable[[Request], Account]) -> None:
    """The signed-in reviewer's queue and tasks: a task's page, its answer, its page crop."""
    Reviewer = Annotated[Account, Depends(signed_in)]

    @router.get("/tasks")
    def queue_page(reviewer: Reviewer, saved: bool = False) -> Response:
        return render("queue.html", reviewer=reviewer.name, tasks=desk.queue(reviewer),
                      saved=saved)

    @router.get("/tasks/next")
    def next_task(reviewer: Reviewer, saved: bool = False) -> Response:
        tasks = desk.queue(reviewer)
        suffix = "?saved=1" if saved else ""
        return _see_other(f"/tasks/{tasks[0].name}{suffix}" if tasks else f"/tasks{suffix}")

    @router.get("/tasks/{name}")
    def task_page(name: str, reviewer: Reviewer, saved: bool = False) -> Response:
        human_loop = desk.take(reviewer, name)
        return render("task.html", reviewer=reviewer.name, human_loop=human_loop,
                      task=human_loop.task, saved=saved)

    @router.post("/tasks/{name}")
    def submit_task(name: str, form: FormBody, reviewer: Reviewer) -> Response:
        desk.answer(reviewer, name, not_a_course="not_a_course" in form,
                    fields={field: form.get(field, "") for field in FIELDS})
        return _see_other("/tasks/next?saved=1")

    @router.get("/tasks/{name}/image")
    def task_image(name: str, reviewer: Reviewer) -> Response:
        data, media_type = desk.image(reviewer, name)
        return Response(data, media_type=media_type, headers=SECURITY_HEADERS)


def _add_api_routes(router: APIRouter, *, desk: ReviewDesk,
                    signed_in: Callable[[Request], Account]) -> None:
    """The signed-in reviewer's queue and answers as JSON, under ``API_PREFIX``."""
    Reviewer = Annotated[Account, Depends(signed_in)]

    @router.get(f"{API_PREFIX}/tasks")
    def api_queue(reviewer: Reviewer) -> dict[str, Any]:
        return {"reviewer": reviewer.name, "tasks": [
            {"name": loop.name, "role": loop.role, "input": loop.task.to_dict()}
            for loop in desk.queue(reviewer)
        ]}

    @router.post(f"{API_PREFIX}/tasks/{{name}}/answer")
    def api_answer(name: str, body: JsonBody, reviewer: Reviewer) -> dict[str, Any]:
        if body.get("worker_id", reviewer.name) != reviewer.name:
            raise ForbiddenError(f"signed in as {reviewer.name!r}: you can only answer as "
                                 "yourself")
        not_a_course = body.get("not_a_course", False)
        fields = body.get("fields", {})
        if not isinstance(not_a_course, bool) or not isinstance(fields, dict):
            raise InvalidRequestError("expected {\"not_a_course\": bool, \"fields\": {...}}")
        loop = desk.answer(reviewer, name, not_a_course=not_a_course, fields=fields)
        return {"name": loop.name, "status": loop.status}
