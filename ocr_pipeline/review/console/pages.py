"""The reviewers' HTML pages: Jinja2 templates with autoescaping, so every title,
description and reviewer name is shown as text, never as markup."""

from __future__ import annotations

from typing import Any

from fastapi.responses import HTMLResponse
from jinja2 import DictLoader, Environment, StrictUndefined

LABELS = {"course_code": "Course code", "title": "Title", "credits_text": "Credits",
          "description": "Description", "prerequisites": "Prerequisites",
          "corequisites": "Corequisites"}
"""The form label of each reviewed field (``contract.FIELDS``)."""
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; "
                               "form-action 'self'; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",  # no-referrer would make browsers send "Origin: null"
    "Cache-Control": "no-store",
}

_TEMPLATES = {
    "base.html": """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{% block title %}Review console{% endblock %} · OCR review</title>
<style>
 body { font: 15px/1.45 system-ui, sans-serif; margin: 0; color: #222; }
 header, footer { padding: .6rem 1.2rem; background: #f3f3f3; display: flex; gap: 1rem;
                  align-items: center; }
 header form { margin-left: auto; }
 footer { font-size: 13px; color: #555; }
 main { padding: 1rem 1.2rem; }
 .notice { background: #eef7ee; border: 1px solid #9c9; padding: .5rem .8rem; }
 .warning { background: #fff6e0; border: 1px solid #e0b050; padding: .5rem .8rem; }
 .error { background: #fdecec; border: 1px solid #d99; padding: .5rem .8rem; }
 .task { display: flex; gap: 1.5rem; align-items: flex-start; flex-wrap: wrap; }
 .task img { max-width: 55vw; border: 1px solid #ccc; }
 .task form { flex: 1; min-width: 22rem; }
 label { display: block; font-weight: 600; margin-top: .8rem; }
 input[type=text], textarea { width: 100%; box-sizing: border-box; font: inherit; }
 textarea { min-height: 8rem; }
 table { border-collapse: collapse; }
 td, th { padding: .3rem .7rem; border-bottom: 1px solid #ddd; text-align: left; }
 button { font: inherit; padding: .3rem .9rem; }
</style>
</head>
<body>
<header>
 <strong>OCR review console</strong>
 {% if reviewer %}
 <span>Signed in as <b>{{ reviewer }}</b> · <a href="/tasks">My tasks</a></span>
 <form method="post" action="/sign-out"><button type="submit">Sign out</button></form>
 {% endif %}
</header>
<main>
{% block main %}{% endblock %}
</main>
<footer>
 Each reviewer signs in with the one-time link made for their account; expert tasks go to
 expert accounts only. The console listens on 127.0.0.1 (this machine only) unless it was
 started with another host.
</footer>
</body>
</html>
""",
    "sign_in.html": """{% extends "base.html" %}
{% block title %}Sign in{% endblock %}
{% block main %}
<h1>Sign in</h1>
{% if error %}<p class="error">{{ error }}</p>{% endif %}
{% if token %}
<p>This link signs you in once, on this browser.</p>
<form method="post" action="/sign-in">
 <input type="hidden" name="token" value="{{ token }}">
 <p><button type="submit" id="sign-in">Sign in</button></p>
</form>
{% else %}
<p>Sign in with the link made for your account: whoever runs this console prints one with
 <code>ocr-pipeline review-console add-reviewer NAME</code> (a new one for an existing account:
 <code>ocr-pipeline review-console sign-in-link NAME</code>). Each link works once.</p>
{% endif %}
{% endblock %}
""",
    "queue.html": """{% extends "base.html" %}
{% block title %}My tasks{% endblock %}
{% block main %}
{% if saved %}<p class="notice">Your answer was saved.</p>{% endif %}
<h1>Open tasks for {{ reviewer }}</h1>
{% if tasks %}
<p>{{ tasks | length }} task{{ "s" if tasks | length != 1 }} waiting.
 <a href="/tasks/{{ tasks[0].name }}">Start with the first</a>.</p>
<table>
 <tr><th>Course code</th><th>Title</th><th>Catalog</th><th>Page</th><th>Round</th></tr>
 {% for human_loop in tasks %}{% set task = human_loop.task %}
 <tr>
  <td><a href="/tasks/{{ human_loop.name }}">
   {{- task.fields.get("course_code") or "(none)" -}}
  </a></td>
  <td>{{ task.fields.get("title", "") }}</td>
  <td>{{ task.catalog_id }}</td>
  <td>{{ task.page }}</td>
  <td>{{ human_loop.role }}</td>
 </tr>
 {% endfor %}
</table>
{% else %}
<p>Nothing to review right now. New tasks appear here as the pipeline starts them.</p>
{% endif %}
{% endblock %}
""",
    "task.html": """{% extends "base.html" %}
{% block title %}Review {{ task.fields.get("course_code", "") }}{% endblock %}
{% block main %}
{% if saved %}<p class="notice">Your answer was saved. Here is the next task.</p>{% endif %}
<h1>Check this course entry</h1>
<p>Catalog <b>{{ task.catalog_id }}</b>, page {{ task.page }} · round: {{ human_loop.role }}</p>
<div class="task">
 <img src="/tasks/{{ human_loop.name }}/image" alt="The catalog page around this entry">
 <form method="post" action="/tasks/{{ human_loop.name }}">
  <p>Confirm each value as printed on the page, or correct it. Leave a field empty when the
   entry has none (no prerequisites, for instance).</p>
  {% for name in task.asked %}
  <label for="{{ name }}">{{ labels[name] }}</label>
  {% if name == "description" %}
  <textarea id="{{ name }}" name="{{ name }}">{{ task.fields.get(name, "") }}</textarea>
  {% else %}
  <input type="text" id="{{ name }}" name="{{ name }}" value="{{ task.fields.get(name, "") }}">
  {% endif %}
  {% endfor %}
  <label><input type="checkbox" name="not_a_course" value="1">
   Not a course (a heading, a note, or a misread): ignore the fields above</label>
  <p><button type="submit">Submit</button> <a href="/tasks">Back to my tasks</a></p>
 </form>
</div>
{% endblock %}
""",
    "error.html": """{% extends "base.html" %}
{% block title %}Error{% endblock %}
{% block main %}
<h1>That did not work</h1>
<p class="error">{{ message }}</p>
<p><a href="/tasks">Back to my tasks</a></p>
{% endblock %}
""",
}

_ENV = Environment(loader=DictLoader(_TEMPLATES), autoescape=True, undefined=StrictUndefined,
                   trim_blocks=True, lstrip_blocks=True)


def render(template: str, *, status: int = 200, reviewer: str | None = None,
           **context: Any) -> HTMLResponse:
    html = _ENV.get_template(template).render(reviewer=reviewer, labels=LABELS, **context)
    return HTMLResponse(html, status_code=status, headers=SECURITY_HEADERS)
