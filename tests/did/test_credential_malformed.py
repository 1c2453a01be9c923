"""Tests that malformed credentials and presentations yield package errors or failed reports."""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from did import (
    Ed25519Key,
    Resolver,
    TrustAny,
    create_presentation,
    did_key_from_public_key,
    issue_credential,
    parse_json,
    verify_credential,
    verify_presentation,
)
from did.errors import CredentialError, MalformedValueError, ParsingError

NOW = datetime(2025, 6, 1, tzinfo=UTC)
RESOLVER = Resolver()
KEY = Ed25519Key.from_seed(b"\x41" * 32)
DID = did_key_from_public_key(KEY.public_key)
VM = f"{DID}#{DID.removeprefix('did:key:')}"
CREDENTIAL = issue_credential(
    {"id": DID, "name": "Grace", "rank": 3, "tags": ["a", "b"], "address": {"city": "X"}},
    key=KEY,
    verification_method=VM,
    valid_from=datetime(2025, 1, 1, tzinfo=UTC),
)
TEXT = json.dumps(CREDENTIAL, ensure_ascii=False, separators=(",", ":"))
PRESENTATION = create_presentation(
    [CREDENTIAL], key=KEY, verification_method=VM, challenge="c", created=NOW
)


def _paths(value: Any, here: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [here] if here else []
    if isinstance(value, dict):
        for key, child in value.items():
            found += _paths(child, (*here, key))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            found += _paths(child, (*here, index))
    return found


DEEP = "<5000 nested arrays>"


def _deep(depth: int) -> Any:
    value: Any = 1
    for _ in range(depth):
        value = [value]
    return value


JUNK = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(),  # NaN and infinities included
    st.text(max_size=10),
    st.lists(st.integers(), max_size=3),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
    st.sampled_from([DEEP, {1: "non-string key"}, b"bytes", {"x"}]),
)


def _plant(document: dict[str, Any], path: tuple[Any, ...], junk: Any) -> bool:
    """Put `junk` at `path`; return False when that changes nothing."""
    target: Any = document
    for part in path[:-1]:
        target = target[part]
    if target[path[-1]] == junk and type(target[path[-1]]) is type(junk):
        return False
    # The deeply nested value is built here so that Hypothesis never has to print it.
    target[path[-1]] = _deep(5000) if junk == DEEP else junk
    return True


@settings(max_examples=250, deadline=None)
@given(st.sampled_from(_paths(CREDENTIAL)), JUNK)
def test_wrong_types_anywhere_give_a_failed_report(path: tuple[Any, ...], junk: Any) -> None:
    tampered = copy.deepcopy(CREDENTIAL)
    if not _plant(tampered, path, junk):
        return
    report = verify_credential(tampered, now=NOW, resolver=RESOLVER, trust=TrustAny())
    assert not report.verified
    with pytest.raises(CredentialError):
        report.raise_for_failure()
    json.dumps(report.to_json())


@settings(max_examples=200, deadline=None)
@given(st.integers(min_value=0, max_value=len(TEXT) - 1))
def test_truncated_json_is_a_parsing_error(cut: int) -> None:
    with pytest.raises(ParsingError):
        parse_json(TEXT[:cut])


@settings(max_examples=250, deadline=None)
@given(st.integers(min_value=0), st.characters(codec="utf-8"))
def test_any_character_change_of_the_text_is_caught(position: int, replacement: str) -> None:
    index = position % len(TEXT)
    if TEXT[index] == replacement:
        return
    try:
        credential = parse_json(TEXT[:index] + replacement + TEXT[index + 1 :])
    except CredentialError:
        return
    assert not verify_credential(credential, now=NOW, resolver=RESOLVER, trust=TrustAny()).verified


@pytest.mark.parametrize(
    ("member", "value", "check"),
    [
        ("cryptosuite", "eddsa-2099", "proof"),
        ("proofValue", "z0OIl", "proof"),
        ("proofValue", "uAAAA", "proof"),
        ("proofValue", "z" + "1" * 200, "proof"),
        ("verificationMethod", "did:key:zzzz#zzzz", "key"),
        ("verificationMethod", "did:unknown:x#y", "key"),
        ("verificationMethod", "not a did", "key"),
        ("created", "yesterday", "proof"),
        ("proofPurpose", "capabilityInvocation", "proof"),
    ],
)
def test_bad_proof_members_fail_their_check(member: str, value: str, check: str) -> None:
    tampered = copy.deepcopy(CREDENTIAL)
    tampered["proof"][member] = value
    report = verify_credential(tampered, now=NOW, resolver=RESOLVER, trust=TrustAny())
    assert report.check(check).outcome == "failed"
    assert report.check(check).problem_type is not None


@pytest.mark.parametrize(
    "text",
    [
        '{"proof": 1e999}',
        '{"n": 123456789012345678901234567890}',
        "[" * 10_000 + "]" * 10_000,
        '{"a": NaN}',
        '{"a": 1, "a": 2}',
    ],
)
def test_hostile_json_is_rejected_before_verification(text: str) -> None:
    with pytest.raises(MalformedValueError):
        parse_json(text)


@settings(max_examples=100, deadline=None)
@given(st.sampled_from(_paths(PRESENTATION)), JUNK)
def test_wrong_types_in_a_presentation_give_a_failed_report(
    path: tuple[Any, ...], junk: Any
) -> None:
    tampered = copy.deepcopy(PRESENTATION)
    if not _plant(tampered, path, junk):
        return
    report = verify_presentation(
        tampered, challenge="c", domain=None, now=NOW, resolver=RESOLVER, trust=TrustAny()
    )
    assert not report.verified


@pytest.mark.parametrize("value", [None, 1, "text", [], [CREDENTIAL], {"proof": {}}])
def test_non_credentials_fail_syntax(value: Any) -> None:
    report = verify_credential(value, now=NOW, resolver=RESOLVER, trust=TrustAny())
    assert report.check("syntax").outcome == "failed"
    assert {c.outcome for c in report.checks[1:]} == {"skipped"}
