"""Tests the peers' Data Integrity forms: proof sets (arrays) and proofs without `@context`."""

from __future__ import annotations

import copy
import hashlib
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from did import (
    Ed25519Key,
    P256Key,
    Resolver,
    TrustIssuers,
    VerificationReport,
    add_proof,
    b58encode,
    canonicalize,
    did_key_from_public_key,
    issue_credential,
    verify_credential,
    verify_proof,
)
from did.errors import MalformedValueError

START = datetime(2025, 1, 1, tzinfo=UTC)
NOW = datetime(2025, 6, 1, tzinfo=UTC)
ISSUER_KEY = Ed25519Key.from_seed(bytes(range(32)))
ISSUER = did_key_from_public_key(ISSUER_KEY.public_key)
ISSUER_VM = f"{ISSUER}#{ISSUER.removeprefix('did:key:')}"
WITNESS_KEY = P256Key.from_private_bytes(bytes(31) + b"\x2a")
WITNESS = did_key_from_public_key(WITNESS_KEY.public_key, "P-256")
WITNESS_VM = f"{WITNESS}#{WITNESS.removeprefix('did:key:')}"
RESOLVER = Resolver()


def credential() -> dict[str, Any]:
    return issue_credential(
        {"id": "did:example:holder", "name": "Ada"},
        key=ISSUER_KEY,
        verification_method=ISSUER_VM,
        valid_from=START,
    )


def verify(document: dict[str, Any]) -> VerificationReport:
    return verify_credential(document, now=NOW, resolver=RESOLVER, trust=TrustIssuers.of([ISSUER]))


def proof_without_context(unsecured: dict[str, Any], key: Any, vm: str) -> dict[str, Any]:
    """Sign as Digital Bazaar's verifiers accept and earlier drafts made: no proof @context.

    Written out here from the suite's steps (§3.3.4-§3.3.6), independently of the library.
    """
    suite = "ecdsa-jcs-2019" if isinstance(key, P256Key) else "eddsa-jcs-2022"
    options = {
        "type": "DataIntegrityProof",
        "cryptosuite": suite,
        "created": "2025-01-01T00:00:00Z",
        "verificationMethod": vm,
        "proofPurpose": "assertionMethod",
    }
    data = hashlib.sha256(canonicalize(options)).digest()
    data += hashlib.sha256(canonicalize(unsecured)).digest()
    return {**options, "proofValue": "z" + b58encode(key.sign(data))}


def test_a_one_element_proof_array_verifies() -> None:
    # ACA-Py always emits `proof` as an array, even for one proof.
    signed = credential()
    as_set = {**signed, "proof": [signed["proof"]]}
    report = verify(as_set)
    assert report.verified, report.to_json()
    assert report.check("proof").message == "eddsa-jcs-2022 signature verifies"


def test_a_proof_without_its_own_context_verifies() -> None:
    unsecured = {k: v for k, v in credential().items() if k != "proof"}
    signed = {**unsecured, "proof": proof_without_context(unsecured, ISSUER_KEY, ISSUER_VM)}
    assert "@context" not in signed["proof"]
    report = verify(signed)
    assert report.verified, report.to_json()
    # Inside a one-element set too, and with the proof's @context added it no longer verifies.
    assert verify({**signed, "proof": [signed["proof"]]}).verified
    added = {**signed, "proof": {**signed["proof"], "@context": unsecured["@context"]}}
    assert verify(added).check("proof").reason == "signature_invalid"


def test_shared_eddsa_vector_still_verifies_in_a_set(vectors: Path) -> None:
    folder = vectors / "eddsa-jcs-2022"
    signed = json.loads((folder / "signedJCS.json").read_text(encoding="utf-8"))
    assert verify_proof(copy.deepcopy(signed), RESOLVER, "assertionMethod")
    as_set = {**signed, "proof": [signed["proof"]]}
    assert verify_proof(as_set, RESOLVER, "assertionMethod")


def test_a_two_suite_proof_set_verifies_every_proof() -> None:
    signed = credential()
    unsecured = {k: v for k, v in signed.items() if k != "proof"}
    witness = add_proof(unsecured, WITNESS_KEY, WITNESS_VM, created=START)["proof"]
    both = {**unsecured, "proof": [signed["proof"], witness]}
    report = verify(both)
    assert report.verified, report.to_json()
    assert report.check("proof").message == "2 proofs verify (eddsa-jcs-2022, ecdsa-jcs-2019)"
    # The issuer's proof need not come first.
    assert verify({**unsecured, "proof": [witness, signed["proof"]]}).verified
    # Any bad proof of the set fails the whole set, naming which one.
    broken = copy.deepcopy(both)
    broken["proof"][1]["created"] = "2025-01-02T00:00:00Z"
    check = verify(broken).check("proof")
    assert (check.outcome, check.reason) == ("failed", "signature_invalid")
    assert check.message.startswith("proof[1]: ecdsa-jcs-2019 signature does not verify")


def test_a_set_without_the_issuers_proof_fails_the_key_check() -> None:
    unsecured = {k: v for k, v in credential().items() if k != "proof"}
    witness = add_proof(unsecured, WITNESS_KEY, WITNESS_VM, created=START)["proof"]
    report = verify({**unsecured, "proof": [witness]})
    assert report.check("key").reason == "controller_mismatch"
    assert report.check("proof").outcome == "passed"


@pytest.mark.parametrize(
    ("proof", "reason", "match"),
    [
        ([], "malformed_proof", "empty proof set"),
        ([{"type": "DataIntegrityProof"}] * 17, "malformed_proof", "limit 16"),
        ("proof", "malformed_proof", "want an object"),
    ],
    ids=["empty", "too-many", "not-an-object"],
)
def test_malformed_sets_fail_the_proof_check(proof: Any, reason: str, match: str) -> None:
    check = verify({**credential(), "proof": proof}).check("proof")
    assert check.reason == reason
    assert match in check.message


def test_proof_chains_are_refused_by_name() -> None:
    signed = credential()
    chained = {**signed["proof"], "id": "urn:p2", "previousProof": "urn:p1"}
    check = verify({**signed, "proof": [{**signed["proof"], "id": "urn:p1"}, chained]}).check(
        "proof"
    )
    assert check.reason == "malformed_proof"
    assert "previousProof" in check.message
    with pytest.raises(MalformedValueError, match="previousProof"):
        verify_proof({**signed, "proof": chained}, RESOLVER, "assertionMethod")
