"""Provides the OpenID4VP 1.0 authorization request (§5) and its client identifier prefixes.

A request comes by value (`openid4vp://?client_id=…&nonce=…&dcql_query=…`) or by reference
(`?client_id=…&request_uri=…`, RFC 9101 §5.2), in which case the wallet fetches a request
object, a JWT of type `oauth-authz-req+jwt`. The client identifier's prefix (§5.9) says how the
verifier is authenticated:

- `redirect_uri:` — nothing is proven; the response goes to that URI. Such a request must not
  be signed (§5.9.3), so here it is accepted by value only.
- `decentralized_identifier:` — the request object is signed with a key of that DID, named by
  `kid` (§5.9.3).
- `x509_san_dns:` — the request object carries an `x5c` chain that must lead to one of the
  wallet's trust anchors, and the leaf certificate must name the DNS name (§5.9.3).

Any other prefix, or none (a pre-registered client), is refused before anything is fetched.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, urlencode, urlsplit

from wallet.openid4vc._dcql import DcqlLimits, DcqlQuery
from wallet.openid4vc._errors import (
    ProtocolError,
    RequestNotTrusted,
    UnknownClientIdPrefix,
    clip,
)

if TYPE_CHECKING:
    from did import SigningKey

__all__ = [
    "PREFIXES",
    "REQUEST_TYP",
    "AuthorizationRequest",
    "RequestLocation",
    "client_id_prefix",
    "locate_request",
    "request_uri_of",
]

SCHEME = "openid4vp"
REQUEST_TYP = "oauth-authz-req+jwt"
PREFIXES = ("redirect_uri", "decentralized_identifier", "x509_san_dns")
RESPONSE_MODES = ("direct_post", "direct_post.jwt")
_MAX_TEXT = 32 * 1024


def client_id_prefix(client_id: str) -> tuple[str, str]:
    """Split `prefix:value`; raise UnknownClientIdPrefix for a prefix we do not accept."""
    if not isinstance(client_id, str) or not client_id or len(client_id) > 2048:
        raise ProtocolError("client_id: want a string of at most 2048 characters")
    prefix, colon, value = client_id.partition(":")
    if not colon or prefix not in PREFIXES or not value:
        raise UnknownClientIdPrefix(
            f"client_id {clip(client_id, 80)!r}: the prefix is not one of "
            f"{', '.join(p + ':' for p in PREFIXES)}"
        )
    return prefix, value


@dataclass(frozen=True)
class AuthorizationRequest:
    """A checked request: who asks (`client_id`), where to answer, the nonce and the query."""

    client_id: str
    response_uri: str
    nonce: str
    dcql_query: DcqlQuery
    state: str | None = None
    response_mode: str = "direct_post"
    signed: bool = False
    client_metadata: dict[str, Any] | None = None

    @property
    def prefix(self) -> str:
        return client_id_prefix(self.client_id)[0]

    @classmethod
    def from_json(
        cls, data: Any, *, signed: bool, limits: DcqlLimits | None = None
    ) -> AuthorizationRequest:
        """Check the request parameters (§5.1, §5.2); `data` values may be JSON-in-text."""
        if not isinstance(data, dict):
            raise ProtocolError("authorization request: want an object")
        client_id = data.get("client_id")
        prefix, value = client_id_prefix(client_id)  # type: ignore[arg-type]
        if data.get("response_type") != "vp_token":
            raise ProtocolError(
                f"response_type: got {clip(data.get('response_type'), 40)!r}, want vp_token"
            )
        mode = data.get("response_mode")
        if mode not in RESPONSE_MODES:
            raise ProtocolError(
                f"response_mode: got {clip(mode, 40)!r}, want one of {', '.join(RESPONSE_MODES)}"
            )
        response_uri = data.get("response_uri")
        if not isinstance(response_uri, str) or urlsplit(response_uri).scheme not in (
            "https",
            "http",
        ):
            raise ProtocolError("response_uri: want an https URL")
        # §5.9.3: with redirect_uri, the client identifier is the URI the response goes to.
        if prefix == "redirect_uri" and value != response_uri:
            raise ProtocolError("client_id: a redirect_uri client must equal the response_uri")
        if prefix == "x509_san_dns" and urlsplit(response_uri).hostname != value:
            raise RequestNotTrusted("response_uri: its host is not the client's DNS name")
        nonce = data.get("nonce")
        if not isinstance(nonce, str) or not 16 <= len(nonce) <= 256:
            raise ProtocolError("nonce: want a string of 16 to 256 characters")
        state = data.get("state")
        if state is not None and (not isinstance(state, str) or len(state) > 256):
            raise ProtocolError("state: want a string of at most 256 characters")
        for unsupported in ("presentation_definition", "presentation_definition_uri", "scope"):
            if unsupported in data:
                raise ProtocolError(f"{unsupported}: only dcql_query is supported")
        metadata = _client_metadata(data.get("client_metadata"), str(mode))
        query = data.get("dcql_query")
        if isinstance(query, str):
            dcql = DcqlQuery.from_text(query, limits)
        elif isinstance(query, dict):
            dcql = DcqlQuery.from_json(query, limits)
        else:
            raise ProtocolError("dcql_query: missing")
        return cls(str(client_id), response_uri, nonce, dcql, state, str(mode), signed, metadata)

    def encryption_key(self) -> tuple[dict[str, Any], str]:
        """For `direct_post.jwt`: the verifier's P-256 key and the `enc` to use (§8.3)."""
        metadata = self.client_metadata or {}
        keys = metadata.get("jwks", {}).get("keys", [])
        key = next((k for k in keys if isinstance(k, dict) and k.get("crv") == "P-256"), None)
        if key is None:
            raise ProtocolError("client_metadata.jwks: no P-256 key to encrypt the response to")
        offered = metadata.get("encrypted_response_enc_values_supported", ["A128GCM"])
        enc = next((e for e in offered if e in ("A128GCM", "A256GCM")), None)
        if enc is None:
            raise ProtocolError("encrypted_response_enc_values_supported: want A128GCM or A256GCM")
        return key, enc

    def claims(self) -> dict[str, Any]:
        """The request as request-object claims (§5.1, RFC 9101 §4)."""
        result: dict[str, Any] = {
            "client_id": self.client_id,
            "response_type": "vp_token",
            "response_mode": self.response_mode,
            "response_uri": self.response_uri,
            "nonce": self.nonce,
            "dcql_query": self.dcql_query.to_json(),
        }
        if self.state is not None:
            result["state"] = self.state
        if self.client_metadata is not None:
            result["client_metadata"] = self.client_metadata
        return result

    def to_uri(self) -> str:
        """The request by value (only for an unsigned `redirect_uri:` client)."""
        params = {
            k: json.dumps(v, separators=(",", ":")) if isinstance(v, dict) else v
            for k, v in self.claims().items()
        }
        return f"{SCHEME}://?{urlencode(params)}"

    def to_jwt(self, key: SigningKey, kid: str, issued_at: datetime) -> str:
        """The signed request object (RFC 9101 §4, `typ` oauth-authz-req+jwt)."""
        from did.sd_jwt import sign_jws

        header = {"alg": key.jws_alg, "typ": REQUEST_TYP, "kid": kid}
        payload = {
            **self.claims(),
            "aud": "https://self-issued.me/v2",
            "iat": int(issued_at.timestamp()),
        }
        return sign_jws(header, payload, key)


def _client_metadata(value: Any, mode: str) -> dict[str, Any] | None:
    from did import parse_json
    from did.errors import DidError

    if isinstance(value, str):
        try:
            value = parse_json(value, max_depth=6)
        except DidError as exc:
            raise ProtocolError(f"client_metadata: {exc}") from None
    if value is None:
        if mode == "direct_post.jwt":
            raise ProtocolError("direct_post.jwt: client_metadata with jwks is missing")
        return None
    if not isinstance(value, dict) or len(json.dumps(value)) > 8192:
        raise ProtocolError("client_metadata: want an object of at most 8 KiB")
    keys = value.get("jwks", {}).get("keys") if isinstance(value.get("jwks"), dict) else None
    if mode == "direct_post.jwt" and (not isinstance(keys, list) or not 1 <= len(keys) <= 8):
        raise ProtocolError("client_metadata.jwks: want 1 to 8 keys")
    return value


def request_uri_of(client_id: str, request_uri: str) -> str:
    """The request by reference, `openid4vp://?client_id=…&request_uri=…`."""
    return f"{SCHEME}://?{urlencode({'client_id': client_id, 'request_uri': request_uri})}"


@dataclass(frozen=True)
class RequestLocation:
    """What the user handed over: the parameters by value, or a request_uri to fetch."""

    params: dict[str, str] | None = None
    request_uri: str | None = None
    client_id: str | None = None
    request: str | None = None


def locate_request(text: str) -> RequestLocation:
    """Read an `openid4vp://` URI or an https request_uri; check the prefix before any fetch."""
    if not isinstance(text, str) or len(text) > _MAX_TEXT:
        raise ProtocolError(f"request: want text of at most {_MAX_TEXT} characters")
    text = text.strip()
    parts = urlsplit(text)
    if parts.scheme == "https":
        return RequestLocation(request_uri=text)
    if parts.scheme not in (SCHEME, "openid4vp", "haip-vp") or not parts.query:
        raise ProtocolError(f"request: got scheme {clip(parts.scheme, 40)!r}, want {SCHEME}://")
    query = parse_qs(parts.query, keep_blank_values=True, max_num_fields=32)
    if any(len(v) != 1 for v in query.values()):
        raise ProtocolError("request: a parameter is given more than once")
    params = {k: v[0] for k, v in query.items()}
    client_id = params.get("client_id")
    if client_id is None:
        raise UnknownClientIdPrefix("request: no client_id")
    prefix, _ = client_id_prefix(client_id)
    if "request_uri" in params:
        if params.get("request_uri_method", "get") != "get":
            raise ProtocolError("request_uri_method: only get is supported")
        if prefix == "redirect_uri":
            raise RequestNotTrusted("a redirect_uri client cannot send a request by reference")
        return RequestLocation(request_uri=params["request_uri"], client_id=client_id)
    if "request" in params:
        return RequestLocation(request=params["request"], client_id=client_id)
    if prefix != "redirect_uri":
        raise RequestNotTrusted(f"a {prefix}: client must send a signed request object")
    return RequestLocation(params=params, client_id=client_id)
