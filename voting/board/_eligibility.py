"""Provides the eligibility rule and the check of a ballot's presentation (election-entries §5).

The manifest's `eligibility` object names the credential that makes a voter eligible; a
ballot carries a Verifiable Presentation of it whose challenge is derived from the election
id, the ballot id and the ballot's hash, so a presentation cannot be moved to another ballot.
"""

from __future__ import annotations

import copy
import hashlib
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import did
from did.errors import DidError
from voting._ballot import EncryptedBallot
from voting._hashing import digest
from voting._json import JsonObject, canonical, keys, text
from voting.errors import EncodingError, ManifestError, RejectedEntry, VotingError

MAX_ISSUERS = 64
MAX_REQUIRED_CLAIMS = 64
# A weight is a positive integer below 2^32 (record spec §8.1).
MAX_WEIGHT = 2**32 - 1


@dataclass(frozen=True)
class EligibilityRule:
    """Who may vote: a credential of `credential_type` from one of `issuers`, with claims."""

    issuers: tuple[str, ...]
    credential_type: str
    required_claims: dict[str, Any] = field(default_factory=dict)
    # The credentialSubject member carrying the voter's weight; None: every ballot weighs 1.
    weight_claim: str | None = None

    def __post_init__(self) -> None:
        # §5.1: at least one issuer, each a DID, no repeats; claims never name the subject id.
        if not 1 <= len(self.issuers) <= MAX_ISSUERS:
            raise ManifestError(f"eligibility.issuers: want 1..{MAX_ISSUERS} DIDs")
        if len(set(self.issuers)) != len(self.issuers):
            raise ManifestError("eligibility.issuers: duplicate issuer")
        for issuer in self.issuers:
            text({"i": issuer}, "i", "eligibility.issuers", 2048, ManifestError)
            if not issuer.startswith("did:") or "#" in issuer:
                raise ManifestError(f"eligibility.issuers: {issuer[:80]!r} is not a DID")
        text({"t": self.credential_type}, "t", "eligibility.credentialType", 128, ManifestError)
        if len(self.required_claims) > MAX_REQUIRED_CLAIMS:
            raise ManifestError(f"eligibility.requiredClaims: more than {MAX_REQUIRED_CLAIMS}")
        for name in self.required_claims:
            text({"n": name}, "n", "eligibility.requiredClaims", 128, ManifestError)
            if name == "id":
                raise ManifestError("eligibility.requiredClaims: 'id' is the voter, not a claim")
        object.__setattr__(self, "required_claims", copy.deepcopy(self.required_claims))
        if self.weight_claim is not None:
            text({"w": self.weight_claim}, "w", "eligibility.weightClaim", 128, ManifestError)
            if self.weight_claim == "id":
                raise ManifestError("eligibility.weightClaim: 'id' is the voter, not a claim")

    @classmethod
    def from_json(cls, data: object) -> EligibilityRule:
        """Parse the manifest's `eligibility` object strictly (unknown keys are refused)."""
        if not isinstance(data, dict):
            raise ManifestError("manifest.eligibility: want an object")
        keys(
            data,
            "eligibility",
            {"issuers", "credentialType"},
            frozenset({"requiredClaims", "weightClaim"}),
            ManifestError,
        )
        issuers = data["issuers"]
        if not isinstance(issuers, list) or not all(isinstance(i, str) for i in issuers):
            raise ManifestError("eligibility.issuers: want an array of DIDs")
        claims = data.get("requiredClaims", {})
        if not isinstance(claims, dict):
            raise ManifestError("eligibility.requiredClaims: want an object")
        credential_type = data["credentialType"]
        if not isinstance(credential_type, str):
            raise ManifestError("eligibility.credentialType: want a string")
        weight_claim = data.get("weightClaim")
        if weight_claim is not None and not isinstance(weight_claim, str):
            raise ManifestError("eligibility.weightClaim: want a string")
        return cls(tuple(issuers), credential_type, claims, weight_claim)

    def to_json(self) -> JsonObject:
        """Return the manifest's `eligibility` object; requiredClaims only when non-empty."""
        obj: JsonObject = {"issuers": list(self.issuers), "credentialType": self.credential_type}
        if self.required_claims:
            obj["requiredClaims"] = copy.deepcopy(self.required_claims)
        if self.weight_claim is not None:
            obj["weightClaim"] = self.weight_claim
        return obj

    def weight_of(self, credential: object) -> int:
        """Return the voter's weight from the credential (§5.1); RejectedEntry if out of bounds.

        1 when the rule names no weight claim.
        """
        if self.weight_claim is None:
            return 1
        subject = credential.get("credentialSubject") if isinstance(credential, dict) else None
        value = subject.get(self.weight_claim) if isinstance(subject, dict) else None
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_WEIGHT:
            raise RejectedEntry(
                f"eligibility: weight claim {self.weight_claim!r} must be an integer "
                f"1..{MAX_WEIGHT}"
            )
        return value


def ballot_hash(ballot: EncryptedBallot) -> bytes:
    """Return SHA-256 of the ballot's canonical (JCS) bytes (election-entries §5.2)."""
    return hashlib.sha256(canonical(ballot.to_json())).digest()


def ballot_challenge(election_id: str, ballot_id: str, ballot_digest: bytes) -> str:
    """Return the presentation challenge bound to one election and one ballot (§5.2).

    It is the lowercase hex of SHA-256 over the record framing (record spec §3.1) with tag
    `ballot-challenge` and the fields utf8(election id), utf8(ballot id), ballot hash.
    """
    if len(ballot_digest) != 32:
        raise EncodingError(f"ballot hash of {len(ballot_digest)} bytes, want 32")
    return digest(
        "ballot-challenge", election_id.encode("utf-8"), ballot_id.encode("utf-8"), ballot_digest
    ).hex()


def ballot_presentation(
    credential: dict[str, Any],
    ballot: EncryptedBallot,
    *,
    election_id: str,
    key: did.Signer,
    verification_method: str,
    created: datetime,
) -> dict[str, Any]:
    """Present the voter's eligibility credential for this ballot (challenge and domain bound)."""
    challenge = ballot_challenge(election_id, ballot.ballot_id, ballot_hash(ballot))
    try:
        return did.create_presentation(
            [credential],
            key=key,
            verification_method=verification_method,
            challenge=challenge,
            domain=election_id,
            created=created,
        )
    except DidError as exc:
        raise EncodingError(f"cannot make the presentation: {exc}") from None


def _same_json(a: object, b: object) -> bool:
    # Comparing canonical bytes keeps 1 and true, or 1 and 1.0, from being taken as equal.
    try:
        return canonical(a) == canonical(b)
    except VotingError:
        return False


def _types(credential: dict[str, Any]) -> list[Any]:
    types = credential.get("type")
    return [types] if isinstance(types, str) else types if isinstance(types, list) else []


def check_eligibility(
    rule: EligibilityRule,
    election_id: str,
    ballot: EncryptedBallot,
    presentation: object,
    *,
    at: datetime,
    resolver: Any,
    status_lists: did.StatusListSource | None = None,
    judge_status: bool = True,
) -> None:
    """Raise RejectedEntry unless the presentation makes `ballot.voter` eligible (§5.3).

    `at` is the entry's time and `status_lists` the board's live source. With
    `judge_status=False` the credential's status is not judged at all: no list is required
    and none is passed on, so the library skips its `status` check (steps 3 and 4). An
    auditor does that, because revocation is judged once, against the lists frozen at
    close, rather than with list credentials checked at each ballot's time (§7).
    """
    voter = ballot.voter
    # (1) Exactly one embedded credential, presented by the voter.
    if not isinstance(presentation, dict):
        raise RejectedEntry("eligibility: the presentation is not a JSON object")
    holder = presentation.get("holder")
    if holder != voter:
        raise RejectedEntry(f"eligibility: presentation holder {str(holder)[:80]!r}, want {voter}")
    credentials = presentation.get("verifiableCredential")
    if not isinstance(credentials, list) or len(credentials) != 1:
        raise RejectedEntry("eligibility: want exactly one credential in the presentation")
    credential = credentials[0]
    if not isinstance(credential, dict):
        raise RejectedEntry("eligibility: the credential is not a JSON object")
    # (2) The credential is the one the manifest names: type, issuer, subject and claims.
    if rule.credential_type not in _types(credential):
        raise RejectedEntry(
            f"eligibility: credential type {credential.get('type')!r}, "
            f"want {rule.credential_type!r}"
        )
    issuer = credential.get("issuer")
    issuer = issuer.get("id") if isinstance(issuer, dict) else issuer
    if issuer not in rule.issuers:
        raise RejectedEntry(f"eligibility: issuer {str(issuer)[:80]!r} is not listed")
    subject = credential.get("credentialSubject")
    if not isinstance(subject, dict) or subject.get("id") != voter:
        raise RejectedEntry("eligibility: credentialSubject.id is not the voter")
    for name, want in rule.required_claims.items():
        if name not in subject or not _same_json(subject[name], want):
            raise RejectedEntry(f"eligibility: claim {name!r} is not {want!r}")
    rule.weight_of(credential)
    has_status = credential.get("credentialStatus") is not None
    if not judge_status:
        status_lists = None
    elif has_status and status_lists is None:
        raise RejectedEntry("eligibility: the credential has a status but no list is available")
    # (3) Proofs, holder key, challenge and domain, validity at `at`, status (when judged),
    # trust.
    challenge = ballot_challenge(election_id, ballot.ballot_id, ballot_hash(ballot))
    try:
        report = did.verify_presentation(
            presentation,
            challenge=challenge,
            domain=election_id,
            now=at,
            resolver=resolver,
            trust=did.TrustIssuers.of(rule.issuers),
            status_lists=status_lists,
        )
    except DidError as exc:
        raise RejectedEntry(f"eligibility: {exc}") from None
    failures = report.failures()
    if failures:
        path, check = failures[0]
        raise RejectedEntry(f"eligibility: {path} failed ({check.reason}): {check.message}")
    # (4) A status the caller asked to judge must have been judged, not skipped.
    if judge_status and has_status and report.credentials[0].check("status").outcome != "passed":
        raise RejectedEntry("eligibility: the credential's status could not be checked")
