"""Tests record export and loading: board file and record directory read the same."""

from __future__ import annotations

from pathlib import Path

import pytest

from voting.board import (
    CHECKPOINT_FILE,
    ENTRIES_FILE,
    VKEY_FILE,
    ElectionState,
    Entry,
    export_record,
    load_record,
    read_store,
)
from voting.chain import MemoryLogStore, SqliteLogStore, compute_root, leaf_hash, open_checkpoint
from voting.errors import AuditError
from voting.testing import ELECTION_ID, Run, World


def _election(store: MemoryLogStore | SqliteLogStore) -> Run:
    world = World()
    run = world.run(store)
    run.setup()
    run.vote(world.voters[0], "a", "ada")
    run.vote(world.voters[1], "b", "bob")
    run.finish()
    return run


def test_export_then_load_round_trip(tmp_path: Path) -> None:
    store = MemoryLogStore()
    run = _election(store)
    out = export_record(store, ELECTION_ID, tmp_path / "record")
    assert sorted(p.name for p in out.iterdir()) == sorted(
        [ENTRIES_FILE, CHECKPOINT_FILE, VKEY_FILE]
    )
    lines = (out / ENTRIES_FILE).read_bytes().split(b"\n")
    assert lines[-1] == b"" and len(lines) - 1 == store.size(ELECTION_ID)
    assert (out / VKEY_FILE).read_text() == run.board.vkey + "\n"
    record = load_record(out)
    assert record == load_record(out, ELECTION_ID)
    assert record.election_id == ELECTION_ID
    assert list(record.entries) == store.leaves(ELECTION_ID, 0, store.size(ELECTION_ID))
    assert record.checkpoint == store.latest_checkpoint(ELECTION_ID)
    body = open_checkpoint(record.checkpoint, [record.verifier]).checkpoint
    assert body.root_hash == compute_root(leaf_hash(e) for e in record.entries)
    state = ElectionState.replay(Entry.from_bytes(e) for e in record.entries)
    assert state.phase == "finished"
    with pytest.raises(AuditError, match="not 'other'"):
        load_record(out, "other")


def test_board_file_and_directory_give_the_same_record(tmp_path: Path) -> None:
    path = tmp_path / "board.db"
    with SqliteLogStore(path) as store:
        _election(store)
        export_record(store, ELECTION_ID, tmp_path / "record")
    from_file = load_record(path)
    from_dir = load_record(tmp_path / "record")
    assert from_file.entries == from_dir.entries
    assert from_file.checkpoint == from_dir.checkpoint
    assert from_file.vkey == from_dir.vkey
    assert len(from_file.checkpoints) == len(from_file.entries)


def test_only_checkpointed_entries_belong_to_the_record() -> None:
    store = MemoryLogStore()
    _election(store)
    size = store.size(ELECTION_ID)
    store.append(ELECTION_ID, b"an unsigned tail")
    record = read_store(store)
    assert len(record.entries) == size


def test_several_elections_need_an_id() -> None:
    store = MemoryLogStore()
    _election(store)
    store.create_log("second")
    store.append("second", b"x")
    with pytest.raises(AuditError, match="2 elections"):
        read_store(store)
    assert read_store(store, ELECTION_ID).election_id == ELECTION_ID
    with pytest.raises(AuditError, match="no election"):
        read_store(store, "third")


def test_unreadable_records(tmp_path: Path) -> None:
    with pytest.raises(AuditError, match="no record"):
        load_record(tmp_path / "missing")
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"not a database at all" * 10)
    with pytest.raises(AuditError, match="not a board file"):
        load_record(junk)
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(AuditError, match="cannot read"):
        load_record(empty)
    store = MemoryLogStore()
    _election(store)
    out = export_record(store, ELECTION_ID, tmp_path / "r")
    (out / ENTRIES_FILE).write_bytes((out / ENTRIES_FILE).read_bytes().rstrip(b"\n"))
    with pytest.raises(AuditError, match="newline"):
        load_record(out)
    (out / ENTRIES_FILE).write_bytes(b"{}\n")
    with pytest.raises(AuditError, match="does not parse"):
        load_record(out)
