"""Tests the audit on honest records and on each tampering of acceptance item 3."""

from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from voting._result import ContestResult
from voting._tally import PartialDecryption
from voting.audit import AuditReport, Outcome, verify_record
from voting.board import (
    BallotBody,
    DecryptionShareBody,
    ResultBody,
    TallyBody,
)
from voting.chain import (
    Checkpoint,
    Ed25519Signer,
    MemoryLogStore,
    SqliteLogStore,
    sign_checkpoint,
)
from voting.errors import AuditError
from voting.group import G
from voting.tally import aggregate
from voting.testing import ELECTION_ID, Run, forged_ballot, honest_run, write_record

from .records import export, parsed, read_entries, rewrite


@pytest.fixture(scope="module")
def honest(tmp_path_factory: pytest.TempPathFactory) -> tuple[Run, Path]:
    store = MemoryLogStore()
    run = honest_run(store)
    return run, export(store, tmp_path_factory.mktemp("honest") / "record")


def _outcomes(report: AuditReport) -> dict[str, Outcome]:
    return {c.id: c.outcome for c in report.checks}


def _failed(report: AuditReport) -> set[str]:
    return {c.id for c in report.failed()}


def test_honest_record_passes_every_check(honest: tuple[Run, Path]) -> None:
    _, record = honest
    report = verify_record(record, workers=1)
    assert report.passed, report.to_text()
    assert [c.id for c in report.checks] == [f"V{n}" for n in range(1, 15)]
    assert report.result is not None
    # Voter 0 revoted (last counts), voter 4's first ballot was challenged.
    assert report.result.counts() == {"mayor": {"ada": 1, "bob": 4}, "measure": {"yes": 0, "no": 0}}
    assert report.stats.ballots == 6 and report.stats.counted == 5
    assert report.stats.challenged == 1
    assert AuditReport.from_json(report.to_json()) == report
    assert AuditReport.from_json(report.to_text()) == report


def test_board_file_and_export_give_the_same_report(tmp_path: Path) -> None:
    path = tmp_path / "board.db"
    with SqliteLogStore(path) as store:
        honest_run(store)
        record = export(store, tmp_path / "record")
    from_file = verify_record(path, workers=1)
    assert from_file.passed
    assert from_file == verify_record(record, workers=1)


def test_revoked_voter_is_excluded_and_the_honest_result_passes(tmp_path: Path) -> None:
    store = MemoryLogStore()
    honest_run(store, revoked=2)
    report = verify_record(export(store, tmp_path / "r"), workers=1)
    assert report.passed, report.to_text()
    assert "1 excluded as revoked" in report.check("V5").details
    assert report.stats.counted == 4


def _copy(record: Path, target: Path) -> Path:
    shutil.copytree(record, target)
    return target


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(data=st.data())
def test_one_changed_byte_in_any_entry_fails_v4(
    honest: tuple[Run, Path], tmp_path_factory: pytest.TempPathFactory, data: st.DataObject
) -> None:
    _, record = honest
    entries = read_entries(record)
    index = data.draw(st.integers(0, len(entries) - 1), label="entry")
    position = data.draw(st.integers(0, len(entries[index]) - 1), label="byte")
    value = data.draw(st.integers(1, 255), label="xor")
    target = _copy(record, tmp_path_factory.mktemp("flip") / "r")
    changed = bytearray(entries[index])
    changed[position] ^= value
    if b"\n" in changed:
        changed = changed.replace(b"\n", b" ")
    entries[index] = bytes(changed)
    (target / "entries.jsonl").write_bytes(b"".join(e + b"\n" for e in entries))
    report = verify_record(target, workers=1)
    assert not report.passed
    assert report.check("V4").outcome is Outcome.FAILED
    assert any(r.code == "root-mismatch" for r in report.check("V4").reasons)


def test_deleted_entry_fails_v4(honest: tuple[Run, Path], tmp_path: Path) -> None:
    _, record = honest
    target = _copy(record, tmp_path / "r")
    entries = read_entries(record)
    del entries[9]
    (target / "entries.jsonl").write_bytes(b"".join(e + b"\n" for e in entries))
    report = verify_record(target, workers=1)
    codes = {r.code for r in report.check("V4").reasons}
    assert {"size-mismatch", "seq", "link"} <= codes


def test_swapped_entries_fail_v4(honest: tuple[Run, Path], tmp_path: Path) -> None:
    _, record = honest
    target = _copy(record, tmp_path / "r")
    entries = read_entries(record)
    entries[8], entries[9] = entries[9], entries[8]
    (target / "entries.jsonl").write_bytes(b"".join(e + b"\n" for e in entries))
    report = verify_record(target, workers=1)
    reasons = report.check("V4").reasons
    assert {"root-mismatch", "seq", "link"} <= {r.code for r in reasons}
    assert {r.entry for r in reasons if r.code == "seq"} == {8, 9}


def test_forged_ballot_appended_fails_v6(honest: tuple[Run, Path], tmp_path: Path) -> None:
    run, record = honest
    entries = parsed(record)
    close = next(i for i, e in enumerate(entries) if e.type == "close")
    genuine = next(e for e in entries if e.type == "ballot")
    genuine = replace(genuine, time=entries[close - 1].time)
    assert isinstance(genuine.body, BallotBody)
    ballot = genuine.body.ballot
    # The voter's own, re-signed entry, with one proof response swapped for another's.
    options = ballot.contests[0].options
    bad = replace(options[0], proof=options[1].proof)
    contest = replace(ballot.contests[0], options=(bad, *options[1:]))
    forged = replace(ballot, ballot_id="forged", contests=(contest, *ballot.contests[1:]))
    body = BallotBody(forged, genuine.body.presentation)
    entries.insert(close, replace(genuine, body=body))
    report = verify_record(rewrite(run, record, tmp_path / "r", entries), workers=1)
    assert report.check("V4").outcome is Outcome.PASSED
    v6 = report.check("V6")
    assert v6.outcome is Outcome.FAILED
    # Proofs are bound to their ballot id, so every one of the forged ballot fails.
    assert {(r.code, r.ballot) for r in v6.reasons} == {("range-proof", "forged")}
    assert len(v6.reasons) == 4
    assert {r.ballot for r in report.check("V7").reasons} == {"forged"}


def test_ineligible_voter_fails_v5(honest: tuple[Run, Path], tmp_path: Path) -> None:
    run, record = honest
    entries = parsed(record)
    close = next(i for i, e in enumerate(entries) if e.type == "close")
    template = replace(entries[close - 1], time=entries[close - 1].time)
    body = forged_ballot(run, "outsider")
    outsider = run.world.outsider
    entries.insert(close, replace(template, author=outsider.vm, body=body))
    report = verify_record(rewrite(run, record, tmp_path / "r", entries), workers=1)
    assert report.check("V4").outcome is Outcome.PASSED
    v5 = report.check("V5")
    assert v5.outcome is Outcome.FAILED
    assert [(r.code, r.voter) for r in v5.reasons] == [("ineligible", outsider.did)]
    # The ballot does not count, so the published tally still matches.
    assert report.check("V9").outcome is Outcome.PASSED


def _with_tally(run: Run, record: Path, target: Path, counted_ids: set[str]) -> AuditReport:
    entries = parsed(record)
    ballots = [
        e.body.ballot
        for e in entries
        if isinstance(e.body, BallotBody) and e.body.ballot.ballot_id in counted_ids
    ]
    i = next(i for i, e in enumerate(entries) if e.type == "tally")
    tally = aggregate(run.opened(), ballots)
    entries[i] = replace(entries[i], body=TallyBody(tally))
    return verify_record(rewrite(run, record, target, entries), workers=1)


def test_double_vote_counted_twice_fails_v9(honest: tuple[Run, Path], tmp_path: Path) -> None:
    run, record = honest
    # Voter 0's ballot b0 and its revote b0-again both summed.
    counted = {"b0", "b0-again", "b1", "b2", "b3", "b4"}
    report = _with_tally(run, record, tmp_path / "r", counted)
    assert report.check("V4").outcome is Outcome.PASSED
    v9 = report.check("V9")
    assert v9.outcome is Outcome.FAILED and v9.reasons[0].code == "tally-mismatch"
    assert "ballotCount 6, recomputed 5" in v9.reasons[0].message


def test_revoked_voter_counted_fails_v5_and_v9(tmp_path: Path) -> None:
    store = MemoryLogStore()
    run = honest_run(store, revoked=2)
    record = export(store, tmp_path / "honest")
    counted = {"b0-again", "b1", "b2", "b3", "b4"}
    report = _with_tally(run, record, tmp_path / "r", counted)
    assert {"V5", "V9"} <= _failed(report)
    assert [(r.code, r.entry) for r in report.check("V5").reasons] == [("revoked-counted", 13)]


def test_changed_decryption_share_fails_v10(honest: tuple[Run, Path], tmp_path: Path) -> None:
    run, record = honest
    entries = parsed(record)
    i = next(i for i, e in enumerate(entries) if e.type == "decryption-share")
    body = entries[i].body
    assert isinstance(body, DecryptionShareBody)
    share = body.share
    first = share.contests[0][0]
    row = (PartialDecryption(first.value + G, first.proof), *share.contests[0][1:])
    entries[i] = replace(
        entries[i], body=DecryptionShareBody(replace(share, contests=(row, *share.contests[1:])))
    )
    report = verify_record(rewrite(run, record, tmp_path / "r", entries), workers=1)
    assert report.check("V4").outcome is Outcome.PASSED
    v10 = report.check("V10")
    assert v10.outcome is Outcome.FAILED
    assert [(r.code, r.trustee) for r in v10.reasons] == [("share-invalid", share.trustee)]
    assert not report.passed


def test_changed_result_fails_v12(honest: tuple[Run, Path], tmp_path: Path) -> None:
    run, record = honest
    entries = parsed(record)
    i = next(i for i, e in enumerate(entries) if e.type == "result")
    body = entries[i].body
    assert isinstance(body, ResultBody)
    result = body.result
    mayor = ContestResult("mayor", (("ada", 4), ("bob", 1)))
    entries[i] = replace(
        entries[i], body=ResultBody(replace(result, contests=(mayor, *result.contests[1:])))
    )
    report = verify_record(rewrite(run, record, tmp_path / "r", entries), workers=1)
    assert _failed(report) == {"V12"}
    assert {r.message for r in report.check("V12").reasons} == {
        "mayor/ada: 4, recomputed 1",
        "mayor/bob: 1, recomputed 4",
    }
    # The table is the audit's own recomputation, not the published claim.
    assert report.result is not None and report.result.counts()["mayor"] == {"ada": 1, "bob": 4}


def test_checkpoint_signed_by_another_key_fails_v4(
    honest: tuple[Run, Path], tmp_path: Path
) -> None:
    run, record = honest
    other = Ed25519Signer("board.example", b"\x07" * 32)
    origin = run.board.origin(ELECTION_ID)
    # (a) Checkpoint and board.vkey both replaced: the election names another key.
    swapped = write_record(tmp_path / "a", read_entries(record), other, origin)
    report = verify_record(swapped, workers=1)
    assert _failed(report) == {"V4"}
    assert [r.code for r in report.check("V4").reasons] == ["board-key"]
    # (b) Only the checkpoint replaced: its signature is not the board's.
    only = _copy(record, tmp_path / "b")
    shutil.copy(swapped / "checkpoint", only / "checkpoint")
    report = verify_record(only, workers=1)
    assert [r.code for r in report.check("V4").reasons] == ["checkpoint-signature"]


@pytest.fixture(scope="module")
def two_elections(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A board file holding the honest election and a second, one-entry log beside it."""
    path = tmp_path_factory.mktemp("two") / "board.db"
    with SqliteLogStore(path) as store:
        run = honest_run(store)
        first = store.leaves(ELECTION_ID, 0, 1)
        store.create_log("other-2031")
        store.append("other-2031", first[0])
        checkpoint = Checkpoint("board.example/other-2031", 1, store.root("other-2031"))
        store.put_checkpoint(
            "other-2031", sign_checkpoint(checkpoint, run.world.board_signer).to_text()
        )
    return path


def test_board_file_with_several_elections_needs_a_choice(two_elections: Path) -> None:
    with pytest.raises(AuditError, match=r"holds 2 elections.*'city-2030', 'other-2031'"):
        verify_record(two_elections, workers=1)
    with pytest.raises(AuditError) as caught:
        verify_record(two_elections, election="nope", workers=1)
    message = str(caught.value)
    assert "no election 'nope'" in message and "'city-2030', 'other-2031'" in message
    chosen = verify_record(two_elections, election=ELECTION_ID, workers=1)
    assert chosen.passed and chosen.election_id == ELECTION_ID


def test_election_choice_must_match_a_directory(honest: tuple[Run, Path]) -> None:
    _, record = honest
    assert verify_record(record, election=ELECTION_ID, workers=1).passed
    with pytest.raises(AuditError, match="of election 'city-2030', not 'other'"):
        verify_record(record, election="other", workers=1)
