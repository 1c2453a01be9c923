"""Provides DID syntax, DID URLs and DID documents as defined by W3C DID Core 1.0.

§3.1 gives the DID grammar, §3.2 the DID URL grammar (RFC 3986 path, query and fragment),
§5 the document properties and §5.3 the verification relationships. Documents are parsed
into frozen values; Ed25519, X25519 and P-256 verification methods are understood (Multikey,
Ed25519VerificationKey2020/2018, X25519KeyAgreementKey2019/2020, JsonWebKey2020 with an OKP
or EC P-256 key).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Literal

from did._keys import (
    _KEY_SIZES,
    SIGNING_KEY_TYPES,
    KeyType,
    decode_multikey,
    decode_public_jwk,
    is_valid_ed25519_public_key,
    multikey,
    public_key_jwk,
)
from did._multibase import b58decode, b58encode
from did.errors import EncodingError, InvalidDid, InvalidDidDocument, ResolutionError

__all__ = ["DidDocument", "DidUrl", "VerificationMethod", "parse_did"]

# Long enough for any did:jwk of an OKP or P-256 key, short enough to bound regex work.
MAX_DID_URL_LENGTH = 8192

# §3.1: idchar = ALPHA / DIGIT / "." / "-" / "_" / pct-encoded.
_IDCHAR = r"(?:[A-Za-z0-9._-]|%[0-9A-Fa-f]{2})"
# RFC 3986 §3.3: pchar = unreserved / pct-encoded / sub-delims / ":" / "@".
_PCHAR = r"(?:[A-Za-z0-9._~!$&'()*+,;=:@-]|%[0-9A-Fa-f]{2})"
_DID_URL_RE = re.compile(
    rf"did:(?P<method>[a-z0-9]+)"
    rf":(?P<msid>(?:{_IDCHAR}*:)*{_IDCHAR}+)"
    rf"(?P<path>(?:/{_PCHAR}*)*)"
    rf"(?:\?(?P<query>(?:{_PCHAR}|[/?])*))?"
    rf"(?:#(?P<fragment>(?:{_PCHAR}|[/?])*))?",
    re.ASCII,
)

Purpose = Literal[
    "authentication",
    "assertionMethod",
    "keyAgreement",
    "capabilityInvocation",
    "capabilityDelegation",
]
PURPOSES: tuple[Purpose, ...] = (
    "authentication",
    "assertionMethod",
    "keyAgreement",
    "capabilityInvocation",
    "capabilityDelegation",
)


@dataclass(frozen=True, slots=True)
class DidUrl:
    """A parsed DID or DID URL; `path` is "" and `query`/`fragment` None when absent.

    Percent-encoded octets are kept as written, since their meaning belongs to the method.
    """

    did: str
    method: str
    method_specific_id: str
    path: str = ""
    query: str | None = None
    fragment: str | None = None

    @property
    def is_bare_did(self) -> bool:
        """True when this is a plain DID with no path, query or fragment."""
        return not self.path and self.query is None and self.fragment is None

    def __str__(self) -> str:
        text = self.did + self.path
        if self.query is not None:
            text += "?" + self.query
        if self.fragment is not None:
            text += "#" + self.fragment
        return text


def parse_did(did_or_url: str) -> DidUrl:
    """Parse a DID or DID URL (DID Core §3.1, §3.2); raise InvalidDid naming the problem."""
    if not isinstance(did_or_url, str):
        raise InvalidDid(f"DID must be text, got {type(did_or_url).__name__}")
    if len(did_or_url) > MAX_DID_URL_LENGTH:
        raise InvalidDid(f"DID URL is {len(did_or_url)} characters, limit {MAX_DID_URL_LENGTH}")
    if not did_or_url.startswith("did:"):
        raise InvalidDid(f"{_clip(did_or_url)!r} does not start with 'did:'")
    match = _DID_URL_RE.fullmatch(did_or_url)
    if match is None:
        raise InvalidDid(f"{_clip(did_or_url)!r} is not a DID or DID URL (DID Core §3.1)")
    method, msid = match["method"], match["msid"]
    return DidUrl(
        did=f"did:{method}:{msid}",
        method=method,
        method_specific_id=msid,
        path=match["path"],
        query=match["query"],
        fragment=match["fragment"],
    )


def _clip(text: str, limit: int = 80) -> str:
    return text if len(text) <= limit else text[:limit] + "…"


def _fail(message: str) -> InvalidDidDocument:
    return InvalidDidDocument(f"invalid DID document: {message}")


@dataclass(frozen=True, slots=True)
class VerificationMethod:
    """A verification method (DID Core §5.2) holding a raw Ed25519, X25519 or P-256 public key
    (P-256 as its 33-byte compressed point).

    `key_format` records which property carried the key (`publicKeyMultibase`,
    `publicKeyJwk` or `publicKeyBase58`) so that `to_json` writes it back the same way.
    """

    id: str
    type: str
    controller: str
    public_key: bytes
    key_type: KeyType = "Ed25519"
    key_format: Literal["publicKeyMultibase", "publicKeyJwk", "publicKeyBase58"] = (
        "publicKeyMultibase"
    )

    def __post_init__(self) -> None:
        if self.key_type not in _KEY_SIZES:
            raise EncodingError(f"key type {self.key_type!r}, want Ed25519, X25519 or P-256")
        # A key of the wrong size cannot be written back out in its original property.
        size = _KEY_SIZES[self.key_type]
        if not isinstance(self.public_key, bytes) or len(self.public_key) != size:
            raise EncodingError(f"{self.key_type} public key must be {size} bytes")

    @classmethod
    def from_json(cls, obj: object, base_did: str | None = None) -> VerificationMethod:
        """Read a verification method; a relative id (`#key-1`) is joined to `base_did`."""
        if not isinstance(obj, dict):
            raise _fail(f"verification method is {type(obj).__name__}, want an object")
        vm_id, vm_type, controller = obj.get("id"), obj.get("type"), obj.get("controller")
        if not isinstance(vm_id, str) or not isinstance(vm_type, str):
            raise _fail("verification method needs string 'id' and 'type'")
        if not isinstance(controller, str):
            raise _fail(f"verification method {_clip(vm_id)!r} needs a string 'controller'")
        if vm_id.startswith("#") and base_did is not None:
            vm_id = base_did + vm_id
        try:
            url = parse_did(vm_id)
            parse_did(controller)
        except InvalidDid as exc:
            raise _fail(f"verification method id or controller: {exc}") from None
        if url.fragment is None:
            raise _fail(f"verification method id {_clip(vm_id)!r} has no fragment")
        key_type, raw, key_format = _read_key(obj, vm_type)
        return cls(vm_id, vm_type, controller, raw, key_type, key_format)

    def to_json(self) -> dict[str, Any]:
        """Return the JSON form (DID Core §5.2) with the key in its original property."""
        out: dict[str, Any] = {"id": self.id, "type": self.type, "controller": self.controller}
        if self.key_format == "publicKeyJwk":
            out["publicKeyJwk"] = public_key_jwk(self.public_key, self.key_type)
        elif self.key_format == "publicKeyBase58":
            out["publicKeyBase58"] = b58encode(self.public_key)
        else:
            out["publicKeyMultibase"] = multikey(self.key_type, self.public_key)
        return out


_MULTIBASE_TYPES = {
    "Multikey": None,
    "Ed25519VerificationKey2020": "Ed25519",
    "X25519KeyAgreementKey2020": "X25519",
}
_BASE58_TYPES = {"Ed25519VerificationKey2018": "Ed25519", "X25519KeyAgreementKey2019": "X25519"}
_JWK_TYPES = ("JsonWebKey2020", "JsonWebKey")


def _read_key(
    obj: dict[str, Any], vm_type: str
) -> tuple[
    KeyType,
    bytes,
    Literal["publicKeyMultibase", "publicKeyJwk", "publicKeyBase58"],
]:
    """Decode the key material of a verification method according to its `type`."""
    try:
        if vm_type in _MULTIBASE_TYPES:
            value = obj.get("publicKeyMultibase")
            if not isinstance(value, str):
                raise _fail(f"{vm_type} needs a string 'publicKeyMultibase'")
            key_type, raw = decode_multikey(value)
            wanted = _MULTIBASE_TYPES[vm_type]
            fmt: Literal["publicKeyMultibase", "publicKeyJwk", "publicKeyBase58"]
            fmt = "publicKeyMultibase"
        elif vm_type in _JWK_TYPES:
            key_type, raw = decode_public_jwk(obj.get("publicKeyJwk"))
            wanted, fmt = None, "publicKeyJwk"
        elif vm_type in _BASE58_TYPES:
            value = obj.get("publicKeyBase58")
            if not isinstance(value, str):
                raise _fail(f"{vm_type} needs a string 'publicKeyBase58'")
            raw, wanted, fmt = b58decode(value), _BASE58_TYPES[vm_type], "publicKeyBase58"
            key_type = "Ed25519" if wanted == "Ed25519" else "X25519"
            if len(raw) != 32:
                raise _fail(f"{vm_type} key is {len(raw)} bytes, want 32")
        else:
            raise _fail(f"unsupported verification method type {_clip(vm_type)!r}")
    except EncodingError as exc:
        raise _fail(f"{vm_type} key: {exc}") from None
    if wanted is not None and key_type != wanted:
        raise _fail(f"{vm_type} carries a {key_type} key, want {wanted}")
    if key_type == "Ed25519" and not is_valid_ed25519_public_key(raw):
        raise _fail(f"{vm_type} key is not a valid Ed25519 point")
    return key_type, raw, fmt


Relationship = tuple[str | VerificationMethod, ...]


@dataclass(frozen=True)
class DidDocument:
    """A DID document (DID Core §5). Relationship entries are ids or embedded methods.

    Members other than those named here are not kept; `services` are kept as given.
    """

    id: str
    verification_methods: tuple[VerificationMethod, ...] = ()
    authentication: Relationship = ()
    assertion_method: Relationship = ()
    key_agreement: Relationship = ()
    capability_invocation: Relationship = ()
    capability_delegation: Relationship = ()
    context: tuple[Any, ...] = ("https://www.w3.org/ns/did/v1",)
    controller: tuple[str, ...] = ()
    also_known_as: tuple[str, ...] = ()
    services: tuple[dict[str, Any], ...] = field(default=())

    def relationship(self, purpose: str) -> Relationship:
        """Return the entries of one verification relationship (§5.3) by its JSON name."""
        attribute = {
            "authentication": self.authentication,
            "assertionMethod": self.assertion_method,
            "keyAgreement": self.key_agreement,
            "capabilityInvocation": self.capability_invocation,
            "capabilityDelegation": self.capability_delegation,
        }
        if purpose not in attribute:
            raise ResolutionError(f"unknown verification relationship {purpose!r}")
        return attribute[purpose]

    def all_verification_methods(self) -> tuple[VerificationMethod, ...]:
        """Every method: those in `verificationMethod` and those embedded in relationships."""
        embedded = tuple(
            entry
            for purpose in PURPOSES
            for entry in self.relationship(purpose)
            if isinstance(entry, VerificationMethod)
        )
        return self.verification_methods + embedded

    def find_verification_method(self, vm_id: str) -> VerificationMethod:
        """Return the method with this absolute (or `#fragment`) id; raise ResolutionError."""
        wanted = self.id + vm_id if vm_id.startswith("#") else vm_id
        for method in self.all_verification_methods():
            if method.id == wanted:
                return method
        raise ResolutionError(f"verification method {_clip(wanted)!r} not in {_clip(self.id)!r}")

    def authorizes(self, vm_id: str, purpose: str) -> bool:
        """Say whether the method `vm_id` is listed under `purpose` (§5.3).

        Only signing keys (Ed25519, P-256) can authorize signing purposes, so an X25519 key
        listed under `assertionMethod` by mistake never validates a signature.
        """
        wanted = self.id + vm_id if vm_id.startswith("#") else vm_id
        for entry in self.relationship(purpose):
            entry_id = entry.id if isinstance(entry, VerificationMethod) else entry
            if entry_id == wanted:
                if purpose == "keyAgreement":
                    return True
                method = self.find_verification_method(wanted)
                return method.key_type in SIGNING_KEY_TYPES
        return False

    @classmethod
    def from_json(cls, obj: object, *, expected_id: str | None = None) -> DidDocument:
        """Read a DID document; raise InvalidDidDocument naming the first problem.

        With `expected_id`, the document's `id` must equal it (as did:web requires).
        """
        if not isinstance(obj, dict):
            raise _fail(f"got {type(obj).__name__}, want a JSON object")
        doc_id = obj.get("id")
        if not isinstance(doc_id, str):
            raise _fail("'id' missing or not a string")
        try:
            if not parse_did(doc_id).is_bare_did:
                raise _fail(f"'id' {_clip(doc_id)!r} is a DID URL, want a DID")
        except InvalidDid as exc:
            raise _fail(f"'id': {exc}") from None
        if expected_id is not None and doc_id != expected_id:
            raise _fail(f"'id' is {_clip(doc_id)!r}, want {_clip(expected_id)!r}")
        context = obj.get("@context", ())
        context = tuple(context) if isinstance(context, list) else (context,)
        methods = obj.get("verificationMethod", [])
        if not isinstance(methods, list):
            raise _fail("'verificationMethod' is not a list")
        parsed = tuple(VerificationMethod.from_json(m, doc_id) for m in methods)
        relationships = {p: _read_relationship(obj, p, doc_id) for p in PURPOSES}
        document = cls(
            id=doc_id,
            verification_methods=parsed,
            authentication=relationships["authentication"],
            assertion_method=relationships["assertionMethod"],
            key_agreement=relationships["keyAgreement"],
            capability_invocation=relationships["capabilityInvocation"],
            capability_delegation=relationships["capabilityDelegation"],
            context=context,
            controller=_read_strings(obj, "controller"),
            also_known_as=_read_strings(obj, "alsoKnownAs"),
            services=_read_services(obj),
        )
        ids = [m.id for m in document.all_verification_methods()]
        if len(ids) != len(set(ids)):
            raise _fail("two verification methods share an id")
        for purpose in PURPOSES:
            for entry in document.relationship(purpose):
                if isinstance(entry, str) and entry not in ids:
                    raise _fail(f"{purpose} refers to unknown method {_clip(entry)!r}")
        return document

    def to_json(self) -> dict[str, Any]:
        """Return the JSON form; from_json(to_json()) gives back an equal document."""
        out: dict[str, Any] = {"@context": list(self.context), "id": self.id}
        if self.controller:
            out["controller"] = list(self.controller)
        if self.also_known_as:
            out["alsoKnownAs"] = list(self.also_known_as)
        if self.verification_methods:
            out["verificationMethod"] = [m.to_json() for m in self.verification_methods]
        for purpose in PURPOSES:
            entries = self.relationship(purpose)
            if entries:
                out[purpose] = [e if isinstance(e, str) else e.to_json() for e in entries]
        if self.services:
            out["service"] = [dict(s) for s in self.services]
        return out


def _read_relationship(obj: dict[str, Any], purpose: str, doc_id: str) -> Relationship:
    entries = obj.get(purpose, [])
    if not isinstance(entries, list):
        raise _fail(f"'{purpose}' is not a list")
    out: list[str | VerificationMethod] = []
    for entry in entries:
        if isinstance(entry, str):
            out.append(doc_id + entry if entry.startswith("#") else entry)
        else:
            out.append(VerificationMethod.from_json(entry, doc_id))
    return tuple(out)


def _read_strings(obj: dict[str, Any], name: str) -> tuple[str, ...]:
    value = obj.get(name, [])
    values = [value] if isinstance(value, str) else value
    if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
        raise _fail(f"'{name}' must be a string or a list of strings")
    return tuple(values)


def _read_services(obj: dict[str, Any]) -> tuple[dict[str, Any], ...]:
    services = obj.get("service", [])
    if not isinstance(services, list) or not all(isinstance(s, dict) for s in services):
        raise _fail("'service' must be a list of objects")
    for service in services:
        if not isinstance(service.get("id"), str) or "type" not in service:
            raise _fail("every service needs a string 'id' and a 'type'")
    return tuple(dict(s) for s in services)
