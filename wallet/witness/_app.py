"""Provides the witness's HTTP interface (c2sp.org/tlog-witness §HTTP Interface).

`POST /add-checkpoint` takes the request body of §add-checkpoint and answers 200 with the
cosignature line, 409 with the witness's size as `text/x.tlog.size`, or the spec's 400, 403,
404 or 422 as problem details. `GET /<origin hash>/checkpoint` (§Monitor Retrieval
Mechanism) serves the latest cosigned checkpoint of a log. Both prefixes are the server root.
Bodies are bounded by the server guard (413 beyond `MAX_BODY_BYTES`).
"""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from voting.errors import SizeConflict, UnknownLog, WitnessError
from voting.witness import MAX_BODY_BYTES, SIZE_CONTENT_TYPE, Witness, size_body
from wallet.server import Limits, Problem, application

if TYPE_CHECKING:
    from wallet.server import Guard

NOTE_TYPE = "text/plain; charset=utf-8"
_NAMES = {
    400: "malformed-add-checkpoint",
    403: "untrusted-checkpoint",
    404: "unknown-log",
    422: "inconsistent-checkpoint",
}


def witness_limits() -> Limits:
    """The server limits of a witness: small bodies, the plumbing's defaults otherwise."""
    return Limits(max_body=MAX_BODY_BYTES)


async def _add_checkpoint(request: Request) -> Response:
    witness: Witness = request.app.state.witness
    body = await request.body()
    try:
        # Signing and the synced SQLite commit block, so they run off the event loop.
        done = await run_in_threadpool(witness.add_checkpoint, body)
    except SizeConflict as exc:
        # Set as a header, not a media type: Starlette would append a charset parameter,
        # and the spec names the content type exactly.
        return Response(
            size_body(exc.current_size),
            status_code=409,
            headers={"Content-Type": SIZE_CONTENT_TYPE, "Cache-Control": "no-store"},
        )
    except WitnessError as exc:
        raise Problem(exc.status, _NAMES.get(exc.status, "refused"), str(exc)) from None
    return Response(
        done.response_body(),
        media_type=NOTE_TYPE,
        headers={"Cache-Control": "no-store"},
    )


async def _checkpoint(request: Request) -> Response:
    witness: Witness = request.app.state.witness
    wanted = str(request.path_params["origin_hash"])
    logs = await run_in_threadpool(witness.state.logs)
    for origin in logs:
        if hashlib.sha256(origin.encode("utf-8")).hexdigest() == wanted:
            try:
                note = await run_in_threadpool(witness.latest, origin)
            except UnknownLog:
                break
            return Response(note.encode("utf-8"), media_type=NOTE_TYPE)
    raise Problem(404, "unknown-log", "no checkpoint cosigned for that origin hash")


def witness_app(witness: Witness, limits: Limits | None = None) -> Guard:
    """The guarded ASGI app of `witness`."""
    routes = [
        Route("/add-checkpoint", _add_checkpoint, methods=["POST"]),
        Route("/{origin_hash:str}/checkpoint", _checkpoint, methods=["GET"]),
    ]
    return application(routes, limits or witness_limits(), witness=witness)
