"""Tests that the board's outbound fetches (did:web documents) end at a total deadline even
when the server sends one byte at a time, over real HTTP on 127.0.0.1."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Iterator

import httpx
import pytest
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse
from starlette.routing import Route

from wallet.board._fetch import deadline_client
from wallet.server import Limits, Running, application


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
    with deadline_client(1.0) as client:
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
    with deadline_client(1.0) as client:
        assert client.get(f"{server.url}/quick").json() == {"id": "did:web:example"}
