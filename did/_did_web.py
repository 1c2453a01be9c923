"""Provides the did:web method (W3C CCG did:web Method Specification).

§3.1 maps `did:web:<domain>[:<path>…]` to an HTTPS URL: `:` separates path segments, a
port is written percent-encoded (`%3A`), a bare domain is served from `/.well-known`, and
the document is always `did.json`. §3.2 (Read) fetches it over HTTPS and requires its `id`
to equal the DID. httpx is imported only when a did:web is actually resolved.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote

from did._did_key import DID_KEY_CONTEXT
from did._document import DidDocument, parse_did
from did._jcs import parse_json
from did._keys import ED25519_PUBLIC_KEY_SIZE, is_valid_ed25519_public_key, multikey
from did._network import check_public_name, web_transport
from did.errors import (
    EncodingError,
    InvalidDid,
    InvalidDidDocument,
    MalformedValueError,
    ParsingError,
    ResolutionError,
)

if TYPE_CHECKING:
    import httpx

__all__ = ["did_web_url", "fetch_did_web_document", "web_did_document"]

_LABEL_RE = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?", re.ASCII)
# WHATWG URL §3.5 "ends in a number": a last label of digits, or 0x and hex digits.
_NUMBER_RE = re.compile(r"[0-9]+|0[xX][0-9A-Fa-f]*", re.ASCII)


def did_web_url(did_web: str) -> str:
    """Return the HTTPS URL of a did:web's `did.json` (spec §3.2, steps 1-6)."""
    url = parse_did(did_web)
    if url.method != "web":
        raise InvalidDid(f"method is {url.method!r}, want 'web'")
    if not url.is_bare_did:
        raise InvalidDid("a did:web must not carry a path, query or fragment here")
    # Step 1: split on ':'; the first part is the domain, the rest are path segments.
    domain, *segments = url.method_specific_id.split(":")
    # Step 3: percent-decode; only the port separator may be encoded in the domain part.
    host = unquote(domain)
    name, separator, port = host.partition(":")
    labels = name.split(".")
    if not all(_LABEL_RE.fullmatch(label) for label in labels) or len(name) > 253:
        raise InvalidDid(f"did:web domain {name[:80]!r} is not a DNS host name")
    # §2.1: the identifier must match the TLS certificate's name, so IP literals are refused
    # in every form a connecting library might read as one: a host whose last label is a
    # number (decimal, octal with a leading 0, or hex with 0x) is an IPv4 address to the
    # WHATWG URL parser and to inet_aton alike (`127.1`, `2130706433`, `0x7f000001`).
    if _NUMBER_RE.fullmatch(labels[-1]):
        raise InvalidDid("did:web must name a domain, not an IP address")
    if separator and (not port.isdigit() or not 0 < int(port) < 65536 or port.startswith("0")):
        raise InvalidDid(f"did:web port {port[:10]!r} is not 1-65535")
    path = []
    for segment in segments:
        decoded = unquote(segment)
        # A segment may not decode into new path structure (`/`, `.`, `..`) or controls;
        # it goes into the URL as written, since idchar is already a subset of URL pchar.
        if not segment or "/" in decoded or decoded in (".", "..") or not decoded.isprintable():
            raise InvalidDid(f"did:web path segment {segment[:40]!r} is empty or unsafe")
        path.append(segment)
    authority = name.lower() + (f":{port}" if port else "")
    # Steps 4-6: the bare domain form uses /.well-known; both forms end in did.json.
    location = "/".join(path) if path else ".well-known"
    return f"https://{authority}/{location}/did.json"


def web_did_document(did_web: str, public_key: bytes, key_type: str = "Ed25519") -> dict[str, Any]:
    """Return the did.json to publish for a did:web controlled by one Ed25519 or P-256 key.

    The key is a `Multikey` method `#key-1`, authorized for the four signing relationships;
    a P-256 key is given as its 33-byte compressed point.
    """
    did_web_url(did_web)
    if key_type == "P-256":
        from did._p256 import is_valid_p256_public_key

        if not is_valid_p256_public_key(public_key):
            raise EncodingError("P-256 public key: want a 33-byte compressed point on the curve")
    elif key_type != "Ed25519":
        raise EncodingError(f"key type: got {key_type!r}, want 'Ed25519' or 'P-256'")
    elif not isinstance(public_key, bytes) or len(public_key) != ED25519_PUBLIC_KEY_SIZE:
        raise EncodingError("Ed25519 public key must be 32 bytes")
    elif not is_valid_ed25519_public_key(public_key):
        raise EncodingError("Ed25519 public key is not a valid curve point")
    vm_id = f"{did_web}#key-1"
    return {
        "@context": list(DID_KEY_CONTEXT),
        "id": did_web,
        "verificationMethod": [
            {
                "id": vm_id,
                "type": "Multikey",
                "controller": did_web,
                "publicKeyMultibase": multikey(key_type, public_key),
            }
        ],
        "authentication": [vm_id],
        "assertionMethod": [vm_id],
        "capabilityInvocation": [vm_id],
        "capabilityDelegation": [vm_id],
    }


def fetch_did_web_document(
    did_web: str,
    *,
    http_client: httpx.Client | None = None,
    timeout: float = 5.0,
    verify: Any = True,
    trust_env: bool = True,
    max_bytes: int = 1 << 20,
    allow_private_network: bool = False,
) -> DidDocument:
    """Fetch and check a did:web document (spec §3.2); raise ResolutionError on failure.

    Unless `allow_private_network`, a host on this machine or a private network is refused
    (PrivateNetworkRefused): by name here, and by address at connect time when the client is
    made here. A caller's own `http_client` decides where its transport connects; give it a
    `web_transport` to keep the address rule.
    """
    import httpx

    url = did_web_url(did_web)
    if not allow_private_network:
        check_public_name(httpx.URL(url).host)
    if http_client is not None:
        body = _get(http_client, url, timeout, max_bytes)
    else:
        transport = web_transport(
            verify=verify, trust_env=trust_env, allow_private_network=allow_private_network
        )
        # Proxies would resolve the name where it cannot be checked, so none is used unless
        # private networks are allowed anyway.
        with httpx.Client(
            transport=transport,
            trust_env=trust_env and allow_private_network,
            timeout=timeout,
        ) as client:
            body = _get(client, url, timeout, max_bytes)
    try:
        obj = parse_json(body)
    except ParsingError:
        raise InvalidDidDocument(f"{url} is not UTF-8 JSON") from None
    except MalformedValueError as exc:
        raise InvalidDidDocument(f"{url}: {exc}") from None
    if not isinstance(obj, dict):
        raise InvalidDidDocument(f"{url} holds {type(obj).__name__}, want a JSON object")
    # §3.2: the document's id must be the DID that was resolved, or anyone able to serve a
    # file could claim another identity.
    return DidDocument.from_json(obj, expected_id=did_web)


def _get(client: httpx.Client, url: str, timeout: float, max_bytes: int) -> bytes:
    import httpx

    try:
        with client.stream(
            "GET",
            url,
            timeout=timeout,
            headers={"Accept": "application/did+json, application/json"},
            follow_redirects=False,
        ) as response:
            if response.status_code == 404:
                raise ResolutionError(f"{url}: HTTP 404, no DID document there")
            if response.status_code != 200:
                raise ResolutionError(f"{url}: HTTP {response.status_code}, want 200")
            chunks: list[bytes] = []
            size = 0
            for chunk in response.iter_bytes():
                size += len(chunk)
                if size > max_bytes:
                    raise InvalidDidDocument(f"{url}: document larger than {max_bytes} bytes")
                chunks.append(chunk)
            return b"".join(chunks)
    except httpx.TimeoutException:
        raise ResolutionError(f"{url}: request timed out after {timeout:g} s") from None
    except httpx.HTTPError as exc:
        raise ResolutionError(f"{url}: {type(exc).__name__}: {exc}") from None
