"""Pilot test of a board server in the TUI: add it by URL, list its elections, vote (no board
passphrase: the server signs), see and check the receipt, and audit the election from the
URL. The board is served on 127.0.0.1 over real HTTPS (a test CA, given to the wallet with
WALLET_CA_FILE) and over plain HTTP (allowed on loopback only)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from textual.widgets import Input

from tests.serving import make_test_ca
from tests.tui.election import ELECTION, SNAPSHOT_START, election_env, make_election
from tests.tui.helpers import settle, static_text
from tests.tui.test_elections_flow import confirm
from tests.wallet.board_helpers import make_host, make_service, served
from tui.app import create_app
from tui.dialogs import LocationDialog
from tui.screens import AuditScreen, BallotScreen, ReceiptScreen, ReceiptsScreen
from tui.widgets import ElectionTable, FittedTable
from wallet.services import Wallet, check_receipt, list_receipts

pytestmark = pytest.mark.asyncio

#: The board's clock and the voter's: inside the window, within the board's clock skew of
#: the setup's entries.
AT = SNAPSHOT_START + timedelta(minutes=5)


@pytest.fixture(params=["https", "http"])
def served_board(
    request: pytest.FixtureRequest, tmp_path: Path
) -> Iterator[tuple[str, Path | None]]:
    """(the board's URL, the CA file its clients need, if any)."""
    ca = make_test_ca(tmp_path) if request.param == "https" else None
    host = make_host(str(tmp_path / "served.db"), tmp_path / "board-keys")
    service = make_service(host, tmp_path / "board-keys", lambda: AT)
    with served(service, tls=None if ca is None else ca.tls) as running:
        yield running.url, None if ca is None else ca.ca_file


async def test_vote_and_audit_on_a_board_server(
    served_board: tuple[str, Path | None], tmp_path: Path
) -> None:
    url, ca_file = served_board
    assert url.startswith("https://" if ca_file else "http://127.0.0.1:")
    world = make_election(tmp_path / "homes", board=url, ca_file=ca_file)
    # Only the wallet's passphrase: a board server never needs its key's.
    environ = {"WALLET_PASSPHRASE": "tui test passphrase"}
    if ca_file is not None:
        environ["WALLET_CA_FILE"] = str(ca_file)
    env = election_env(clock=lambda: AT, environ=environ)
    app = create_app(world.voter_home, env)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("3")
        await settle(pilot)
        await pilot.press("o")
        assert isinstance(app.screen, LocationDialog)
        app.screen.query_one("#path", Input).value = url
        await pilot.press("enter")
        await settle(pilot)
        table = app.screen.query_one(ElectionTable)
        assert table.selected is not None
        assert (table.selected["election"], table.selected["board"]) == (ELECTION, url)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, BallotScreen)
        await pilot.press("down", "space", "enter", "enter", "enter")  # Mayor: Bob
        await confirm(pilot, app, "v")
        receipt = app.screen
        assert isinstance(receipt, ReceiptScreen)
        assert static_text(app, "#status").startswith("✓ Inclusion passed")
        assert url in static_text(app, "#about")

        await pilot.press("escape", "4")
        await settle(pilot)
        assert isinstance(app.screen, ReceiptsScreen)
        assert app.screen.query_one(FittedTable).row_count == 1

        # The audit screen lists the server's election (the wallet follows it now).
        await pilot.press("5")
        await settle(pilot)
        assert isinstance(app.screen, AuditScreen)
        await pilot.press("enter")
        await settle(pilot)
        assert static_text(app, "#record") == f"Election {ELECTION} on {url}"
        assert static_text(app, "#verdict").startswith("✓ Audit PASSED: election town-vote")

    with Wallet.open(world.voter_home, env) as wallet:
        [stored] = list_receipts(wallet)
        assert stored.board == url
        assert check_receipt(wallet, stored.id).index >= 0
