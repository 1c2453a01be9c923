"""Tests what only the PostgreSQL store has to show: many connections appending to one log
at once never fork it, a failed transaction leaves nothing, and errors keep URLs private.

The store contract itself runs in tests/voting/chain/test_storage.py against every store.
"""

from __future__ import annotations

import threading

import pytest

from voting.chain import Checkpoint, Ed25519Signer, compute_root, leaf_hash, sign_checkpoint
from voting.errors import StorageError
from wallet.board import PostgresLogStore, is_postgres_url

SIGNER = Ed25519Signer("board.example/e", bytes(32))


def test_concurrent_conditional_appends_never_fork_the_log(postgres_url: str) -> None:
    with PostgresLogStore(postgres_url) as setup:
        setup.create_log("e")
    writers, per_writer = 6, 15
    errors: list[BaseException] = []

    def writer(number: int) -> None:
        try:
            with PostgresLogStore(postgres_url) as store:
                for k in range(per_writer):
                    data = b"w%d-%d" % (number, k)
                    while True:  # Read the size, append on it, retry when another won.
                        try:
                            store.append("e", data, expected_size=store.size("e"))
                            break
                        except StorageError as exc:
                            assert "another writer appended" in str(exc)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with PostgresLogStore(postgres_url) as store:
        leaves = store.leaves("e", 0, store.size("e"))
        assert sorted(leaves) == sorted(
            b"w%d-%d" % (n, k) for n in range(writers) for k in range(per_writer)
        )
        assert store.root("e") == compute_root(leaf_hash(x) for x in leaves)
        store.check("e")


def test_unconditional_appends_from_many_connections_get_distinct_indices(
    postgres_url: str,
) -> None:
    with PostgresLogStore(postgres_url) as setup:
        setup.create_log("e")
    got: list[int] = []
    lock = threading.Lock()

    def writer(number: int) -> None:
        with PostgresLogStore(postgres_url) as store:
            for k in range(10):
                index = store.append("e", b"%d/%d" % (number, k))
                with lock:
                    got.append(index)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(5)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(got) == list(range(50))
    with PostgresLogStore(postgres_url) as store:
        store.check("e")


def test_a_failed_append_is_rolled_back_whole(postgres_url: str) -> None:
    with PostgresLogStore(postgres_url) as store:
        store.create_log("e")
        store.append_many("e", [b"a", b"b", b"c"])
        root = store.root("e")
        store.connection.execute(
            "CREATE FUNCTION boom() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION 'boom'; END $$"
            " LANGUAGE plpgsql"
        )
        store.connection.execute(
            "CREATE TRIGGER boom BEFORE UPDATE ON tlog_logs FOR EACH ROW EXECUTE FUNCTION boom()"
        )
        with pytest.raises(StorageError, match="boom"):
            store.append_many("e", [b"x", b"y"])
        store.connection.execute("DROP TRIGGER boom ON tlog_logs")
        assert (store.size("e"), store.root("e")) == (3, root)
        store.check("e")
        assert store.append("e", b"d") == 3


def test_checkpoints_from_two_connections_never_go_back(postgres_url: str) -> None:
    with PostgresLogStore(postgres_url) as one, PostgresLogStore(postgres_url) as two:
        one.create_log("e")
        one.append_many("e", [b"a", b"b", b"c"])
        newer = sign_checkpoint(Checkpoint("e", 3, two.root("e", 3)), SIGNER).to_text()
        older = sign_checkpoint(Checkpoint("e", 2, one.root("e", 2)), SIGNER).to_text()
        two.put_checkpoint("e", newer)
        with pytest.raises(StorageError, match="older than the latest"):
            one.put_checkpoint("e", older)
        assert one.checkpoints("e") == [newer]


def test_connection_errors_do_not_show_the_password() -> None:
    url = "postgresql://user:hunter2secret@127.0.0.1:1/db"
    with pytest.raises(StorageError) as caught:
        PostgresLogStore(url, connect_timeout=2)
    assert "hunter2secret" not in str(caught.value)
    assert caught.value.__cause__ is None


def test_store_urls_are_recognised() -> None:
    assert is_postgres_url("postgresql://host/db")
    assert is_postgres_url("postgres://host/db")
    assert not is_postgres_url("board.db")
