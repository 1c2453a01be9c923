"""Kills a board mid-append and checks the reopened board is whole and consistent."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from voting.board import ElectionState, Entry, load_record
from voting.chain import Checkpoint, MemoryLogStore, SqliteLogStore, open_checkpoint
from voting.testing import ELECTION_ID, World

ROOT = Path(__file__).resolve().parents[3]

CHILD = """
import sys
from voting.chain import SqliteLogStore
from voting.testing import World

world = World()
run = world.run(SqliteLogStore(sys.argv[1]))
run.setup()
i = 0
while True:
    voter = world.voters[i % len(world.voters)]
    entry = run.entry(run.ballot_body(voter, f"k-{i}", "ada" if i % 2 else "bob"), voter)
    receipt = run.board.append(entry)
    print(receipt.index, entry.hash().hex(), flush=True)
    i += 1
"""


def _check_consistent(path: Path, acknowledged: dict[int, str]) -> None:
    world = World()
    with SqliteLogStore(path) as store:
        board = world.board(store)  # reopening signs any missing checkpoint
        size = store.size(ELECTION_ID)
        leaves = store.leaves(ELECTION_ID, 0, size)
        entries = [Entry.from_bytes(data) for data in leaves]
        for index, digest in acknowledged.items():
            assert entries[index].hash().hex() == digest
        store.check(ELECTION_ID)
        state = ElectionState.replay(entries)  # every seq and prev link holds
        assert state.size == size
        note = board.checkpoint(ELECTION_ID)
        assert note is not None
        body = open_checkpoint(note, [world.board_signer.verifier()]).checkpoint
        assert body.size == size and body.root_hash == store.root(ELECTION_ID)
    assert len(load_record(path).entries) == size


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL (POSIX)")
def test_sigkill_while_appending_ballots(tmp_path: Path) -> None:
    path = tmp_path / "board.db"
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(path)], cwd=ROOT, stdout=subprocess.PIPE, text=True
    )
    assert child.stdout is not None
    acknowledged: dict[int, str] = {}
    deadline = time.monotonic() + 60
    while len(acknowledged) < 25 and time.monotonic() < deadline:
        line = child.stdout.readline()
        if not line:
            break
        index, digest = line.split()
        acknowledged[int(index)] = digest
    child.send_signal(signal.SIGKILL)
    child.wait(timeout=10)
    for line in child.stdout.read().splitlines():
        index, digest = line.split()
        acknowledged[int(index)] = digest
    assert child.returncode == -signal.SIGKILL
    assert len(acknowledged) >= 25
    _check_consistent(path, acknowledged)


def test_leaf_without_checkpoint_is_repaired_on_open() -> None:
    world = World()
    store = MemoryLogStore()
    run = world.run(store)
    run.setup()
    voter = world.voters[0]
    entry = run.entry(run.ballot_body(voter, "x", "ada"), voter)
    # The state a crash between the leaf commit and the checkpoint commit leaves behind.
    store.append(ELECTION_ID, entry.to_bytes())
    stale = store.latest_checkpoint(ELECTION_ID)
    assert stale is not None
    assert Checkpoint.from_text(stale.split("\n\n")[0] + "\n").size == entry.seq
    board = world.board(store)
    note = board.checkpoint(ELECTION_ID)
    assert note is not None
    body = open_checkpoint(note, [world.board_signer.verifier()]).checkpoint
    assert body.size == entry.seq + 1 and body.root_hash == store.root(ELECTION_ID)
    assert board.state(ELECTION_ID).ballots["x"].hash() == entry.hash()
    # The repaired board goes on appending.
    run.board = board
    run.vote(world.voters[1], "y", "bob")
