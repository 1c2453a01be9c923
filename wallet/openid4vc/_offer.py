"""Provides the OpenID4VCI 1.0 credential offer (§4.1) and its URI forms.

An offer names the credential issuer, the credential configurations on offer and the grants
the wallet may use: `authorization_code` (with an optional `issuer_state`) and the
pre-authorized code grant (with an optional `tx_code` the user must type, §4.1.1). It travels
by value (`openid-credential-offer://?credential_offer=<JSON>`) or by reference
(`?credential_offer_uri=<https URL>`, §4.1.3), often as a QR code.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, quote, urlsplit

from wallet.openid4vc._errors import ProtocolError, clip

__all__ = [
    "OFFER_SCHEME",
    "PRE_AUTHORIZED_GRANT",
    "CredentialOffer",
    "OfferLocation",
    "TxCode",
    "locate_offer",
    "offer_uri_by_reference",
]

OFFER_SCHEME = "openid-credential-offer"
PRE_AUTHORIZED_GRANT = "urn:ietf:params:oauth:grant-type:pre-authorized_code"
AUTHORIZATION_CODE_GRANT = "authorization_code"
_MAX_OFFER_TEXT = 16 * 1024
_MAX_CONFIGURATIONS = 16


def _string(obj: dict[str, Any], name: str, where: str, *, required: bool = True) -> str | None:
    value = obj.get(name)
    if value is None and not required:
        return None
    if not isinstance(value, str) or not value or len(value) > 2048:
        raise ProtocolError(f"{where}.{name}: want a non-empty string")
    return value


@dataclass(frozen=True)
class TxCode:
    """The transaction code the user must enter (§4.1.1): its input mode, length, hint."""

    input_mode: str = "numeric"
    length: int | None = None
    description: str | None = None

    @classmethod
    def from_json(cls, data: Any) -> TxCode:
        if not isinstance(data, dict):
            raise ProtocolError("tx_code: want an object")
        mode = data.get("input_mode", "numeric")
        if mode not in ("numeric", "text"):
            raise ProtocolError(f"tx_code.input_mode: got {clip(mode, 20)!r}, want numeric|text")
        length = data.get("length")
        if length is not None and (not isinstance(length, int) or not 1 <= length <= 64):
            raise ProtocolError("tx_code.length: want an integer from 1 to 64")
        description = _string(data, "description", "tx_code", required=False)
        if description is not None and len(description) > 300:
            raise ProtocolError("tx_code.description: at most 300 characters")
        return cls(mode, length, description)

    def to_json(self) -> dict[str, Any]:
        result: dict[str, Any] = {"input_mode": self.input_mode}
        if self.length is not None:
            result["length"] = self.length
        if self.description is not None:
            result["description"] = self.description
        return result


@dataclass(frozen=True)
class CredentialOffer:
    """A credential offer: issuer, configuration ids and at least one grant."""

    credential_issuer: str
    credential_configuration_ids: tuple[str, ...]
    pre_authorized_code: str | None = None
    tx_code: TxCode | None = None
    issuer_state: str | None = None
    authorization_code_grant: bool = False
    authorization_server: str | None = None

    @classmethod
    def from_json(cls, data: Any) -> CredentialOffer:
        """Check an offer object (§4.1.1); raise ProtocolError naming the bad member."""
        if not isinstance(data, dict):
            raise ProtocolError("credential offer: want a JSON object")
        issuer = _string(data, "credential_issuer", "credential offer")
        assert issuer is not None
        ids = data.get("credential_configuration_ids")
        if (
            not isinstance(ids, list)
            or not 1 <= len(ids) <= _MAX_CONFIGURATIONS
            or not all(isinstance(i, str) and 0 < len(i) <= 256 for i in ids)
            or len(set(ids)) != len(ids)
        ):
            raise ProtocolError(
                "credential offer.credential_configuration_ids: want 1 to "
                f"{_MAX_CONFIGURATIONS} distinct strings"
            )
        grants = data.get("grants", {})
        if not isinstance(grants, dict):
            raise ProtocolError("credential offer.grants: want an object")
        code = tx_code = state = server = None
        pre = grants.get(PRE_AUTHORIZED_GRANT)
        if pre is not None:
            if not isinstance(pre, dict):
                raise ProtocolError("pre-authorized_code grant: want an object")
            code = _string(pre, "pre-authorized_code", "grant")
            tx_code = TxCode.from_json(pre["tx_code"]) if "tx_code" in pre else None
            server = _string(pre, "authorization_server", "grant", required=False)
        auth = grants.get(AUTHORIZATION_CODE_GRANT)
        if auth is not None:
            if not isinstance(auth, dict):
                raise ProtocolError("authorization_code grant: want an object")
            state = _string(auth, "issuer_state", "grant", required=False)
            server = server or _string(auth, "authorization_server", "grant", required=False)
        return cls(issuer, tuple(ids), code, tx_code, state, auth is not None, server)

    def to_json(self) -> dict[str, Any]:
        grants: dict[str, Any] = {}
        if self.authorization_code_grant:
            auth: dict[str, Any] = {}
            if self.issuer_state is not None:
                auth["issuer_state"] = self.issuer_state
            grants[AUTHORIZATION_CODE_GRANT] = auth
        if self.pre_authorized_code is not None:
            pre: dict[str, Any] = {"pre-authorized_code": self.pre_authorized_code}
            if self.tx_code is not None:
                pre["tx_code"] = self.tx_code.to_json()
            grants[PRE_AUTHORIZED_GRANT] = pre
        result: dict[str, Any] = {
            "credential_issuer": self.credential_issuer,
            "credential_configuration_ids": list(self.credential_configuration_ids),
        }
        if grants:
            result["grants"] = grants
        return result

    def to_uri(self) -> str:
        """The offer by value, as `openid-credential-offer://?credential_offer=…` (§4.1.2)."""
        import json

        text = json.dumps(self.to_json(), separators=(",", ":"))
        return f"{OFFER_SCHEME}://?credential_offer={quote(text, safe='')}"


def offer_uri_by_reference(url: str) -> str:
    """The offer by reference, `openid-credential-offer://?credential_offer_uri=…` (§4.1.3)."""
    return f"{OFFER_SCHEME}://?credential_offer_uri={quote(url, safe='')}"


@dataclass(frozen=True)
class OfferLocation:
    """Where an offer is: in hand (`offer`) or at an https URL to fetch (`uri`)."""

    offer: CredentialOffer | None = None
    uri: str | None = None


def locate_offer(text: str) -> OfferLocation:
    """Read what the user gave: an offer URI (by value or reference), an https URL, or JSON."""
    from did import parse_json
    from did.errors import DidError

    if not isinstance(text, str) or len(text) > _MAX_OFFER_TEXT:
        raise ProtocolError(f"credential offer: want text of at most {_MAX_OFFER_TEXT} bytes")
    text = text.strip()
    if text.startswith("{"):
        try:
            return OfferLocation(offer=CredentialOffer.from_json(parse_json(text, max_depth=8)))
        except DidError as exc:
            raise ProtocolError(f"credential offer: {exc}") from None
    parts = urlsplit(text)
    if parts.scheme == "https":
        return OfferLocation(uri=text)
    if parts.scheme != OFFER_SCHEME:
        raise ProtocolError(
            f"credential offer: got scheme {clip(parts.scheme, 40)!r}, want {OFFER_SCHEME}:// "
            "or an https URL"
        )
    query = parse_qs(parts.query, keep_blank_values=True, max_num_fields=4)
    by_value, by_reference = query.get("credential_offer"), query.get("credential_offer_uri")
    if (by_value is None) == (by_reference is None):
        raise ProtocolError(
            "credential offer: want exactly one of credential_offer and credential_offer_uri"
        )
    if by_reference is not None:
        if len(by_reference) != 1:
            raise ProtocolError("credential_offer_uri: given more than once")
        return OfferLocation(uri=by_reference[0])
    assert by_value is not None
    if len(by_value) != 1:
        raise ProtocolError("credential_offer: given more than once")
    try:
        data = parse_json(by_value[0], max_depth=8)
    except DidError as exc:
        raise ProtocolError(f"credential_offer: {exc}") from None
    return OfferLocation(offer=CredentialOffer.from_json(data))
