"""Provides RFC 9457 problem details: the one shape of every refusal a wallet server sends.

A problem is a JSON object served as `application/problem+json` with `type` (a URI naming
the kind of problem; here `urn:ssi-wallet:problem:<name>`), `title`, `status` and `detail`
(RFC 9457 §3.1), plus extension members such as the board rule that refused an entry (§3.2).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

PROBLEM_JSON = "application/problem+json"
PROBLEM_PREFIX = "urn:ssi-wallet:problem:"

_TITLES = {
    400: "Bad Request",
    404: "Not Found",
    405: "Method Not Allowed",
    408: "Request Timeout",
    409: "Conflict",
    413: "Content Too Large",
    415: "Unsupported Media Type",
    422: "Unprocessable Content",
    429: "Too Many Requests",
    500: "Internal Server Error",
    503: "Service Unavailable",
}


class Problem(Exception):
    """A refusal to send as problem details; raise it from a handler or build a response.

    (Not a frozen dataclass: the interpreter and contextlib set attributes on exceptions.)
    """

    def __init__(
        self,
        status: int,
        name: str,
        detail: str,
        extensions: dict[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(status, name, detail)
        self.status = status
        self.name = name
        self.detail = detail
        self.extensions = dict(extensions or {})
        self.headers = dict(headers or {})

    def __str__(self) -> str:
        return f"{self.status} {self.name}: {self.detail}"

    @property
    def type_uri(self) -> str:
        return PROBLEM_PREFIX + self.name

    def to_json(self) -> dict[str, Any]:
        body: dict[str, Any] = dict(self.extensions)
        body.update(
            type=self.type_uri,
            title=_TITLES.get(self.status, "Error"),
            status=self.status,
            detail=self.detail,
        )
        return body

    def body(self) -> bytes:
        return json.dumps(self.to_json(), separators=(",", ":"), sort_keys=True).encode()

    def raw_headers(self, *, close: bool = False) -> list[tuple[bytes, bytes]]:
        """The response headers; `close` ends the connection (its request was not read)."""
        headers = [
            (b"content-type", PROBLEM_JSON.encode()),
            (b"content-length", str(len(self.body())).encode()),
            (b"cache-control", b"no-store"),
        ]
        headers += [(k.lower().encode(), v.encode()) for k, v in self.headers.items()]
        if close:
            headers.append((b"connection", b"close"))
        return headers

    def http_bytes(self) -> bytes:
        """The whole response as HTTP/1.1 bytes, for a connection that has no request yet."""
        head = [f"HTTP/1.1 {self.status} {_TITLES.get(self.status, 'Error')}".encode()]
        head += [name + b": " + value for name, value in self.raw_headers(close=True)]
        return b"\r\n".join(head) + b"\r\n\r\n" + self.body()
