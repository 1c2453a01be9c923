"""Provides the limits and the listening address of a wallet HTTP server.

Every request a server accepts is bounded in size, time and number: a client that sends a
huge body, drips its headers or body one byte at a time, or opens many requests at once
gets a refusal, and the other clients keep being served.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from pathlib import Path

from wallet.errors import UsageError

KIB = 1024


@dataclass(frozen=True)
class Limits:
    """How much one request may send, how long it may take, how many run at once.

    `deadline` is the total time of one request from its first byte until its response
    starts: the headers must arrive within it (else 408, checked by the connection) and the
    body and the handler share what is left (408 while the body is still arriving, 503 when
    the handler is too slow). `active` requests run at once; `waiting` more may queue for a
    slot (within their deadline); beyond that a request is refused at once with 429.
    """

    max_body: int = 256 * KIB
    max_header: int = 16 * KIB
    deadline: float = 30.0
    active: int = 32
    waiting: int = 256
    connections: int = 1024
    keep_alive: int = 5
    shutdown_grace: int = 10
    retry_after: int = 1

    def __post_init__(self) -> None:
        if self.max_body < 1 or self.max_header < 1024:
            raise UsageError("request size limits must be positive (headers at least 1 KiB)")
        if not self.deadline > 0 or self.active < 1 or self.waiting < 0:
            raise UsageError("the request deadline and the concurrency limits must be positive")
        if self.connections < self.active:
            raise UsageError("the connection limit must be at least the active request limit")


@dataclass(frozen=True)
class Tls:
    """A server certificate chain and its private key, both PEM files."""

    cert: Path
    key: Path

    def __post_init__(self) -> None:
        for what, path in (("certificate", self.cert), ("key", self.key)):
            if not Path(path).is_file():
                raise UsageError(f"TLS {what} {path}: no such file")


@dataclass(frozen=True)
class Listen:
    """Where a server listens: a host (name or address) and a TCP port."""

    host: str
    port: int

    @classmethod
    def parse(cls, text: str) -> Listen:
        """Parse `HOST:PORT` or `[IPv6]:PORT`; port 0 asks the system for a free port."""
        host, sep, port_text = text.rpartition(":")
        if not sep or not host or not port_text.isdigit():
            raise UsageError(f"listen address {text!r}: want HOST:PORT")
        if host.startswith("[") and host.endswith("]"):
            host = host[1:-1]
        port = int(port_text)
        if port > 65535:
            raise UsageError(f"listen address {text!r}: port out of range")
        return cls(host, port)

    @property
    def is_loopback(self) -> bool:
        if self.host == "localhost":
            return True
        try:
            return ipaddress.ip_address(self.host).is_loopback
        except ValueError:
            return False

    def check_plain_http(self, tls: Tls | None) -> None:
        """Plain HTTP carries ballots and receipts in clear: only on loopback addresses."""
        if tls is None and not self.is_loopback:
            raise UsageError(
                f"listening on {self.host} without TLS: give --tls-cert and --tls-key "
                "(plain HTTP is only for loopback addresses)"
            )
