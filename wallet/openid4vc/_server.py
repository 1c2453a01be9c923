"""Provides the runner of the short-lived issuer and verifier: uvicorn on a pre-bound socket.

The apps are built with the wallet's server plumbing (`wallet.server.application`: the guard
that bounds body size, total request time and concurrency, and answers refusals as problem
details); `wallet.server`'s own runners either bind port 0 on loopback (`Running`) or serve
until a signal (`serve`), while an issuer or verifier started from the terminal listens where
the user says and stops after one exchange (`--once`). So this module binds the socket first,
which makes the URL known before the issuer or verifier is built (port 0 picks a free port)
and lets clients connect at once: the kernel queues connections until uvicorn accepts them,
and nobody polls for readiness. Plain HTTP only on a loopback address.
"""

from __future__ import annotations

import ipaddress
import socket
import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from wallet.openid4vc._errors import ProtocolError

if TYPE_CHECKING:
    from wallet.server import Limits, Listen, Tls

__all__ = ["BoundSocket", "RunningServer", "bind", "serve"]


@dataclass(frozen=True)
class BoundSocket:
    """A listening socket, the base URL clients reach it at, and its TLS files."""

    sock: socket.socket
    base_url: str
    tls: Tls | None


def bind(listen: Listen, tls: Tls | None = None, *, public_name: str | None = None) -> BoundSocket:
    """Bind and listen on `listen`; return the socket and its base URL.

    `public_name` is the host name the URL uses (the name in the certificate), by default the
    listening address itself.
    """
    listen.check_plain_http(tls)
    host = "127.0.0.1" if listen.host == "localhost" else listen.host
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        raise ProtocolError(f"listen address: got {host!r}, want an IP address") from None
    family = socket.AF_INET6 if address.version == 6 else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, listen.port))
        sock.listen(128)
    except OSError as exc:
        sock.close()
        raise ProtocolError(f"cannot listen on {host}:{listen.port}: {exc.strerror}") from None
    port = sock.getsockname()[1]
    name = public_name or (f"[{host}]" if address.version == 6 else host)
    return BoundSocket(sock, f"{'https' if tls else 'http'}://{name}:{port}", tls)


class RunningServer:
    """A uvicorn server running an app on a bound socket in a background thread."""

    def __init__(self, server: Any, thread: threading.Thread, bound: BoundSocket) -> None:
        self._server = server
        self._thread = thread
        self._bound = bound

    @property
    def base_url(self) -> str:
        """The URL the server answers at, without a trailing slash."""
        return self._bound.base_url

    def stop(self, timeout: float = 10.0) -> None:
        """Ask the server to let requests in flight finish and stop; wait for its thread."""
        self._server.should_exit = True
        self._thread.join(timeout)
        self._bound.sock.close()

    def __enter__(self) -> RunningServer:
        return self

    def __exit__(self, *_: object) -> None:
        self.stop()


def serve(app: Any, bound: BoundSocket, limits: Limits) -> RunningServer:
    """Start serving the guarded `app` on `bound` in a daemon thread; return at once."""
    import uvicorn

    from wallet.server import Listen, uvicorn_config

    host, port = bound.sock.getsockname()[:2]
    # The same configuration as the board's and witnesses' servers: header deadline,
    # immediate responses, the guard's limits.
    config = uvicorn_config(app, Listen(host, port), bound.tls, limits)
    server = uvicorn.Server(config)
    thread = threading.Thread(
        target=server.run, kwargs={"sockets": [bound.sock]}, name="openid4vc-server", daemon=True
    )
    thread.start()
    return RunningServer(server, thread, bound)
