"""Provides issuing and verifying W3C Verifiable Credentials Data Model 2.0 credentials.

Credentials are secured with Data Integrity proofs: `eddsa-jcs-2022` for Ed25519 keys and
`ecdsa-jcs-2019` for P-256 keys; a proof set (an array of proofs) is verified proof by proof.
Verification returns a `VerificationReport` whose checks follow VC DM 2.0 §7.1: syntax (§4),
proof and key (Data Integrity §4.3), validity window (§4.9), status (§4.10, Bitstring Status
List v1.0 §3.2) and trust in the issuer (the caller's required `TrustPolicy`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import Any

from did._data_integrity import (
    DataIntegrityProof,
    DocumentResolver,
    Signer,
    add_proof,
    resolve_proof_key,
    split_proofs,
    verify_signature,
)
from did._jcs import check_depth
from did._status_list import check_status
from did._trust import TrustIssuers, TrustPolicy, trust_check
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
    """Build a VC DM 2.0 credential and secure it with a Data Integrity proof.

    The suite follows the key: `eddsa-jcs-2022` for Ed25519, `ecdsa-jcs-2019` for P-256.
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
) -> tuple[Check, Check, DataIntegrityProof | None, Any]:
    """Run the `proof` and `key` checks of a secured document signed by `controller`.

    The key check resolves each proof's verification method, requires its DID document to
    authorize it for the proof's purpose, and requires a proof for `purpose` whose controller
    is `controller` (the issuer or the holder). In a proof set every proof must verify
    (VC Data Integrity §4.3 for each). Returns the checks, the controller's proof and its
    verification method (None when they could not be found).
    """
    try:
        unsecured, proofs = split_proofs(document)
    except CredentialError as exc:
        return Check.failed("proof", exc, "malformed_proof"), _skip_key(), None, None
    many = len(proofs) > 1
    candidates = [p for p in proofs if p.proof_purpose == purpose]
    if not candidates:
        got = proofs[0].proof_purpose
        error = CryptographicError(f"proofPurpose: got {got!r}, want {purpose!r}")
        return _skip_proof(), Check.failed("key", error, "key_not_authorized"), proofs[0], None
    methods = []
    for index, proof in enumerate(proofs):
        try:
            methods.append(resolve_proof_key(proof, resolver))
        except CredentialError as exc:
            failure = _in_set(exc, index) if many else exc
            return _skip_proof(), Check.failed("key", failure, "key_not_authorized"), proof, None
    # The signatures are still checked when no proof is the controller's, so that a report on
    # a forged issuer says both that the key is not the issuer's and that the claims changed.
    pairs = [(p, m) for p, m in zip(proofs, methods, strict=True) if p.proof_purpose == purpose]
    chosen = next(
        ((p, m) for p, m in pairs if _controls(p, m, controller)),
        None,
    )
    if chosen is None:
        proof, method = pairs[0]
        error = CryptographicError(
            f"verificationMethod controller: got {_clip(method.controller)!r}, "
            f"want {_clip(controller)!r}"
        )
        key_check = Check.failed("key", error, "controller_mismatch")
    else:
        proof, method = chosen
        key_check = Check.passed("key", f"{purpose} key of {_clip(controller)}")
    for index, (each, each_method) in enumerate(zip(proofs, methods, strict=True)):
        try:
            verify_signature(unsecured, each, each_method.public_key, each_method.key_type)
        except CredentialError as exc:
            failure = _in_set(exc, index) if many else exc
            return Check.failed("proof", failure, "signature_invalid"), key_check, proof, method
    names = ", ".join(p.suite.name for p in proofs)
    message = f"{len(proofs)} proofs verify ({names})" if many else f"{names} signature verifies"
    return Check.passed("proof", message), key_check, proof, method


def _controls(proof: DataIntegrityProof, method: Any, controller: str) -> bool:
    return bool(
        method.controller == controller
        and proof.verification_method.partition("#")[0] == controller
    )


def _in_set(exc: CredentialError, index: int) -> CredentialError:
    return type(exc)(f"proof[{index}]: {exc}")


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
        # Trusting exactly the credential's issuer makes the trust check that equality test.
        same_issuer = TrustIssuers.of([issuer])
        report = verify_credential(list_credential, now=now, resolver=resolver, trust=same_issuer)
        failures = [check for name, check in report.failures() if name != "trust"]
        if failures:
            detail = failures[0].message
            error = CryptographicError(f"status list {_clip(url)!r} does not verify: {detail}")
            return Check.failed("status", error, "status_list_invalid")
        if not report.verified:
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


def verify_credential(
    credential: Any,
    *,
    now: datetime,
    resolver: DocumentResolver,
    trust: TrustPolicy | None,
    status_lists: StatusListSource | None = None,
) -> VerificationReport:
    """Verify a secured credential and return a report of every check.

    Checks, in order: `syntax`, `proof`, `key` (issuer key resolution and proof purpose),
    `validity`, `status`, `trust`. A check that cannot run because an earlier one failed is
    `skipped`. `trust` is required: `TrustIssuers(...)`, the unsafe `TrustAny()` (reported in
    `warnings`), or None, which fails the trust check. Call `.raise_for_failure()` on the
    result to turn a failure into an error.
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
    proof_check, key_check, _, method = proof_and_key_checks(
        credential, resolver, "assertionMethod", issuer
    )
    key = None if method is None else (method.key_type, method.public_key)
    trust_result, warnings = trust_check(trust, issuer, key)
    checks = [
        Check.passed("syntax", "VC Data Model 2.0 credential"),
        proof_check,
        key_check,
        _validity_check(credential, now),
        _status_check(credential, now, resolver, status_lists),
        trust_result,
    ]
    return VerificationReport(
        "credential", _str_or_none(credential.get("id")), tuple(checks), warnings=warnings
    )


def _as_credential_error(exc: DidError) -> CredentialError:
    return exc if isinstance(exc, CredentialError) else CredentialError(str(exc))


def _str_or_none(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _iso(when: datetime) -> str:
    return format_datetime(when)


def _clip(text: str, limit: int = 80) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
