"""Tests trust as a decision: no policy fails, TrustAny warns, TrustIssuers names whom to trust."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from did import (
    NO_TRUST_DECISION,
    Ed25519Key,
    P256Key,
    Resolver,
    TrustAny,
    TrustIssuers,
    VerificationReport,
    create_presentation,
    did_key_from_public_key,
    issue_credential,
    issue_sd_jwt,
    verify_credential,
    verify_presentation,
    verify_sd_jwt,
)
from did.errors import RangeError

START = datetime(2025, 1, 1, tzinfo=UTC)
NOW = datetime(2025, 6, 1, tzinfo=UTC)
ISSUER_KEY = Ed25519Key.from_seed(bytes(range(32)))
ISSUER = did_key_from_public_key(ISSUER_KEY.public_key)
ISSUER_VM = f"{ISSUER}#{ISSUER.removeprefix('did:key:')}"
HOLDER_KEY = P256Key.from_private_bytes(bytes(31) + b"\x05")
HOLDER = did_key_from_public_key(HOLDER_KEY.public_key, "P-256")
HOLDER_VM = f"{HOLDER}#{HOLDER.removeprefix('did:key:')}"


def credential() -> dict[str, Any]:
    return issue_credential(
        {"id": HOLDER, "name": "Ada"}, key=ISSUER_KEY, verification_method=ISSUER_VM,
        valid_from=START,
    )  # fmt: skip


def check(report: VerificationReport) -> tuple[str, str | None]:
    trust = report.check("trust")
    return trust.outcome, trust.reason


def test_no_decision_fails_the_trust_check_and_says_how_to_decide() -> None:
    report = verify_credential(credential(), now=NOW, resolver=Resolver(), trust=None)
    assert not report.verified
    assert check(report) == ("failed", NO_TRUST_DECISION)
    message = report.check("trust").message
    assert "TrustIssuers" in message and "--trust" in message and "--trust-any" in message
    # Every other check still ran and passed: only the decision is missing.
    assert [name for name, _ in report.failures()] == ["trust"]
    with pytest.raises(RangeError, match="no trust decision"):
        report.raise_for_failure()


def test_trust_any_passes_with_a_warning() -> None:
    report = verify_credential(credential(), now=NOW, resolver=Resolver(), trust=TrustAny())
    assert report.verified
    assert check(report) == ("passed", None)
    assert report.warnings and "trust-any" in report.warnings[0]
    assert report.to_json()["warnings"] == list(report.warnings)
    assert VerificationReport.from_json(report.to_json()) == report


def test_trust_issuers_by_identifier_and_by_key() -> None:
    by_id = verify_credential(credential(), now=NOW, resolver=Resolver(),
                              trust=TrustIssuers.of([ISSUER]))  # fmt: skip
    assert by_id.verified and not by_id.warnings
    by_key = TrustIssuers.of(keys=[("Ed25519", ISSUER_KEY.public_key)])
    assert verify_credential(credential(), now=NOW, resolver=Resolver(), trust=by_key).verified
    other = TrustIssuers.of(["did:key:z6MkOther"], [("P-256", HOLDER_KEY.public_key)])
    report = verify_credential(credential(), now=NOW, resolver=Resolver(), trust=other)
    assert check(report) == ("failed", "untrusted_issuer")


def test_presentations_need_the_decision_for_their_credentials() -> None:
    presentation = create_presentation(
        [credential()], key=HOLDER_KEY, verification_method=HOLDER_VM, challenge="c",
        created=NOW,
    )  # fmt: skip
    assert presentation["proof"]["cryptosuite"] == "ecdsa-jcs-2019"
    undecided = verify_presentation(presentation, challenge="c", domain=None, now=NOW,
                                    resolver=Resolver(), trust=None)  # fmt: skip
    assert [p for p, _ in undecided.failures()] == ["credential[0].trust"]
    anyone = verify_presentation(presentation, challenge="c", domain=None, now=NOW,
                                 resolver=Resolver(), trust=TrustAny())  # fmt: skip
    assert anyone.verified and anyone.all_warnings() == list(anyone.warnings)
    assert anyone.warnings


def test_sd_jwt_needs_the_decision_too() -> None:
    sd_jwt = issue_sd_jwt(
        {"name": "Ada"},
        key=ISSUER_KEY,
        verification_method=ISSUER_VM,
        vct="https://example.com/id",
        issued_at=NOW - timedelta(days=1),
    )
    arguments: dict[str, Any] = {"now": NOW, "audience": None, "nonce": None,
                                 "resolver": Resolver(), "require_key_binding": False}  # fmt: skip
    assert check(verify_sd_jwt(sd_jwt, trust=None, **arguments)) == ("failed", NO_TRUST_DECISION)
    warned = verify_sd_jwt(sd_jwt, trust=TrustAny(), **arguments)
    assert warned.verified and warned.warnings
    by_key = TrustIssuers.of(keys=[("Ed25519", ISSUER_KEY.public_key)])
    assert verify_sd_jwt(sd_jwt, trust=by_key, **arguments).verified
