"""Tests credential status (Bitstring Status List v1.0): revocation, suspension, list trust."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from did import (
    Ed25519Key,
    Resolver,
    StatusList,
    TrustAny,
    VerificationReport,
    add_proof,
    create_presentation,
    did_key_from_public_key,
    issue_credential,
    status_entry,
    status_list_credential,
    verify_credential,
    verify_presentation,
)
from did.errors import RangeError

NOW = datetime(2025, 6, 1, tzinfo=UTC)
START = datetime(2025, 1, 1, tzinfo=UTC)
RESOLVER = Resolver()
REVOCATION_URL = "https://issuer.example/status/revocation/1"
SUSPENSION_URL = "https://issuer.example/status/suspension/1"


def identity(seed: int) -> tuple[Ed25519Key, str, str]:
    key = Ed25519Key.from_seed(bytes([seed]) * 32)
    did = did_key_from_public_key(key.public_key)
    return key, did, f"{did}#{did.removeprefix('did:key:')}"


ISSUER_KEY, ISSUER, ISSUER_VM = identity(31)
HOLDER_KEY, HOLDER, HOLDER_VM = identity(32)
OTHER_KEY, OTHER, OTHER_VM = identity(33)


def signed_list(
    url: str, purpose: str, set_bits: tuple[int, ...] = (), key: Ed25519Key = ISSUER_KEY
) -> dict[str, Any]:
    bits = StatusList()
    for index in set_bits:
        bits.set(index, True)
    issuer = did_key_from_public_key(key.public_key)
    unsigned = status_list_credential(url, issuer, purpose, bits, START)
    return add_proof(unsigned, key, f"{issuer}#{issuer.removeprefix('did:key:')}", created=START)


def credential(index: int = 7) -> dict[str, Any]:
    return issue_credential(
        {"id": HOLDER, "eligible": True},
        key=ISSUER_KEY,
        verification_method=ISSUER_VM,
        valid_from=START,
        credential_status=[
            status_entry(REVOCATION_URL, index, "revocation"),
            status_entry(SUSPENSION_URL, index, "suspension"),
        ],
    )


def lists(revoked: tuple[int, ...] = (), suspended: tuple[int, ...] = ()) -> dict[str, Any]:
    return {
        REVOCATION_URL: signed_list(REVOCATION_URL, "revocation", revoked),
        SUSPENSION_URL: signed_list(SUSPENSION_URL, "suspension", suspended),
    }


def status_of(report: VerificationReport) -> tuple[str, str | None]:
    check = report.check("status")
    return check.outcome, check.reason


def test_clear_bits_pass() -> None:
    report = verify_credential(
        credential(),
        now=NOW,
        resolver=RESOLVER,
        status_lists=lists(revoked=(6, 8)),
        trust=TrustAny(),
    )
    assert report.verified
    assert status_of(report) == ("passed", None)


def test_revoked_and_suspended_fail_with_their_reason() -> None:
    revoked = verify_credential(
        credential(), now=NOW, resolver=RESOLVER, status_lists=lists((7,)), trust=TrustAny()
    )
    assert status_of(revoked) == ("failed", "revoked")
    with pytest.raises(RangeError, match="revoked"):
        revoked.raise_for_failure()
    suspended = verify_credential(
        credential(),
        now=NOW,
        resolver=RESOLVER,
        status_lists=lists(suspended=(7,)),
        trust=TrustAny(),
    )
    assert status_of(suspended) == ("failed", "suspended")


def test_callable_source_and_missing_source() -> None:
    source = lists(revoked=(7,))
    report = verify_credential(
        credential(),
        now=NOW,
        resolver=RESOLVER,
        status_lists=lambda url: source[url],
        trust=TrustAny(),
    )
    assert status_of(report) == ("failed", "revoked")
    unchecked = verify_credential(credential(), now=NOW, resolver=RESOLVER, trust=TrustAny())
    assert status_of(unchecked)[0] == "skipped"
    missing = verify_credential(
        credential(), now=NOW, resolver=RESOLVER, status_lists={}, trust=TrustAny()
    )
    assert status_of(missing) == ("failed", "status_list_unavailable")
    empty = verify_credential(
        credential(),
        now=NOW,
        resolver=RESOLVER,
        status_lists={REVOCATION_URL: {}},
        trust=TrustAny(),
    )
    assert status_of(empty) == ("failed", "status_list_invalid")


def test_list_must_verify_and_come_from_the_issuer() -> None:
    tampered = lists(revoked=(7,))
    # Clearing the revoked bit after the issuer signed the list breaks the list's proof.
    tampered[REVOCATION_URL]["credentialSubject"]["encodedList"] = StatusList().encode()
    report = verify_credential(
        credential(), now=NOW, resolver=RESOLVER, status_lists=tampered, trust=TrustAny()
    )
    assert status_of(report) == ("failed", "status_list_invalid")
    foreign = lists()
    foreign[REVOCATION_URL] = signed_list(REVOCATION_URL, "revocation", key=OTHER_KEY)
    report = verify_credential(
        credential(), now=NOW, resolver=RESOLVER, status_lists=foreign, trust=TrustAny()
    )
    assert status_of(report) == ("failed", "status_list_issuer_mismatch")


def test_revoked_credential_inside_a_presentation() -> None:
    presentation = create_presentation(
        [credential()],
        key=HOLDER_KEY,
        verification_method=HOLDER_VM,
        challenge="c",
        domain=None,
        created=NOW,
    )
    report = verify_presentation(
        presentation,
        challenge="c",
        domain=None,
        now=NOW,
        resolver=RESOLVER,
        status_lists=lists(revoked=(7,)),
        trust=TrustAny(),
    )
    assert [(p, c.reason) for p, c in report.failures()] == [("credential[0].status", "revoked")]


def test_unretrievable_or_short_lists_fail_the_check_without_raising() -> None:
    import gzip

    from did import b64url_encode
    from did.errors import StatusRetrievalError

    def unreachable(url: str) -> dict[str, Any]:
        raise StatusRetrievalError(f"{url}: HTTP 404")

    report = verify_credential(
        credential(), now=NOW, resolver=RESOLVER, status_lists=unreachable, trust=TrustAny()
    )
    check = report.check("status")
    assert check.outcome == "failed"
    assert check.problem_type == StatusRetrievalError.problem_type
    assert not report.verified

    short = lists()
    unsigned = dict(short[REVOCATION_URL])
    del unsigned["proof"]
    unsigned["credentialSubject"] = dict(
        unsigned["credentialSubject"], encodedList="u" + b64url_encode(gzip.compress(bytes(16)))
    )
    short[REVOCATION_URL] = add_proof(unsigned, ISSUER_KEY, ISSUER_VM, created=START)
    report = verify_credential(
        credential(), now=NOW, resolver=RESOLVER, status_lists=short, trust=TrustAny()
    )
    assert report.check("status").outcome == "failed"
    assert not report.verified
