"""Snapshot tests of each screen and dialog (pytest-textual-snapshot), from fixed wallets.

The seeded wallet's keys come from fixed seeds and its dates are fixed, so every SVG is
the same on every run; refresh them with `pytest tests/tui --snapshot-update` after
looking at the change. Screens whose text is random by design (a ballot's tracking code,
a challenged ballot's id, an audit's hashes) are snapshotted from an election made with
seeded randomness on a fixed clock, and run from inside the test's
folder so that the board and record paths are shown relative to it.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from tests.tui.conftest import NOW, PASSPHRASE, locked_env, unlocked_env
from tests.tui.election import (
    ElectionWorld,
    copy_world,
    election_env,
    finish_election,
)
from tests.tui.helpers import settle, type_text
from tui.app import WalletApp, create_app
from wallet.services import Environment

SIZE = (120, 40)
Compare = Callable[..., bool]


async def _settled(pilot: Pilot[Any]) -> None:
    await settle(pilot)


def test_identities_empty(snap_compare: Compare, home: Path) -> None:
    assert snap_compare(create_app(home, locked_env()), terminal_size=SIZE, run_before=_settled)


def test_identities_listed(snap_compare: Compare, seeded_home: Path) -> None:
    assert snap_compare(
        create_app(seeded_home, locked_env()), terminal_size=SIZE, run_before=_settled
    )


def test_did_document(snap_compare: Compare, seeded_home: Path) -> None:
    async def open_document(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)

    assert snap_compare(
        create_app(seeded_home, locked_env()), terminal_size=SIZE, run_before=open_document
    )


def test_passphrase_dialog(snap_compare: Compare, home: Path) -> None:
    async def ask(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        await pilot.press("n")
        await type_text(pilot, "secret")
        await pilot.pause()

    assert snap_compare(create_app(home, locked_env()), terminal_size=SIZE, run_before=ask)


def test_create_identity_dialog(snap_compare: Compare, home: Path) -> None:
    async def ask(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        await pilot.press("n")
        await type_text(pilot, "voter")
        await pilot.pause()

    assert snap_compare(create_app(home, unlocked_env()), terminal_size=SIZE, run_before=ask)


def test_error_dialog(snap_compare: Compare, seeded_home: Path) -> None:
    async def fail(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        await pilot.press("n")
        await type_text(pilot, "work")
        await pilot.press("enter")
        await settle(pilot)

    assert snap_compare(
        create_app(seeded_home, unlocked_env()), terminal_size=SIZE, run_before=fail
    )


def _holding_app(home: Path) -> WalletApp:
    return create_app(home, unlocked_env(), clock=lambda: NOW)


def test_credentials_listed(snap_compare: Compare, holding_home: Path) -> None:
    async def open_list(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)

    assert snap_compare(_holding_app(holding_home), terminal_size=SIZE, run_before=open_list)


async def _open_details(pilot: Pilot[Any]) -> None:
    await settle(pilot)
    await pilot.press("2")
    await settle(pilot)
    await pilot.press("enter")
    await settle(pilot)


def test_credential_details(snap_compare: Compare, holding_home: Path) -> None:
    assert snap_compare(_holding_app(holding_home), terminal_size=SIZE, run_before=_open_details)


def test_present_dialog(snap_compare: Compare, holding_home: Path) -> None:
    async def ask(pilot: Pilot[Any]) -> None:
        await _open_details(pilot)
        await pilot.press("p")
        await type_text(pilot, "nonce-123")
        await pilot.pause()

    assert snap_compare(_holding_app(holding_home), terminal_size=SIZE, run_before=ask)


def test_presentation(snap_compare: Compare, holding_home: Path) -> None:
    async def present(pilot: Pilot[Any]) -> None:
        await _open_details(pilot)
        await pilot.press("p")
        await type_text(pilot, "nonce-123")
        await pilot.press("tab")
        await type_text(pilot, "verifier.example")
        await pilot.press("enter")
        await settle(pilot)

    assert snap_compare(_holding_app(holding_home), terminal_size=SIZE, run_before=present)


def test_import_dialog(snap_compare: Compare, holding_home: Path) -> None:
    async def ask(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        await pilot.press("i")
        await type_text(pilot, "degree.json")
        await pilot.pause()

    assert snap_compare(_holding_app(holding_home), terminal_size=SIZE, run_before=ask)


def test_elections_empty(snap_compare: Compare, home: Path) -> None:
    async def open_tab(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        await pilot.press("3")
        await settle(pilot)

    assert snap_compare(create_app(home, unlocked_env()), terminal_size=SIZE, run_before=open_tab)


def test_receipts_empty(snap_compare: Compare, home: Path) -> None:
    async def open_tab(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        await pilot.press("4")
        await settle(pilot)

    assert snap_compare(create_app(home, unlocked_env()), terminal_size=SIZE, run_before=open_tab)


def test_audit_before_a_record(snap_compare: Compare, home: Path) -> None:
    async def open_tab(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        await pilot.press("5")
        await settle(pilot)

    assert snap_compare(create_app(home, unlocked_env()), terminal_size=SIZE, run_before=open_tab)


async def _open_ballot(pilot: Pilot[Any]) -> None:
    await settle(pilot)
    await pilot.press("3")
    await settle(pilot)
    await pilot.press("enter")
    await settle(pilot)


# Screens whose content is random by design: an election made with fixed randomness.


@pytest.fixture
def fixed_election(
    open_template: ElectionWorld, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> ElectionWorld:
    """An open election made with seeded randomness at a fixed time (a copy of the session's);
    the test runs inside it, so the TUI shows the board and record by relative paths."""
    world = copy_world(open_template, tmp_path / "w", seed=b"tui snapshot")
    monkeypatch.chdir(world.root)
    return world


def _voting_app(world: ElectionWorld, env: Environment | None = None) -> WalletApp:
    app = create_app(world.voter_home, env or election_env(rng=world.rng))
    app.session.boards.append(world.board)
    return app


async def _review(pilot: Pilot[Any]) -> None:
    """From the first screen to the ballot's review: Mayor Ada, no library choice, no project."""
    await _open_ballot(pilot)
    await pilot.press("space", "enter", "enter", "enter")
    await pilot.pause()


async def _confirmed(pilot: Pilot[Any], key: str) -> None:
    """On the review, `key` (v casts, h challenges), then yes in the confirmation."""
    await pilot.press(key, "y")
    await settle(pilot)


def test_elections_listed(snap_compare: Compare, fixed_election: ElectionWorld) -> None:
    async def open_tab(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        await pilot.press("3")
        await settle(pilot)

    assert snap_compare(_voting_app(fixed_election), terminal_size=SIZE, run_before=open_tab)


def test_receipt(snap_compare: Compare, fixed_election: ElectionWorld) -> None:
    async def cast(pilot: Pilot[Any]) -> None:
        await _review(pilot)
        await _confirmed(pilot, "v")

    assert snap_compare(_voting_app(fixed_election), terminal_size=SIZE, run_before=cast)


def test_receipts_listed(snap_compare: Compare, fixed_election: ElectionWorld) -> None:
    async def cast_then_list(pilot: Pilot[Any]) -> None:
        await _review(pilot)
        await _confirmed(pilot, "v")
        await pilot.press("escape", "4")
        await settle(pilot)

    assert snap_compare(_voting_app(fixed_election), terminal_size=SIZE, run_before=cast_then_list)


def test_challenge_dialog(snap_compare: Compare, fixed_election: ElectionWorld) -> None:
    async def challenge(pilot: Pilot[Any]) -> None:
        await _review(pilot)
        await _confirmed(pilot, "h")

    assert snap_compare(_voting_app(fixed_election), terminal_size=SIZE, run_before=challenge)


def test_board_passphrase_dialog(snap_compare: Compare, fixed_election: ElectionWorld) -> None:
    async def ask(pilot: Pilot[Any]) -> None:
        await _review(pilot)
        await _confirmed(pilot, "v")
        await type_text(pilot, "board secret")
        await pilot.pause()

    without_board = election_env(rng=fixed_election.rng, environ={"WALLET_PASSPHRASE": PASSPHRASE})
    app = _voting_app(fixed_election, without_board)
    assert snap_compare(app, terminal_size=SIZE, run_before=ask)


def test_audit_report(snap_compare: Compare, fixed_election: ElectionWorld) -> None:
    root = fixed_election.root
    finish_election(root, fixed_election, root / "record")

    async def audit(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        await pilot.press("5")
        await settle(pilot)
        await pilot.press("o")
        await type_text(pilot, "record")
        await pilot.press("enter")
        await settle(pilot)

    app = _voting_app(fixed_election)
    assert snap_compare(app, terminal_size=SIZE, run_before=audit)


def test_ballot_contest_step(snap_compare: Compare, fixed_election: ElectionWorld) -> None:
    async def choose(pilot: Pilot[Any]) -> None:
        # Vote for one: radio buttons; choosing Bob after Ada leaves Bob alone chosen.
        await _open_ballot(pilot)
        await pilot.press("space", "down", "space")
        await pilot.pause()

    assert snap_compare(_voting_app(fixed_election), terminal_size=SIZE, run_before=choose)


def test_ballot_checkbox_step(snap_compare: Compare, fixed_election: ElectionWorld) -> None:
    async def choose(pilot: Pilot[Any]) -> None:
        # Up to two projects: checkboxes.
        await _open_ballot(pilot)
        await pilot.press("space", "enter", "enter", "space", "down", "down", "space")
        await pilot.pause()

    assert snap_compare(_voting_app(fixed_election), terminal_size=SIZE, run_before=choose)


def test_ballot_review(snap_compare: Compare, fixed_election: ElectionWorld) -> None:
    async def review(pilot: Pilot[Any]) -> None:
        await _open_ballot(pilot)
        await pilot.press("space", "enter", "down", "space", "enter", "space", "enter")
        await pilot.pause()

    assert snap_compare(_voting_app(fixed_election), terminal_size=SIZE, run_before=review)
