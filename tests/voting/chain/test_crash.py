"""Kills a process mid-append with SIGKILL and checks the SQLite store stays consistent."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from voting.chain import SqliteLogStore, compute_root, leaf_hash

ROOT = Path(__file__).resolve().parents[3]

CHILD = """
import sys
from voting.chain import SqliteLogStore
store = SqliteLogStore(sys.argv[1])
store.create_log("e")
i = 0
while True:
    if i % 7 == 0:
        store.append_many("e", [b"batch-%d-%d" % (i, k) for k in range(50)])
    else:
        store.append("e", b"leaf-%d" % i)
    print(store.size("e"), flush=True)
    i += 1
"""


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL (POSIX)")
def test_sigkill_mid_append_leaves_a_consistent_store(tmp_path: Path) -> None:
    path = tmp_path / "board.db"
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(path)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert child.stdout is not None
    acknowledged = 0
    deadline = time.monotonic() + 30
    # Wait until the child has committed a good number of appends, then kill it while it
    # is still appending.
    while acknowledged < 300 and time.monotonic() < deadline:
        line = child.stdout.readline()
        if not line:
            break
        acknowledged = int(line)
    child.send_signal(signal.SIGKILL)
    child.wait(timeout=10)
    for line in child.stdout.read().splitlines():
        acknowledged = max(acknowledged, int(line))
    assert child.returncode == -signal.SIGKILL
    assert acknowledged >= 300
    with SqliteLogStore(path) as store:
        size = store.size("e")
        # Every acknowledged append is there; at most the one in flight may be too.
        assert size >= acknowledged
        leaves = store.leaves("e", 0, size)
        assert compute_root(leaf_hash(x) for x in leaves) == store.root("e")
        store.check("e")
        assert store.append("e", b"after") == size
