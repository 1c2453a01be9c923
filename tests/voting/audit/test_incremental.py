"""Tests the saved audit state: incremental runs, history rewrites, damaged state files."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from voting.audit import AuditReport, Outcome, verify_record
from voting.audit._state import _digest, load_state
from voting.chain import MemoryLogStore
from voting.errors import AuditError
from voting.testing import World, honest_run

from .records import export, parsed, rewrite


def _same_verdict(a: AuditReport, b: AuditReport) -> bool:
    return replace(a, stats=b.stats) == b


def test_incremental_run_verifies_only_the_new_ballots(tmp_path: Path) -> None:
    store, state = MemoryLogStore(), tmp_path / "state.json"
    world = World()
    run = world.run(store)
    run.setup()
    for i in range(3):
        run.vote(world.voters[i], f"b{i}", "ada")
    first = verify_record(export(store, tmp_path / "r1"), state=state, workers=1)
    assert first.stats.ballots_verified == 3 and first.stats.resumed_from is None
    # Open election: eligibility passes without a status judgement; the tally waits.
    assert first.check("V5").outcome is Outcome.PASSED
    assert "revocation is judged at close" in first.check("V5").details
    assert first.check("V9").outcome is Outcome.NOT_YET_APPLICABLE
    assert first.passed
    run.vote(world.voters[3], "b3", "bob")
    run.vote(world.voters[0], "b0-again", "bob")
    second_dir = export(store, tmp_path / "r2")
    second = verify_record(second_dir, state=state, workers=1)
    assert second.stats.ballots_verified == 2
    assert second.stats.resumed_from == first.size
    assert _same_verdict(second, verify_record(second_dir, workers=1))
    # After close no ballot is verified again: only the frozen lists are read for them.
    run.finish()
    third_dir = export(store, tmp_path / "r3")
    third = verify_record(third_dir, state=state, workers=1)
    assert third.passed, third.to_text()
    assert third.stats.ballots_verified == 0
    assert "judged against the 1 status list(s) frozen at close" in third.check("V5").details
    assert _same_verdict(third, verify_record(third_dir, workers=1))
    again = verify_record(third_dir, state=state, workers=1)
    assert again.stats.ballots_verified == 0 and _same_verdict(again, third)


def test_incremental_run_after_close_sums_revotes(tmp_path: Path) -> None:
    store, state = MemoryLogStore(), tmp_path / "state.json"
    run = honest_run(store, finish=False)
    verify_record(export(store, tmp_path / "r1"), state=state, workers=1)
    run.finish()
    record = export(store, tmp_path / "r2")
    report = verify_record(record, state=state, workers=1)
    assert report.passed and _same_verdict(report, verify_record(record, workers=1))


def test_rewritten_history_fails_v4_against_the_saved_state(tmp_path: Path) -> None:
    store, state = MemoryLogStore(), tmp_path / "state.json"
    run = honest_run(store)
    record = export(store, tmp_path / "r1")
    assert verify_record(record, state=state, workers=1).passed
    saved = load_state(state)
    # The board swaps two ballots and signs a fresh, self-consistent history.
    entries = parsed(record)
    entries[8], entries[9] = entries[9], entries[8]
    forged = rewrite(run, record, tmp_path / "r2", entries)
    assert verify_record(forged, workers=1).passed
    report = verify_record(forged, state=state, workers=1)
    assert [r.code for r in report.check("V4").reasons] == ["inconsistent-with-saved"]
    assert not report.passed
    # The saved state is left as it was, so the rewrite is caught again next time.
    assert load_state(state) == saved


def test_damaged_state_is_refused(tmp_path: Path) -> None:
    store, state = MemoryLogStore(), tmp_path / "state.json"
    honest_run(store)
    record = export(store, tmp_path / "r")
    verify_record(record, state=state, workers=1)
    data = json.loads(state.read_text())
    data["counted"] = {}
    state.write_text(json.dumps(data))
    with pytest.raises(AuditError, match="digest"):
        verify_record(record, state=state, workers=1)


def test_state_round_trips(tmp_path: Path) -> None:
    store, state = MemoryLogStore(), tmp_path / "state.json"
    honest_run(store)
    verify_record(export(store, tmp_path / "r"), state=state, workers=1)
    loaded = load_state(state)
    assert loaded is not None
    assert type(loaded).from_json(loaded.to_json()) == loaded


def test_incremental_run_after_close_judges_revocation_without_verifying(tmp_path: Path) -> None:
    store, state = MemoryLogStore(), tmp_path / "state.json"
    # Every ballot is verified while the election is open, when no list is frozen yet.
    run = honest_run(store, finish=False, fresh_lists=True)
    first = verify_record(export(store, tmp_path / "r1"), state=state, workers=1)
    assert first.stats.ballots_verified == 6 and first.stats.counted == 5
    saved = load_state(state)
    assert saved is not None and len(saved.unjudged) == 6
    assert saved.status_refs == (("https://authority.example/status/1", run.world.authority.did),)
    # Voter 2 is revoked before the close; the close freezes a list signed at close.
    run.world.revoked.add(2)
    run.finish()
    record = export(store, tmp_path / "r2")
    second = verify_record(record, state=state, workers=1)
    assert second.passed, second.to_text()
    assert second.stats.ballots_verified == 0
    assert second.stats.counted == 4
    assert "1 excluded as revoked" in second.check("V5").details
    assert _same_verdict(second, verify_record(record, workers=1))
    after = load_state(state)
    assert after is not None and after.unjudged == ()
    again = verify_record(record, state=state, workers=1)
    assert again.stats.ballots_verified == 0 and _same_verdict(again, second)


def test_state_of_another_version_is_refused(tmp_path: Path) -> None:
    store, state = MemoryLogStore(), tmp_path / "state.json"
    honest_run(store)
    record = export(store, tmp_path / "r")
    verify_record(record, state=state, workers=1)
    # A version-1 state (with its "pending" ballots), its digest intact: refused, not misread.
    body = {k: v for k, v in json.loads(state.read_text()).items() if k != "digest"}
    del body["unjudged"], body["statusRefs"], body["rules"]
    body.update(version=1, pending=[])
    state.write_text(json.dumps({**body, "digest": _digest(body)}))
    with pytest.raises(AuditError, match="version 1, want 3"):
        verify_record(record, state=state, workers=1)
