"""The log-store contract, run against every store (memory, SQLite, PostgreSQL), plus
property and crash tests."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from voting.chain import (
    Checkpoint,
    Ed25519Signer,
    LogStore,
    MemoryLogStore,
    SqliteLogStore,
    leaf_hash,
    sign_checkpoint,
    verify_consistency,
    verify_inclusion,
)
from voting.errors import CheckpointError, StorageError

from ._reference import ref_consistency, ref_path, ref_root

SIGNER = Ed25519Signer("board.example/e", bytes(32))


@pytest.fixture(params=["memory", "sqlite", "postgres"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[LogStore]:
    made: LogStore
    if request.param == "memory":
        made = MemoryLogStore()
    elif request.param == "sqlite":
        made = SqliteLogStore(tmp_path / "b.db")
    else:
        # The PostgreSQL store lives in the wallet (voting does not depend on psycopg).
        from wallet.board import PostgresLogStore

        made = PostgresLogStore(request.getfixturevalue("postgres_url"))
    with made:
        yield made


def _leaves(n: int, tag: bytes = b"e") -> list[bytes]:
    return [tag + i.to_bytes(4, "big") for i in range(n)]


def test_logs_are_separate_and_named(store: LogStore) -> None:
    store.create_log("election-a")
    store.create_log("election-b")
    assert store.logs() == ["election-a", "election-b"]
    with pytest.raises(StorageError, match="already exists"):
        store.create_log("election-a")
    with pytest.raises(StorageError, match="unknown log"):
        store.size("nope")
    with pytest.raises(StorageError):
        store.create_log("")
    assert store.append("election-a", b"x") == 0
    assert store.append_many("election-b", _leaves(3)) == range(0, 3)
    assert store.append_many("election-b", []) == range(3, 3)
    assert (store.size("election-a"), store.size("election-b")) == (1, 3)
    assert store.root("election-a") == ref_root([leaf_hash(b"x")])


def test_contract_conditional_append_refuses_a_moved_log(store: LogStore) -> None:
    store.create_log("e")
    assert store.append("e", b"a", expected_size=0) == 0
    root = store.root("e")
    with pytest.raises(StorageError, match="has 1 entries, want 0"):
        store.append("e", b"b", expected_size=0)
    with pytest.raises(StorageError, match="want 5"):
        store.append_many("e", _leaves(2), expected_size=5)
    assert (store.size("e"), store.root("e")) == (1, root)
    assert store.append_many("e", _leaves(2), expected_size=1) == range(1, 3)


def test_contract_append_placed_builds_leaves_for_the_size_under_the_lock(
    store: LogStore,
) -> None:
    store.create_log("e")
    store.append_many("e", _leaves(3))
    seen: list[int] = []

    def place(size: int) -> list[bytes]:
        seen.append(size)
        # The placer may read the store it runs in (the leaves other writers appended).
        assert store.leaves("e", 0, size) == _leaves(3)
        return [b"at %d" % (size + i) for i in range(2)]

    assert store.append_placed("e", place) == range(3, 5)
    assert seen == [3]
    assert store.leaves("e", 3, 5) == [b"at 3", b"at 4"]
    assert store.append_placed("e", lambda size: []) == range(5, 5)

    def refuse(size: int) -> list[bytes]:
        raise StorageError(f"refused at {size}")

    root = store.root("e")
    with pytest.raises(StorageError, match="refused at 5"):
        store.append_placed("e", refuse)
    assert (store.size("e"), store.root("e")) == (5, root)
    store.check("e")


def test_contract_reads_roots_and_proofs_match_the_reference(store: LogStore) -> None:
    leaves = _leaves(37)
    hashes = [leaf_hash(x) for x in leaves]
    store.create_log("e")
    assert store.root("e") == ref_root([])
    for i, data in enumerate(leaves[:20]):
        assert store.append("e", data) == i
    assert store.append_many("e", leaves[20:]) == range(20, 37)
    assert store.size("e") == 37
    assert store.leaf("e", 5) == leaves[5]
    assert store.leaf_hash("e", 5) == hashes[5]
    assert store.leaves("e", 3, 9) == leaves[3:9]
    for size in range(0, 38):
        assert store.root("e", size) == ref_root(hashes[:size])
    for size in (1, 2, 7, 16, 37):
        for index in range(size):
            assert store.inclusion_proof("e", index, size) == ref_path(index, hashes[:size])
        for old in range(1, size + 1):
            assert store.consistency_proof("e", old, size) == ref_consistency(old, hashes[:size])
    store.check("e")


def test_contract_range_errors(store: LogStore) -> None:
    store.create_log("e")
    store.append_many("e", _leaves(4))
    for bad in (
        lambda: store.leaf("e", 4),
        lambda: store.leaf("e", -1),
        lambda: store.leaves("e", 2, 5),
        lambda: store.root("e", 5),
        lambda: store.inclusion_proof("e", 4),
        lambda: store.inclusion_proof("e", 0, 0),
        lambda: store.consistency_proof("e", 0, 4),
        lambda: store.consistency_proof("e", 3, 2),
        lambda: store.consistency_proof("e", 2, 5),
        lambda: store.append("e", "text"),  # type: ignore[arg-type]
    ):
        with pytest.raises(StorageError):
            bad()
    assert store.size("e") == 4


def test_contract_node_ranges_are_the_stored_nodes(store: LogStore) -> None:
    store.create_log("e")
    store.append_many("e", _leaves(20))
    hashes = [leaf_hash(x) for x in _leaves(20)]
    assert store.node_range("e", 0, 3, 9) == hashes[3:9]
    assert store.node_range("e", 2, 0, 5) == [store._node("e", 2, i) for i in range(5)]
    assert store.node_range("e", 1, 4, 4) == []
    with pytest.raises(StorageError):
        store.node_range("e", 2, 0, 6)  # The sixth level-2 node needs 24 leaves.
    with pytest.raises(StorageError):
        store.node_range("e", 0, 5, 2)


def test_contract_checkpoints(store: LogStore) -> None:
    store.create_log("e")
    assert store.latest_checkpoint("e") is None
    store.append_many("e", _leaves(10))
    first = sign_checkpoint(Checkpoint("e", 4, store.root("e", 4)), SIGNER).to_text()
    second = sign_checkpoint(Checkpoint("e", 10, store.root("e")), SIGNER).to_text()
    assert store.put_checkpoint("e", first).size == 4
    store.put_checkpoint("e", second)
    assert store.latest_checkpoint("e") == second
    assert store.checkpoints("e") == [first, second]
    assert store.recent_checkpoints("e", 1) == [second]
    assert store.recent_checkpoints("e", 5) == [second, first]
    assert store.recent_checkpoints("e", 0) == []
    with pytest.raises(StorageError, match="older than the latest"):
        store.put_checkpoint("e", first)
    wrong = sign_checkpoint(Checkpoint("e", 10, bytes(32)), SIGNER).to_text()
    with pytest.raises(StorageError, match="checkpoint root"):
        store.put_checkpoint("e", wrong)
    ahead = sign_checkpoint(Checkpoint("e", 11, bytes(32)), SIGNER).to_text()
    with pytest.raises(StorageError, match="beyond log size"):
        store.put_checkpoint("e", ahead)
    with pytest.raises(CheckpointError):
        store.put_checkpoint("e", "not a note")
    assert store.checkpoints("e") == [first, second]


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    chunks=st.lists(st.lists(st.binary(max_size=8), max_size=12), min_size=1, max_size=6),
    data=st.data(),
)
def test_random_logs_agree_and_every_proof_verifies(
    tmp_path: Path, chunks: list[list[bytes]], data: st.DataObject
) -> None:
    path = tmp_path / f"p{abs(hash(str(chunks)))}.db"
    path.unlink(missing_ok=True)
    memory, sqlite_store = MemoryLogStore(), SqliteLogStore(path)
    with sqlite_store:
        for store in (memory, sqlite_store):
            store.create_log("e")
            for chunk in chunks:
                store.append_many("e", chunk)
        leaves = [x for chunk in chunks for x in chunk]
        hashes = [leaf_hash(x) for x in leaves]
        n = len(leaves)
        assert memory.root("e") == sqlite_store.root("e") == ref_root(hashes)
        if n == 0:
            return
        size = data.draw(st.integers(1, n), label="size")
        index = data.draw(st.integers(0, size - 1), label="index")
        old = data.draw(st.integers(1, size), label="old")
        root, old_root = sqlite_store.root("e", size), sqlite_store.root("e", old)
        proof = sqlite_store.inclusion_proof("e", index, size)
        assert proof == memory.inclusion_proof("e", index, size)
        verify_inclusion(index, size, hashes[index], proof, root)
        cproof = sqlite_store.consistency_proof("e", old, size)
        assert cproof == memory.consistency_proof("e", old, size)
        verify_consistency(old, size, old_root, root, cproof)


def test_sqlite_store_uses_wal_and_full_sync(tmp_path: Path) -> None:
    with SqliteLogStore(tmp_path / "b.db") as store:
        store.create_log("e")
    db = sqlite3.connect(tmp_path / "b.db")
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    db.close()
    with SqliteLogStore(tmp_path / "b.db") as store:
        assert store._db.execute("PRAGMA synchronous").fetchone()[0] == 2


def test_sqlite_store_reopens_with_the_same_log(tmp_path: Path) -> None:
    leaves = _leaves(100)
    with SqliteLogStore(tmp_path / "b.db") as store:
        store.create_log("e")
        store.append_many("e", leaves[:60])
        root60 = store.root("e")
    with SqliteLogStore(tmp_path / "b.db") as store:
        store.append_many("e", leaves[60:])
        assert store.root("e", 60) == root60
        assert store.root("e") == ref_root([leaf_hash(x) for x in leaves])
        store.check("e")


def test_failed_append_changes_nothing(tmp_path: Path) -> None:
    with SqliteLogStore(tmp_path / "b.db") as store:
        store.create_log("e")
        store.append_many("e", _leaves(5))
        root = store.root("e")
        # A leaf of the wrong type fails validation before anything is written.
        with pytest.raises(StorageError):
            store.append_many("e", [b"ok", None])  # type: ignore[list-item]
        # A failure inside the transaction is rolled back whole.
        store._db.execute(
            "CREATE TRIGGER boom BEFORE UPDATE ON logs BEGIN SELECT RAISE(ABORT, 'boom'); END"
        )
        with pytest.raises(StorageError, match="boom"):
            store.append_many("e", _leaves(7, b"z"))
        store._db.execute("DROP TRIGGER boom")
        assert store.size("e") == 5
        assert store.root("e") == root
        store.check("e")
        assert store.append("e", b"next") == 5


def test_check_detects_tampered_leaf_data(tmp_path: Path) -> None:
    with SqliteLogStore(tmp_path / "b.db") as store:
        store.create_log("e")
        store.append_many("e", _leaves(9))
        store._db.execute("UPDATE leaves SET data = x'00' WHERE idx = 4")
        with pytest.raises(StorageError, match="node \\(0, 4\\)"):
            store.check("e")
