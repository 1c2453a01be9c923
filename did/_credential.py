"""Provides issuing and verifying W3C Verifiable Credentials Data Model 2.0 credentials.

Credentials are secured with `eddsa-jcs-2022` Data Integrity proofs. Verification returns a
`VerificationReport` whose checks follow VC DM 2.0 §7.1: syntax (§4), proof and key (Data
Integrity §4.3), validity window (§4.9), status (§4.10, Bitstring Status List v1.0 §3.2) and
trust in the issuer (a caller's list).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import Any

from did._eddsa_jcs_2022 import (
    DataIntegrityProof,
    DocumentResolver,
    Signer,
    add_proof,
    resolve_proof_key,
    split_proof,
    verify_signature,
)
from did._jcs import check_depth
from did._status_list import check_status
from did._verification import (
    Check,
    StatusListSource,
    VerificationReport,
    format_datetime,
    parse_datetime,
    require_aware,
    show,
)
from did.errors import CredentialError, CryptographicError, DidError, ParsingError, RangeError

__all__ = [
    "CREDENTIALS_V2",
    "issue_credential",
    "proof_and_key_checks",
    "verify_credential",
]

CREDENTIALS_V2 = "https://www.w3.org/ns/credentials/v2"


def issue_credential(
    subject: Mapping[str, Any],
    *,
    key: Signer,
    verification_method: str,
    valid_from: datetime,
    valid_until: datetime | None = None,
    issuer: str | None = None,
    types: Sequence[str] = (),
    contexts: Sequence[str] = (),
    credential_id: str | None = None,
    credential_status: Mapping[str, Any] | Sequence[Mapping[str, Any]] | None = None,
    extra: Mapping[str, Any] | None = None,
    created: datetime | None = None,
) -> dict[str, Any]:
    """Build a VC DM 2.0 credential and secure it with an `eddsa-jcs-2022` proof.

    `issuer` defaults to the DID of `verification_method`; `created` defaults to `valid_from`.
    `extra` adds top-level members such as `name` or `description`.
    """
    credential: dict[str, Any] = {"@context": [CREDENTIALS_V2, *contexts]}
    if credential_id is not None:
        credential["id"] = credential_id
    credential["type"] = ["VerifiableCredential", *types]
    credential["issuer"] = issuer or verification_method.partition("#")[0]
    credential["validFrom"] = format_datetime(valid_from)
    if valid_until is not None:
        credential["validUntil"] = format_datetime(valid_until)
    credential["credentialSubject"] = dict(subject)
    if credential_status is not None:
        credential["credentialStatus"] = (
            dict(credential_status)
            if isinstance(credential_status, Mapping)
            else [dict(entry) for entry in credential_status]
        )
    for name, value in (extra or {}).items():
        if name in credential or name == "proof":
            raise CredentialError(f"extra member {name!r} would overwrite a credential member")
        credential[name] = value
    return add_proof(credential, key, verification_method, created=created or valid_from)


def issuer_id(credential: Mapping[str, Any]) -> str:
    """The issuer's identifier: `issuer` itself or its `id` (VC DM 2.0 §4.7)."""
    issuer = credential.get("issuer")
    if isinstance(issuer, dict):
        issuer = issuer.get("id")
    if not isinstance(issuer, str) or ":" not in issuer:
        raise ParsingError(f"issuer: got {show(issuer)}, want a URL or an object with an 'id' URL")
    return issuer


def check_common_syntax(document: Any, required_type: str) -> None:
    """The rules shared by credentials and presentations: @context (§4.3) and type (§4.5)."""
    if not isinstance(document, dict):
        raise ParsingError(f"got {type(document).__name__}, want a JSON object")
    context = document.get("@context")
    if not isinstance(context, list) or not context or context[0] != CREDENTIALS_V2:
        raise ParsingError(f"@context: want an array whose first item is {CREDENTIALS_V2!r}")
    types = document.get("type")
    types = [types] if isinstance(types, str) else types
    if not isinstance(types, list) or required_type not in types:
        raise ParsingError(
            f"type: got {show(document.get('type'))}, want it to include {required_type!r}"
        )
    if "id" in document and (not isinstance(document["id"], str) or ":" not in document["id"]):
        raise ParsingError(f"id: got {show(document['id'])}, want a URL")


def _check_syntax(credential: Any) -> None:
    # Bounding the depth first keeps every later walk (and every message) safe.
    check_depth(credential)
    check_common_syntax(credential, "VerifiableCredential")
    issuer_id(credential)
    subject = credential.get("credentialSubject")
    subjects = subject if isinstance(subject, list) else [subject]
    if not subjects or not all(isinstance(s, dict) and s for s in subjects):
        raise ParsingError("credentialSubject: want a non-empty object or array of objects")
    for name in ("validFrom", "validUntil"):
        if name in credential:
            parse_datetime(credential[name], name)
    status = credential.get("credentialStatus")
    if status is not None:
        entries = status if isinstance(status, list) else [status]
        if not all(isinstance(entry, dict) for entry in entries):
            raise ParsingError("credentialStatus: want an object or an array of objects")
    if "proof" not in credential:
        raise ParsingError("credential has no proof")


def proof_and_key_checks(
    document: dict[str, Any], resolver: DocumentResolver, purpose: str, controller: str
) -> tuple[Check, Check, DataIntegrityProof | None]:
    """Run the `proof` and `key` checks of a secured document signed by `controller`.

    The key check resolves the verification method, requires the DID document to authorize it
    for `purpose`, and requires its controller to be `controller` (the issuer or the holder).
    """
    try:
        unsecured, proof = split_proof(document)
    except CredentialError as exc:
        return Check.failed("proof", exc, "malformed_proof"), _skip_key(), None
    try:
        if proof.proof_purpose != purpose:
            raise CryptographicError(f"proofPurpose: got {proof.proof_purpose!r}, want {purpose!r}")
        method = resolve_proof_key(proof, resolver)
    except CredentialError as exc:
        return _skip_proof(), Check.failed("key", exc, "key_not_authorized"), proof
    # The signature is still checked when the controller does not match, so that a report on a
    # forged issuer says both that the key is not the issuer's and that the claims were altered.
    method_did = proof.verification_method.partition("#")[0]
    if method.controller != controller or method_did != controller:
        error = CryptographicError(
            f"verificationMethod controller: got {_clip(method.controller)!r}, "
            f"want {_clip(controller)!r}"
        )
        key_check = Check.failed("key", error, "controller_mismatch")
    else:
        key_check = Check.passed("key", f"{purpose} key of {_clip(controller)}")
    try:
        verify_signature(unsecured, proof, method.public_key)
    except CredentialError as exc:
        return Check.failed("proof", exc, "signature_invalid"), key_check, proof
    return Check.passed("proof", "eddsa-jcs-2022 signature verifies"), key_check, proof


def _skip_key() -> Check:
    return Check.skipped("key", "the proof could not be read")


def _skip_proof() -> Check:
    return Check.skipped("proof", "no authorized key to verify the signature with")


def _validity_check(credential: dict[str, Any], now: datetime) -> Check:
    # VC DM 2.0 §4.9: the credential is valid from `validFrom` until `validUntil` inclusive.
    start = credential.get("validFrom")
    end = credential.get("validUntil")
    if start is not None and now < parse_datetime(start, "validFrom"):
        error = RangeError(f"validFrom: credential is valid from {start}, now is {_iso(now)}")
        return Check.failed("validity", error, "not_yet_valid")
    if end is not None and now > parse_datetime(end, "validUntil"):
        error = RangeError(f"validUntil: credential expired at {end}, now is {_iso(now)}")
        return Check.failed("validity", error, "expired")
    return Check.passed("validity", f"valid at {_iso(now)}")


def _fetch(source: StatusListSource, url: str) -> Any:
    if isinstance(source, Mapping):
        if url not in source:
            raise CredentialError(f"statusListCredential {_clip(url)!r} is not in the given lists")
        return source[url]
    fetch: Callable[[str], Any] = source
    return fetch(url)


def _status_check(
    credential: dict[str, Any],
    now: datetime,
    resolver: DocumentResolver,
    source: StatusListSource | None,
) -> Check:
    status = credential.get("credentialStatus")
    if status is None:
        return Check.skipped("status", "the credential has no credentialStatus")
    if source is None:
        return Check.skipped("status", "no status list source was given")

    issuer = issuer_id(credential)
    for entry in status if isinstance(status, list) else [status]:
        url = entry.get("statusListCredential")
        purpose = entry.get("statusPurpose")
        try:
            if entry.get("type") != "BitstringStatusListEntry" or not isinstance(url, str):
                raise ParsingError(
                    f"credentialStatus: got type {show(entry.get('type'))}, want "
                    "'BitstringStatusListEntry' with a statusListCredential URL"
                )
            list_credential = _fetch(source, url)
        except DidError as exc:
            return Check.failed("status", _as_credential_error(exc), "status_list_unavailable")
        # Bitstring Status List v1.0 §3.2 step 7-8: the list credential must itself verify,
        # and it must come from the issuer of the credential it speaks about.
        report = verify_credential(list_credential, now=now, resolver=resolver)
        if not report.verified:
            detail = report.failures()[0][1].message
            error = CryptographicError(f"status list {_clip(url)!r} does not verify: {detail}")
            return Check.failed("status", error, "status_list_invalid")
        if issuer_id(list_credential) != issuer:
            error = CryptographicError(
                f"status list issuer: got {_clip(issuer_id(list_credential))!r}, "
                f"want {_clip(issuer)!r}"
            )
            return Check.failed("status", error, "status_list_issuer_mismatch")
        try:
            is_set = check_status(entry, list_credential)
        except DidError as exc:
            return Check.failed("status", _as_credential_error(exc), "status_list_invalid")
        if is_set:
            reason = {"revocation": "revoked", "suspension": "suspended"}.get(purpose, "status_set")
            revoked = RangeError(
                f"status: {reason} (bit {entry.get('statusListIndex')} of {_clip(url)!r} is set)"
            )
            return Check.failed("status", revoked, reason)
    return Check.passed("status", "no status bit is set")


def _trust_check(credential: dict[str, Any], trusted_issuers: set[str] | None) -> Check:
    if trusted_issuers is None:
        return Check.skipped("trust", "no trusted issuers were given")
    issuer = issuer_id(credential)
    if issuer not in trusted_issuers:
        error = RangeError(f"issuer {_clip(issuer)!r} is not among the trusted issuers")
        return Check.failed("trust", error, "untrusted_issuer")
    return Check.passed("trust", f"issuer {_clip(issuer)} is trusted")


def verify_credential(
    credential: Any,
    *,
    now: datetime,
    resolver: DocumentResolver,
    trusted_issuers: set[str] | None = None,
    status_lists: StatusListSource | None = None,
) -> VerificationReport:
    """Verify a secured credential and return a report of every check.

    Checks, in order: `syntax`, `proof`, `key` (issuer key resolution and proof purpose),
    `validity`, `status`, `trust`. A check that cannot run because an earlier one failed is
    `skipped`. Call `.raise_for_failure()` on the result to turn a failure into an error.
    """
    now = require_aware(now)
    names = ("proof", "key", "validity", "status", "trust")
    try:
        _check_syntax(credential)
    except CredentialError as exc:
        checks = [Check.failed("syntax", exc, "malformed_credential")]
        checks += [Check.skipped(name, "the credential is malformed") for name in names]
        subject = credential.get("id") if isinstance(credential, dict) else None
        return VerificationReport("credential", _str_or_none(subject), tuple(checks))
    issuer = issuer_id(credential)
    proof_check, key_check, _ = proof_and_key_checks(
        credential, resolver, "assertionMethod", issuer
    )
    checks = [
        Check.passed("syntax", "VC Data Model 2.0 credential"),
        proof_check,
        key_check,
        _validity_check(credential, now),
        _status_check(credential, now, resolver, status_lists),
        _trust_check(credential, trusted_issuers),
    ]
    return VerificationReport("credential", _str_or_none(credential.get("id")), tuple(checks))


def _as_credential_error(exc: DidError) -> CredentialError:
    return exc if isinstance(exc, CredentialError) else CredentialError(str(exc))


def _str_or_none(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _iso(when: datetime) -> str:
    return format_datetime(when)


def _clip(text: str, limit: int = 80) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
