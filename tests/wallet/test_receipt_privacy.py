"""Tests that no clear-text column of `wallet.db` links a receipt to its ballot (issue 14,
finding 11): a receipt's row id was the ballot entry's hash, the very link sealing hides."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.wallet.test_elections_service import (
    ELECTION,
    World,
    cast,
    opened_world,
)
from voting.chain import leaf_hash
from wallet.services import LocalBoard, list_receipts


@pytest.fixture
def world(tmp_path: Path) -> Iterator[World]:
    with opened_world(tmp_path, voters=1) as made:
        yield made


def _clear_columns(db: Path) -> list[str]:
    conn = sqlite3.connect(db)
    try:
        rows = conn.execute("SELECT id, election, added FROM receipts").fetchall()
    finally:
        conn.close()
    return [str(value) for row in rows for value in row]


def test_no_clear_column_of_a_receipt_names_its_entry(world: World) -> None:
    outcome = cast(world, "v1", "pick=a")
    with LocalBoard.open(world.board, world.env) as board:
        entries = board.entries(ELECTION)
    links = {e.hash().hex() for e in entries} | {leaf_hash(e.to_bytes()).hex() for e in entries}
    clear = _clear_columns(world.home("v1") / "wallet.db")
    assert clear, "the receipt was stored"
    for value in clear:
        assert not any(link.startswith(value) or value in link for link in links), value
        # Not even the time of day: the entry's time is on the chain to the second.
        assert "T" not in value or value == ELECTION
    # The voter still finds the receipt by the entry hash it was shown.
    (kept,) = list_receipts(world.wallets["v1"])
    assert kept.id == outcome.receipt_id


def test_a_receipt_kept_by_an_older_wallet_is_keyed_again(world: World) -> None:
    import json

    from wallet._db import ReceiptRow
    from wallet.services._sealing import seal_field

    outcome = cast(world, "v1", "pick=a")
    wallet = world.wallets["v1"]
    (kept,) = list_receipts(wallet)
    (row,) = wallet.db.receipts()
    # The row as an older wallet wrote it: the entry hash as its id, the full time.
    plain = json.dumps(kept.to_json() | {"vkey": kept.vkey}).encode()
    old = seal_field(wallet.data_key(), "receipts", kept.id, plain, random=wallet.env.rng)
    wallet.db.delete_receipt(row.id)
    wallet.db.put_receipt(ReceiptRow(kept.id, kept.election, old, "2030-01-01T10:11:12Z"))
    assert [r.id for r in wallet.db.receipts()] == [outcome.receipt_id]
    assert list_receipts(wallet) == [kept]
    (again,) = wallet.db.receipts()
    assert again.id != outcome.receipt_id and again.added == "2030-01-01"
