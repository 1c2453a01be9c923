"""Tests the eddsa-jcs-2022 cryptosuite step by step against the W3C vc-di-eddsa test vectors."""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from did import (
    DataIntegrityProof,
    Ed25519Key,
    Resolver,
    add_proof,
    canonicalize,
    create_proof_steps,
    did_key_from_public_key,
    multibase_decode,
    verify_proof,
)
from did.errors import CredentialError, CryptographicError, MalformedValueError, ParsingError

CREATED = datetime(2023, 2, 24, 23, 36, 38, tzinfo=UTC)


def _load(vectors: Path) -> dict[str, Any]:
    folder = vectors / "eddsa-jcs-2022"
    result: dict[str, Any] = json.loads((folder / "vector.json").read_text(encoding="utf-8"))
    result["folder"] = folder
    return result


def _vector_key(vector: dict[str, Any]) -> Ed25519Key:
    # The upstream secret is multicodec 0x8026 (ed25519-priv, varint 80 26) + the 32-byte seed.
    secret = multibase_decode(vector["keyPair"]["secretKeyMultibase"])
    assert secret[:2] == b"\x80\x26"
    return Ed25519Key.from_seed(secret[2:])


def _text(folder: Path, name: str) -> str:
    return (folder / name).read_text(encoding="utf-8").strip()


def test_every_intermediate_value_matches_the_spec(vectors: Path) -> None:
    vector = _load(vectors)
    folder = vector["folder"]
    key = _vector_key(vector)
    assert key.public_key.hex() == vector["keyPair"]["publicKeyHex_derived"]
    assert (
        did_key_from_public_key(key.public_key)
        == "did:key:" + (vector["keyPair"]["publicKeyMultibase"])
    )
    unsigned = json.loads((folder / "unsigned.json").read_text(encoding="utf-8"))
    steps = create_proof_steps(
        unsigned,
        key,
        vector["proofOptions"]["verificationMethod"],
        created=CREATED,
        proof_purpose="assertionMethod",
    )
    # §3.3.3 transformation: the JCS document, compared as exact bytes.
    assert steps.canonical_document == (folder / "canonDocJCS.txt").read_bytes().rstrip(b"\n")
    assert steps.canonical_document.decode() == vector["canonicalDocument"]
    # §3.3.5 proof configuration, as an object and as JCS bytes.
    config = json.loads((folder / "proofConfigJCS.json").read_text(encoding="utf-8"))
    assert steps.proof_config == config
    assert steps.canonical_proof_config == (folder / "proofCanonJCS.txt").read_bytes().rstrip(b"\n")
    # §3.3.4 hashing: each hash, and their concatenation (proof config first).
    assert steps.proof_config_hash.hex() == _text(folder, "proofHashJCS.txt")
    assert steps.document_hash.hex() == _text(folder, "docHashJCS.txt")
    assert steps.hash_data.hex() == _text(folder, "combinedHashJCS.txt")
    assert steps.hash_data.hex() == vector["hashDataHex"]
    # §3.3.6 proof serialization: the signature and its base58btc multibase form.
    assert steps.signature.hex() == _text(folder, "sigHexJCS.txt")
    assert steps.proof["proofValue"] == _text(folder, "sigBTC58JCS.txt")
    signed = json.loads((folder / "signedJCS.json").read_text(encoding="utf-8"))
    assert add_proof(unsigned, key, config["verificationMethod"], created=CREATED) == signed


def test_published_signed_credential_verifies(vectors: Path) -> None:
    folder = _load(vectors)["folder"]
    signed = json.loads((folder / "signedJCS.json").read_text(encoding="utf-8"))
    method = verify_proof(signed, Resolver(), "assertionMethod")
    assert method.id == signed["proof"]["verificationMethod"]


def test_published_credential_fails_when_any_claim_changes(vectors: Path) -> None:
    folder = _load(vectors)["folder"]
    signed = json.loads((folder / "signedJCS.json").read_text(encoding="utf-8"))
    for field in ("name", "description", "issuer", "validFrom", "id"):
        tampered = copy.deepcopy(signed)
        tampered[field] += "x"
        with pytest.raises(CryptographicError, match="signature"):
            verify_proof(tampered, Resolver(), "assertionMethod")


def test_wrong_purpose_and_unknown_suite_are_rejected(vectors: Path) -> None:
    folder = _load(vectors)["folder"]
    signed = json.loads((folder / "signedJCS.json").read_text(encoding="utf-8"))
    with pytest.raises(CryptographicError, match="proofPurpose"):
        verify_proof(signed, Resolver(), "authentication")
    for member, value in (("cryptosuite", "eddsa-rdfc-2022"), ("type", "Ed25519Signature2020")):
        other = copy.deepcopy(signed)
        other["proof"][member] = value
        with pytest.raises(MalformedValueError, match=member if member != "type" else "proof type"):
            verify_proof(other, Resolver(), "assertionMethod")


def test_proof_round_trips(vectors: Path) -> None:
    folder = _load(vectors)["folder"]
    signed = json.loads((folder / "signedJCS.json").read_text(encoding="utf-8"))
    proof = DataIntegrityProof.from_json(signed["proof"])
    assert proof.to_json() == signed["proof"]
    assert proof.created == CREATED
    assert DataIntegrityProof.from_json(proof.to_json()) == proof


def test_challenge_and_domain_are_signed_and_checked() -> None:
    key = Ed25519Key.from_seed(bytes(range(32)))
    did = did_key_from_public_key(key.public_key)
    method = f"{did}#{did.removeprefix('did:key:')}"
    document = {"@context": ["https://www.w3.org/ns/credentials/v2"], "holder": did}
    signed = add_proof(
        document, key, method, "authentication", created=CREATED, challenge="c1", domain="d1"
    )
    verify_proof(signed, Resolver(), "authentication", challenge="c1", domain="d1")
    with pytest.raises(CryptographicError, match="challenge"):
        verify_proof(signed, Resolver(), "authentication", challenge="c2", domain="d1")
    with pytest.raises(CryptographicError, match="domain"):
        verify_proof(signed, Resolver(), "authentication", challenge="c1", domain="d2")
    replayed = copy.deepcopy(signed)
    replayed["proof"]["challenge"] = "c2"
    with pytest.raises(CryptographicError, match="signature"):
        verify_proof(replayed, Resolver(), "authentication", challenge="c2", domain="d1")


@pytest.mark.parametrize(
    ("proof_value", "match"),
    [
        ("u" + "A" * 86, "base58btc"),
        ("z0OIl", "base58"),
        ("z", "bytes"),
        ("z2HnFSSPPBzR36zdDgK8", "bytes"),
        (12, "base58btc"),
    ],
)
def test_bad_proof_values_are_malformed(proof_value: object, match: str) -> None:
    proof = {
        "type": "DataIntegrityProof",
        "cryptosuite": "eddsa-jcs-2022",
        "verificationMethod": "did:key:z6Mk#z6Mk",
        "proofPurpose": "assertionMethod",
        "proofValue": proof_value,
    }
    with pytest.raises(MalformedValueError, match=match):
        DataIntegrityProof.from_json(proof)


def test_document_must_be_an_object_with_one_proof() -> None:
    with pytest.raises(ParsingError):
        verify_proof([], Resolver(), "assertionMethod")
    with pytest.raises(ParsingError):
        verify_proof({"a": 1}, Resolver(), "assertionMethod")
    # Each proof of a set is read before the set is judged; `verify_proof` takes one proof.
    with pytest.raises(MalformedValueError, match="proof type"):
        verify_proof({"proof": [{}, {}]}, Resolver(), "assertionMethod")


def test_canonicalize_is_what_is_hashed() -> None:
    key = Ed25519Key.from_seed(b"\x07" * 32)
    steps = create_proof_steps({"b": 1, "a": [1.5, "é"]}, key, "did:key:z#z", created=None)
    assert steps.canonical_document == canonicalize({"a": [1.5, "é"], "b": 1})
    assert "created" not in steps.proof


json_scalars = st.none() | st.booleans() | st.integers(-1000, 1000) | st.text(max_size=8)


@settings(max_examples=60, deadline=None)
@given(
    # A document that already has a `proof` member is refused by add_proof itself.
    st.dictionaries(st.text(max_size=6).filter(lambda k: k != "proof"), json_scalars, max_size=5),
    st.sampled_from(["type", "cryptosuite", "verificationMethod", "proofPurpose", "created"]),
    json_scalars,
)
def test_arbitrary_proof_members_raise_package_errors(
    extra: dict[str, Any], member: str, value: object
) -> None:
    key = Ed25519Key.from_seed(b"\x09" * 32)
    did = did_key_from_public_key(key.public_key)
    signed = add_proof(
        {"@context": ["https://www.w3.org/ns/credentials/v2"], **extra},
        key,
        f"{did}#{did.removeprefix('did:key:')}",
        created=CREATED,
    )
    signed["proof"][member] = value
    try:
        verify_proof(signed, Resolver(), "assertionMethod")
    except CredentialError:
        return
    # Only a value equal to the original may pass.
    assert (
        signed["proof"][member]
        == add_proof(
            {"@context": ["https://www.w3.org/ns/credentials/v2"], **extra},
            key,
            f"{did}#{did.removeprefix('did:key:')}",
            created=CREATED,
        )["proof"][member]
    )
