"""Pilot test of a credential whose status lists are not at hand: its status is shown as
unknown (not as a failure with a parsing error), and the lists load from files."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Input

from tests.serving import make_test_ca
from tests.tui.conftest import CREATED, NOW, unlocked_env
from tests.tui.helpers import settle, static_text
from tui.app import create_app
from tui.dialogs import ErrorDialog, LocationDialog
from tui.screens import CredentialScreen
from tui.widgets import VerificationTable
from wallet.server import Guard, Limits, Running
from wallet.services import (
    Wallet,
    create_status_list,
    import_credential,
    issue_credential,
    list_identities,
    publish_status_list,
)


@pytest.fixture
def lists(seeded_home: Path, tmp_path: Path) -> list[Path]:
    """The wallet holds a credential its "issuer" gave with a status list (urn ids, so they
    are never fetched); the two list credentials are written to files, not to the wallet."""
    with Wallet.open(seeded_home, unlocked_env()) as wallet:
        holder = next(i.did for i in list_identities(wallet) if i.label == "personal")
        create_status_list(wallet, "staff", issuer="issuer", now=CREATED)
        document = issue_credential(
            wallet, issuer="issuer", subject=holder, types=["StaffCard"],
            claims={"name": "Alice Example"}, now=CREATED, status_list="staff",
            choose_index=lambda size: 7,
        )  # fmt: skip
        import_credential(wallet, document.text(), now=CREATED)
        files = []
        for purpose in ("revocation", "suspension"):
            listed = publish_status_list(wallet, "staff", purpose=purpose, now=CREATED)
            path = tmp_path / f"{purpose}.json"
            path.write_text(json.dumps(listed), encoding="utf-8")
            files.append(path)
    return files


async def _load(pilot: Pilot[None], value: str) -> None:
    """Press l, give `value` (a file or a URL), and wait for the verification to rerun."""
    await pilot.press("l")
    dialog = pilot.app.screen
    assert isinstance(dialog, LocationDialog)
    dialog.query_one(Input).value = value
    await pilot.press("enter")
    await settle(pilot)


@pytest.mark.asyncio
async def test_an_absent_status_list_is_unknown_and_loads_from_files(
    seeded_home: Path, lists: list[Path]
) -> None:
    app = create_app(seeded_home, unlocked_env(), clock=lambda: NOW)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, CredentialScreen)
        verdict = static_text(app, "#verdict")
        assert verdict.startswith("? Status unknown: every other check passed")
        table = app.screen.query_one(VerificationTable)
        rows = [[str(c) for c in table.get_row_at(i)] for i in range(table.row_count)]
        status = next(r for r in rows if r[0] == "status")
        assert status[1] == "? unknown"
        assert "PARSING_ERROR" not in " ".join(" ".join(r) for r in rows)

        # A URL that is not the credential's own list is refused, saying whose it is.
        await _load(pilot, "https://elsewhere.example/list")
        assert isinstance(app.screen, ErrorDialog)
        assert "is not this credential's status list" in app.screen.reason
        await pilot.press("enter")
        await pilot.pause()

        await _load(pilot, str(lists[0]))
        # One of the two lists: the other still unknown, and still offered.
        assert static_text(app, "#verdict").startswith("? Status unknown")
        await _load(pilot, str(lists[1]))
        assert static_text(app, "#verdict").startswith("✓ Verified")
        rows = [[str(c) for c in table.get_row_at(i)] for i in range(table.row_count)]
        assert next(r for r in rows if r[0] == "status")[1] == "✓ passed"
        # With nothing left to load, l is no longer offered.
        assert app.screen.check_action("load_status_list", ()) is False


def test_snapshot_of_an_unknown_status_at_80x24(
    snap_compare: Callable[..., bool], seeded_home: Path, lists: list[Path]
) -> None:
    async def open_credential(pilot: Pilot[None]) -> None:
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)

    app = create_app(seeded_home, unlocked_env(), clock=lambda: NOW)
    assert snap_compare(app, terminal_size=(80, 24), run_before=open_credential)


@pytest.mark.asyncio
async def test_a_status_list_is_fetched_from_its_own_url_when_asked(
    seeded_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The lists are served over HTTPS on 127.0.0.1: refused while verifying (this machine is
    a private host), fetched once the holder asks for that URL."""
    ca = make_test_ca(tmp_path)
    lists: dict[str, bytes] = {}

    async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
        body = lists.get(scope["path"])
        await send(
            {
                "type": "http.response.start",
                "status": 200 if body is not None else 404,
                "headers": [(b"content-type", b"application/vc+ld+json")],
            }
        )
        await send({"type": "http.response.body", "body": body or b""})

    server = Running(Guard(app, Limits()), tls=ca.tls)  # type: ignore[arg-type]
    base = f"https://127.0.0.1:{server.port}/lists"
    with Wallet.open(seeded_home, unlocked_env()) as wallet:
        holder = next(i.did for i in list_identities(wallet) if i.label == "personal")
        create_status_list(wallet, "staff", issuer="issuer", now=CREATED, url=base)
        document = issue_credential(
            wallet, issuer="issuer", subject=holder, types=["StaffCard"],
            claims={"name": "Alice Example"}, now=CREATED, status_list="staff",
            choose_index=lambda size: 7,
        )  # fmt: skip
        import_credential(wallet, document.text(), now=CREATED)
        for purpose in ("revocation", "suspension"):
            listed = publish_status_list(wallet, "staff", purpose=purpose, now=CREATED)
            lists[f"/lists/{purpose}"] = json.dumps(listed).encode()
    # The fetch trusts the test CA through SSL_CERT_FILE, as a user's environment would.
    monkeypatch.setenv("SSL_CERT_FILE", str(ca.ca_file))
    app_ = create_app(seeded_home, unlocked_env(), clock=lambda: NOW)
    with server:
        async with app_.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            await pilot.press("2")
            await settle(pilot)
            await pilot.press("enter")
            await settle(pilot)
            assert static_text(app_, "#verdict").startswith("? Status unknown")
            await pilot.press("l")
            dialog = app_.screen
            assert isinstance(dialog, LocationDialog)
            # The dialog offers the credential's own URL; Enter fetches it.
            assert dialog.query_one(Input).value == f"{base}/revocation"
            await pilot.press("enter")
            await settle(pilot)
            assert static_text(app_, "#verdict").startswith("✓ Verified")
