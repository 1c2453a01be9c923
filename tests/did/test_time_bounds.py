"""Tests that times outside what a date can hold are malformed (issue 14, finding 9).

An SD-JWT whose `exp` was 1e300 (signed by anyone) passed every check a holder runs at
import, and every later reader that turned it into a date failed for good. Such values are
syntax errors now, in both formats, so nothing downstream ever meets them.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from did import (
    Ed25519Key,
    Resolver,
    SdJwt,
    did_key_from_public_key,
    issue_credential,
    issue_sd_jwt,
    numeric_date,
    parse_datetime,
    verify_credential,
    verify_sd_jwt,
)
from did.errors import MalformedValueError
from did.sd_jwt import Jws, sign_jws

NOW = datetime(2025, 6, 1, 12, 0, tzinfo=UTC)
KEY = Ed25519Key.from_seed(bytes([31]) * 32)
ISSUER = did_key_from_public_key(KEY.public_key)
ISSUER_VM = f"{ISSUER}#{ISSUER.removeprefix('did:key:')}"
RESOLVER = Resolver()


def sd_jwt_with(**times: Any) -> str:
    """An SD-JWT VC signed by a valid issuer, with `times` put into its payload as given."""
    issued = SdJwt.from_text(
        issue_sd_jwt(
            {"sub": ISSUER, "name": "Erika"},
            key=KEY,
            verification_method=ISSUER_VM,
            vct="https://credentials.example/member",
            issued_at=NOW - timedelta(days=1),
            disclosable=["/name"],
            rng=lambda size: bytes(size),
        )
    )
    jws = Jws.from_text(issued.issuer_jwt)
    payload = {**jws.payload, **times}
    return SdJwt(sign_jws(jws.header, payload, KEY), issued.disclosures).to_text()


def syntax_failure(token: str) -> str | None:
    report = verify_sd_jwt(
        token,
        now=NOW,
        audience=None,
        nonce=None,
        resolver=RESOLVER,
        require_key_binding=False,
        trust=None,
    )
    syntax = next(c for c in report.checks if c.name == "syntax")
    return syntax.reason if syntax.outcome == "failed" else None


@pytest.mark.parametrize(
    "times",
    [
        {"exp": 1e300},
        {"exp": -1e300},
        {"iat": 1e19},
        {"nbf": 253402300800},
        {"exp": -1},
        {"iat": 9007199254740991},
    ],
    ids=["exp-1e300", "exp--1e300", "iat-1e19", "nbf-year-10000", "exp-1969", "iat-max"],
)
def test_sd_jwt_times_no_date_can_hold_are_malformed(times: dict[str, Any]) -> None:
    assert syntax_failure(sd_jwt_with(**times)) == "malformed_sd_jwt"


def test_sd_jwt_times_at_the_bounds_are_accepted() -> None:
    assert syntax_failure(sd_jwt_with(exp=253402300799, nbf=0, iat=1.5)) is None


@settings(max_examples=150, deadline=None)
@given(st.one_of(st.integers(-(2**53) + 1, 2**53 - 1), st.floats(allow_nan=False)))
def test_any_accepted_numeric_date_is_a_date(value: float) -> None:
    try:
        when = numeric_date(value, "exp")
    except MalformedValueError:
        return
    assert when.tzinfo is not None
    assert when.astimezone(UTC).year <= 9999


@pytest.mark.parametrize(
    "text",
    ["9999-12-31T23:59:59-14:00", "0001-01-01T00:00:00+01:00", "0000-06-01T00:00:00Z"],
)
def test_date_times_whose_utc_instant_no_date_holds_are_malformed(text: str) -> None:
    with pytest.raises(MalformedValueError):
        parse_datetime(text, "validUntil")


def test_a_credential_valid_until_past_year_9999_in_utc_fails_its_syntax() -> None:
    credential = issue_credential(
        {"id": ISSUER, "name": "Erika"},
        key=KEY,
        verification_method=ISSUER_VM,
        valid_from=NOW - timedelta(days=1),
        types=["MemberCredential"],
    )
    credential = {**credential, "validUntil": "9999-12-31T23:59:59-14:00"}
    report = verify_credential(credential, now=NOW, resolver=RESOLVER, trust=None)
    syntax = next(c for c in report.checks if c.name == "syntax")
    assert syntax.outcome == "failed"
