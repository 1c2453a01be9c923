"""Provides the holder's HTTP client: verified TLS, a total deadline, bounded bodies, no SSRF.

A wallet follows URLs that strangers hand it (an offer's `credential_offer_uri`, a verifier's
`request_uri`, an issuer's endpoints). Each is checked before any connection is made:

- `https` only, except plain `http` to a loopback address when private networks are allowed
  (tests and a terminal issuer on the same machine);
- the host's addresses (every one that DNS returns) must be public unless the caller passes
  `allow_private_network`: a QR code must not make the wallet probe the user's router or a
  service on localhost;
- redirects are not followed (a redirect could lead past the address check);
- every request has one total deadline, and a body is read in chunks up to `max_bytes`.

The address check resolves names itself, so a name that resolves differently at connection
time (DNS rebinding) is not caught; `docs/openid4vc.md` lists this limit.
"""

from __future__ import annotations

import ipaddress
import json
import socket
import ssl
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from wallet.openid4vc._errors import (
    EndpointRefused,
    NetworkRefused,
    PrivateAddressRefused,
    ProtocolError,
    ResponseTooLarge,
    clip,
)

__all__ = ["HttpPolicy", "HttpResponse", "WebClient", "check_url"]

_CHUNK = 16 * 1024


@dataclass(frozen=True)
class HttpPolicy:
    """How the holder talks to issuers and verifiers.

    `verify` is what httpx takes: True (the system's CAs), a CA bundle path, or an SSL context;
    False is refused. `deadline` is the total time for one request, connection included.
    """

    allow_private_network: bool = False
    verify: ssl.SSLContext | str | bool = True
    deadline: float = 10.0
    max_bytes: int = 1 << 20

    def __post_init__(self) -> None:
        if self.verify is False:
            raise ProtocolError("TLS verification cannot be turned off; give a CA bundle instead")
        if not 0 < self.deadline <= 300 or not 0 < self.max_bytes <= 64 << 20:
            raise ProtocolError("deadline must be in (0, 300] s and max_bytes in (0, 64 MiB]")


@dataclass(frozen=True)
class HttpResponse:
    """A response read in full: status, content type (without parameters) and body."""

    status: int
    content_type: str
    body: bytes
    headers: Mapping[str, str]

    def json(self, what: str) -> Any:
        """The body as strict JSON (duplicate keys, NaN and huge integers refused)."""
        from did import parse_json
        from did.errors import DidError

        try:
            return parse_json(self.body)
        except DidError as exc:
            raise ProtocolError(f"{what}: the response is not JSON: {exc}") from None

    def json_object(self, what: str) -> dict[str, Any]:
        """The body as a JSON object."""
        value = self.json(what)
        if not isinstance(value, dict):
            raise ProtocolError(f"{what}: got {type(value).__name__}, want a JSON object")
        return value


def _is_public(address: str) -> bool:
    # One rule for every fetch a stranger can point the wallet at, did:web's included.
    from did import is_public_address

    return is_public_address(address)


def _is_loopback(address: str) -> bool:
    return ipaddress.ip_address(address.split("%")[0]).is_loopback


def check_url(
    url: str,
    *,
    allow_private_network: bool,
    what: str,
    resolve: Callable[[str], list[str]] | None = None,
) -> str:
    """Check that the holder may fetch `url` (see the module doc); return it unchanged."""
    if not isinstance(url, str) or len(url) > 4096:
        raise ProtocolError(f"{what}: want a URL of at most 4096 characters")
    parts = urlsplit(url)
    host = parts.hostname
    if parts.scheme not in ("https", "http") or not host:
        raise ProtocolError(f"{what}: got {clip(url, 80)!r}, want an https URL")
    if parts.username is not None or parts.password is not None:
        raise ProtocolError(f"{what}: a URL with credentials in it is refused")
    addresses = (resolve or _resolve)(host)
    if not addresses:
        raise NetworkRefused(f"{what}: host {clip(host, 80)!r} has no address")
    private = [a for a in addresses if not _is_public(a)]
    if private and not allow_private_network:
        raise PrivateAddressRefused(
            f"{what}: {clip(host, 80)} resolves to the private or loopback address "
            f"{private[0]}; allow private networks explicitly to go there"
        )
    if parts.scheme == "http" and not all(_is_loopback(a) for a in addresses):
        raise ProtocolError(f"{what}: plain http is allowed only to a loopback address")
    return url


def _resolve(host: str) -> list[str]:
    try:
        ipaddress.ip_address(host)
        return [host]
    except ValueError:
        pass
    try:
        infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    except (OSError, UnicodeError) as exc:
        raise NetworkRefused(f"cannot resolve {clip(host, 80)!r}: {exc}") from None
    return sorted({str(info[4][0]) for info in infos})


class WebClient:
    """An httpx client under an `HttpPolicy`; use it as a context manager."""

    def __init__(
        self, policy: HttpPolicy, *, monotonic: Callable[[], float] = time.monotonic
    ) -> None:
        import httpx

        self.policy = policy
        self._monotonic = monotonic
        # TCP_NODELAY: a request's headers and body go out in two writes, and with Nagle's
        # algorithm the second waits for the peer's delayed ACK (tens of milliseconds).
        transport = httpx.HTTPTransport(
            verify=policy.verify,
            socket_options=[(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)],
        )
        self._client = httpx.Client(
            transport=transport,
            follow_redirects=False,
            trust_env=False,
            timeout=httpx.Timeout(policy.deadline),
            headers={"User-Agent": "ssi-wallet"},
        )

    def __enter__(self) -> WebClient:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the connection pool."""
        self._client.close()

    def check(self, url: str, what: str) -> str:
        """Check a URL against the policy without fetching it."""
        return check_url(url, allow_private_network=self.policy.allow_private_network, what=what)

    def request(
        self,
        method: str,
        url: str,
        *,
        what: str,
        data: Mapping[str, str] | None = None,
        json_body: Any = None,
        headers: Mapping[str, str] | None = None,
    ) -> HttpResponse:
        """Send one request within the deadline and read at most `max_bytes` of its body."""
        import httpx

        self.check(url, what)
        started = self._monotonic()
        content = None
        send_headers = dict(headers or {})
        if json_body is not None:
            content = json.dumps(json_body, separators=(",", ":")).encode("utf-8")
            send_headers["Content-Type"] = "application/json"
        try:
            with self._client.stream(
                method, url, data=data, content=content, headers=send_headers
            ) as response:
                declared = response.headers.get("content-length")
                if declared and declared.isdigit() and int(declared) > self.policy.max_bytes:
                    raise ResponseTooLarge(f"{what}: response of {declared} bytes refused")
                body = bytearray()
                for chunk in response.iter_raw(_CHUNK):
                    body += chunk
                    if len(body) > self.policy.max_bytes:
                        raise ResponseTooLarge(
                            f"{what}: response over {self.policy.max_bytes} bytes refused"
                        )
                    if self._monotonic() - started > self.policy.deadline:
                        raise NetworkRefused(f"{what}: no full answer within the deadline")
                kind = response.headers.get("content-type", "").split(";")[0].strip().lower()
                return HttpResponse(response.status_code, kind, bytes(body), response.headers)
        except httpx.HTTPError as exc:
            raise NetworkRefused(f"{what}: {clip(type(exc).__name__)}: {clip(exc)}") from None

    def expect_ok(self, response: HttpResponse, endpoint: str, kind: type[EndpointRefused]) -> None:
        """Raise `kind` with the OAuth error of a non-2xx response (RFC 6749 §5.2)."""
        if 200 <= response.status < 300:
            return
        error, description = f"HTTP {response.status}", None
        try:
            body = response.json_object(endpoint)
            error = str(body.get("error", error))
            text = body.get("error_description")
            description = text if isinstance(text, str) else None
        except ProtocolError:
            pass
        raise kind(endpoint, error, description)
