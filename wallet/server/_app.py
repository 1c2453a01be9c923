"""Provides `application`: a Starlette app whose every refusal is RFC 9457 problem details,
wrapped in the guard that enforces the server's limits."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute

from wallet.server._guard import ERROR_LOG, Guard, Scope
from wallet.server._limits import Limits
from wallet.server._problems import PROBLEM_JSON, Problem

_NAMES = {
    400: "bad-request",
    404: "not-found",
    405: "method-not-allowed",
    413: "content-too-large",
    415: "unsupported-media-type",
}


def problem_response(problem: Problem) -> Response:
    """The response that carries `problem`."""
    return Response(
        problem.body(),
        status_code=problem.status,
        media_type=PROBLEM_JSON,
        headers={"Cache-Control": "no-store", **problem.headers},
    )


async def _on_problem(_request: Request, exc: Exception) -> Response:
    assert isinstance(exc, Problem)
    return problem_response(exc)


async def _on_http_exception(_request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    name = _NAMES.get(exc.status_code, f"http-{exc.status_code}")
    detail = exc.detail if exc.status_code != 404 else "no such resource"
    return problem_response(Problem(exc.status_code, name, str(detail), headers=exc.headers))


async def _on_crash(request: Request, exc: Exception) -> Response:
    # The type only: a message or traceback could carry request data. Logged before the
    # answer goes out, so the log and the answer agree on what happened.
    ERROR_LOG.error(
        "internal error %s on %s %s", type(exc).__name__, request.method, request.url.path
    )
    return problem_response(Problem(500, "internal-error", "the server failed"))


def application(
    routes: Sequence[BaseRoute],
    limits: Limits,
    *,
    unslotted: Callable[[Scope], bool] | None = None,
    **state: Any,
) -> Guard:
    """A guarded Starlette app over `routes`; `state` goes into `app.state` for handlers;
    `unslotted` picks the requests that wait without taking a slot (see `Guard`)."""
    app = Starlette(
        routes=list(routes),
        exception_handlers={
            Problem: _on_problem,
            HTTPException: _on_http_exception,
            Exception: _on_crash,
        },
    )
    for key, value in state.items():
        setattr(app.state, key, value)
    return Guard(app, limits, unslotted=unslotted)
