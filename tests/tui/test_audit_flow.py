"""Pilot tests of the audit screen: live progress, and the same verdict as `wallet audit`."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from textual.widgets import Input, ProgressBar

from tests.tui.conftest import locked_env
from tests.tui.helpers import settle, static_text
from tests.wallet.fakes import fixed_environment
from tui.app import create_app
from tui.messages import AuditProgress
from tui.screens import AuditScreen
from tui.widgets import VerificationTable
from wallet.services import run_demo

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def record(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The exported record of a whole demo election (5 voters, one challenged ballot)."""
    out = tmp_path_factory.mktemp("demo")
    run_demo(out, fixed_environment({}))
    return out / "record"


@pytest.fixture(scope="module")
def tampered(record: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The same record with one ballot entry's bytes changed."""
    copy = tmp_path_factory.mktemp("tampered") / "record"
    shutil.copytree(record, copy)
    entries = (copy / "entries.jsonl").read_text(encoding="utf-8").splitlines()
    index = next(i for i, line in enumerate(entries) if '"type":"ballot"' in line)
    entries[index] = entries[index].replace('"created":"', '"created":"1', 1)
    (copy / "entries.jsonl").write_text("\n".join(entries) + "\n", encoding="utf-8")
    return copy


def cli_audit(record: Path) -> tuple[int, str]:
    done = subprocess.run(
        [sys.executable, "-m", "wallet", "audit", str(record)],
        capture_output=True, text=True, cwd=ROOT, check=False, timeout=120,
    )  # fmt: skip
    return done.returncode, done.stdout + done.stderr


async def audit_in_tui(home: Path, record: Path) -> tuple[str, list[str], list[AuditProgress]]:
    """Run the audit screen on `record`; its verdict, failed check ids and progress messages."""
    seen: list[AuditProgress] = []

    def hook(message: object) -> None:
        if isinstance(message, AuditProgress):
            seen.append(message)

    app = create_app(home, locked_env())
    async with app.run_test(size=(130, 40), message_hook=hook) as pilot:
        await settle(pilot)
        await pilot.press("5")
        assert isinstance(app.screen, AuditScreen)
        await pilot.press("o")
        app.screen.query_one("#path", Input).value = str(record)
        await pilot.press("enter")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, AuditScreen)
        bar = screen.query_one(ProgressBar)
        assert bar.total is not None and bar.progress == bar.total
        table = screen.query_one(VerificationTable)
        rows = [table.get_row_at(i) for i in range(table.row_count)]
        labels = [str(r[0]).split()[0] for r in rows if str(r[0])]
        assert labels == [f"V{n}" for n in range(1, 15)]
        verdict = static_text(app, "#verdict")
        failed = [str(r[0]).split()[0] for r in rows if "failed" in str(r[1])]
    return verdict, failed, seen


@pytest.mark.asyncio
async def test_a_clean_record_passes_with_live_progress(home: Path, record: Path) -> None:
    verdict, failed, progress = await audit_in_tui(home, record)
    assert verdict.startswith("✓ Audit PASSED: election demo-election")
    assert failed == []
    # The ballot proofs reported their progress while they were verified.
    assert progress, "no progress was reported"
    assert progress[-1].done == progress[-1].total > 0
    code, _ = cli_audit(record)
    assert code == 0


@pytest.mark.asyncio
async def test_a_tampered_record_fails_as_wallet_audit_says(home: Path, tampered: Path) -> None:
    verdict, failed, _ = await audit_in_tui(home, tampered)
    assert verdict.startswith("✗ Audit FAILED")
    code, output = cli_audit(tampered)
    assert code == 1
    assert failed
    assert f"audit failed: {', '.join(failed)}" in output
