"""Tests did:jwk for Ed25519 OKP keys: creation, resolution and malformed identifiers."""

from __future__ import annotations

import contextlib
import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from did import (
    DidDocument,
    Ed25519Key,
    Resolver,
    b64url_decode,
    b64url_encode,
    did_jwk_document,
    did_jwk_from_public_key,
)
from did.errors import (
    DidError,
    EncodingError,
    InvalidDid,
    InvalidPublicKey,
    UnsupportedPublicKeyType,
)

KEY = Ed25519Key.from_seed(bytes(32)).public_key


def did_jwk_of(jwk: object) -> str:
    return "did:jwk:" + b64url_encode(json.dumps(jwk).encode())


def test_vector_keys_give_the_vector_jwk(did_key_vectors: list[dict[str, Any]]) -> None:
    for entry in did_key_vectors:
        public_key = bytes.fromhex(entry["publicKeyHex"])
        did = did_jwk_from_public_key(public_key)
        encoded = json.loads(b64url_decode(did.removeprefix("did:jwk:")))
        assert encoded == entry["publicKeyJwk"]
        method = did_jwk_document(did).verification_methods[0]
        assert method.public_key == public_key
        assert method.to_json()["publicKeyJwk"] == entry["publicKeyJwk"]


def test_w3c_ccg_json_web_key_vector(w3c_ccg_did_key_vectors: dict[str, Any]) -> None:
    # The one upstream entry written with JsonWebKey2020 carries the same OKP JWK we emit.
    upstream = w3c_ccg_did_key_vectors["did:key:z6MkwYMhwTvsq376YBAcJHy3vyRWzBgn5vKfVqqDCgm7XVKU"]
    key = Ed25519Key.from_seed(bytes.fromhex(upstream["seed"]))
    did = did_jwk_from_public_key(key.public_key)
    assert json.loads(b64url_decode(did[8:])) == upstream["verificationKeyPair"]["publicKeyJwk"]


def test_creation_is_deterministic_and_compact() -> None:
    did = did_jwk_from_public_key(KEY)
    assert b64url_decode(did[8:]) == (
        b'{"crv":"Ed25519","kty":"OKP","x":"O2onvM62pC1io6jQKm8Nc2UyFXcd4kOmOsBIoYtZ2ik"}'
    )
    assert did == did_jwk_from_public_key(KEY)


def test_document_shape_and_round_trip() -> None:
    did = did_jwk_from_public_key(KEY)
    document = did_jwk_document(did)
    assert document.to_json()["@context"] == [
        "https://www.w3.org/ns/did/v1",
        "https://w3id.org/security/suites/jws-2020/v1",
    ]
    vm_id = did + "#0"
    assert [m.id for m in document.verification_methods] == [vm_id]
    for purpose in ("authentication", "assertionMethod", "capabilityInvocation", "keyAgreement"):
        assert document.authorizes("#0", purpose)
    assert DidDocument.from_json(document.to_json()) == document
    assert Resolver().resolve_verification_method(vm_id, "assertionMethod").public_key == KEY


def test_use_member_limits_relationships() -> None:
    jwk = {"kty": "OKP", "crv": "Ed25519", "x": b64url_encode(KEY)}
    signing_only = did_jwk_document(did_jwk_of({**jwk, "use": "sig"}))
    assert signing_only.assertion_method and not signing_only.key_agreement
    encryption_only = did_jwk_document(did_jwk_of({**jwk, "use": "enc"}))
    assert encryption_only.key_agreement and not encryption_only.assertion_method
    x25519 = did_jwk_document(did_jwk_of({"kty": "OKP", "crv": "X25519", "x": b64url_encode(KEY)}))
    assert not x25519.authentication and x25519.key_agreement


@pytest.mark.parametrize(
    ("did", "error"),
    [
        ("did:jwk:not+base64", InvalidDid),
        ("did:jwk:" + b64url_encode(b"not json"), InvalidDid),
        ("did:jwk:" + b64url_encode(b"\xff\xfe"), InvalidDid),
        (did_jwk_of([1, 2]), InvalidDid),
        (did_jwk_of({"kty": "EC", "crv": "P-384", "x": "AA", "y": "AA"}), UnsupportedPublicKeyType),
        (did_jwk_of({"kty": "OKP", "crv": "Ed448", "x": "AA"}), UnsupportedPublicKeyType),
        (did_jwk_of({"kty": "OKP", "crv": "Ed25519"}), InvalidDid),
        (did_jwk_of({"kty": "OKP", "crv": "Ed25519", "x": b64url_encode(KEY[:31])}), InvalidDid),
        (
            did_jwk_of({"kty": "OKP", "crv": "Ed25519", "x": b64url_encode(KEY), "d": "AA"}),
            InvalidDid,
        ),
        (
            did_jwk_of({"kty": "OKP", "crv": "Ed25519", "x": b64url_encode(b"\x01" + bytes(31))}),
            InvalidPublicKey,
        ),
        (did_jwk_from_public_key(KEY) + "#0", InvalidDid),
        ("did:key:" + did_jwk_from_public_key(KEY)[8:], InvalidDid),
    ],
    ids=[
        "not-base64url",
        "not-json",
        "not-utf8",
        "json-array",
        "p384",
        "ed448",
        "no-x",
        "short-x",
        "private-key",
        "small-order",
        "did-url",
        "other-method",
    ],
)
def test_malformed_did_jwk(did: str, error: type[DidError]) -> None:
    with pytest.raises(error):
        did_jwk_document(did)
    assert Resolver().resolve(did).error is not None


def test_creation_refuses_bad_keys() -> None:
    with pytest.raises(EncodingError):
        did_jwk_from_public_key(KEY + b"\0")
    with pytest.raises(EncodingError, match="curve point"):
        did_jwk_from_public_key(b"\x01" + bytes(31))


@settings(max_examples=200)
@given(st.one_of(st.text(max_size=60), st.binary(max_size=60)))
def test_arbitrary_identifiers_raise_only_did_errors(data: str | bytes) -> None:
    did = "did:jwk:" + (data if isinstance(data, str) else b64url_encode(data))
    with contextlib.suppress(DidError):
        did_jwk_document(did)
