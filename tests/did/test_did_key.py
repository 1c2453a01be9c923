"""Tests did:key for Ed25519 against the did:key conformance vectors and the spec's rules."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from did import (
    DidDocument,
    Ed25519Key,
    Resolver,
    b58decode,
    b58encode,
    b64url_encode,
    did_key_document,
    did_key_from_public_key,
    multibase_encode,
    public_key_from_did_key,
    verify_ed25519,
)
from did.errors import (
    CryptographicError,
    DidError,
    EncodingError,
    InvalidDid,
    InvalidPublicKey,
    InvalidPublicKeyLength,
    UnsupportedPublicKeyType,
)

SPEC_DID = "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK"
ZERO_SEED_DID = "did:key:z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp"
ZERO_SEED_KEY = bytes.fromhex("3b6a27bcceb6a42d62a3a8d02a6f0d73653215771de243a63ac048a18b59da29")


def without_context(document: dict[str, Any]) -> dict[str, Any]:
    return {name: value for name, value in document.items() if name != "@context"}


def did_key_of(data: bytes) -> str:
    return "did:key:" + multibase_encode(data)


# --- Conformance vectors: seed -> public key -> multibase -> DID -> document. ---


def test_every_vector_entry_derives_step_by_step(did_key_vectors: list[dict[str, Any]]) -> None:
    assert len(did_key_vectors) == 8
    for entry in did_key_vectors:
        public_key = bytes.fromhex(entry["publicKeyHex"])
        if "seedHex" in entry:
            key = Ed25519Key.from_seed(bytes.fromhex(entry["seedHex"]))
            assert key.public_key == public_key
        assert bytes.fromhex(entry["multicodecPrefixHex"]) + public_key == b58decode(
            entry["publicKeyMultibase"][1:]
        )
        assert multibase_encode(b"\xed\x01" + public_key) == entry["publicKeyMultibase"]
        assert b58encode(public_key) == entry["publicKeyBase58"]
        assert did_key_from_public_key(public_key) == entry["did"]
        assert public_key_from_did_key(entry["did"]) == public_key
        document = did_key_document(entry["did"])
        assert document.verification_methods[0].id == entry["verificationMethodId"]
        # The Digital Bazaar document is compared whole: our @context is the same as theirs.
        assert document.to_json() == entry["didDocument_digitalbazaar_did_method_key_5_3_0"]
        assert without_context(document.to_json()) == without_context(
            entry["didDocument_multikey_spec_v0_9"]
        )


def test_vector_documents_with_derived_key_agreement(did_key_vectors: list[dict[str, Any]]) -> None:
    for entry in did_key_vectors:
        document = did_key_document(entry["did"], enable_encryption_key_derivation=True)
        x25519 = document.key_agreement[0]
        assert not isinstance(x25519, str)
        assert x25519.public_key.hex() == entry["x25519PublicKeyHex"]
        assert without_context(document.to_json()) == without_context(
            entry["didDocument_multikey_spec_v0_9_with_keyAgreement"]
        )


def test_vector_legacy_documents_parse_to_the_same_keys(
    did_key_vectors: list[dict[str, Any]], w3c_ccg_did_key_vectors: dict[str, Any]
) -> None:
    by_did = {entry["did"]: entry for entry in did_key_vectors}
    assert len(w3c_ccg_did_key_vectors) == 5
    for did, upstream in w3c_ccg_did_key_vectors.items():
        key = Ed25519Key.from_seed(bytes.fromhex(upstream["seed"]))
        assert did_key_from_public_key(key.public_key) == did
        legacy = DidDocument.from_json(upstream["didDocument"])
        signing, agreement = legacy.verification_methods
        assert (signing.key_type, signing.public_key) == ("Ed25519", key.public_key)
        assert agreement.key_type == "X25519"
        assert agreement.public_key.hex() == by_did[did]["x25519PublicKeyHex"]
        derived = did_key_document(did, enable_encryption_key_derivation=True)
        assert not isinstance(derived.key_agreement[0], str)
        assert derived.key_agreement[0].public_key == agreement.public_key
        assert legacy.authorizes(signing.id, "assertionMethod")
        assert legacy.authorizes(agreement.id, "keyAgreement")
        # The legacy document round-trips through our model, whatever its key format.
        assert legacy.to_json() == {name: value for name, value in upstream["didDocument"].items()}
        if "didDocument_legacy_2018_from_w3c_ccg" in by_did[did]:
            assert by_did[did]["didDocument_legacy_2018_from_w3c_ccg"] == upstream["didDocument"]


def test_spec_examples(did_key_spec_examples: dict[str, Any]) -> None:
    v09 = did_key_spec_examples["spec_v0_9_2025_multikey"]
    ours = did_key_document(v09["did"], enable_encryption_key_derivation=True)
    assert without_context(ours.to_json()) == without_context(v09["didDocument"])
    older = DidDocument.from_json(
        did_key_spec_examples["spec_2022_ed25519verificationkey2020"]["didDocument"]
    )
    assert older.verification_methods[0].public_key == public_key_from_did_key(v09["did"])
    assert older.verification_methods[0].type == "Ed25519VerificationKey2020"
    test_vector = did_key_spec_examples["spec_v0_9_test_vector_ed25519_did"]
    assert did_key_from_public_key(public_key_from_did_key(test_vector)) == test_vector


def test_negative_case_rules_from_the_spec(did_key_spec_examples: dict[str, Any]) -> None:
    key = public_key_from_did_key(SPEC_DID)
    codes: dict[str, list[str]] = {}
    for case in did_key_spec_examples["negative_cases_from_spec_rules"]:
        if "input" in case:
            # A DID URL is not a DID: resolution refuses it, dereferencing takes the fragment.
            result = Resolver().resolve(case["input"])
            assert result.error == "invalidDid"
            with pytest.raises(DidError, match="not in"):
                Resolver().resolve_verification_method(case["input"])
            vm_id = SPEC_DID + "#" + SPEC_DID.removeprefix("did:key:")
            assert Resolver().resolve_verification_method(vm_id).public_key == key
            continue
        rule = case["rule"]
        if "MUST start with 'z'" in rule:
            inputs = [
                "did:key:u" + b64url_encode(b"\xed\x01" + key),
                "did:key:f" + (b"\xed\x01" + key).hex(),
                "did:key:Z" + SPEC_DID.removeprefix("did:key:z"),
            ]
        elif "exactly 32 key bytes" in rule:
            inputs = [did_key_of(b"\xed\x01" + key[:31]), did_key_of(b"\xed\x01" + key + b"\0")]
            inputs.append(did_key_of(b"\xed\x01"))
        elif "positive integer version" in rule:
            body = SPEC_DID.removeprefix("did:key:")
            inputs = [f"did:key:0:{body}", f"did:key:x:{body}", f"did:key:-1:{body}"]
            inputs.append(f"did:key:1:1:{body}")
            # The explicit version 1 is the same key.
            assert public_key_from_did_key(f"did:key:1:{body}") == key
        else:
            pytest.fail(f"a negative-case rule this test does not know: {rule}")
        for bad in inputs:
            assert Resolver().resolve(bad).error == case["error"], bad
            with pytest.raises(InvalidDid):
                public_key_from_did_key(bad)
        codes[case["error"]] = inputs
    assert set(codes) == {"invalidDid", "invalidPublicKeyLength"}


@pytest.mark.parametrize(
    ("data", "error", "code"),
    [
        (b"\xec\x01" + ZERO_SEED_KEY, UnsupportedPublicKeyType, "unsupportedPublicKeyType"),
        # A P-256 key whose 33 bytes are not a compressed point, and one of the wrong length.
        (b"\x80\x24" + bytes(33), InvalidPublicKey, "invalidPublicKey"),
        (b"\x80\x24\x02" + bytes(32) + b"\x00", InvalidPublicKeyLength, "invalidPublicKeyLength"),
        (b"\x81\x24" + bytes(33), UnsupportedPublicKeyType, "unsupportedPublicKeyType"),
        (b"\xed", UnsupportedPublicKeyType, "unsupportedPublicKeyType"),
        (b"", UnsupportedPublicKeyType, "unsupportedPublicKeyType"),
        (b"\xed\x00" + ZERO_SEED_KEY, UnsupportedPublicKeyType, "unsupportedPublicKeyType"),
        (b"\x00\xed\x01" + ZERO_SEED_KEY, UnsupportedPublicKeyType, "unsupportedPublicKeyType"),
        # The identity point (small order) and a y coordinate >= p (non-canonical encoding).
        (b"\xed\x01\x01" + bytes(31), InvalidPublicKey, "invalidPublicKey"),
        (b"\xed\x01" + b"\xed" + b"\xff" * 30 + b"\x7f", InvalidPublicKey, "invalidPublicKey"),
        (b"\xed\x01" + ZERO_SEED_KEY * 2, InvalidPublicKeyLength, "invalidPublicKeyLength"),
    ],
    ids=[
        "x25519-codec",
        "p256-not-a-point",
        "p256-34-bytes",
        "p384-codec",
        "truncated-varint",
        "empty",
        "ed-00-prefix",
        "leading-zero-byte",
        "small-order-point",
        "non-canonical-point",
        "64-byte-key",
    ],
)
def test_key_level_failures_have_their_spec_codes(
    data: bytes, error: type[InvalidDid], code: str
) -> None:
    did = did_key_of(data)
    with pytest.raises(error):
        public_key_from_did_key(did)
    assert Resolver().resolve(did).error == code


@pytest.mark.parametrize(
    "bad",
    [
        "did:key:z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooW0",  # '0' is not base58
        "did:key:z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWl",
        "did:key:",
        "did:key:z",
        "did:web:z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp",
        "did:key:z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp/path",
        "did:key:z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp#frag",
        "DID:key:z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp",
    ],
)
def test_malformed_did_keys_raise_invalid_did(bad: str) -> None:
    with pytest.raises(InvalidDid):
        public_key_from_did_key(bad)


def test_creation_refuses_bad_keys() -> None:
    with pytest.raises(EncodingError, match="got 31 bytes"):
        did_key_from_public_key(ZERO_SEED_KEY[:31])
    with pytest.raises(EncodingError, match="curve point"):
        did_key_from_public_key(b"\x01" + bytes(31))


def test_documents_are_cached_and_round_trip() -> None:
    document = did_key_document(ZERO_SEED_DID)
    assert did_key_document(ZERO_SEED_DID) is document
    assert DidDocument.from_json(document.to_json()) == document
    for purpose in (
        "authentication",
        "assertionMethod",
        "capabilityInvocation",
        "capabilityDelegation",
    ):
        assert document.authorizes(document.verification_methods[0].id, purpose)
    assert not document.authorizes(document.verification_methods[0].id, "keyAgreement")


# --- Keys: RFC 8032 signing and verification. ---


def test_ed25519_key_signs_and_verify_raises_on_any_change() -> None:
    key = Ed25519Key.from_seed(bytes(32))
    signature = key.sign(b"message")
    verify_ed25519(key.public_key, b"message", signature)
    with pytest.raises(CryptographicError, match="does not verify"):
        verify_ed25519(key.public_key, b"messagf", signature)
    flipped = bytes([signature[0] ^ 1]) + signature[1:]
    with pytest.raises(CryptographicError, match="does not verify"):
        verify_ed25519(key.public_key, b"message", flipped)
    with pytest.raises(CryptographicError, match="got 63 bytes, want 64"):
        verify_ed25519(key.public_key, b"message", signature[:63])
    with pytest.raises(CryptographicError, match="got 31 bytes, want 32"):
        verify_ed25519(key.public_key[:31], b"message", signature)


def test_rfc8032_test_1() -> None:
    # RFC 8032 §7.1, TEST 1: the empty message.
    seed = bytes.fromhex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60")
    key = Ed25519Key.from_seed(seed)
    assert key.public_key.hex() == (
        "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a"
    )
    assert key.sign(b"").hex() == (
        "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e06522490155"
        "5fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"
    )


def test_key_repr_hides_the_seed_and_generation_uses_the_given_rng() -> None:
    seed = bytes(range(32))
    key = Ed25519Key.generate(rng=lambda n: seed[:n])
    assert key == Ed25519Key.from_seed(seed)
    assert key.seed == seed
    assert seed.hex() not in repr(key) and "redacted" in repr(key)
    assert key != Ed25519Key.generate()
    with pytest.raises(EncodingError, match="want 32"):
        Ed25519Key.from_seed(b"short")


# --- Properties: malformed input raises the package's errors and nothing else. ---

VALID_BODY = ZERO_SEED_DID.removeprefix("did:key:")


@st.composite
def mutated_did_keys(draw: st.DrawFn) -> str:
    text = list(ZERO_SEED_DID)
    for _ in range(draw(st.integers(1, 4))):
        position = draw(st.integers(0, len(text)))
        action = draw(st.sampled_from(["replace", "insert", "delete"]))
        char = draw(st.characters(codec="utf-8") | st.sampled_from(list("123abcXYZz:%#/")))
        if action == "insert" or position == len(text):
            text.insert(position, char)
        elif action == "replace":
            text[position] = char
        else:
            del text[position]
    return "".join(text)


@settings(max_examples=300)
@given(st.one_of(st.text(max_size=80), mutated_did_keys()))
def test_public_key_from_did_key_raises_only_did_errors(text: str) -> None:
    try:
        key = public_key_from_did_key(text)
    except DidError:
        return
    # Whatever decodes is canonical: re-encoding gives the same DID back (version form aside).
    assert did_key_from_public_key(key) == text.replace("did:key:1:", "did:key:")


@settings(max_examples=150)
@given(st.binary(min_size=32, max_size=32))
def test_every_valid_key_round_trips_through_its_did(public_key: bytes) -> None:
    try:
        did = did_key_from_public_key(public_key)
    except EncodingError:
        return
    assert did.startswith("did:key:z6Mk")
    assert public_key_from_did_key(did) == public_key
