"""Tests that the audit replays the board's rules (issue findings 1 and 7).

Each record here was changed and then re-signed by every author and by the board's key, so
only a rule the audit replays can tell it from an honest one.
"""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest

from voting.audit import AuditReport, Outcome, verify_record
from voting.audit._cli import main
from voting.board import ElectionBody, Entry
from voting.chain import Ed25519Signer, MemoryLogStore
from voting.testing import CLOSES, ELECTION_ID, Run, honest_run, write_record

from .records import export, parsed, resign, rewrite


@pytest.fixture(scope="module")
def open_record(tmp_path_factory: pytest.TempPathFactory) -> tuple[Run, Path]:
    store = MemoryLogStore()
    run = honest_run(store, finish=False)
    return run, export(store, tmp_path_factory.mktemp("open") / "record")


def _codes(report: AuditReport, check: str) -> set[str]:
    return {r.code for r in report.check(check).reasons}


def test_an_open_election_passes_with_later_checks_not_yet_applicable(
    open_record: tuple[Run, Path],
) -> None:
    # Finding 7: an unfinished election is not a failed audit.
    _, record = open_record
    report = verify_record(record, workers=1)
    assert report.passed, report.to_text()
    for number in (9, 10, 11, 12):
        assert report.check(number).outcome is Outcome.NOT_YET_APPLICABLE
    # V13 checks challenged ballots as soon as they are posted.
    assert report.check(13).outcome is Outcome.PASSED
    assert report.stats.challenged == 1
    out, err = io.StringIO(), io.StringIO()
    assert main([str(record), "--workers", "1"], stdout=out, stderr=err) == 0
    assert "not yet applicable" in out.getvalue()


def test_a_ballot_signed_by_the_authority_fails(
    open_record: tuple[Run, Path], tmp_path: Path
) -> None:
    # Finding 1: the board refuses ballots from the authority; the audit must too.
    run, record = open_record
    entries = parsed(record)
    world = run.world
    credential = world.credential(world.authority, 7)
    body = run.ballot_body(world.authority, "by-authority", "ada", credential=credential)
    forged = replace(entries[-1], author=world.authority.vm, body=body)
    target = rewrite(run, record, tmp_path / "r", [*entries, forged])
    report = verify_record(target, workers=1)
    assert not report.passed
    assert "rule-role" in _codes(report, "V5")


def test_entry_times_may_not_go_backwards(open_record: tuple[Run, Path], tmp_path: Path) -> None:
    run, record = open_record
    entries = parsed(record)
    last = entries[-1]
    entries[-1] = replace(last, time=entries[-2].time - timedelta(minutes=1))
    target = rewrite(run, record, tmp_path / "r", entries)
    report = verify_record(target, workers=1)
    assert not report.passed
    assert "rule-time" in _codes(report, "V5")


def test_the_checkpoint_origin_must_be_the_board_key_name_and_election(
    open_record: tuple[Run, Path], tmp_path: Path
) -> None:
    run, record = open_record
    entries = parsed(record)
    first = entries[0]
    assert isinstance(first.body, ElectionBody)
    other = replace(first.body, origin=f"elsewhere/{ELECTION_ID}")
    entries[0] = replace(first, body=other)
    signer: Ed25519Signer = run.world.board_signer
    target = write_record(tmp_path / "r", resign(run, entries), signer, other.origin)
    report = verify_record(target, workers=1)
    assert "rule-origin" in _codes(report, "V4")


def test_an_open_without_every_trustees_shares_fails(
    open_record: tuple[Run, Path], tmp_path: Path
) -> None:
    run, record = open_record
    entries = [e for e in parsed(record) if e.type != "trustee-shares" or e.seq != 5]
    target = rewrite(run, record, tmp_path / "r", entries)
    report = verify_record(target, workers=1)
    assert not report.passed
    assert "rule-ceremony" in _codes(report, "V2")


def test_a_ballot_after_the_window_fails(open_record: tuple[Run, Path], tmp_path: Path) -> None:
    run, record = open_record
    entries: list[Entry] = parsed(record)
    entries[-1] = replace(entries[-1], time=CLOSES + timedelta(minutes=1))
    target = rewrite(run, record, tmp_path / "r", entries)
    report = verify_record(target, workers=1)
    assert "rule-window" in _codes(report, "V5")


def test_a_deeply_nested_state_file_is_an_error_not_a_traceback(
    open_record: tuple[Run, Path], tmp_path: Path
) -> None:
    # Finding 9 (voting's part): no reader in voting recurses without bound.
    _, record = open_record
    state = tmp_path / "state.json"
    state.write_text("[" * 100_000 + "]" * 100_000)
    out, err = io.StringIO(), io.StringIO()
    code = main([str(record), "--state", str(state), "--workers", "1"], stdout=out, stderr=err)
    assert code == 3
    assert "Traceback" not in err.getvalue()


def test_receipts_catch_a_board_that_reorders_and_resigns(tmp_path: Path) -> None:
    # Finding 8: with the voters' receipts, V8 has something the entries alone cannot show.
    store = MemoryLogStore()
    run = honest_run(store, finish=False)
    size = len(run.board.entries(ELECTION_ID))
    receipts = [run.board.receipt(ELECTION_ID, i) for i in range(size)]
    record = export(store, tmp_path / "honest")
    (tmp_path / "receipt").write_text(receipts[-1].to_text())
    given = [receipts[12], receipts[-1].to_text(), tmp_path / "receipt"]
    honest = verify_record(record, workers=1, receipts=given)
    assert honest.passed and honest.check("V8").outcome is Outcome.PASSED
    assert verify_record(record, workers=1).check("V8").outcome is Outcome.NOT_APPLICABLE
    # The board swaps two ballots of different voters and re-signs everything.
    entries = parsed(record)
    a, b = (i for i, e in enumerate(entries) if e.type == "ballot" and i in (12, 13))
    entries[a], entries[b] = (
        replace(entries[b], time=entries[a].time),
        replace(entries[a], time=entries[b].time),
    )
    reordered = rewrite(run, record, tmp_path / "r", entries)
    assert verify_record(reordered, workers=1).passed
    report = verify_record(reordered, workers=1, receipts=[receipts[12]])
    assert not report.passed
    assert {r.code for r in report.check("V8").reasons} == {"receipt-inclusion"}


def test_the_command_line_checks_receipts(open_record: tuple[Run, Path], tmp_path: Path) -> None:
    run, record = open_record
    receipt = tmp_path / "r.tlog"
    receipt.write_text(run.board.receipt(ELECTION_ID, 11).to_text())
    out, err = io.StringIO(), io.StringIO()
    argv = [str(record), "--workers", "1", "--receipt", str(receipt), "--json"]
    assert main(argv, stdout=out, stderr=err) == 0, err.getvalue()
    assert '"outcome": "passed"' in out.getvalue().split('"receipts"')[1][:200]
    receipt.write_text("not a receipt")
    assert main(argv, stdout=io.StringIO(), stderr=io.StringIO()) == 1
