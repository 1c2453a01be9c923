"""Provides a short-lived ASGI server: uvicorn on a socket bound before it starts, in a thread.

The socket is bound and listening before `serve` returns, so the URL is known (port 0 picks a
free port) and a client may connect at once: the kernel queues the connection until uvicorn
accepts it, and nobody polls for readiness. Plain HTTP is allowed only on a loopback address;
any other address needs a certificate and key (HTTPS).
"""

from __future__ import annotations

import ipaddress
import socket
import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from wallet.openid4vc._errors import ProtocolError

if TYPE_CHECKING:
    from pathlib import Path

__all__ = ["RunningServer", "bind", "serve"]

# Bounds for a server that strangers can reach: requests, header size and idle connections.
_LIMIT_CONCURRENCY = 64
_KEEP_ALIVE = 5


@dataclass(frozen=True)
class BoundSocket:
    """A listening socket and the base URL a client reaches it at."""

    sock: socket.socket
    base_url: str


def bind(
    host: str = "127.0.0.1",
    port: int = 0,
    *,
    tls: bool = False,
    public_name: str | None = None,
) -> BoundSocket:
    """Bind and listen on `host:port`; return the socket and its base URL.

    `public_name` is the host name the URL uses (for HTTPS with a certificate for that name);
    by default the address itself.
    """
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        raise ProtocolError(f"listen address: got {host!r}, want an IP address") from None
    if not tls and not address.is_loopback:
        raise ProtocolError("plain HTTP is served only on a loopback address; give a certificate")
    family = socket.AF_INET6 if address.version == 6 else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
        sock.listen(128)
    except OSError as exc:
        sock.close()
        raise ProtocolError(f"cannot listen on {host}:{port}: {exc.strerror}") from None
    bound_port = sock.getsockname()[1]
    name = public_name or (f"[{host}]" if address.version == 6 else host)
    scheme = "https" if tls else "http"
    return BoundSocket(sock, f"{scheme}://{name}:{bound_port}")


class RunningServer:
    """A uvicorn server running `app` on a bound socket in a background thread."""

    def __init__(self, server: Any, thread: threading.Thread, bound: BoundSocket) -> None:
        self._server = server
        self._thread = thread
        self._bound = bound

    @property
    def base_url(self) -> str:
        """The URL the server answers at, without a trailing slash."""
        return self._bound.base_url

    def stop(self, timeout: float = 10.0) -> None:
        """Ask the server to finish its requests and stop; wait for its thread."""
        self._server.should_exit = True
        self._thread.join(timeout)
        self._bound.sock.close()

    def __enter__(self) -> RunningServer:
        return self

    def __exit__(self, *_: object) -> None:
        self.stop()


def serve(
    app: Any,
    bound: BoundSocket,
    *,
    certfile: Path | str | None = None,
    keyfile: Path | str | None = None,
) -> RunningServer:
    """Start serving `app` on `bound` in a daemon thread; return at once."""
    import uvicorn

    if bound.base_url.startswith("https:") and (certfile is None or keyfile is None):
        raise ProtocolError("an HTTPS server needs a certificate and its key")
    config = uvicorn.Config(
        app,
        log_level="warning",
        access_log=False,
        lifespan="off",
        limit_concurrency=_LIMIT_CONCURRENCY,
        timeout_keep_alive=_KEEP_ALIVE,
        ssl_certfile=str(certfile) if certfile is not None else None,
        ssl_keyfile=str(keyfile) if keyfile is not None else None,
        server_header=False,
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(
        target=server.run, kwargs={"sockets": [bound.sock]}, name="openid4vc-server", daemon=True
    )
    thread.start()
    return RunningServer(server, thread, bound)
