"""Tests of ballot receipts: inclusion against the final checkpoint, and a rewritten board."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.wallet.cli_helpers import file_env, wallet
from tests.wallet.test_elections_service import (
    BOARD_PASSPHRASE,
    ELECTION,
    PASSPHRASE,
    World,
    cast,
    opened_world,
)
from voting.chain import Receipt, SqliteLogStore
from wallet.errors import VerificationFailed
from wallet.services import check_receipt, find_receipt, list_receipts


@pytest.fixture
def world(tmp_path: Path) -> Iterator[World]:
    with opened_world(tmp_path, voters=4) as made:
        yield made


def _cli_env() -> dict[str, str]:
    return file_env(WALLET_PASSPHRASE=PASSPHRASE, WALLET_BOARD_PASSPHRASE=BOARD_PASSPHRASE)


def test_a_receipt_verifies_against_the_final_checkpoint(world: World) -> None:
    cast_ = cast(world, "v1", "pick=a")
    for name in ("v2", "v3"):
        cast(world, name, "pick=b")
    stored = find_receipt(world.wallets["v1"], cast_.receipt_id[:12])
    receipt = Receipt.from_text(stored.text)
    assert receipt.to_text() == stored.text  # The tlog-proof text round-trips.
    assert receipt.checkpoint.size == cast_.index + 1
    checked = check_receipt(world.wallets["v1"], stored.id)
    assert checked.index == cast_.index
    # The board grew by two ballots since: the receipt's checkpoint is proven consistent
    # with the newest one, which the wallet now remembers.
    assert checked.board_size == checked.newest_seen == cast_.index + 3
    run = wallet("receipt", "check", stored.id[:16], "--home", world.home("v1"), "--json",
                 env=_cli_env())  # fmt: skip
    assert run.code == 0, run.stderr
    assert run.json()["inclusion"] == run.json()["consistency"] == "passed"


def test_a_changed_receipt_fails_inclusion(world: World, tmp_path: Path) -> None:
    cast_ = cast(world, "v1", "pick=a")
    receipt = Receipt.from_text(cast_.receipt)
    assert receipt.extra is not None
    forged = Receipt(receipt.index, receipt.proof, receipt.note, bytes(32))
    path = tmp_path / "forged.receipt"
    path.write_text(forged.to_text())
    with pytest.raises(VerificationFailed, match="inclusion"):
        check_receipt(world.wallets["v1"], str(path), board_path=world.board)


def _rewrite(world: World, keep: int) -> Path:
    """Another history under the same board key and origin: the first `keep` entries, then
    other ballots. Only the board's operator, holding its key, can make one."""
    other = world.root / "rewritten.sqlite"
    for suffix in (".board.json", ".keys"):
        shutil.copy(f"{world.board}{suffix}", f"{other}{suffix}")
    shutil.copytree(f"{world.board}.status", f"{other}.status")
    with SqliteLogStore(world.board) as honest, SqliteLogStore(other) as forged:
        forged.create_log(ELECTION)
        forged.append_many(ELECTION, honest.leaves(ELECTION, 0, keep))
    return other


def test_a_board_that_rewrote_its_history_is_caught_by_the_consistency_proof(
    world: World,
) -> None:
    cast_ = cast(world, "v1", "pick=a")
    stored = list_receipts(world.wallets["v1"])[-1]
    assert stored.id == cast_.receipt_id
    honest = world.board
    forged = _rewrite(world, keep=cast_.index)
    # The voters of the forged history post there; the v1 wallet never saw it.
    world.board = forged
    for name in ("v2", "v3", "v4"):
        world.clock.advance(minutes=2)
        cast(world, name, "pick=b")
    world.board = honest
    run = wallet("receipt", "check", stored.id, "--board", forged, "--home", world.home("v1"),
                 env=_cli_env())  # fmt: skip
    assert run.code == 1, run.stderr
    assert "consistency" in run.stderr
    # The wallet kept the checkpoint it trusted: the honest board still checks clean.
    again = wallet("receipt", "check", stored.id, "--home", world.home("v1"), env=_cli_env())
    assert again.code == 0, again.stderr


def test_an_unreachable_board_is_exit_3(world: World, tmp_path: Path) -> None:
    cast_ = cast(world, "v1", "pick=a")
    run = wallet("receipt", "check", cast_.receipt_id, "--board", tmp_path / "nowhere.sqlite",
                 "--home", world.home("v1"), env=_cli_env())  # fmt: skip
    assert run.code == 3
    assert "unreachable" in run.stderr


def test_receipts_are_sealed_in_the_wallet_database(world: World) -> None:
    cast_ = cast(world, "v1", "pick=a")
    # The row's id is keyed, not the entry hash (issue 14, finding 11): it is the only one.
    [row] = world.wallets["v1"].db.receipts()
    assert row.id != cast_.receipt_id
    assert cast_.ballot_id.encode() not in row.sealed
    assert b"tlog-proof" not in row.sealed
