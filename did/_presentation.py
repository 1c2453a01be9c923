"""Provides W3C Verifiable Presentations (VC Data Model 2.0 §4.13) with holder binding.

A presentation carries embedded credentials and a Data Integrity proof (`eddsa-jcs-2022` or
`ecdsa-jcs-2019`, following the holder's key) for the proof purpose
`authentication` that binds a verifier's `challenge` (and optionally `domain`), so a recorded
presentation cannot be replayed to another verifier or session (Data Integrity §4.3).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from did._credential import check_common_syntax, proof_and_key_checks, verify_credential
from did._data_integrity import DocumentResolver, Signer, add_proof
from did._jcs import check_depth
from did._trust import TrustPolicy
from did._verification import (
    Check,
    StatusListSource,
    VerificationReport,
    require_aware,
    show,
)
from did.errors import CredentialError, CryptographicError, MalformedValueError, ParsingError

__all__ = ["create_presentation", "verify_presentation"]


def create_presentation(
    credentials: Sequence[dict[str, Any]],
    *,
    key: Signer,
    verification_method: str,
    challenge: str,
    created: datetime,
    domain: str | None = None,
    holder: str | None = None,
    presentation_id: str | None = None,
) -> dict[str, Any]:
    """Build a presentation of `credentials` and sign it for `authentication`.

    `holder` defaults to the DID of `verification_method`.
    """
    if not isinstance(challenge, str) or not challenge:
        raise MalformedValueError("challenge: want a non-empty string")
    presentation: dict[str, Any] = {"@context": ["https://www.w3.org/ns/credentials/v2"]}
    if presentation_id is not None:
        presentation["id"] = presentation_id
    presentation["type"] = ["VerifiablePresentation"]
    presentation["holder"] = holder or verification_method.partition("#")[0]
    presentation["verifiableCredential"] = [dict(c) for c in credentials]
    return add_proof(
        presentation,
        key,
        verification_method,
        "authentication",
        created=created,
        challenge=challenge,
        domain=domain,
    )


def _credentials_of(presentation: dict[str, Any]) -> list[Any]:
    embedded = presentation.get("verifiableCredential", [])
    return embedded if isinstance(embedded, list) else [embedded]


def _check_syntax(presentation: Any) -> str:
    check_depth(presentation)
    check_common_syntax(presentation, "VerifiablePresentation")
    holder = presentation.get("holder")
    if isinstance(holder, dict):
        holder = holder.get("id")
    if not isinstance(holder, str) or not holder.startswith("did:"):
        raise ParsingError(f"holder: got {show(holder)}, want the holder's DID")
    if not all(isinstance(c, dict) for c in _credentials_of(presentation)):
        raise ParsingError("verifiableCredential: want embedded credential objects")
    if "proof" not in presentation:
        raise ParsingError("presentation has no proof")
    return holder


def _subject_ids(credential: Any) -> list[Any]:
    if not isinstance(credential, dict):
        return []
    subject = credential.get("credentialSubject")
    subjects = subject if isinstance(subject, list) else [subject]
    return [s.get("id") for s in subjects if isinstance(s, dict)]


def _holder_binding_check(presentation: dict[str, Any], holder: str) -> Check:
    # The holder must be a subject of every credential it presents; otherwise anyone holding a
    # copy of someone else's credential could present it as their own.
    for index, credential in enumerate(_credentials_of(presentation)):
        subjects = _subject_ids(credential)
        if holder not in subjects:
            error = CryptographicError(
                f"credential[{index}] credentialSubject.id: got "
                f"{', '.join(show(s) for s in subjects) or 'none'}, want holder {show(holder)}"
            )
            return Check.failed("holder_binding", error, "holder_mismatch")
    return Check.passed("holder_binding", "the holder is the subject of every credential")


def _challenge_check(proof: Any, challenge: str, domain: str | None) -> Check:
    if proof is None:
        return Check.skipped("challenge", "the proof could not be read")
    if proof.challenge != challenge:
        error = CryptographicError(
            f"challenge: got {show(proof.challenge)}, want {show(challenge)}"
        )
        return Check.failed("challenge", error, "challenge_mismatch")
    if domain is not None:
        have = proof.domain if isinstance(proof.domain, tuple) else (proof.domain,)
        if domain not in have:
            error = CryptographicError(f"domain: got {show(proof.domain)}, want {show(domain)}")
            return Check.failed("challenge", error, "domain_mismatch")
    return Check.passed("challenge", "challenge and domain match")


def verify_presentation(
    presentation: Any,
    *,
    challenge: str,
    domain: str | None,
    now: datetime,
    resolver: DocumentResolver,
    trust: TrustPolicy | None,
    status_lists: StatusListSource | None = None,
) -> VerificationReport:
    """Verify a presentation and each credential in it; return a report of every check.

    Checks, in order: `syntax`, `proof`, `key` (the holder's `authentication` key),
    `challenge` (challenge and domain), `holder_binding`; each embedded credential gets its own
    report in `credentials`. `challenge` is mandatory: a verifier that does not ask for a fresh
    challenge cannot tell a replay from a presentation. `trust` decides which issuers of the
    embedded credentials count (see `verify_credential`); it is required.
    """
    now = require_aware(now)
    if not isinstance(challenge, str) or not challenge:
        raise MalformedValueError("challenge: want the non-empty challenge the verifier issued")
    names = ("proof", "key", "challenge", "holder_binding")
    try:
        holder = _check_syntax(presentation)
    except CredentialError as exc:
        broken = [Check.failed("syntax", exc, "malformed_presentation")]
        broken += [Check.skipped(name, "the presentation is malformed") for name in names]
        return VerificationReport("presentation", None, tuple(broken))
    proof_check, key_check, proof, _ = proof_and_key_checks(
        presentation, resolver, "authentication", holder
    )
    checks = (
        Check.passed("syntax", "VC Data Model 2.0 presentation"),
        proof_check,
        key_check,
        _challenge_check(proof, challenge, domain),
        _holder_binding_check(presentation, holder),
    )
    reports = tuple(
        verify_credential(
            credential,
            now=now,
            resolver=resolver,
            trust=trust,
            status_lists=status_lists,
        )
        for credential in _credentials_of(presentation)
    )
    warnings = tuple(dict.fromkeys(w for r in reports for w in r.warnings))
    return VerificationReport("presentation", holder, checks, reports, warnings=warnings)
