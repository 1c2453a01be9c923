"""Provides SD-JWT VC verification (RFC 9901 §7.1-§7.3, SD-JWT VC §3) as a report.

Checks, in order: `syntax`, `proof` (the issuer's JWS signature), `key` (the issuer's key: a
JWK the caller gives; else an `x5c` chain verified to the caller's trust anchors; else, for a
DID `iss`, the `kid` verification method resolved through the DID resolver and authorized for
`assertionMethod`; else, for an https `iss`, its JWT VC Issuer Metadata, SD-JWT VC §3.5),
`disclosures` (every disclosure's digest is referenced once, §7.1 step 3-5), `validity`
(`iat`, `nbf`, `exp`), `status` (the IETF Token Status List), `trust`, `holder_binding` (the
key-binding JWT signed by the `cnf` key over the right `sd_hash`, §7.3) and `challenge` (its
`nonce`, `aud` and fresh `iat`). The report's `claims` are the processed payload, with only
the disclosed claims, and are set only when it verified.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime, timedelta
from typing import Any

from did._data_integrity import DocumentResolver
from did._keys import decode_public_jwk, public_key_jwk
from did._token_status_list import (
    STATUS_INVALID,
    STATUS_SUSPENDED,
    STATUS_VALID,
    TokenStatusSource,
    token_status,
)
from did._trust import TrustPolicy, trust_check
from did._verification import Check, VerificationReport, numeric_date, require_aware
from did.errors import (
    CredentialError,
    CryptographicError,
    DidError,
    InvalidDid,
    MalformedValueError,
    RangeError,
    StatusRetrievalError,
)
from did.sd_jwt._common import SD_ALG, Disclosure, SdJwt, sd_digest
from did.sd_jwt._issuer_keys import Fetcher, issuer_jwk_from_metadata, issuer_jwk_from_x5c
from did.sd_jwt._jws import Jws, verify_jws

__all__ = ["process_disclosures", "verify_sd_jwt"]

VC_TYPES = ("dc+sd-jwt", "vc+sd-jwt")


def process_disclosures(payload: dict[str, Any], disclosures: list[Disclosure]) -> dict[str, Any]:
    """Replace digests by the disclosed claims (RFC 9901 §7.1 steps 3-5); drop the rest."""
    by_digest: dict[str, Disclosure] = {}
    for disclosure in disclosures:
        if disclosure.digest in by_digest:
            raise MalformedValueError(f"disclosure {disclosure.digest} is presented twice")
        by_digest[disclosure.digest] = disclosure
    seen: set[str] = set()

    def claim(digest: Any, want_name: bool) -> Disclosure | None:
        if not isinstance(digest, str):
            raise MalformedValueError("digest: want a string")
        # Step 3.2.3.1 / 3.3.2.1: a digest may appear only once in the whole payload.
        if digest in seen:
            raise MalformedValueError(f"digest {digest} appears more than once")
        seen.add(digest)
        disclosure = by_digest.get(digest)
        if disclosure is not None and (disclosure.name is not None) != want_name:
            kind = "object property" if want_name else "array element"
            raise MalformedValueError(f"disclosure {digest} is not an {kind} disclosure")
        return disclosure

    def visit(value: Any) -> Any:
        if isinstance(value, dict):
            if "..." in value:
                raise MalformedValueError("'...' is only allowed as the sole key of an array item")
            result = {k: visit(v) for k, v in value.items() if k != "_sd"}
            digests = value.get("_sd", [])
            if not isinstance(digests, list):
                raise MalformedValueError("_sd: want an array of digests")
            for digest in digests:
                disclosure = claim(digest, True)
                # claim() has checked that a found disclosure names an object property.
                if disclosure is None or disclosure.name is None:
                    continue
                # Step 3.2.3.2.6: a disclosed name must not overwrite a claim in the clear.
                if disclosure.name in result:
                    raise MalformedValueError(f"disclosed claim {disclosure.name!r} already exists")
                result[disclosure.name] = visit(disclosure.value)
            return result
        if isinstance(value, list):
            items = []
            for item in value:
                if isinstance(item, dict) and "..." in item:
                    if len(item) != 1:
                        raise MalformedValueError("an array digest object must have only '...'")
                    disclosure = claim(item["..."], False)
                    if disclosure is not None:
                        items.append(visit(disclosure.value))
                else:
                    items.append(visit(item))
            return items
        return value

    try:
        result = visit({k: v for k, v in payload.items() if k != "_sd_alg"})
    except RecursionError:
        raise MalformedValueError("disclosures nest too deeply") from None
    # Step 5: every disclosure must be referenced by a digest we met.
    unused = [d for d in by_digest if d not in seen]
    if unused:
        raise CryptographicError(f"disclosure {unused[0]} is not referenced by the SD-JWT")
    return {**result}


def _time(payload: dict[str, Any], name: str) -> float | None:
    value = payload.get(name)
    if value is None:
        return None
    # A time no date can hold (`exp: 1e300`) is malformed, not merely far away: every reader
    # that shows or compares it as a date would otherwise fail on it later.
    numeric_date(value, name)
    return float(value)


def _check_syntax(sd_jwt: SdJwt, accepted_types: Collection[str]) -> Jws:
    jws = Jws.from_text(sd_jwt.issuer_jwt, "issuer-signed JWT")
    typ = jws.header.get("typ")
    if typ not in accepted_types:
        raise MalformedValueError(f"typ: got {typ!r}, want one of {sorted(accepted_types)}")
    payload = jws.payload
    if not isinstance(payload.get("iss"), str):
        raise MalformedValueError("iss: want the issuer's identifier")
    if typ in VC_TYPES and not isinstance(payload.get("vct"), str):
        raise MalformedValueError("vct: an SD-JWT VC needs a string vct")
    for name in ("iat", "nbf", "exp"):
        _time(payload, name)
    if payload.get("_sd_alg", SD_ALG) != SD_ALG:
        raise MalformedValueError(f"_sd_alg: got {payload['_sd_alg']!r}, want {SD_ALG!r}")
    cnf = payload.get("cnf")
    if cnf is not None and not (isinstance(cnf, dict) and isinstance(cnf.get("jwk"), dict)):
        raise MalformedValueError("cnf: want an object with a 'jwk' holder key")
    return jws


def _issuer_jwk(
    jws: Jws,
    resolver: DocumentResolver | None,
    issuer_jwk: Any,
    sources: tuple[Fetcher | None, Sequence[Any], datetime],
) -> Any:
    if issuer_jwk is not None:
        return issuer_jwk
    fetch, anchors, now = sources
    issuer, kid = jws.payload["iss"], jws.header.get("kid")
    if "x5c" in jws.header:
        return issuer_jwk_from_x5c(jws.header["x5c"], anchors, now, issuer)
    if issuer.startswith("https://"):
        if fetch is None:
            raise CryptographicError(
                f"iss {issuer[:80]!r} is an https URL, and no issuer metadata fetcher was given"
            )
        return issuer_jwk_from_metadata(issuer, kid, fetch)
    if resolver is None:
        raise CryptographicError("no resolver and no issuer key: cannot find the issuer's key")
    if not isinstance(kid, str) or kid.partition("#")[0] != issuer:
        raise CryptographicError(f"kid: got {kid!r}, want a verification method of {issuer!r}")
    try:
        document = resolver.resolve_document(issuer)
        method = document.find_verification_method(kid)
        authorized = document.authorizes(kid, "assertionMethod")
    except (InvalidDid, MalformedValueError) as exc:
        raise MalformedValueError(f"issuer {issuer[:80]!r}: {exc}") from None
    except DidError as exc:
        raise CryptographicError(f"issuer {issuer[:80]!r}: {exc}") from None
    if not authorized or method.controller != issuer:
        raise CryptographicError(f"kid {kid[:80]!r} is not an assertionMethod key of the issuer")
    return public_key_jwk(method.public_key, method.key_type)


def _key_binding_checks(
    sd_jwt: SdJwt,
    payload: dict[str, Any],
    now: datetime,
    expect: tuple[str | None, str | None, timedelta, timedelta],
) -> tuple[Check, Check]:
    audience, nonce, max_age, skew = expect
    try:
        cnf = payload.get("cnf")
        if cnf is None:
            raise CryptographicError("the SD-JWT has no cnf holder key to bind to")
        kb = Jws.from_text(sd_jwt.kb_jwt or "", "key-binding JWT")
        if kb.header.get("typ") != "kb+jwt":
            raise MalformedValueError(f"KB-JWT typ: got {kb.header.get('typ')!r}, want 'kb+jwt'")
        verify_jws(kb, cnf["jwk"], "key-binding JWT")
    except CredentialError as exc:
        return Check.failed("holder_binding", exc, "kb_signature_invalid"), _skip_challenge()
    want_hash = sd_digest(sd_jwt.sd_hash_input())
    if kb.payload.get("sd_hash") != want_hash:
        error = CryptographicError(
            f"sd_hash: got {kb.payload.get('sd_hash')!r}, want {want_hash!r}"
        )
        return Check.failed("holder_binding", error, "sd_hash_mismatch"), _skip_challenge()
    binding = Check.passed("holder_binding", "key-binding JWT signed by the cnf key")
    if kb.payload.get("nonce") != nonce:
        error = CryptographicError(f"nonce: got {kb.payload.get('nonce')!r}, want {nonce!r}")
        return binding, Check.failed("challenge", error, "nonce_mismatch")
    if kb.payload.get("aud") != audience:
        error = CryptographicError(f"aud: got {kb.payload.get('aud')!r}, want {audience!r}")
        return binding, Check.failed("challenge", error, "audience_mismatch")
    try:
        issued = _time(kb.payload, "iat")
    except CredentialError as exc:
        return binding, Check.failed("challenge", exc, "kb_iat_invalid")
    stamp = now.timestamp()
    if (
        issued is None
        or not stamp - max_age.total_seconds() <= issued <= stamp + skew.total_seconds()
    ):
        stale = RangeError(f"KB-JWT iat: got {issued}, want within {max_age} before {stamp:.0f}")
        return binding, Check.failed("challenge", stale, "kb_not_fresh")
    return binding, Check.passed("challenge", "nonce, audience and iat match")


def _skip_challenge() -> Check:
    return Check.skipped("challenge", "the key-binding JWT did not verify")


def _validity_check(payload: dict[str, Any], now: datetime, skew: timedelta) -> Check:
    stamp, slack = now.timestamp(), skew.total_seconds()
    iat, nbf, exp = (_time(payload, name) for name in ("iat", "nbf", "exp"))
    if iat is not None and iat > stamp + slack:
        return Check.failed("validity", RangeError(f"iat {iat:.0f} is after now {stamp:.0f}"),
                            "issued_in_future")  # fmt: skip
    if nbf is not None and nbf > stamp + slack:
        return Check.failed("validity", RangeError(f"nbf: valid from {nbf:.0f}, now {stamp:.0f}"),
                            "not_yet_valid")  # fmt: skip
    if exp is not None and exp <= stamp - slack:
        return Check.failed("validity", RangeError(f"exp: expired at {exp:.0f}, now {stamp:.0f}"),
                            "expired")  # fmt: skip
    return Check.passed("validity", "within iat, nbf and exp")


def _status_check(
    payload: dict[str, Any],
    source: TokenStatusSource | None,
    jwk: Any,
    now: datetime,
) -> Check:
    if "status" not in payload:
        return Check.skipped("status", "the SD-JWT has no status")
    if source is None:
        return Check.skipped("status", "no status list source was given")
    if jwk is None:
        return Check.skipped("status", "no issuer key to verify the status list with")
    try:
        value = token_status(payload, source, issuer_jwk=jwk, now=now)
    except CredentialError as exc:
        reason = "status_list_unavailable" if isinstance(exc, StatusRetrievalError) else (
            "status_list_invalid")  # fmt: skip
        return Check.failed("status", exc, reason)
    if value == STATUS_VALID:
        return Check.passed("status", "status VALID")
    reason = {STATUS_INVALID: "revoked", STATUS_SUSPENDED: "suspended"}.get(value, "status_set")
    return Check.failed("status", RangeError(f"status: {reason} (value {value})"), reason)


def verify_sd_jwt(
    presentation: str,
    *,
    now: datetime,
    audience: str | None,
    nonce: str | None,
    resolver: DocumentResolver | None = None,
    issuer_jwk: dict[str, Any] | None = None,
    issuer_metadata: Fetcher | None = None,
    trust_anchors: Sequence[Any] = (),
    status_lists: TokenStatusSource | None = None,
    require_key_binding: bool = True,
    trust: TrustPolicy | None,
    accepted_types: Collection[str] = VC_TYPES,
    max_kb_age: timedelta = timedelta(minutes=5),
    clock_skew: timedelta = timedelta(seconds=60),
) -> VerificationReport:
    """Verify an SD-JWT (with or without key binding) and return a report of every check.

    The issuer's key comes from `issuer_jwk` when the caller already has one (then `kid` is not
    consulted); else from an `x5c` header chain verified to `trust_anchors` (x509 certificates)
    at `now`; else, for a DID `iss`, from `resolver` (`kid` must be a verification method of the
    `iss` DID); else, for an https `iss`, from its JWT VC Issuer Metadata read with
    `issuer_metadata` (a fetcher such as `HttpsFetcher()`). A `status` claim is checked against
    the Status List Token found in `status_lists` (a mapping from URI to token, or a fetcher),
    which must be signed with the issuer's key.
    `audience` and `nonce` are what this verifier asked for; they are required unless
    `require_key_binding` is False. `accepted_types` lists the JWT `typ` values accepted; an
    SD-JWT VC type also requires `vct`. The KB-JWT's `iat` must lie within `max_kb_age`
    before `now` (and at most `clock_skew` after it). `trust` is required: `TrustIssuers` (by
    `iss` or by the issuer's key), the unsafe `TrustAny()` (reported in `warnings`), or None,
    which fails the trust check.
    """
    now = require_aware(now)
    if require_key_binding and not (audience and nonce):
        raise MalformedValueError("key binding: the verifier must give its audience and nonce")
    names = ("proof", "key", "disclosures", "validity", "status", "trust", "holder_binding",
             "challenge")  # fmt: skip
    try:
        sd_jwt = SdJwt.from_text(presentation)
        jws = _check_syntax(sd_jwt, accepted_types)
    except CredentialError as exc:
        broken = [Check.failed("syntax", exc, "malformed_sd_jwt")]
        broken += [Check.skipped(name, "the SD-JWT is malformed") for name in names]
        return VerificationReport("sd-jwt", None, tuple(broken))
    payload = jws.payload
    issuer_key: tuple[str, bytes] | None = None
    verified_jwk: Any = None
    try:
        jwk = _issuer_jwk(jws, resolver, issuer_jwk, (issuer_metadata, trust_anchors, now))
        key_check = Check.passed("key", "issuer key found")
        try:
            verify_jws(jws, jwk, "issuer-signed JWT")
            proof_check = Check.passed("proof", f"{jws.header.get('alg')} signature verifies")
            issuer_key = decode_public_jwk(jwk)
            verified_jwk = jwk
        except CredentialError as exc:
            proof_check = Check.failed("proof", exc, "signature_invalid")
    except CredentialError as exc:
        key_check = Check.failed("key", exc, "key_not_authorized")
        proof_check = Check.skipped("proof", "no issuer key to verify the signature with")
    claims = None
    try:
        claims = process_disclosures(
            payload, [Disclosure.from_encoded(d) for d in sd_jwt.disclosures]
        )
        disclosure_check = Check.passed("disclosures", f"{len(sd_jwt.disclosures)} disclosed")
    except CredentialError as exc:
        reason = "disclosure_unreferenced" if isinstance(exc, CryptographicError) else (
            "disclosure_malformed")  # fmt: skip
        disclosure_check = Check.failed("disclosures", exc, reason)
    issuer = payload["iss"]
    trust_result, warnings = trust_check(trust, issuer, issuer_key)
    if sd_jwt.kb_jwt is None:
        if require_key_binding:
            missing = CryptographicError("no key-binding JWT, and the verifier requires one")
            binding = Check.failed("holder_binding", missing, "key_binding_missing")
        else:
            binding = Check.skipped("holder_binding", "key binding not required")
        challenge = Check.skipped("challenge", "no key-binding JWT")
    else:
        binding, challenge = _key_binding_checks(
            sd_jwt, payload, now, (audience, nonce, max_kb_age, clock_skew)
        )
    checks = (
        Check.passed("syntax", "SD-JWT"),
        proof_check,
        key_check,
        disclosure_check,
        _validity_check(payload, now, clock_skew),
        _status_check(payload, status_lists, verified_jwk, now),
        trust_result,
        binding,
        challenge,
    )
    report = VerificationReport("sd-jwt", issuer, checks, warnings=warnings)
    if report.verified:
        return VerificationReport("sd-jwt", issuer, checks, claims=claims, warnings=warnings)
    return report
