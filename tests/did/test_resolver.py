"""Tests DID syntax, DID documents and resolution results (DID Core, DID Resolution)."""

from __future__ import annotations

import copy
from typing import Any

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from did import (
    DidDocument,
    DidUrl,
    Ed25519Key,
    ResolutionResult,
    Resolver,
    VerificationMethod,
    did_key_document,
    did_key_from_public_key,
    multibase_encode,
    parse_did,
    resolve,
)
from did.errors import (
    DidError,
    EncodingError,
    InvalidDid,
    InvalidDidDocument,
    InvalidPublicKeyLength,
    MethodNotSupported,
    ResolutionError,
)

DID = did_key_from_public_key(Ed25519Key.from_seed(bytes(32)).public_key)
VM_ID = DID + "#" + DID.removeprefix("did:key:")

# --- DID Core §3.1 and §3.2 syntax. ---


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "did:example:123456789abcdefghi",
            DidUrl("did:example:123456789abcdefghi", "example", "123456789abcdefghi"),
        ),
        ("did:web:localhost%3A8443", DidUrl("did:web:localhost%3A8443", "web", "localhost%3A8443")),
        (
            "did:web:example.com:user:alice",
            DidUrl("did:web:example.com:user:alice", "web", "example.com:user:alice"),
        ),
        (
            "did:example:123/path/to/rsrc",
            DidUrl("did:example:123", "example", "123", "/path/to/rsrc"),
        ),
        (
            "did:example:123?service=agent&relativeRef=/credentials#degree",
            DidUrl(
                "did:example:123",
                "example",
                "123",
                "",
                "service=agent&relativeRef=/credentials",
                "degree",
            ),
        ),
        ("did:example:123#", DidUrl("did:example:123", "example", "123", "", None, "")),
        ("did:example:123?", DidUrl("did:example:123", "example", "123", "", "", None)),
        ("did:example::::a", DidUrl("did:example::::a", "example", ":::a")),
        ("did:a1:b.c-d_e%2F", DidUrl("did:a1:b.c-d_e%2F", "a1", "b.c-d_e%2F")),
    ],
)
def test_parse_valid_dids_and_urls(text: str, expected: DidUrl) -> None:
    assert parse_did(text) == expected
    assert str(parse_did(text)) == text


@pytest.mark.parametrize(
    "bad",
    [
        "",
        "did:",
        "did:example",
        "did:example:",
        "did::123",
        "did:Example:123",
        "did:exa-mple:123",
        "did:example:12 3",
        "did:example:123:",
        "did:example:%zz",
        "did:example:%4",
        "did:example:caf\u00e9",
        "did:example:123#frag#frag",
        "did:example:123#a b",
        "DID:example:123",
        " did:example:123",
        "did:example:123\n",
        "did:example:" + "a" * 9000,
    ],
)
def test_parse_rejects_malformed(bad: str) -> None:
    with pytest.raises(InvalidDid):
        parse_did(bad)


def test_parse_rejects_non_text() -> None:
    with pytest.raises(InvalidDid, match="must be text"):
        parse_did(b"did:example:1")  # type: ignore[arg-type]


IDCHAR = st.sampled_from(list("abcXYZ019.-_")) | st.builds(
    lambda a, b: f"%{a}{b}", st.sampled_from("09AFaf"), st.sampled_from("09AFaf")
)
PCHAR = IDCHAR | st.sampled_from(list("~!$&'()*+,;=:@"))


@st.composite
def did_urls(draw: st.DrawFn) -> str:
    method = draw(st.text("abcdefxyz0123456789", min_size=1, max_size=6))
    segments = draw(st.lists(st.lists(IDCHAR, max_size=5).map("".join), max_size=3))
    last = "".join(draw(st.lists(IDCHAR, min_size=1, max_size=8)))
    text = f"did:{method}:" + "".join(s + ":" for s in segments) + last
    for _ in range(draw(st.integers(0, 3))):
        text += "/" + "".join(draw(st.lists(PCHAR, max_size=5)))
    if draw(st.booleans()):
        text += "?" + "".join(draw(st.lists(PCHAR | st.sampled_from("/?"), max_size=6)))
    if draw(st.booleans()):
        text += "#" + "".join(draw(st.lists(PCHAR | st.sampled_from("/?"), max_size=6)))
    return text


@settings(max_examples=200)
@given(did_urls())
def test_every_grammatical_did_url_parses_and_prints_back(text: str) -> None:
    url = parse_did(text)
    assert str(url) == text
    assert text.startswith(url.did)


@settings(max_examples=300)
@given(st.text(max_size=100))
def test_parse_did_raises_only_invalid_did(text: str) -> None:
    try:
        url = parse_did(text)
    except InvalidDid:
        return
    assert str(url) == text


# --- Resolution results (W3C DID Resolution). ---


def test_resolution_result_json_and_round_trip() -> None:
    result = resolve(DID)
    assert result.ok and result.did_document == did_key_document(DID)
    wire = result.to_json()
    assert wire["@context"] == "https://w3id.org/did-resolution/v1"
    assert wire["didResolutionMetadata"] == {"contentType": "application/did+ld+json"}
    assert wire["didDocumentMetadata"] == {}
    assert wire["didDocument"]["id"] == DID
    assert ResolutionResult.from_json(wire) == result
    assert result.raise_for_error() is result.did_document


@pytest.mark.parametrize(
    ("did", "code", "error"),
    [
        ("not a did", "invalidDid", InvalidDid),
        ("did:example:123", "methodNotSupported", MethodNotSupported),
        (VM_ID, "invalidDid", InvalidDid),
        ("did:jwk:abc/def", "invalidDid", InvalidDid),
        (
            "did:key:" + multibase_encode(b"\xed\x01" + bytes(10)),
            "invalidPublicKeyLength",
            InvalidPublicKeyLength,
        ),
    ],
)
def test_resolution_errors_go_in_metadata(did: str, code: str, error: type[DidError]) -> None:
    result = Resolver().resolve(did)
    assert result.did_document is None and result.error == code
    wire = result.to_json()
    assert wire["didDocument"] is None
    assert wire["didResolutionMetadata"]["error"] == code
    assert wire["didResolutionMetadata"]["errorMessage"] == result.message
    assert ResolutionResult.from_json(wire) == result
    with pytest.raises(error):
        result.raise_for_error()
    with pytest.raises(error):
        Resolver().resolve_document(did)


def test_resolution_result_invariants() -> None:
    with pytest.raises(ResolutionError):
        ResolutionResult(None)
    with pytest.raises(ResolutionError):
        ResolutionResult(did_key_document(DID), error="notFound")
    bad_results: list[object] = [
        [],
        {"didResolutionMetadata": []},
        {"didResolutionMetadata": {"error": 3}},
    ]
    for bad in bad_results:
        with pytest.raises(ResolutionError):
            ResolutionResult.from_json(bad)


def test_resolve_verification_method_checks_fragment_and_purpose() -> None:
    resolver = Resolver()
    assert resolver.resolve_verification_method(VM_ID, "assertionMethod").id == VM_ID
    with pytest.raises(InvalidDid, match="fragment"):
        resolver.resolve_verification_method(DID)
    with pytest.raises(ResolutionError, match="not in"):
        resolver.resolve_verification_method(DID + "#other")
    with pytest.raises(ResolutionError, match="not authorized for keyAgreement"):
        resolver.resolve_verification_method(VM_ID, "keyAgreement")


def test_resolver_refuses_unverified_tls() -> None:
    with pytest.raises(ResolutionError, match="verify=False"):
        Resolver(verify=False)


@st.composite
def mutated_dids(draw: st.DrawFn) -> str:
    base = draw(st.sampled_from([DID, VM_ID, "did:jwk:eyJjcnYiOiJFZDI1NTE5Iiwia3R5IjoiT0tQIn0"]))
    text = list(base)
    for _ in range(draw(st.integers(1, 3))):
        position = draw(st.integers(0, len(text) - 1))
        text[position] = draw(st.characters(codec="utf-8"))
    return "".join(text)


@settings(max_examples=300)
@given(st.one_of(st.text(max_size=80), mutated_dids()))
def test_resolve_never_raises_and_resolve_document_raises_only_did_errors(text: str) -> None:
    # Any did:web the search stumbles on is answered by a stub, never by the network.
    resolver = Resolver(httpx.Client(transport=httpx.MockTransport(lambda _: httpx.Response(404))))
    result = resolver.resolve(text)
    assert (result.did_document is None) != (result.error is None)
    try:
        document = resolver.resolve_document(text)
    except DidError as exc:
        assert result.error == exc.code  # type: ignore[attr-defined]
        return
    assert result.did_document == document


# --- DID documents (DID Core §5). ---


def base_document() -> dict[str, Any]:
    return copy.deepcopy(did_key_document(DID).to_json())


def test_relative_ids_and_embedded_methods() -> None:
    wire = base_document()
    method = wire["verificationMethod"][0]
    wire["verificationMethod"][0] = {**method, "id": "#key-1"}
    wire["assertionMethod"] = ["#key-1"]
    wire["keyAgreement"] = [{**method, "id": DID + "#embedded"}]
    wire["authentication"] = wire["capabilityInvocation"] = wire["capabilityDelegation"] = []
    document = DidDocument.from_json(wire)
    assert document.find_verification_method("#key-1").id == DID + "#key-1"
    assert document.authorizes(DID + "#key-1", "assertionMethod")
    assert not document.authorizes("#key-1", "authentication")
    assert isinstance(document.find_verification_method("#embedded"), VerificationMethod)
    assert DidDocument.from_json(document.to_json()) == document
    with pytest.raises(ResolutionError, match="unknown verification relationship"):
        document.authorizes("#key-1", "sign")


def test_x25519_methods_never_authorize_signing() -> None:
    document = did_key_document(DID, enable_encryption_key_derivation=True)
    wire = document.to_json()
    x25519 = wire["keyAgreement"][0]
    wire["verificationMethod"].append(x25519)
    wire["keyAgreement"] = [x25519["id"]]
    wire["assertionMethod"].append(x25519["id"])
    document = DidDocument.from_json(wire)
    assert not document.authorizes(x25519["id"], "assertionMethod")
    assert document.authorizes(x25519["id"], "keyAgreement")


def _set(path: str, value: object) -> dict[str, Any]:
    wire = base_document()
    target: Any = wire
    *parents, last = path.split(".")
    for part in parents:
        target = target[int(part)] if part.isdigit() else target[part]
    if value is KeyError:
        del target[int(last) if last.isdigit() else last]
    else:
        target[int(last) if last.isdigit() else last] = value
    return wire


@pytest.mark.parametrize(
    ("wire", "message"),
    [
        ([], "want a JSON object"),
        (_set("id", KeyError), "'id' missing"),
        (_set("id", DID + "#x"), "DID URL"),
        (_set("id", "nope"), "'id'"),
        (_set("verificationMethod", {}), "not a list"),
        (_set("verificationMethod.0", "x"), "want an object"),
        (_set("verificationMethod.0.type", "RsaVerificationKey2018"), "unsupported"),
        (_set("verificationMethod.0.controller", 5), "controller"),
        (_set("verificationMethod.0.id", DID), "no fragment"),
        (_set("verificationMethod.0.publicKeyMultibase", "z6Mk"), "Multikey"),
        (_set("verificationMethod.0.publicKeyMultibase", KeyError), "publicKeyMultibase"),
        (_set("verificationMethod.0.publicKeyMultibase", "z6Mkf" + "1" * 40), "Multikey"),
        (_set("assertionMethod", [DID + "#missing"]), "unknown method"),
        (_set("assertionMethod", "x"), "not a list"),
        (_set("controller", [1]), "controller"),
        (_set("service", [{"type": "X"}]), "service"),
        (_set("service", {}), "service"),
    ],
)
def test_malformed_documents_raise_invalid_did_document(wire: object, message: str) -> None:
    with pytest.raises(InvalidDidDocument, match=message):
        DidDocument.from_json(wire)


def test_expected_id_and_duplicate_ids() -> None:
    with pytest.raises(InvalidDidDocument, match="want 'did:web:x'"):
        DidDocument.from_json(base_document(), expected_id="did:web:x")
    wire = base_document()
    wire["verificationMethod"].append(wire["verificationMethod"][0])
    with pytest.raises(InvalidDidDocument, match="share an id"):
        DidDocument.from_json(wire)


def test_services_controller_and_also_known_as_round_trip() -> None:
    wire = base_document()
    wire["controller"] = [DID]
    wire["alsoKnownAs"] = ["https://example.com/alice"]
    wire["service"] = [
        {"id": DID + "#hub", "type": "LinkedDomains", "serviceEndpoint": "https://example.com"}
    ]
    document = DidDocument.from_json(wire)
    assert document.to_json() == wire
    assert DidDocument.from_json(document.to_json()) == document


@pytest.mark.parametrize(
    ("vm_type", "key_format", "key_type"),
    [
        ("Multikey", "publicKeyMultibase", "Ed25519"),
        ("Multikey", "publicKeyMultibase", "X25519"),
        ("Ed25519VerificationKey2020", "publicKeyMultibase", "Ed25519"),
        ("Ed25519VerificationKey2018", "publicKeyBase58", "Ed25519"),
        ("JsonWebKey2020", "publicKeyJwk", "Ed25519"),
        ("JsonWebKey", "publicKeyJwk", "X25519"),
    ],
)
def test_verification_methods_round_trip_in_every_key_format(
    vm_type: str, key_format: Any, key_type: Any
) -> None:
    key = Ed25519Key.from_seed(bytes(32)).public_key
    method = VerificationMethod(VM_ID, vm_type, DID, key, key_type, key_format)
    wire = method.to_json()
    assert key_format in wire
    assert VerificationMethod.from_json(wire) == method


def test_verification_method_invariants() -> None:
    with pytest.raises(EncodingError, match="32 bytes"):
        VerificationMethod(VM_ID, "Multikey", DID, b"short")
    with pytest.raises(EncodingError, match="key type"):
        VerificationMethod(VM_ID, "Multikey", DID, bytes(32), "P-384")  # type: ignore[arg-type]
