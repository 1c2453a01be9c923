"""Tests P-256 keys: the did:key NIST P-256 vectors, did:jwk, DID documents and ES256 signatures."""

from __future__ import annotations

import contextlib
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from did import (
    DidDocument,
    Ed25519Key,
    P256Key,
    Resolver,
    b64url_decode,
    did_jwk_document,
    did_jwk_from_public_key,
    did_key_document,
    did_key_from_public_key,
    multibase_decode,
    public_key_from_did_key,
    public_key_jwk,
    read_public_key,
    verify_signature,
)
from did.errors import CryptographicError, EncodingError

# The P-256 key pair of the vc-di-ecdsa test vectors (w3c/vc-di-ecdsa, TestVectors/
# p256KeyPair.json): a `p256-priv` (0x1306) secret and its `p256-pub` Multikey.
VC_DI_ECDSA_SECRET = "z42twTcNeSYcnqg1FLuSFs2bsGH3ZqbRHFmvS9XMsYhjxvHN"
VC_DI_ECDSA_PUBLIC = "zDnaepBuvsQ8cpsWrVKw8fbpGpvPeNSjVPTWoq6cRqaYzBKVP"


@pytest.fixture(scope="module")
def nist_p256(vectors: Path) -> dict[str, Any]:
    """The entries of did-key/nist-p256.json: DID -> public and private JWK."""
    data: dict[str, Any] = json.loads((vectors / "did-key" / "nist-p256.json").read_text())
    return data


def test_every_nist_p256_vector_passes(nist_p256: dict[str, Any]) -> None:
    assert len(nist_p256) == 2
    for did, entry in nist_p256.items():
        key = P256Key.from_jwk(entry["privateKeyJwk"])
        # Private JWK -> public point -> did:key, and back from the DID to the same point.
        assert did_key_from_public_key(key.public_key, "P-256") == did
        assert public_key_from_did_key(did) == key.public_key
        assert did.startswith("did:key:zDn")
        document = did_key_document(did)
        method = document.verification_methods[0]
        assert method.key_type == "P-256"
        assert method.to_json() == {
            "id": f"{did}#{did.removeprefix('did:key:')}",
            "type": "Multikey",
            "controller": did,
            "publicKeyMultibase": did.removeprefix("did:key:"),
        }
        for purpose in ("authentication", "assertionMethod", "capabilityInvocation"):
            assert document.authorizes(method.id, purpose)
        assert DidDocument.from_json(document.to_json()) == document
        # The upstream JsonWebKey2020 form: the same key as a JWK.
        jwk_method = {"id": method.id, "type": "JsonWebKey2020", "controller": did,
                      "publicKeyJwk": entry["publicKeyJwk"]}  # fmt: skip
        assert (
            DidDocument.from_json(
                {"id": did, "verificationMethod": [jwk_method], "assertionMethod": [method.id]}
            )
            .verification_methods[0]
            .public_key
            == key.public_key
        )
        assert Resolver().resolve(did).raise_for_error() == document


def test_nist_p256_keys_as_did_jwk(nist_p256: dict[str, Any]) -> None:
    for entry in nist_p256.values():
        key = P256Key.from_jwk(entry["privateKeyJwk"])
        did = did_jwk_from_public_key(key.public_key, "P-256")
        assert json.loads(b64url_decode(did.removeprefix("did:jwk:"))) == entry["publicKeyJwk"]
        # RFC 7638 member order and no whitespace, so one key gives one DID.
        assert b64url_decode(did.removeprefix("did:jwk:")).startswith(b'{"crv":"P-256","kty":"EC"')
        method = did_jwk_document(did).verification_methods[0]
        assert method.public_key == key.public_key
        assert method.to_json()["publicKeyJwk"] == entry["publicKeyJwk"]
        document = did_jwk_document(did)
        assert document.authorizes(method.id, "assertionMethod")
        assert document.authorizes(method.id, "keyAgreement")


def test_vc_di_ecdsa_key_pair_matches() -> None:
    secret = multibase_decode(VC_DI_ECDSA_SECRET)
    assert secret[:2] == b"\x86\x26"
    key = P256Key.from_private_bytes(secret[2:])
    assert did_key_from_public_key(key.public_key, "P-256") == "did:key:" + VC_DI_ECDSA_PUBLIC


def test_sign_and_verify_es256(nist_p256: dict[str, Any]) -> None:
    entry = next(iter(nist_p256.values()))
    key = P256Key.from_jwk(entry["privateKeyJwk"])
    signature = key.sign(b"message")
    assert len(signature) == 64
    verify_signature("P-256", key.public_key, b"message", signature)
    with pytest.raises(CryptographicError):
        verify_signature("P-256", key.public_key, b"messagE", signature)
    flipped = bytes([signature[0] ^ 1]) + signature[1:]
    with pytest.raises(CryptographicError):
        verify_signature("P-256", key.public_key, b"message", flipped)
    with pytest.raises(CryptographicError, match="64"):
        verify_signature("P-256", key.public_key, b"message", signature[:63])
    with pytest.raises(CryptographicError, match=r"\[1, n-1\]"):
        verify_signature("P-256", key.public_key, b"message", bytes(64))


def test_private_key_never_shows() -> None:
    key = P256Key.from_private_bytes(bytes(31) + b"\x07")
    assert "07" not in repr(key).split("public_key=")[0]
    assert "redacted" in repr(key)
    assert key.private_bytes.hex() not in repr(key)
    assert key == P256Key.from_private_bytes(bytes(31) + b"\x07")


@pytest.mark.parametrize(
    "bad",
    [b"", bytes(32), b"\xff" * 32, bytes(33)],
    ids=["empty", "zero", "above-order", "33-bytes"],
)
def test_bad_private_scalars_are_refused(bad: bytes) -> None:
    with pytest.raises(EncodingError):
        P256Key.from_private_bytes(bad)


def test_private_jwk_must_match_its_public_part(nist_p256: dict[str, Any]) -> None:
    first, second = (entry["privateKeyJwk"] for entry in nist_p256.values())
    with pytest.raises(EncodingError, match="do not belong"):
        P256Key.from_jwk({**first, "d": second["d"]})


@settings(max_examples=25, deadline=None)
@given(st.binary(min_size=32, max_size=32))
def test_generated_keys_round_trip_through_did_key(seed: bytes) -> None:
    chunks = iter([seed, bytes(31) + b"\x01"])
    key = P256Key.generate(lambda size: next(chunks))
    did = did_key_from_public_key(key.public_key, "P-256")
    assert public_key_from_did_key(did) == key.public_key
    assert did_key_document(did).verification_methods[0].public_key == key.public_key
    signature = key.sign(seed)
    verify_signature("P-256", public_key_from_did_key(did), seed, signature)


def test_trusted_key_files_in_every_form(nist_p256: dict[str, Any]) -> None:
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    entry = next(iter(nist_p256.values()))
    key = P256Key.from_jwk(entry["privateKeyJwk"])
    point = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), key.public_key)
    pem = point.public_bytes(Encoding.PEM, PublicFormat.SubjectPublicKeyInfo)
    did = did_key_from_public_key(key.public_key, "P-256")
    for form in (json.dumps(entry["publicKeyJwk"]), pem, did, did.removeprefix("did:key:")):
        assert read_public_key(form) == ("P-256", key.public_key)
    ed = Ed25519Key.from_seed(bytes(32))
    assert read_public_key(json.dumps(public_key_jwk(ed.public_key))) == ("Ed25519", ed.public_key)
    for bad, match in (
        (json.dumps(entry["privateKeyJwk"]), "private key"),
        ("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----", "private key"),
        ("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----", "PEM"),
        ("hello", "want a JWK"),
        (b"\xff\xfe", "UTF-8"),
        ("{not json", "not JSON"),
    ):
        with pytest.raises(EncodingError, match=match):
            read_public_key(bad)


@settings(max_examples=100, deadline=None)
@given(st.one_of(st.text(max_size=120), st.binary(max_size=120)))
def test_any_key_file_is_a_key_or_an_encoding_error(data: str | bytes) -> None:
    with contextlib.suppress(EncodingError):
        read_public_key(data)
