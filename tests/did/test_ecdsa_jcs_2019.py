"""Tests the ecdsa-jcs-2019 cryptosuite with P-256 against the W3C vc-di-ecdsa test vectors."""

from __future__ import annotations

import copy
import hashlib
from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from did import (
    DataIntegrityProof,
    Ed25519Key,
    P256Key,
    Resolver,
    TrustIssuers,
    add_proof,
    canonicalize,
    create_proof_steps,
    did_key_from_public_key,
    issue_credential,
    multibase_decode,
    verify_credential,
    verify_proof,
)
from did._data_integrity import split_proof, verify_signature
from did.errors import CryptographicError, MalformedValueError

# Test data from the W3C vc-di-ecdsa specification's test vectors (github.com/w3c/vc-di-ecdsa,
# TestVectors/ecdsa-jcs-2019-p256/signedJCSECDSAP256.json, proofCanonJCSECDSAP256.txt and
# combinedHashJCSECDSAP256.txt; TestVectors/p256KeyPair.json). The published proof carries no
# `@context` of its own, so this vector also checks that the proof configuration hashed is the
# proof as it stands (vc-di-ecdsa §3.3.5), with nothing added from the document.
SPEC_DID = "did:key:zDnaepBuvsQ8cpsWrVKw8fbpGpvPeNSjVPTWoq6cRqaYzBKVP"
SPEC_SECRET = "z42twTcNeSYcnqg1FLuSFs2bsGH3ZqbRHFmvS9XMsYhjxvHN"
SPEC_SIGNED: dict[str, Any] = {
    "@context": [
        "https://www.w3.org/ns/credentials/v2",
        "https://www.w3.org/ns/credentials/examples/v2",
    ],
    "id": "urn:uuid:58172aac-d8ba-11ed-83dd-0b3aef56cc33",
    "type": ["VerifiableCredential", "AlumniCredential"],
    "name": "Alumni Credential",
    "description": "A minimum viable example of an Alumni Credential.",
    "issuer": "https://vc.example/issuers/5678",
    "validFrom": "2023-01-01T00:00:00Z",
    "credentialSubject": {"id": "did:example:abcdefgh", "alumniOf": "The School of Examples"},
    "proof": {
        "type": "DataIntegrityProof",
        "cryptosuite": "ecdsa-jcs-2019",
        "created": "2023-02-24T23:36:38Z",
        "verificationMethod": SPEC_DID + "#" + SPEC_DID.removeprefix("did:key:"),
        "proofPurpose": "assertionMethod",
        "proofValue": "zq6PrUMCtqY5obCSsrQxuFJdGffCDxvFuopdZiBPUBRTFEs1VVsBZi8Yi"
        "EwVWgHYrXxoV93gBHqGDBtQLPFxpZxz",
    },
}
SPEC_PROOF_CANON = (
    '{"created":"2023-02-24T23:36:38Z","cryptosuite":"ecdsa-jcs-2019",'
    '"proofPurpose":"assertionMethod","type":"DataIntegrityProof",'
    '"verificationMethod":"' + SPEC_DID + "#" + SPEC_DID.removeprefix("did:key:") + '"}'
)
SPEC_COMBINED_HASH = (
    "9c4b552d65fcb106b6b27ec2436d8ae81b319afc7aeaab7964b2938cd120cec3"
    "59b7cb6251b8991add1ce0bc83107e3db9dbbab5bd2c28f687db1a03abc92f19"
)
CREATED = datetime(2023, 2, 24, 23, 36, 38, tzinfo=UTC)
NOW = datetime(2024, 6, 1, tzinfo=UTC)


def spec_key() -> P256Key:
    secret = multibase_decode(SPEC_SECRET)
    assert secret[:2] == b"\x86\x26"  # p256-priv, varint of 0x1306
    return P256Key.from_private_bytes(secret[2:])


def test_published_credential_verifies_and_hashes_as_published() -> None:
    method = verify_proof(copy.deepcopy(SPEC_SIGNED), Resolver(), "assertionMethod")
    assert method.key_type == "P-256"
    unsecured, proof = split_proof(SPEC_SIGNED)
    assert proof.suite.name == "ecdsa-jcs-2019"
    # §3.3.5 proof configuration and §3.3.4 hashing, compared with the published bytes.
    assert canonicalize(proof.options).decode() == SPEC_PROOF_CANON
    combined = hashlib.sha256(SPEC_PROOF_CANON.encode()).digest()
    combined += hashlib.sha256(canonicalize(unsecured)).digest()
    assert combined.hex() == SPEC_COMBINED_HASH


@pytest.mark.parametrize(
    ("path", "value"),
    [
        (("credentialSubject", "alumniOf"), "The School of Counterexamples"),
        (("validFrom",), "2023-01-02T00:00:00Z"),
        (("proof", "created"), "2023-02-24T23:36:39Z"),
    ],
)
def test_published_credential_fails_when_anything_changes(
    path: tuple[str, ...], value: str
) -> None:
    tampered = copy.deepcopy(SPEC_SIGNED)
    target = tampered
    for name in path[:-1]:
        target = target[name]
    target[path[-1]] = value
    with pytest.raises(CryptographicError, match="ecdsa-jcs-2019 signature does not verify"):
        verify_proof(tampered, Resolver(), "assertionMethod")


def test_published_credential_with_a_proof_context_added_fails() -> None:
    # Adding the document's @context to the proof changes what was signed (§3.3.2 step 6).
    tampered = copy.deepcopy(SPEC_SIGNED)
    tampered["proof"]["@context"] = tampered["@context"]
    with pytest.raises(CryptographicError):
        verify_proof(tampered, Resolver(), "assertionMethod")


def test_create_with_the_spec_key_runs_every_step() -> None:
    key = spec_key()
    assert did_key_from_public_key(key.public_key, "P-256") == SPEC_DID
    unsigned = {k: v for k, v in SPEC_SIGNED.items() if k != "proof"}
    steps = create_proof_steps(
        unsigned, key, SPEC_SIGNED["proof"]["verificationMethod"], created=CREATED
    )
    assert steps.suite.name == "ecdsa-jcs-2019"
    # §3.3.1 step 2: the proof made now carries the document's @context, so its
    # configuration differs from the older published one by exactly that member.
    assert steps.proof_config == {
        **{k: v for k, v in SPEC_SIGNED["proof"].items() if k != "proofValue"},
        "@context": SPEC_SIGNED["@context"],
    }
    assert steps.document_hash.hex() == SPEC_COMBINED_HASH[64:]
    assert steps.hash_data == steps.proof_config_hash + steps.document_hash
    assert len(steps.signature) == 64
    signed = {**unsigned, "proof": steps.proof}
    assert verify_proof(signed, Resolver(), "assertionMethod").key_type == "P-256"


def test_issued_p256_credential_verifies_with_every_check() -> None:
    key = P256Key.generate()
    did = did_key_from_public_key(key.public_key, "P-256")
    credential = issue_credential(
        {"id": "did:example:holder", "degree": "Physics"},
        key=key,
        verification_method=f"{did}#{did.removeprefix('did:key:')}",
        valid_from=CREATED,
    )
    assert credential["proof"]["cryptosuite"] == "ecdsa-jcs-2019"
    report = verify_credential(
        credential, now=NOW, resolver=Resolver(), trust=TrustIssuers.of([did])
    )
    assert report.verified, report.to_json()
    assert report.check("proof").message == "ecdsa-jcs-2019 signature verifies"


def test_a_suite_needs_its_own_key_type() -> None:
    # An Ed25519 method named by an ecdsa-jcs-2019 proof is refused before any curve math.
    ed_key = Ed25519Key.from_seed(bytes(32))
    ed_did = did_key_from_public_key(ed_key.public_key)
    vm = f"{ed_did}#{ed_did.removeprefix('did:key:')}"
    signed = add_proof({"a": 1}, spec_key(), vm, created=CREATED)
    with pytest.raises(CryptographicError, match="needs a P-256 key"):
        verify_proof(signed, Resolver(), "assertionMethod")
    unsecured, proof = split_proof(signed)
    with pytest.raises(CryptographicError, match="needs a P-256 key"):
        verify_signature(unsecured, proof, ed_key.public_key, "Ed25519")


@pytest.mark.parametrize(
    ("value", "match"),
    [("z" + "1" * 10, "bytes, want 64"), ("u" + "A" * 86, "base58btc"), (7, "base58btc")],
)
def test_bad_proof_values(value: object, match: str) -> None:
    proof = {**SPEC_SIGNED["proof"], "proofValue": value}
    with pytest.raises(MalformedValueError, match=match):
        DataIntegrityProof.from_json(proof)


@settings(max_examples=20, deadline=None)
@given(
    st.dictionaries(
        st.text(max_size=8),
        st.integers(-(2**53) + 1, 2**53 - 1) | st.text(max_size=8),
        max_size=4,
    )
)
def test_any_document_round_trips(document: dict[str, Any]) -> None:
    document.pop("proof", None)
    key = spec_key()
    signed = add_proof(document, key, SPEC_SIGNED["proof"]["verificationMethod"], created=CREATED)
    assert verify_proof(signed, Resolver(), "assertionMethod").public_key == key.public_key
    assert DataIntegrityProof.from_json(signed["proof"]).to_json() == signed["proof"]
