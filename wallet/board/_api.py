"""Provides the board's HTTP API (docs/board-api.md) over a `BoardService`.

Handlers that touch the store or verify entries run in worker threads (Starlette's thread
pool), so the event loop keeps accepting and refusing requests while proofs are checked.
"""

from __future__ import annotations

from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from wallet.board._service import BoardService
from wallet.board._status_lists import Refused
from wallet.board._tiles import TilePath, TilePathError
from wallet.server import Guard, Limits, Problem, application

IMMUTABLE = "public, max-age=31536000, immutable"
MUTABLE = "no-cache, max-age=0"
ENTRY_TYPES = ("application/json",)


def _problem(refused: Refused) -> Problem:
    return Problem(refused.status, refused.name, refused.detail, refused.extensions)


async def _call(function: Any, *args: Any) -> Any:
    try:
        return await run_in_threadpool(function, *args)
    except Refused as refused:
        raise _problem(refused) from None


def _service(request: Request) -> BoardService:
    service: BoardService = request.app.state.board
    return service


async def board_info(request: Request) -> Response:
    service = _service(request)
    info = service.host.info
    return JSONResponse(
        {"board": info.board_id, "name": info.name, "vkey": info.vkey, "api": "ssi-wallet-board/1"},
        headers={"Cache-Control": MUTABLE},
    )


async def elections(request: Request) -> Response:
    listing = await _call(_service(request).elections)
    return JSONResponse(
        {"elections": [item.to_json() for item in listing]}, headers={"Cache-Control": MUTABLE}
    )


async def submit(request: Request) -> Response:
    media = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media not in ENTRY_TYPES:
        raise Problem(415, "unsupported-media-type", "send the entry as application/json")
    election = request.path_params["election"]
    accepted = await run_in_threadpool(_submit, _service(request), election, await request.body())
    return JSONResponse(
        accepted.to_json(),
        status_code=201 if accepted.created else 200,
        headers={"Cache-Control": "no-store"},
    )


async def head(request: Request) -> Response:
    data = await _call(_service(request).head, request.path_params["election"])
    return JSONResponse(data, headers={"Cache-Control": "no-store"})


def _submit(service: BoardService, election: str, data: bytes) -> Any:
    from voting.errors import StorageError

    try:
        return service.submit(election, data)
    except Refused as refused:
        raise _problem(refused) from None
    except StorageError:
        # Nothing was appended (the transaction rolled back); the same bytes may be resent.
        raise Problem(
            503, "store-unavailable", "the board could not write its log; send the entry again"
        ) from None


async def checkpoint(request: Request) -> Response:
    note = await _call(_service(request).checkpoint, request.path_params["election"])
    return Response(
        note, media_type="text/plain; charset=utf-8", headers={"Cache-Control": MUTABLE}
    )


async def tile(request: Request) -> Response:
    try:
        path = TilePath.parse(request.path_params["path"])
    except TilePathError as exc:
        raise Problem(404, "not-found", f"not a tile path: {exc}") from None
    data = await _call(_service(request).tile, request.path_params["election"], path)
    return Response(
        data,
        media_type="application/octet-stream",
        headers={"Cache-Control": IMMUTABLE if path.is_full else MUTABLE},
    )


async def publish_status_list(request: Request) -> Response:
    media = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media not in ENTRY_TYPES:
        raise Problem(415, "unsupported-media-type", "send the credential as application/json")
    from did import parse_json
    from did.errors import DidError

    # The one strict parser: a repeated member, NaN or nesting past its cap is a 400, never
    # an internal error or whatever the last repeated member said.
    try:
        credential = parse_json(await request.body())
    except DidError as exc:
        raise Problem(400, "malformed-json", f"the body is not I-JSON: {exc}") from None
    if not isinstance(credential, dict):
        raise Problem(400, "malformed-status-list", "want a status list credential object")
    await _call(_verify_and_publish, _service(request), credential)
    return Response(status_code=204)


async def status_list(request: Request) -> Response:
    """A published status list credential, by the first 32 hex digits of SHA-256(its id)."""
    key = request.path_params["key"]
    data = await _call(_service(request).status_lists.by_key, key)
    return JSONResponse(data, headers={"Cache-Control": MUTABLE})


def _verify_and_publish(service: BoardService, credential: dict[str, Any]) -> None:
    import did
    from did.errors import DidError

    try:
        # The board only hosts lists for their issuers: whether an issuer counts is judged at
        # close against the election's eligibility rule, so here any signer is accepted.
        report = did.verify_credential(
            credential, now=service.now(), resolver=service.resolver, trust=did.TrustAny()
        )
    except DidError as exc:
        raise Refused(400, "malformed-status-list", str(exc)[:300]) from None
    if not report.verified:
        raise Refused(400, "unverified-status-list", "the status list credential does not verify")
    service.status_lists.publish(credential)


def board_app(service: BoardService, limits: Limits) -> Guard:
    """The guarded ASGI app of one board."""
    routes = [
        Route("/", board_info, methods=["GET"]),
        Route("/elections", elections, methods=["GET"]),
        Route("/elections/{election}/entries", submit, methods=["POST"]),
        Route("/elections/{election}/head", head, methods=["GET"]),
        Route("/elections/{election}/checkpoint", checkpoint, methods=["GET"]),
        Route("/elections/{election}/tile/{path:path}", tile, methods=["GET"]),
        Route("/status-lists", publish_status_list, methods=["POST"]),
        Route("/status-lists/{key}", status_list, methods=["GET"]),
    ]
    return application(routes, limits, board=service)
