"""Pilot tests of voting: election list → ballot → review → confirmation → receipt, a Benaloh
challenge, the limits, radio buttons and checkboxes, the board's passphrase."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Input

from tests.tui.election import (
    BOARD_PASSPHRASE,
    ELECTION,
    PASSPHRASE,
    ElectionWorld,
    copy_world,
    election_env,
)
from tests.tui.helpers import settle, static_text, type_text
from tui.app import WalletApp, create_app
from tui.dialogs import (
    ChallengeDialog,
    ConfirmDialog,
    ErrorDialog,
    LocationDialog,
    PassphraseDialog,
)
from tui.screens import (
    BallotScreen,
    ElectionsScreen,
    ReceiptScreen,
    ReceiptsScreen,
    ReviewScreen,
)
from tui.widgets import ChoiceList, ElectionTable
from wallet.services import Environment, Wallet, check_receipt, list_receipts, show_election

pytestmark = pytest.mark.asyncio


@pytest.fixture
def world(open_template: ElectionWorld, tmp_path: Path) -> ElectionWorld:
    return copy_world(open_template, tmp_path / "w")


async def open_board(pilot: Pilot[None], app: WalletApp, board: Path | str) -> None:
    await pilot.press("3")
    await settle(pilot)
    assert isinstance(app.screen, ElectionsScreen)
    await pilot.press("o")
    assert isinstance(app.screen, LocationDialog)
    app.screen.query_one("#path", Input).value = str(board)
    await pilot.press("enter")
    await settle(pilot)


async def start_ballot(pilot: Pilot[None], app: WalletApp, world: ElectionWorld) -> None:
    await settle(pilot)
    await open_board(pilot, app, world.board)
    table = app.screen.query_one(ElectionTable)
    assert table.selected is not None
    assert (table.selected["election"], table.selected["phase"]) == (ELECTION, "open")
    await pilot.press("enter")
    await settle(pilot)
    assert isinstance(app.screen, BallotScreen)


async def confirm(pilot: Pilot[None], app: WalletApp, key: str) -> None:
    """Press `key` on the review (v casts, h challenges), then say yes in the dialog."""
    assert isinstance(app.screen, ReviewScreen)
    await pilot.press(key)
    assert isinstance(app.screen, ConfirmDialog)
    await pilot.press("y")
    await settle(pilot)


def entries(world: ElectionWorld) -> int:
    return show_election(world.board, ELECTION, election_env()).entries


async def test_vote_from_the_election_list_to_a_verified_receipt(world: ElectionWorld) -> None:
    app = create_app(world.voter_home, election_env())
    async with app.run_test(size=(120, 40)) as pilot:
        await start_ballot(pilot, app, world)
        assert static_text(app, "#step").startswith("Mayor (1 of 4)")
        await pilot.press("space", "enter")  # Mayor: the first option, ada.
        assert static_text(app, "#step").startswith("New library (2 of 4)")
        # "No" is chosen with Space like any option: no letter is a command on the ballot.
        await pilot.press("down", "n", "space", "enter")
        assert static_text(app, "#step").startswith("Projects (3 of 4)")
        await pilot.press("space", "down", "down", "space", "enter")
        assert isinstance(app.screen, ReviewScreen)
        choices = static_text(app, "#choices")
        assert "Mayor: Ada" in choices
        assert "New library: No" in choices
        assert "Projects: Park, Cycle path" in choices
        assert "Town vote (town-vote)" in static_text(app, "#election")
        before = entries(world)
        # The confirmation says what is cast and as whom; Escape there casts nothing.
        await pilot.press("v")
        dialog = app.screen
        assert isinstance(dialog, ConfirmDialog)
        assert world.voter in str(dialog.body)
        await pilot.press("enter")  # The focus is on Cancel: a habitual Enter casts nothing.
        assert isinstance(app.screen, ReviewScreen)
        assert entries(world) == before
        await confirm(pilot, app, "v")

        screen = app.screen
        assert isinstance(screen, ReceiptScreen)
        assert static_text(app, "#status").startswith("✓ Inclusion passed")
        receipt_id = screen.receipt_id

        await pilot.press("escape")
        await pilot.press("4")
        await settle(pilot)
        assert isinstance(app.screen, ReceiptsScreen)
        assert static_text(app, "#hint").startswith("Enter checks")

    with Wallet.open(world.voter_home, election_env()) as wallet:
        [stored] = list_receipts(wallet)
        assert stored.id == receipt_id
        assert check_receipt(wallet, receipt_id).index == stored_index(stored.text)


def stored_index(text: str) -> int:
    return int(next(line for line in text.splitlines() if line.startswith("index "))[6:])


async def test_challenge_shows_what_was_checked_then_cast(world: ElectionWorld) -> None:
    app = create_app(world.voter_home, election_env())
    async with app.run_test(size=(120, 40)) as pilot:
        await start_ballot(pilot, app, world)
        # Mayor: bob; no library choice; no project.
        await pilot.press("down", "space", "enter", "enter", "enter")
        await confirm(pilot, app, "h")
        dialog = app.screen
        assert isinstance(dialog, ChallengeDialog)
        assert dialog.outcome["counted"] is False
        assert dialog.outcome["challenge"]["decoded"]["mayor"] == {"ada": 0, "bob": 1}
        assert len(dialog.outcome["challenge"]["checked"]) == 3

        await pilot.press("enter")
        await pilot.pause()
        # Back on the ballot's first step, the choices kept; now cast it for real.
        assert isinstance(app.screen, BallotScreen)
        assert static_text(app, "#step").startswith("Mayor (1 of 4)")
        await pilot.press("enter", "enter", "enter")
        await confirm(pilot, app, "v")
        assert isinstance(app.screen, ReceiptScreen)

    with Wallet.open(world.voter_home, election_env()) as wallet:
        kinds = sorted(r.kind for r in list_receipts(wallet))
    # The challenged encryption was posted with its opening, never cast: one entry.
    assert kinds == ["ballot", "challenged"]


async def test_a_ballot_outside_the_limits_cannot_go_on_and_says_why(
    world: ElectionWorld,
) -> None:
    app = create_app(world.voter_home, election_env())
    async with app.run_test(size=(120, 40)) as pilot:
        await start_ballot(pilot, app, world)
        before = entries(world)
        options = app.screen.query_one(ChoiceList)
        # Vote for one: radio buttons, so choosing Bob after Ada leaves Bob alone chosen.
        assert options.radio
        await pilot.press("space", "down", "space")
        assert options.chosen == ["bob"]
        assert "(•) Bob" in str(options.get_option_at_index(1).prompt)
        assert "( ) Ada" in str(options.get_option_at_index(0).prompt)
        # Space on the chosen one clears it; nothing chosen is below the minimum of one.
        await pilot.press("space", "enter")
        assert "choose at least 1 option (you chose 0)" in static_text(app, "#problem")
        assert static_text(app, "#step").startswith("Mayor (1 of 4)")
        await pilot.press("space", "enter", "enter")
        # Projects: checkboxes, up to two; a third is refused at Enter, with the reason.
        assert static_text(app, "#step").startswith("Projects (3 of 4)")
        assert not options.radio
        await pilot.press("space", "down", "space", "down", "space", "enter")
        assert options.chosen == ["park", "pool", "path"]
        assert "choose at most 2 options (you chose 3)" in static_text(app, "#problem")
        assert static_text(app, "#step").startswith("Projects (3 of 4)")
        # Escape goes back one contest, the choices kept.
        await pilot.press("escape")
        assert static_text(app, "#step").startswith("New library (2 of 4)")
        await pilot.press("escape")
        assert options.chosen == ["bob"]
    assert entries(world) == before


def without_board_passphrase() -> Environment:
    """The voter's environment with the wallet's passphrase but not the board's."""
    return election_env(environ={"WALLET_PASSPHRASE": PASSPHRASE})


async def give_board_passphrase(pilot: Pilot[None], app: WalletApp, passphrase: str) -> None:
    assert isinstance(app.screen, PassphraseDialog)
    await type_text(pilot, passphrase)
    await pilot.press("enter")
    await settle(pilot)


async def test_the_board_passphrase_is_asked_for_and_a_wrong_one_refused(
    world: ElectionWorld,
) -> None:
    app = create_app(world.voter_home, without_board_passphrase())
    async with app.run_test(size=(120, 40)) as pilot:
        await start_ballot(pilot, app, world)
        await pilot.press("space", "enter", "enter", "enter")
        before = entries(world)
        await confirm(pilot, app, "v")
        # The board's sidecar says its key is in a sealed file, so casting asks first.
        dialog = app.screen
        assert isinstance(dialog, PassphraseDialog)
        assert static_text(app, ".title") == "Unlock the board's key"
        assert "keeps its checkpoint key in a passphrase file" in dialog.purpose

        await give_board_passphrase(pilot, app, "not the board passphrase")
        refusal = app.screen
        assert isinstance(refusal, ErrorDialog)
        assert refusal.action_text == "unlock the board's key"
        assert refusal.reason.startswith("wrong passphrase for keystore file")
        assert "board.sqlite.keys" in refusal.reason
        assert entries(world) == before, "a refused passphrase must post nothing"
        await pilot.press("enter")
        await pilot.pause()

        # Closing the reason asks again; the right passphrase casts the ballot.
        await give_board_passphrase(pilot, app, BOARD_PASSPHRASE)
        assert isinstance(app.screen, ReceiptScreen)
        assert static_text(app, "#status").startswith("✓ Inclusion passed")
        assert BOARD_PASSPHRASE not in repr(app.session.env)
        assert "WALLET_BOARD_PASSPHRASE redacted" in repr(app.session.env.environ)
    assert entries(world) == before + 1


async def test_a_board_that_refuses_its_passphrase_late_gets_the_dialog_then_the_ballot_is_cast(
    world: ElectionWorld,
) -> None:
    # A wrong board passphrase in the environment passes the check before casting (one is
    # given), so the board itself refuses it: its BoardLocked opens the dialog, not an error.
    environ = {"WALLET_PASSPHRASE": PASSPHRASE, "WALLET_BOARD_PASSPHRASE": "not the passphrase"}
    app = create_app(world.voter_home, election_env(environ=environ))
    async with app.run_test(size=(120, 40)) as pilot:
        await start_ballot(pilot, app, world)
        await pilot.press("space", "enter", "enter", "enter")
        await confirm(pilot, app, "v")
        assert isinstance(app.screen, PassphraseDialog)
        await give_board_passphrase(pilot, app, BOARD_PASSPHRASE)
        assert isinstance(app.screen, ReceiptScreen)
    with Wallet.open(world.voter_home, election_env()) as wallet:
        assert [r.kind for r in list_receipts(wallet)] == ["ballot"]
