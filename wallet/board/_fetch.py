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
    total: float, *, clock: Callable[[], float] = time.monotonic, verify: object = True
) -> httpx.Client:
    """An httpx client whose every request must complete within `total` seconds."""
    import httpx

    class _Stream(httpx.SyncByteStream):
        def __init__(self, inner: httpx.SyncByteStream, ends: float) -> None:
            self._inner = inner
            self._ends = ends

        def __iter__(self) -> Iterator[bytes]:
            for chunk in self._inner:
                if clock() > self._ends:
                    raise httpx.ReadTimeout(f"no complete response within {total:g} s")
                yield chunk

        def close(self) -> None:
            self._inner.close()

    class _Transport(httpx.HTTPTransport):
        def handle_request(self, request: httpx.Request) -> httpx.Response:
            ends = clock() + total
            response = super().handle_request(request)
            assert isinstance(response.stream, httpx.SyncByteStream)
            response.stream = _Stream(response.stream, ends)
            return response

    # Each read may wait at most a third of the total, so a dripping server is cut off
    # within about 1.3 times the deadline.
    timeout = httpx.Timeout(total, read=total / 3)
    return httpx.Client(
        transport=_Transport(verify=verify),  # type: ignore[arg-type]
        timeout=timeout,
        follow_redirects=False,
        trust_env=False,
    )
