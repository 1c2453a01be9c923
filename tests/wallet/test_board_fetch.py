"""Tests the board's outbound fetches (did:web documents): they end at a total deadline even
when the server sends one byte at a time, and they reach this machine or a private network
only when the operator allows it (issue 14, finding 10), over real HTTP on 127.0.0.1."""

from __future__ import annotations

import asyncio
import socket
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse
from starlette.routing import Route

from did.errors import PrivateNetworkRefused
from wallet.board import board_service
from wallet.board._fetch import deadline_client
from wallet.server import Limits, Running, application

from .board_helpers import make_host


async def drip(_request: Request) -> Response:
    async def body() -> AsyncIterator[bytes]:
        for _ in range(100):
            yield b"{"
            await asyncio.sleep(0.2)  # the hostile server's pace, not the test's

    return StreamingResponse(body(), media_type="application/json")


async def quick(_request: Request) -> Response:
    return Response(b'{"id": "did:web:example"}', media_type="application/json")


@pytest.fixture
def server() -> Iterator[Running]:
    limits = Limits(deadline=60)
    app = application([Route("/drip", drip), Route("/quick", quick)], limits)
    with Running(app, limits=limits) as running:
        yield running


def test_a_dripping_server_is_cut_off_at_the_total_deadline(server: Running) -> None:
    with deadline_client(1.0, allow_private_network=True) as client:
        began = time.monotonic()
        with (
            pytest.raises(httpx.TimeoutException),
            client.stream("GET", f"{server.url}/drip") as response,
        ):
            for _chunk in response.iter_bytes():
                pass
        elapsed = time.monotonic() - began
    assert 0.9 < elapsed < 1.8


def test_a_prompt_server_is_read_whole(server: Running) -> None:
    with deadline_client(1.0, allow_private_network=True) as client:
        assert client.get(f"{server.url}/quick").json() == {"id": "did:web:example"}


def test_the_board_does_not_fetch_from_this_machine_unless_allowed(server: Running) -> None:
    with deadline_client(1.0) as client, pytest.raises(PrivateNetworkRefused):
        client.get(f"{server.url}/quick")


def test_the_board_resolves_no_did_web_on_this_machine_by_default(tmp_path: Path) -> None:
    host = make_host(str(tmp_path / "board.db"), tmp_path / "keys")
    service = board_service(host, None)
    try:
        with pytest.raises(PrivateNetworkRefused):
            service.resolver.resolve_document("did:web:localhost%3A8443")
        # Through the deadline transport: a name that resolves to this machine is refused at
        # connect time, before any request.
        with pytest.raises(PrivateNetworkRefused):
            service.resolver.http_client.get(f"https://localhost:{_unused_port()}/")
    finally:
        service.close()


def _unused_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port
