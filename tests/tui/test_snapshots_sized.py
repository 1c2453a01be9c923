"""Snapshot tests of the voting, result and audit screens at 80x24 and at 160x50.

The smaller is the least a terminal gives (the screen's actions must stay in the footer,
long values must end in an ellipsis, no column may be pushed off screen); the larger shows
the same screens with room to spare. One board holds a finished election and an open one;
it is made once a session, from fixed seeds on a fixed clock, and copied for each test,
which runs inside its copy so that paths show relative to it. Refresh the SVGs with
`pytest tests/tui --snapshot-update` after looking at the change.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from tests.tui.election import ElectionWorld, copy_world, election_env
from tests.tui.helpers import settle, type_text
from tui.app import WalletApp, create_app

SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((160, 50), id="160x50")]
Compare = Callable[..., bool]


@pytest.fixture
def world(
    two_elections_template: ElectionWorld, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> ElectionWorld:
    copy = copy_world(two_elections_template, tmp_path / "w", seed=b"tui sized")
    monkeypatch.chdir(copy.root)
    return copy


def _app(world: ElectionWorld) -> WalletApp:
    app = create_app(world.voter_home, election_env(rng=world.rng))
    app.session.add_board(world.board)
    return app


async def _elections(pilot: Pilot[Any]) -> None:
    await settle(pilot)
    await pilot.press("3")
    await settle(pilot)


@pytest.mark.parametrize("size", SIZES)
def test_cast_confirmation(snap_compare: Compare, world: ElectionWorld, size: Any) -> None:
    async def confirm(pilot: Pilot[Any]) -> None:
        await _elections(pilot)
        await pilot.press("down", "enter")  # budget-vote, open
        await settle(pilot)
        await pilot.press("down", "space", "enter")  # Budget: Generous
        await settle(pilot)
        await pilot.press("v")
        await pilot.pause()

    assert snap_compare(_app(world), terminal_size=size, run_before=confirm)


@pytest.mark.parametrize("size", SIZES)
def test_review(snap_compare: Compare, world: ElectionWorld, size: Any) -> None:
    async def review(pilot: Pilot[Any]) -> None:
        await _elections(pilot)
        await pilot.press("down", "enter")
        await settle(pilot)
        await pilot.press("down", "space", "enter")
        await settle(pilot)

    assert snap_compare(_app(world), terminal_size=size, run_before=review)


@pytest.mark.parametrize("size", SIZES)
def test_result(snap_compare: Compare, world: ElectionWorld, size: Any) -> None:
    async def result(pilot: Pilot[Any]) -> None:
        await _elections(pilot)
        await pilot.press("enter")  # town-vote, finished
        await settle(pilot)

    assert snap_compare(_app(world), terminal_size=size, run_before=result)


@pytest.mark.parametrize("size", SIZES)
def test_audit_choice(snap_compare: Compare, world: ElectionWorld, size: Any) -> None:
    async def choose(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        await pilot.press("5")
        await settle(pilot)
        await pilot.press("o")
        await type_text(pilot, "board.sqlite")
        await pilot.press("enter")
        await settle(pilot)

    app = create_app(world.voter_home, election_env(rng=world.rng))
    assert snap_compare(app, terminal_size=size, run_before=choose)


@pytest.mark.parametrize("size", SIZES)
def test_audit_chosen(snap_compare: Compare, world: ElectionWorld, size: Any) -> None:
    async def audit(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        await pilot.press("5")
        await settle(pilot)
        await pilot.press("enter")  # town-vote, the first of the two
        await settle(pilot)

    assert snap_compare(_app(world), terminal_size=size, run_before=audit)
