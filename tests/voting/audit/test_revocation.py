"""Tests how the audit judges revocation: once, against the status lists frozen at close.

Eligibility is verified at each ballot's own time without its status; the `close` entry's
lists are verified at the close entry's time, as the board's `close` rule does; and each
ballot's status is read from them (election-entries §5.3, §7; record spec §9 V5).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

import did
from voting.audit import AuditReport, Outcome, verify_record
from voting.board import CloseBody, EligibilityRule, check_eligibility
from voting.chain import MemoryLogStore
from voting.errors import RejectedEntry
from voting.testing import CLOSES, ELECTION_ID, STATUS_URL, Party, Run, honest_run

from .records import export, parsed, rewrite


def _failed(report: AuditReport) -> set[str]:
    return {c.id for c in report.failed()}


def _signed_list(issuer: Party, url: str, valid_from: Any, revoked: set[int]) -> dict[str, Any]:
    bits = did.StatusList()
    for index in revoked:
        bits.set(index, True)
    unsigned = did.status_list_credential(url, issuer.did, "revocation", bits, valid_from)
    signed: dict[str, Any] = did.add_proof(unsigned, issuer.key, issuer.vm, created=valid_from)
    return signed


def _with_close(run: Run, record: Path, target: Path, lists: tuple[dict[str, Any], ...]) -> Path:
    """The record with the close entry's lists replaced, every entry re-signed."""
    entries = parsed(record)
    i = next(i for i, e in enumerate(entries) if e.type == "close")
    entries[i] = replace(entries[i], body=CloseBody(lists))
    return rewrite(run, record, target, entries)


@pytest.fixture(scope="module")
def fresh(tmp_path_factory: pytest.TempPathFactory) -> tuple[Run, Path]:
    store = MemoryLogStore()
    run = honest_run(store, fresh_lists=True)
    return run, export(store, tmp_path_factory.mktemp("fresh") / "record")


def test_status_list_signed_at_close_passes(fresh: tuple[Run, Path]) -> None:
    run, record = fresh
    close = next(e for e in run.board.entries(ELECTION_ID) if e.type == "close")
    assert isinstance(close.body, CloseBody)
    # The frozen list is valid only from the close, after every ballot was cast.
    assert close.body.status_lists[0]["validFrom"] == "2030-05-01T18:00:00Z"
    report = verify_record(record, workers=1)
    assert report.passed, report.to_text()
    v5 = report.check("V5")
    assert v5.details == (
        "6 ballot(s) checked; revocation judged against the 1 status list(s) frozen at close"
    )
    assert report.stats.counted == 5


def test_voter_revoked_before_close_is_excluded(tmp_path: Path) -> None:
    store = MemoryLogStore()
    # Voter 2 votes while eligible and is revoked before the close freezes the list.
    run = honest_run(store, revoked=2, fresh_lists=True)
    report = verify_record(export(store, tmp_path / "r"), workers=1)
    assert report.passed, report.to_text()
    assert "1 excluded as revoked" in report.check("V5").details
    assert report.stats.counted == 4
    assert report.result is not None
    assert report.result.counts()["mayor"] == {"ada": 0, "bob": 4}
    # The board, judging the live list at cast time, refuses the revoked voter's new ballot.
    with pytest.raises(RejectedEntry, match="revoked"):
        fresh_run = honest_run(MemoryLogStore(), finish=False, revoked=2, fresh_lists=True)
        fresh_run.vote(fresh_run.world.voters[2], "b2-again", "ada")
    assert run.world.revoked == {2}


def test_eligibility_without_status_judgement() -> None:
    run = honest_run(MemoryLogStore(), finish=False, revoked=1, fresh_lists=True)
    world = run.world
    body = run.ballot_body(world.voters[1], "b1-probe", "ada")
    rule = EligibilityRule.from_json(world.manifest().eligibility)
    args = (rule, ELECTION_ID, body.ballot, body.presentation)
    at, resolver = run.clock.now, did.Resolver()
    with pytest.raises(RejectedEntry, match="revoked"):
        check_eligibility(*args, at=at, resolver=resolver, status_lists=world.status_source())
    with pytest.raises(RejectedEntry, match="no list is available"):
        check_eligibility(*args, at=at, resolver=resolver, status_lists=None)
    # With judge_status=False neither a list is needed nor the one given is consulted.
    check_eligibility(*args, at=at, resolver=resolver, judge_status=False)
    check_eligibility(
        *args, at=at, resolver=resolver, status_lists=world.status_source(), judge_status=False
    )
    # Everything else is still judged: a credential not yet valid at `at` is refused.
    with pytest.raises(RejectedEntry, match="validFrom"):
        check_eligibility(*args, at=at - timedelta(days=30), resolver=resolver, judge_status=False)


def test_list_valid_only_after_close_fails_v5(fresh: tuple[Run, Path], tmp_path: Path) -> None:
    run, record = fresh
    later = _signed_list(run.world.authority, STATUS_URL, CLOSES + timedelta(hours=1), set())
    report = verify_record(_with_close(run, record, tmp_path / "r", (later,)), workers=1)
    assert _failed(report) == {"V5"}
    invalid, stale = report.check("V5").reasons
    assert invalid.code == "status-list-invalid" and STATUS_URL in invalid.message
    assert "validFrom" in invalid.message and invalid.entry is not None
    # A list dated after the close is not the list in force at close either.
    assert stale.code == "status-list-stale"


def test_tampered_list_fails_v5(fresh: tuple[Run, Path], tmp_path: Path) -> None:
    run, record = fresh
    genuine = _signed_list(run.world.authority, STATUS_URL, CLOSES, set())
    tampered = {**genuine, "validUntil": "2031-01-01T00:00:00Z"}
    report = verify_record(_with_close(run, record, tmp_path / "r", (tampered,)), workers=1)
    assert _failed(report) == {"V5"}
    assert [(r.code, STATUS_URL in r.message) for r in report.check("V5").reasons] == [
        ("status-list-invalid", True)
    ]


def test_list_from_an_unlisted_issuer_fails_v5(fresh: tuple[Run, Path], tmp_path: Path) -> None:
    run, record = fresh
    foreign = _signed_list(run.world.outsider, STATUS_URL, CLOSES, set())
    report = verify_record(_with_close(run, record, tmp_path / "r", (foreign,)), workers=1)
    assert _failed(report) == {"V5"}
    assert [r.code for r in report.check("V5").reasons] == ["status-list-issuer"]


def test_missing_and_unused_lists_fail_v5(fresh: tuple[Run, Path], tmp_path: Path) -> None:
    run, record = fresh
    report = verify_record(_with_close(run, record, tmp_path / "a", ()), workers=1)
    codes = {r.code for r in report.check("V5").reasons}
    assert "status-list-missing" in codes
    # Without the list no ballot's status can be read, so none counts: the tally is off.
    assert "V9" in _failed(report)
    authority = run.world.authority
    genuine = _signed_list(authority, STATUS_URL, CLOSES, set())
    extra = _signed_list(authority, STATUS_URL + "-other", CLOSES, set())
    report = verify_record(_with_close(run, record, tmp_path / "b", (genuine, extra)), workers=1)
    assert _failed(report) == {"V5"}
    [reason] = report.check("V5").reasons
    assert reason.code == "status-list-unused" and STATUS_URL + "-other" in reason.message


def test_open_election_passes_v5_without_a_status_judgement(tmp_path: Path) -> None:
    store = MemoryLogStore()
    honest_run(store, finish=False, revoked=2, fresh_lists=True)
    report = verify_record(export(store, tmp_path / "r"), workers=1)
    v5 = report.check("V5")
    assert v5.outcome is Outcome.PASSED
    assert v5.details.endswith("revocation is judged at close, against the status lists it freezes")
    # Nothing is excluded yet: the revoked voter's ballot counts until the close says otherwise.
    assert report.stats.counted == 5
