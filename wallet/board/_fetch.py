"""Provides the board's outbound HTTP: every fetch (did:web documents) has a total deadline.

httpx's timeouts bound each read, not the whole response, so a server that sends one byte
every few seconds could hold a verification (and the voter waiting for it) indefinitely.
This transport checks the time left before each read and gives up at the deadline.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import httpx


def deadline_client(
    total: float,
    *,
    clock: Callable[[], float] = time.monotonic,
    verify: object = True,
    allow_private_network: bool = False,
) -> httpx.Client:
    """An httpx client whose every request must complete within `total` seconds.

    It connects only to public addresses unless `allow_private_network`: the board resolves
    did:web hosts that voters choose, and must not become their way into the board's own
    machine or network (the rule and its transport are did's, `did.web_transport`).
    """
    import httpx

    from did import web_transport

    inner = web_transport(
        verify=verify, trust_env=False, allow_private_network=allow_private_network
    )

    class _Stream(httpx.SyncByteStream):
        def __init__(self, stream: httpx.SyncByteStream, ends: float) -> None:
            self._inner = stream
            self._ends = ends

        def __iter__(self) -> Iterator[bytes]:
            for chunk in self._inner:
                if clock() > self._ends:
                    raise httpx.ReadTimeout(f"no complete response within {total:g} s")
                yield chunk

        def close(self) -> None:
            self._inner.close()

    class _Transport(httpx.BaseTransport):
        def handle_request(self, request: httpx.Request) -> httpx.Response:
            ends = clock() + total
            response = inner.handle_request(request)
            assert isinstance(response.stream, httpx.SyncByteStream)
            response.stream = _Stream(response.stream, ends)
            return response

        def close(self) -> None:
            inner.close()

    # Each read may wait at most a third of the total, so a dripping server is cut off
    # within about 1.3 times the deadline.
    timeout = httpx.Timeout(total, read=total / 3)
    return httpx.Client(
        transport=_Transport(), timeout=timeout, follow_redirects=False, trust_env=False
    )
