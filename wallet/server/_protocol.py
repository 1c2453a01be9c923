"""Provides the HTTP/1.1 connection of wallet servers: uvicorn's h11 protocol with a
deadline on the request headers.

uvicorn bounds an idle kept-alive connection but not a request whose headers arrive one
byte at a time, nor a connection that never sends anything. This protocol arms a timer when
a connection opens and at the first byte of each request; if the headers are not complete
at the deadline it answers 408 and closes. The request's start time goes into the ASGI scope
so the guard (`_guard.py`) counts the header time against the same total deadline.
"""

from __future__ import annotations

import asyncio
import socket
from typing import Any

from uvicorn.protocols.http.h11_impl import H11Protocol

from wallet.server._guard import STARTED_KEY
from wallet.server._problems import Problem

# Set by `_run.py` on the uvicorn config before the server starts.
DEADLINE_ATTRIBUTE = "wallet_deadline"


class DeadlineH11Protocol(H11Protocol):
    """uvicorn's h11 protocol with a header deadline (seconds on the loop's clock)."""

    def __init__(self, config: Any, *args: Any, **kwargs: Any) -> None:
        super().__init__(config, *args, **kwargs)
        self._deadline = float(getattr(config, DEADLINE_ATTRIBUTE, 30.0))
        self._header_timer: asyncio.TimerHandle | None = None
        self._request_started = 0.0
        self._got_bytes = False

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        # h11 writes a response's head and body separately; with Nagle's algorithm on, the
        # body waits for the client's delayed ACK of the head (about 40 ms on Linux), which
        # made every request on loopback cost 44 ms. Responses go out at once instead.
        sock = transport.get_extra_info("socket")
        if sock is not None and sock.family in (socket.AF_INET, socket.AF_INET6):
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self._arm()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        if self._awaiting_headers():
            self._got_bytes = True
            if self._header_timer is None:
                self._arm()
        super().data_received(data)
        if not self._awaiting_headers() and self._header_timer is not None:
            self._disarm()
            # Same dict as the running cycle's scope; its task has not started yet.
            self.scope[STARTED_KEY] = self._request_started  # type: ignore[literal-required]

    def on_response_complete(self) -> None:
        self._got_bytes = False
        super().on_response_complete()

    def _awaiting_headers(self) -> bool:
        return self.cycle is None or self.cycle.response_complete

    def _arm(self) -> None:
        self._request_started = self.loop.time()
        self._header_timer = self.loop.call_later(self._deadline, self._headers_too_slow)

    def _disarm(self) -> None:
        if self._header_timer is not None:
            self._header_timer.cancel()
            self._header_timer = None

    def _headers_too_slow(self) -> None:
        self._header_timer = None
        if self.transport.is_closing() or not self._awaiting_headers():
            return
        if self._got_bytes:
            problem = Problem(408, "request-timeout", "the request headers arrived too slowly")
            self.transport.write(problem.http_bytes())
        self.transport.close()
