"""Pilot tests of a finished election's result view, of the audit screen's choice among a
board's elections, and of a board whose record does not verify."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from rich.text import Text
from textual.widgets import Input

from tests.tui.election import (
    ELECTION,
    SECOND,
    ElectionWorld,
    copy_world,
    election_env,
)
from tests.tui.forgery import swap_trustee_keys
from tests.tui.helpers import settle, static_text
from tui.app import WalletApp, create_app
from tui.dialogs import ErrorDialog
from tui.screens import AuditScreen, ResultScreen
from tui.screens.result import _excluded
from tui.widgets import ElectionTable, FittedTable, VerificationTable
from wallet.errors import BoardUntrusted
from wallet.services import ContestResult, ElectionResult, ExcludedBallots, OptionCount


@pytest.fixture
def world(two_elections_template: ElectionWorld, tmp_path: Path) -> ElectionWorld:
    return copy_world(two_elections_template, tmp_path / "w")


def _app(world: ElectionWorld) -> WalletApp:
    app = create_app(world.voter_home, election_env())
    app.session.add_board(world.board)
    return app


@pytest.mark.asyncio
async def test_the_result_shows_counts_exclusions_and_the_audit(world: ElectionWorld) -> None:
    app = _app(world)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("3")
        await settle(pilot)
        assert static_text(app, "#hint") == "Enter shows the result and its audit."
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ResultScreen)
        table = app.screen.query_one("#counts", FittedTable)
        rows = [[str(c) for c in table.get_row_at(i)] for i in range(table.row_count)]
        assert rows[0][:3] == ["Mayor", "Ada", "1"]
        assert rows[1][:3] == ["", "Bob", "0"]
        assert rows[0][3].endswith("100%")
        assert static_text(app, "#excluded") == "No ballot was excluded from the count."
        assert static_text(app, "#verdict").startswith("✓ Audit PASSED: election town-vote")
        # a: the same audit in full, on the audit screen.
        await pilot.press("a")
        await settle(pilot)
        assert isinstance(app.screen, AuditScreen)
        assert static_text(app, "#record").startswith(f"Election {ELECTION} on ")
        assert app.screen.query_one(VerificationTable).row_count >= 14
        # The palette's sections work from a pushed screen too: it is closed first.
        await pilot.press("3", "enter")
        await settle(pilot)
        assert isinstance(app.screen, ResultScreen)
        app.action_switch("receipts")
        await settle(pilot)
        assert [type(s).__name__ for s in app.screen_stack[1:]] == ["ReceiptsScreen"]


def test_excluded_ballots_are_counted_by_reason() -> None:
    result = ElectionResult(
        "e", "E", 3, (1, 2), (ContestResult("c", "C", (OptionCount("a", 3),)),),
        excluded=(
            ExcludedBallots("revocation", "https://issuer.example/lists/1", 2),
            ExcludedBallots("failed-checks", None, 1),
        ),
    )  # fmt: skip
    text = _excluded(result).plain
    assert "2 ballot(s): the voter's credential is revoked in the frozen status list" in text
    assert "(status list https://issuer.example/lists/1)" in text
    assert "1 ballot(s): its checks failed" in text
    assert isinstance(_excluded(replace(result, excluded=())), Text)


@pytest.mark.asyncio
async def test_the_audit_offers_a_boards_elections_to_choose_from(world: ElectionWorld) -> None:
    app = create_app(world.voter_home, election_env())
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("5")
        await settle(pilot)
        await pilot.press("o")
        app.screen.query_one(Input).value = str(world.board)
        await pilot.press("enter")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, AuditScreen)
        # Two elections: nothing is audited until one is chosen.
        assert screen.target is None
        hint = static_text(app, "#record")
        assert hint.endswith(
            f"holds 2 elections: choose one. Enter audits {ELECTION}; o opens another."
        )
        assert screen.query_one("#elections", FittedTable).row_count == 2
        await pilot.press("down", "enter")
        await settle(pilot)
        assert screen.target == (world.board, SECOND)
        assert static_text(app, "#verdict").startswith(f"✓ Audit PASSED: election {SECOND}")


@pytest.mark.asyncio
async def test_a_board_that_fails_verification_says_so_and_names_the_checks(
    world: ElectionWorld,
) -> None:
    # The operator swaps the trustees' keys of the open election and re-signs the log: the
    # wallet must refuse to show its ballot, and say which entries did not verify.
    assert isinstance(world.board, Path)
    swap_trustee_keys(world.board, SECOND, election_env())
    app = _app(world)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("3")
        await settle(pilot)
        # The listing shows what the board holds; opening the forged election refuses it.
        await pilot.press("down", "enter")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, ErrorDialog)
        assert dialog.error is BoardUntrusted
        assert static_text(app, ".title").startswith("The board failed verification")
        assert any("trustee-key" in line for line in dialog.details)


@pytest.mark.asyncio
async def test_the_wallets_default_board_is_listed_without_adding_it(
    world: ElectionWorld,
) -> None:
    from tests.wallet.cli_helpers import wallet

    done = wallet("--home", world.voter_home, "config", "set", "board", str(world.board))
    assert done.code == 0, done.stderr
    app = create_app(world.voter_home, election_env())
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("3")
        await settle(pilot)
        table = app.screen.query_one(ElectionTable)
        assert table.row_count == 2
        assert table.selected is not None and table.selected["election"] == ELECTION
