"""Pilot tests of the credential flows: import, verify each check, present, save."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Input

from tests.tui.conftest import LATER, NOW, PASSPHRASE, Credentials, locked_env, unlocked_env
from tests.tui.helpers import settle, static_text, type_text
from tui.app import WalletApp, create_app
from tui.dialogs import ErrorDialog, PassphraseDialog, PathDialog, PresentDialog
from tui.screens import CredentialScreen, CredentialsScreen, PresentationScreen
from tui.widgets import CredentialTable, VerificationTable
from wallet.services import Wallet, list_credentials, verify_presentation_text

pytestmark = pytest.mark.asyncio


def held(home: Path) -> list[str]:
    with Wallet.open(home, unlocked_env()) as wallet:
        return [c.id for c in list_credentials(wallet)]


def outcomes(app: WalletApp) -> dict[str, str]:
    table = app.screen.query_one(VerificationTable)
    rows = (table.get_row_at(i) for i in range(table.row_count))
    return {str(row[0]): str(row[1]).split()[-1] for row in rows}


def fill_path(app: WalletApp, path: Path) -> None:
    """Put a path in the open path dialog (typing a long temporary path key by key is slow)."""
    assert isinstance(app.screen, PathDialog)
    field = app.screen.query_one("#path", Input)
    field.focus()
    field.value = str(path)


async def import_file(pilot: Pilot[None], app: WalletApp, path: Path) -> None:
    await pilot.press("i")
    fill_path(app, path)
    await pilot.press("enter")
    await settle(pilot)


async def test_import_verify_present_and_save_a_credential(
    seeded_home: Path, credentials: Credentials, tmp_path: Path
) -> None:
    app = create_app(seeded_home, locked_env(), clock=lambda: NOW)
    async with app.run_test(size=(130, 45)) as pilot:
        await settle(pilot)
        # The credentials are sealed with the data key, so the list asks for the passphrase.
        await pilot.press("2")
        assert isinstance(app.screen, PassphraseDialog)
        await type_text(pilot, PASSPHRASE)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, CredentialsScreen)
        assert static_text(app, "#hint").startswith("No credentials yet")

        await import_file(pilot, app, credentials.di)
        [credential_id] = held(seeded_home)
        assert app.screen.query_one(CredentialTable).selected_id == credential_id

        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, CredentialScreen)
        assert static_text(app, "#verdict").startswith("✓ Verified")
        checks = outcomes(app)
        assert checks["proof"] == "passed"
        assert checks["validity"] == "passed"
        assert set(checks.values()) <= {"passed", "skipped"}

        await pilot.press("p")
        assert isinstance(app.screen, PresentDialog)
        await type_text(pilot, "nonce-123")
        await pilot.press("tab")
        await type_text(pilot, "verifier.example")
        await pilot.press("enter")
        await settle(pilot)

        screen = app.screen
        assert isinstance(screen, PresentationScreen)
        assert screen.report.verified is True
        assert static_text(app, "#verdict").startswith("✓ Verified")

        await pilot.press("s")
        assert app.screen.query_one("#path", Input).value == "vp.json"
        fill_path(app, tmp_path / "vp.json")
        await pilot.press("enter")
        await settle(pilot)

    saved = tmp_path / "vp.json"
    assert stat.S_IMODE(saved.stat().st_mode) == 0o600
    presentation = json.loads(saved.read_text(encoding="utf-8"))
    assert presentation["holder"] == credentials.holder
    report = verify_presentation_text(
        saved.read_text(encoding="utf-8"), challenge="nonce-123", domain="verifier.example", now=NOW
    )
    assert report.verified
    other = verify_presentation_text(
        saved.read_text(encoding="utf-8"), challenge="other", domain="verifier.example", now=NOW
    )
    assert [c.label for c in other.failures()] == ["challenge"]


async def test_an_sd_jwt_is_presented_with_only_the_chosen_disclosures(
    seeded_home: Path, credentials: Credentials, tmp_path: Path
) -> None:
    app = create_app(seeded_home, unlocked_env(), clock=lambda: NOW)
    async with app.run_test(size=(130, 45)) as pilot:
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        await import_file(pilot, app, credentials.sd_jwt)
        await pilot.press("enter")
        await settle(pilot)
        assert static_text(app, "#verdict").startswith("✓ Verified")

        await pilot.press("p")
        await type_text(pilot, "n-1")
        await pilot.press("tab")
        await type_text(pilot, "verifier.example")
        await pilot.press("tab")
        await type_text(pilot, "degree")
        await pilot.press("enter")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, PresentationScreen)
        assert screen.report.verified is True
        assert screen.report.claims is not None
        assert screen.report.claims["degree"] == "BSc Physics"
        assert "name" not in screen.report.claims
        await pilot.press("c")
        assert app.clipboard == screen.document.text()


async def test_an_sd_jwt_without_a_domain_is_refused_with_the_reason(
    seeded_home: Path, credentials: Credentials
) -> None:
    app = create_app(seeded_home, unlocked_env(), clock=lambda: NOW)
    async with app.run_test(size=(130, 45)) as pilot:
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        await import_file(pilot, app, credentials.sd_jwt)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("p")
        await type_text(pilot, "n-1")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ErrorDialog)
        assert "domain" in static_text(app, "#reason")


async def test_an_expired_credential_shows_which_check_failed(
    seeded_home: Path, credentials: Credentials
) -> None:
    app = create_app(seeded_home, unlocked_env(), clock=lambda: LATER)
    async with app.run_test(size=(130, 45)) as pilot:
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        # Import keeps an expired credential: validity is judged when it is presented.
        await import_file(pilot, app, credentials.expired)
        await pilot.press("enter")
        await settle(pilot)
        assert static_text(app, "#verdict") == "✗ Not verified: 1 check(s) failed."
        checks = outcomes(app)
        assert checks["validity"] == "failed"
        assert checks["proof"] == "passed"


async def test_a_tampered_credential_is_not_imported_and_the_reason_is_shown(
    seeded_home: Path, credentials: Credentials, tmp_path: Path
) -> None:
    document = json.loads(credentials.di.read_text(encoding="utf-8"))
    document["credentialSubject"]["degree"] = "PhD Physics"
    forged = tmp_path / "forged.json"
    forged.write_text(json.dumps(document), encoding="utf-8")
    app = create_app(seeded_home, unlocked_env(), clock=lambda: NOW)
    async with app.run_test(size=(130, 45)) as pilot:
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        await import_file(pilot, app, forged)
        assert isinstance(app.screen, ErrorDialog)
        assert static_text(app, "#reason").startswith("not imported: proof")
    assert held(seeded_home) == []


async def test_a_missing_file_is_an_error_not_a_crash(seeded_home: Path, tmp_path: Path) -> None:
    app = create_app(seeded_home, unlocked_env(), clock=lambda: NOW)
    async with app.run_test(size=(130, 45)) as pilot:
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        await import_file(pilot, app, tmp_path / "absent.json")
        assert isinstance(app.screen, ErrorDialog)
        assert "absent.json" in static_text(app, "#reason")
