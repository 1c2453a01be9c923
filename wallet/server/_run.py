"""Provides the runners of wallet servers: `serve` (blocking, in the foreground, until a
signal) and `Running` (in a background thread on a pre-bound socket, for tests and the demo).

Both run uvicorn with the guarded app, the deadline-aware h11 protocol, uvicorn's own access
log off (it records client addresses) and no logging configuration of its own.
"""

from __future__ import annotations

import asyncio
import socket
import threading
from types import TracebackType
from typing import TYPE_CHECKING, Self

from wallet.server._limits import Limits, Listen, Tls

if TYPE_CHECKING:
    import uvicorn

    from wallet.server._guard import Guard


def uvicorn_config(app: Guard, listen: Listen, tls: Tls | None, limits: Limits) -> uvicorn.Config:
    """The uvicorn configuration every wallet server runs with: the guard's limits, the
    header deadline and immediate responses (`DeadlineH11Protocol`), no server header."""
    import uvicorn

    from wallet.server._protocol import DEADLINE_ATTRIBUTE, DeadlineH11Protocol

    listen.check_plain_http(tls)
    config = uvicorn.Config(
        app,
        host=listen.host,
        port=listen.port,
        http=DeadlineH11Protocol,
        ws="none",
        lifespan="off",
        log_config=None,
        access_log=False,
        server_header=False,
        date_header=True,
        limit_concurrency=limits.connections,
        backlog=max(limits.connections, 128),
        timeout_keep_alive=limits.keep_alive,
        timeout_graceful_shutdown=limits.shutdown_grace,
        h11_max_incomplete_event_size=limits.max_header,
        ssl_certfile=str(tls.cert) if tls else None,
        ssl_keyfile=str(tls.key) if tls else None,
    )
    setattr(config, DEADLINE_ATTRIBUTE, limits.deadline)
    return config


def serve(
    app: Guard,
    listen: Listen,
    tls: Tls | None,
    limits: Limits,
    *,
    sock: socket.socket | None = None,
) -> None:
    """Serve until SIGINT or SIGTERM, then stop accepting and let requests in flight finish
    (for up to `limits.shutdown_grace` seconds). `sock`, when given, is a socket already
    bound to `listen` (handed over by a parent process)."""
    import signal

    import uvicorn

    # uvicorn re-raises the signal that stopped it once it has shut down, so that the
    # previous handler runs; a no-op handler there makes a graceful stop exit with 0.
    previous = {sig: signal.signal(sig, _stopped) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        uvicorn.Server(uvicorn_config(app, listen, tls, limits)).run(
            sockets=[sock] if sock else None
        )
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def _stopped(signum: int, frame: object) -> None:
    """The signal was handled already: the server shut down gracefully."""


class Running:
    """A server in a background thread on 127.0.0.1, on a socket bound before it starts.

    The socket listens before the thread starts, so a client may connect at once: the kernel
    queues the connection until the server accepts it; nobody waits or polls for start-up.
    Use as a context manager; leaving it shuts the server down gracefully.
    """

    def __init__(
        self,
        app: Guard,
        *,
        tls: Tls | None = None,
        limits: Limits | None = None,
        host: str = "127.0.0.1",
    ) -> None:
        import uvicorn

        self.limits = limits or Limits()
        self._socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._socket.bind((host, 0))
        self._socket.listen(max(self.limits.connections, 128))
        self.port = int(self._socket.getsockname()[1])
        self.host = host
        self.tls = tls
        self._server = uvicorn.Server(
            uvicorn_config(app, Listen(host, self.port), tls, self.limits)
        )
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name=f"server-{self.port}", daemon=True)

    @property
    def url(self) -> str:
        return f"{'https' if self.tls else 'http'}://{self.host}:{self.port}"

    def _run(self) -> None:
        try:
            asyncio.run(self._server.serve(sockets=[self._socket]))
        except BaseException as exc:  # Re-raised in the caller's thread by `stop`.
            self._error = exc

    def start(self) -> Self:
        self._thread.start()
        return self

    def stop(self) -> None:
        """Shut down gracefully, wait for the thread and raise what made the server fail."""
        self._server.should_exit = True
        if self._thread.is_alive():
            self._thread.join()
        self._socket.close()
        if self._error is not None:
            raise self._error

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
