"""Provides the ASGI guard in front of every wallet server: size, time and number limits,
problem details for every refusal and every crash, and an access log without personal data.

The guard reads the whole request body itself, before the application sees the request:
a body over the limit is refused with 413 as soon as its length is known, a body that
arrives too slowly with 408 at the request's deadline, and only a complete request takes
one of the bounded slots, so clients that drip their bytes hold no slot that others need.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, MutableMapping
from contextlib import asynccontextmanager
from typing import Any

from wallet.server._limits import Limits
from wallet.server._problems import Problem

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

ACCESS_LOG = logging.getLogger("wallet.server.access")
ERROR_LOG = logging.getLogger("wallet.server.error")

# Set on the scope by the connection (`_protocol.py`): the loop time of the request's first
# byte, so the deadline also covers the time its headers took to arrive.
STARTED_KEY = "wallet.started"


class _ClientGone(Exception):
    """The client disconnected before its request was complete: nobody to answer."""


class _Exchange:
    """Wraps `send` to remember whether and how the response started, for the log."""

    def __init__(self, send: Send) -> None:
        self._send = send
        self.status = 0
        self.sent = 0

    @property
    def started(self) -> bool:
        return self.status != 0

    async def send(self, message: Message) -> None:
        if message["type"] == "http.response.start":
            self.status = int(message["status"])
        elif message["type"] == "http.response.body":
            self.sent += len(message.get("body", b""))
        await self._send(message)


class Guard:
    """An ASGI middleware that enforces `Limits` around an application."""

    def __init__(
        self,
        app: ASGIApp,
        limits: Limits,
        *,
        unslotted: Callable[[Scope], bool] | None = None,
    ) -> None:
        """`unslotted` picks requests that take no slot: ones that only wait (a long poll),
        which would otherwise hold the slots the requests they wait for need."""
        self.app = app
        self.limits = limits
        self._unslotted = unslotted or (lambda scope: False)
        self._slots = asyncio.Semaphore(limits.active)
        self._waiting = 0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        loop = asyncio.get_running_loop()
        started = float(scope.get(STARTED_KEY, loop.time()))
        exchange = _Exchange(send)
        body_read = False
        try:
            try:
                async with asyncio.timeout_at(started + self.limits.deadline):
                    body = await self._read_body(scope, receive)
                    body_read = True
                    if self._unslotted(scope):
                        await self.app(scope, _replay(body, receive), exchange.send)
                    else:
                        async with self._slot():
                            await self.app(scope, _replay(body, receive), exchange.send)
            except TimeoutError:
                if not body_read:
                    raise Problem(
                        408, "request-timeout", "the request did not arrive within its deadline"
                    ) from None
                raise Problem(
                    503,
                    "deadline-exceeded",
                    "the request could not be answered within its deadline",
                    headers={"Retry-After": str(self.limits.retry_after)},
                ) from None
        except _ClientGone:
            exchange.status = exchange.status or 499
        except Problem as problem:
            await self._refuse(exchange, problem, close=not body_read)
        except Exception as exc:
            if not exchange.started:  # else the app's own handler logged and answered it
                # The type only: a message or traceback could carry request data.
                ERROR_LOG.error("internal error %s on %s %s", type(exc).__name__, *_what(scope))
            await self._refuse(
                exchange, Problem(500, "internal-error", "the server failed"), close=True
            )
        finally:
            method, path = _what(scope)
            ACCESS_LOG.info(
                "%s %s %d %d %.1fms",
                method,
                path,
                exchange.status,
                exchange.sent,
                (loop.time() - started) * 1000,
            )

    async def _refuse(self, exchange: _Exchange, problem: Problem, *, close: bool) -> None:
        if exchange.started:
            return  # Too late for another status; the connection ends with the task.
        await exchange.send(
            {
                "type": "http.response.start",
                "status": problem.status,
                "headers": problem.raw_headers(close=close),
            }
        )
        await exchange.send({"type": "http.response.body", "body": problem.body()})

    async def _read_body(self, scope: Scope, receive: Receive) -> bytes:
        limit = self.limits.max_body
        declared = _header(scope, b"content-length")
        if declared is not None:
            if not declared.isdigit():
                raise Problem(400, "bad-request", "malformed Content-Length")
            if int(declared) > limit:
                raise Problem(413, "content-too-large", f"the body exceeds {limit} bytes")
        chunks: list[bytes] = []
        total = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                raise _ClientGone
            chunk = message.get("body", b"")
            total += len(chunk)
            if total > limit:
                raise Problem(413, "content-too-large", f"the body exceeds {limit} bytes")
            chunks.append(chunk)
            if not message.get("more_body", False):
                return b"".join(chunks)

    @asynccontextmanager
    async def _slot(self) -> AsyncIterator[None]:
        if self._slots.locked() and self._waiting >= self.limits.waiting:
            raise Problem(
                429,
                "too-many-requests",
                "the server is busy; retry shortly",
                headers={"Retry-After": str(self.limits.retry_after)},
            )
        self._waiting += 1
        try:
            await self._slots.acquire()
        finally:
            self._waiting -= 1
        try:
            yield
        finally:
            self._slots.release()


def _replay(body: bytes, receive: Receive) -> Receive:
    """A `receive` that hands the application the body already read, then the real one."""
    delivered = False

    async def replay() -> Message:
        nonlocal delivered
        if not delivered:
            delivered = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", ()):
        if key.lower() == name:
            return str(value.decode("latin-1")).strip()
    return None


def _what(scope: Scope) -> tuple[str, str]:
    """Method and path for the log: no query string, no client address, no headers."""
    return str(scope.get("method", "-")), str(scope.get("path", "-"))[:200]
