"""The reviewers' web pages, and the same actions as JSON under ``/api``.

Sign-in is a name in a cookie (no passwords: the console is local). A reviewer sees their own
queue and tasks, the page crop and the extracted values; never anyone else's answers.
"""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import parse_qsl, urlsplit

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import RedirectResponse

from ocr_pipeline.review.console.api import JsonBody
from ocr_pipeline.review.console.desk import ReviewDesk
from ocr_pipeline.review.console.errors import (
    ForbiddenError,
    InvalidRequestError,
    NotSignedInError,
)
from ocr_pipeline.review.console.flows import reviewer_name
from ocr_pipeline.review.console.pages import SECURITY_HEADERS, render
from ocr_pipeline.review.contract import FIELDS

COOKIE = "ocr_review_reviewer"
API_PREFIX = "/api"


def current_reviewer(request: Request) -> str | None:
    """The signed-in reviewer's name, if the cookie holds a valid one."""
    raw = request.cookies.get(COOKIE)
    try:
        return reviewer_name(raw) if raw else None
    except InvalidRequestError:
        return None


def signed_in(request: Request) -> str:
    reviewer = current_reviewer(request)
    if reviewer is None:
        raise NotSignedInError("sign in first")
    return reviewer


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


Reviewer = Annotated[str, Depends(signed_in)]
FormBody = Annotated[dict[str, str], Depends(form_body)]


def _see_other(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


def web_router(*, desk: ReviewDesk) -> APIRouter:
    router = APIRouter()

    @router.get("/")
    def home(request: Request) -> Response:
        return _see_other("/tasks" if current_reviewer(request) else "/sign-in")

    @router.get("/sign-in")
    def sign_in_page(request: Request) -> Response:
        return render("sign_in.html", reviewer=current_reviewer(request), name="", error=None)

    @router.post("/sign-in")
    def sign_in(form: FormBody) -> Response:
        raw = form.get("name", "")
        try:
            reviewer = reviewer_name(raw)
        except InvalidRequestError as exc:
            return render("sign_in.html", status=400, name=raw, error=str(exc))
        response = _see_other("/tasks")
        response.set_cookie(COOKIE, reviewer, httponly=True, samesite="strict",
                            max_age=30 * 24 * 3600)
        return response

    @router.post("/sign-out")
    def sign_out() -> Response:
        response = _see_other("/sign-in")
        response.delete_cookie(COOKIE, httponly=True, samesite="strict")
        return response

    @router.get("/tasks")
    def queue_page(reviewer: Reviewer, saved: bool = False) -> Response:
        return render("queue.html", reviewer=reviewer, tasks=desk.queue(reviewer), saved=saved)

    @router.get("/tasks/next")
    def next_task(reviewer: Reviewer, saved: bool = False) -> Response:
        tasks = desk.queue(reviewer)
        suffix = "?saved=1" if saved else ""
        return _see_other(f"/tasks/{tasks[0].name}{suffix}" if tasks else f"/tasks{suffix}")

    @router.get("/tasks/{name}")
    def task_page(name: str, reviewer: Reviewer, saved: bool = False) -> Response:
        human_loop = desk.take(reviewer, name)
        return render("task.html", reviewer=reviewer, human_loop=human_loop,
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

    @router.get(f"{API_PREFIX}/tasks")
    def api_queue(reviewer: Reviewer) -> dict[str, Any]:
        return {"reviewer": reviewer, "tasks": [
            {"name": loop.name, "role": loop.role, "input": loop.task.to_dict()}
            for loop in desk.queue(reviewer)
        ]}

    @router.post(f"{API_PREFIX}/tasks/{{name}}/answer")
    def api_answer(name: str, body: JsonBody, reviewer: Reviewer) -> dict[str, Any]:
        if body.get("worker_id", reviewer) != reviewer:
            raise ForbiddenError(f"signed in as {reviewer!r}: you can only answer as yourself")
        not_a_course = body.get("not_a_course", False)
        fields = body.get("fields", {})
        if not isinstance(not_a_course, bool) or not isinstance(fields, dict):
            raise InvalidRequestError("expected {\"not_a_course\": bool, \"fields\": {...}}")
        loop = desk.answer(reviewer, name, not_a_course=not_a_course, fields=fields)
        return {"name": loop.name, "status": loop.status}

    return router
