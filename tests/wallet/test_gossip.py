"""Gossip: `wallet receipt check --checkpoint FILE` compares the receipt's checkpoint with one
another voter or an auditor was given, in an election without witnesses (quorum 0), where
only such a comparison reveals a board that shows each voter its own history."""

from __future__ import annotations

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
from tests.wallet.test_receipts import _rewrite
from voting.chain import Receipt
from wallet.services import LocalBoard, find_receipt


@pytest.fixture
def world(tmp_path: Path) -> Iterator[World]:
    with opened_world(tmp_path, voters=4) as made:
        yield made


def _check(world: World, who: str, receipt_id: str, other: Path, *extra: str) -> tuple[int, str]:
    run = wallet("receipt", "check", receipt_id, "--checkpoint", other, *extra,
                 "--home", world.home(who),
                 env=file_env(WALLET_PASSPHRASE=PASSPHRASE,
                              WALLET_BOARD_PASSPHRASE=BOARD_PASSPHRASE))  # fmt: skip
    return run.code, run.stderr + run.stdout


def test_a_checkpoint_from_elsewhere_is_checked_both_ways(world: World, tmp_path: Path) -> None:
    older = cast(world, "v1", "pick=a")
    newer = cast(world, "v2", "pick=b")
    cast(world, "v3", "pick=b")
    other = tmp_path / "other.checkpoint"
    # v1's receipt (older) against v2's checkpoint (newer), and the other way round.
    v2_note = Receipt.from_text(find_receipt(world.wallets["v2"], newer.receipt_id).text).note
    other.write_text(v2_note.to_text())
    code, out = _check(world, "v1", older.receipt_id, other, "--json")
    assert code == 0, out
    assert f'"checkpointSize": {newer.index + 1}' in out
    v1_note = Receipt.from_text(find_receipt(world.wallets["v1"], older.receipt_id).text).note
    other.write_text(v1_note.to_text())
    code, out = _check(world, "v2", newer.receipt_id, other)
    assert code == 0, out
    assert f"consistent with the other checkpoint (size {older.index + 1})" in out


def test_a_voter_on_another_history_is_exposed_naming_both_sizes(
    world: World, tmp_path: Path
) -> None:
    first = cast(world, "v1", "pick=a")
    honest = world.board
    # The operator forks before v1's ballot and shows v2 and v3 that history instead.
    forked = _rewrite(world, keep=first.index)
    world.board = forked
    for name in ("v2", "v3"):
        world.clock.advance(minutes=2)
        cast(world, name, "pick=b")
    world.board = honest
    with LocalBoard.open(forked, world.env) as board:
        note = board.checkpoint(ELECTION)
    assert note is not None
    other = tmp_path / "from-v3.checkpoint"
    other.write_text(note.to_text())
    code, out = _check(world, "v1", first.receipt_id, other)
    assert code == 1, out
    size = first.index + 1
    assert f"(size {size}) and the other checkpoint (size {first.index + 2})" in out
    assert "the board showed different histories" in out
    # Not a checkpoint at all: refused as such.
    other.write_text("not a checkpoint\n")
    code, out = _check(world, "v1", first.receipt_id, other)
    assert code == 1 and "gossip: the other checkpoint" in out
