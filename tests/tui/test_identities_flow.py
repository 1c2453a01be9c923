"""Pilot tests of the identity flows: list, unlock, create, document, copy, and the errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.tui.conftest import PASSPHRASE, locked_env, unlocked_env
from tests.tui.helpers import settle, static_text, type_text
from tui.app import create_app
from tui.dialogs import CreateIdentityDialog, ErrorDialog, PassphraseDialog
from tui.screens import DocumentScreen, IdentitiesScreen
from tui.widgets import IdentityTable, JsonView
from wallet.services import Wallet, list_identities

pytestmark = pytest.mark.asyncio


def identities_in(home: Path) -> list[tuple[str, str | None, str]]:
    with Wallet.open(home, unlocked_env()) as wallet:
        return [(i.did, i.label, i.method) for i in list_identities(wallet)]


def table_dids(table: IdentityTable) -> list[str]:
    return [str(row.value) for row in table.rows]


async def test_the_first_screen_lists_the_identities(seeded_home: Path) -> None:
    app = create_app(seeded_home, locked_env())
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, IdentitiesScreen)
        table = app.screen.query_one(IdentityTable)
        assert table_dids(table) == [did for did, _, _ in identities_in(seeded_home)]
        assert static_text(app, "#hint") == "3 identities. Enter shows the DID document."


async def test_creating_a_did_asks_for_the_passphrase_and_lists_it(home: Path) -> None:
    app = create_app(home, locked_env())
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        assert static_text(app, "#hint") == "No identities yet: press n to create one."

        await pilot.press("n")
        assert isinstance(app.screen, PassphraseDialog)
        await type_text(pilot, PASSPHRASE)
        await pilot.press("enter")
        await settle(pilot)

        assert isinstance(app.screen, CreateIdentityDialog)
        await type_text(pilot, "voter")
        await pilot.press("enter")
        await settle(pilot)

        assert isinstance(app.screen, IdentitiesScreen)
        [(did, label, method)] = identities_in(home)
        assert (label, method) == ("voter", "key")
        assert did.startswith("did:key:z6Mk")
        table = app.screen.query_one(IdentityTable)
        assert table_dids(table) == [did]
        assert table.selected_did == did


async def test_a_wrong_passphrase_is_explained_and_asked_again(home: Path) -> None:
    app = create_app(home, locked_env())
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await type_text(pilot, "not the passphrase")
        await pilot.press("enter")
        await settle(pilot)

        assert isinstance(app.screen, ErrorDialog)
        assert "wrong passphrase" in static_text(app, "#reason")
        assert "Traceback" not in static_text(app, "#reason")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, PassphraseDialog)

        await type_text(pilot, PASSPHRASE)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, CreateIdentityDialog)


async def test_cancelling_the_passphrase_creates_nothing(home: Path) -> None:
    app = create_app(home, locked_env())
    async with app.run_test() as pilot:
        await settle(pilot)
        await pilot.press("n", "escape")
        await settle(pilot)
        assert isinstance(app.screen, IdentitiesScreen)
    assert identities_in(home) == []


async def test_a_did_jwk_with_the_mouse_when_the_passphrase_is_in_the_environment(
    home: Path,
) -> None:
    app = create_app(home, unlocked_env())
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("n")
        # WALLET_PASSPHRASE is set, so no passphrase dialog comes first.
        assert isinstance(app.screen, CreateIdentityDialog)
        await pilot.click("#jwk")
        await pilot.click("#create")
        await settle(pilot)
    [(did, label, method)] = identities_in(home)
    assert (label, method) == (None, "jwk")
    assert did.startswith("did:jwk:")


async def test_a_label_already_taken_shows_the_reason(seeded_home: Path) -> None:
    app = create_app(seeded_home, unlocked_env())
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await type_text(pilot, "work")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ErrorDialog)
        assert static_text(app, "#reason") == (
            "the label 'work' is already used by another identity"
        )
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, IdentitiesScreen)
    assert len(identities_in(seeded_home)) == 3


async def test_enter_shows_the_did_document_and_escape_returns(seeded_home: Path) -> None:
    app = create_app(seeded_home, locked_env())
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        await pilot.press("down", "enter")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, DocumentScreen)
        second = identities_in(seeded_home)[1][0]
        assert screen.did == second
        assert json.loads(screen.query_one(JsonView).text)["id"] == second
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, IdentitiesScreen)


async def test_c_copies_the_selected_did(seeded_home: Path) -> None:
    app = create_app(seeded_home, locked_env())
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        await pilot.press("down", "down", "c")
        assert app.clipboard == identities_in(seeded_home)[2][0]


async def test_a_home_without_a_wallet_shows_how_to_make_one(tmp_path: Path) -> None:
    app = create_app(tmp_path / "nothing", locked_env())
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, ErrorDialog)
        assert "run `wallet init` first" in static_text(app, "#reason")
