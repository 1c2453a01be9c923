"""Pilot tests of the habits every screen shares: F1 and ? show the keys, the command palette
holds the app's and the screen's actions, a key means one thing everywhere, tables fit their
width with an ellipsis, and the ballot's keys never clash with its options."""

from __future__ import annotations

import inspect
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from rich.text import Text
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import HelpPanel, Input

import tui.dialogs
import tui.screens
from tests.tui.conftest import locked_env, unlocked_env
from tests.tui.helpers import settle
from tui.app import create_app
from tui.dialogs import LocationDialog
from tui.screens import ElectionsScreen, IdentitiesScreen
from tui.widgets import ChoiceList, ElectionTable
from tui.widgets.fitted_table import clip, fit_widths


@pytest.mark.asyncio
@pytest.mark.parametrize("key", ["f1", "question_mark"])
async def test_f1_and_question_mark_show_the_screens_keys(home: Path, key: str) -> None:
    app = create_app(home, locked_env())
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, IdentitiesScreen)
        await pilot.press(key)
        await pilot.pause()
        assert app.screen.query(HelpPanel)
        await pilot.press(key)
        await pilot.pause()
        assert not app.screen.query(HelpPanel)


@pytest.mark.asyncio
async def test_the_palette_holds_the_apps_and_the_screens_actions(home: Path) -> None:
    app = create_app(home, unlocked_env())
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("3")
        await settle(pilot)
        titles = {command.title for command in app.get_system_commands(app.screen)}
        assert {"Identities", "Credentials", "Elections", "Receipts", "Audit"} <= titles
        assert {"Add a board", "Audit a record or board"} <= titles
        # The screen's own footer actions are there too.
        assert {"Add board", "Refresh", "Open"} <= titles
        # And they run from it: Ctrl+P, the command's name, Enter.
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"Add a board")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, LocationDialog)


def _bindings() -> list[tuple[str, str, Binding]]:
    """(screen or dialog, key, binding) for every binding the TUI's screens declare."""
    found = []
    for module in (tui.screens, tui.dialogs):
        for name, cls in vars(module).items():
            if inspect.isclass(cls) and issubclass(cls, Screen):
                for binding in cls._merge_bindings().key_to_bindings.values():
                    found += [(name, b.key, b) for b in binding]
    return found


def test_a_letter_means_one_thing_on_every_screen() -> None:
    meanings: dict[str, set[str]] = {}
    for _, key, binding in _bindings():
        if len(key) == 1 and key.isalpha():
            meanings.setdefault(key, set()).add(binding.description.split()[0].rstrip("…"))
    # Copy is c and only c; New is n and nothing else; casting and challenging have their
    # own letters, found on no other screen.
    assert meanings["c"] == {"Copy"}
    assert meanings["n"] == {"New"}
    assert meanings["v"] == {"Cast"}
    assert meanings["h"] == {"Challenge"}
    where = {(screen, key) for screen, key, _ in _bindings()}
    assert {screen for screen, key in where if key in ("v", "h")} == {"ReviewScreen"}
    # The ballot binds no letter: an option's initial ("n" for "No") is never a command.
    ballot = [k for s, k, _ in _bindings() if s == "BallotScreen" and len(k) == 1]
    assert ballot == []
    assert [k for k in ChoiceList._merge_bindings().key_to_bindings if len(k) == 1] == []


def test_fitting_narrows_only_the_widest_columns() -> None:
    assert fit_widths([10, 60, 8], [8, 8, 8], 100) == [10, 60, 8]
    assert fit_widths([10, 60, 8], [8, 8, 8], 50) == [10, 32, 8]
    assert fit_widths([40, 40], [8, 8], 50) == [25, 25]
    # When even the minimums do not fit, the minimums it is (the table scrolls).
    assert fit_widths([40, 40], [30, 30], 50) == [30, 30]
    assert clip(Text("did:key:z6MkLongLongLong"), 10).plain == "did:key:z…"
    assert clip(Text("short"), 10).plain == "short"


@given(st.lists(st.integers(1, 200), min_size=1, max_size=8), st.integers(0, 400))
def test_fitted_columns_fit_and_never_grow(widths: list[int], budget: int) -> None:
    minimums = [min(w, 8) for w in widths]
    fitted = fit_widths(widths, minimums, budget)
    assert all(m <= f <= w for f, w, m in zip(fitted, widths, minimums, strict=True))
    if sum(minimums) <= budget:
        assert sum(fitted) <= budget


@pytest.mark.asyncio
async def test_a_long_board_path_ends_in_an_ellipsis_at_80_columns(
    home: Path, tmp_path: Path
) -> None:
    app = create_app(home, unlocked_env())
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("3")
        await settle(pilot)
        assert isinstance(app.screen, ElectionsScreen)
        table = app.screen.query_one(ElectionTable)
        board = str(tmp_path / ("a-very-long-folder-name-" * 2) / "board.sqlite")
        table.show(
            [{"election": "e1", "title": "A title", "phase": "open", "ballots": 3,
              "role": None, "board": board}]
        )  # fmt: skip
        await pilot.pause()
        cells = [str(cell) for cell in table.get_row_at(0)]
        assert cells[-1].endswith("…")
        widths = [column.width + 2 * table.cell_padding for column in table.ordered_columns]
        assert sum(widths) <= 80
        # A wider terminal gives the column its room back.
        await pilot.resize_terminal(200, 24)
        await pilot.pause()
        assert str(table.get_row_at(0)[-1]) == board


@pytest.mark.asyncio
async def test_the_location_dialog_keeps_urls_and_resolves_paths(home: Path) -> None:
    app = create_app(home, unlocked_env())
    chosen: list[object] = []
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        for typed in ("https://board.example/", "~/board.sqlite"):
            app.push_screen(LocationDialog("t", "p", "Open"), chosen.append)
            await pilot.pause()
            app.screen.query_one(Input).value = typed
            await pilot.press("enter")
            await pilot.pause()
    assert chosen == ["https://board.example/", Path("~/board.sqlite").expanduser().resolve()]
