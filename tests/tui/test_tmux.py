"""Drives the real `wallet tui` in tmux: create a DID, and cast a ballot with the keyboard alone."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.tui.conftest import PASSPHRASE
from tests.tui.election import BOARD_PASSPHRASE, election_environ, make_election

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")


class Tmux:
    """One tmux server on a private socket, so the test never touches a user's sessions.

    The server gets no COLUMNS or LINES (the test runner may set them): a program that
    finds them believes them over the size of its terminal.
    """

    def __init__(self, config: Path) -> None:
        self.socket = f"ssi-wallet-test-{uuid.uuid4().hex[:12]}"
        self.config = config
        config.write_text("", encoding="utf-8")
        self.env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES")}

    def run(self, *args: str) -> str:
        done = subprocess.run(
            ["tmux", "-L", self.socket, "-f", str(self.config), *args],
            capture_output=True,
            text=True,
            env=self.env,
            check=True,
            timeout=10,
        )
        return done.stdout

    def screen(self) -> str:
        return self.run("capture-pane", "-p", "-t", "tui")

    def wait_for(self, text: str, timeout: float = 20.0) -> str:
        """Poll the pane until `text` shows, or fail with what was on screen."""
        deadline = time.monotonic() + timeout
        while True:
            screen = self.screen()
            if text in screen:
                return screen
            if time.monotonic() > deadline:
                raise AssertionError(f"{text!r} never appeared; the screen was:\n{screen}")
            time.sleep(0.1)

    def alive(self) -> bool:
        """Whether the session still runs (tmux exits with its last session)."""
        done = subprocess.run(
            ["tmux", "-L", self.socket, "has-session", "-t", "tui"],
            capture_output=True,
            env=self.env,
            check=False,
            timeout=10,
        )
        return done.returncode == 0

    def keys(self, *keys: str) -> None:
        self.run("send-keys", "-t", "tui", *keys)


@pytest.fixture
def tmux(tmp_path: Path) -> Iterator[Tmux]:
    server = Tmux(tmp_path / "tmux.conf")
    yield server
    subprocess.run(["tmux", "-L", server.socket, "kill-server"], capture_output=True, check=False)


def wallet_cli(
    home: Path, *args: str, check: bool = True, extra: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DBUS_", "WALLET_"))}
    env["WALLET_PASSPHRASE"] = PASSPHRASE
    env.update(extra or {})
    return subprocess.run(
        [sys.executable, "-m", "wallet", "--home", str(home), *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        check=check,
        timeout=60,
    )


def start_tui(tmux: Tmux, home: Path, environ: dict[str, str]) -> None:
    """Start `wallet tui` in a 120x40 window, with `environ` in the session's environment."""
    settings = [arg for name, value in environ.items() for arg in ("-e", f"{name}={value}")]
    command = f"{sys.executable} -m wallet --home {home} tui"
    tmux.run(
        "new-session", "-d", "-s", "tui", "-x", "120", "-y", "40", *settings,
        "-c", str(ROOT), command,
    )  # fmt: skip


def quit_tui(tmux: Tmux) -> None:
    tmux.keys("q")
    deadline = time.monotonic() + 10
    while tmux.alive():
        assert time.monotonic() < deadline, "the TUI did not quit on q"
        time.sleep(0.1)


def test_create_a_did_in_the_real_tui(tmp_path: Path, tmux: Tmux) -> None:
    home = tmp_path / "wallet"
    wallet_cli(home, "--keystore", "file", "init")
    start_tui(tmux, home, {"WALLET_PASSPHRASE": PASSPHRASE})
    tmux.wait_for("No identities yet")
    assert "n New DID" in tmux.screen()

    tmux.keys("n")
    tmux.wait_for("New identity")
    tmux.keys("ballot-voter", "Enter")
    screen = tmux.wait_for("1 identity.")

    [listed] = json.loads(wallet_cli(home, "--json", "did", "list").stdout)
    assert listed["label"] == "ballot-voter"
    assert listed["did"] in screen
    assert "ballot-voter" in screen
    quit_tui(tmux)


def test_cast_a_ballot_in_the_real_tui_and_check_its_receipt(tmp_path: Path, tmux: Tmux) -> None:
    # The real TUI runs on the system clock, so the election's window is placed around it.
    world = make_election(
        tmp_path, datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=30)
    )
    # The board's passphrase is not in the environment: the TUI asks for it when casting.
    start_tui(tmux, world.voter_home, {"WALLET_PASSPHRASE": PASSPHRASE})
    tmux.wait_for("n New DID")
    tmux.keys("3")
    tmux.wait_for("o Open board")
    tmux.keys("o")
    tmux.wait_for("Open a board")
    tmux.keys(str(world.board), "Enter")
    tmux.wait_for("town-vote")
    tmux.keys("Enter")
    tmux.wait_for("Mayor (1 of 3)")
    tmux.keys("Space")
    tmux.wait_for("Chosen: Ada.")
    tmux.keys("n")
    tmux.wait_for("New library (2 of 3)")
    tmux.keys("n")
    tmux.wait_for("Review (3 of 3)")
    tmux.wait_for("Mayor: Ada")
    tmux.keys("c")
    tmux.wait_for("Unlock the board's key")
    tmux.keys(BOARD_PASSPHRASE, "Enter")
    screen = tmux.wait_for("Inclusion passed")
    code = re.search(r"Tracking code\s+([0-9a-f]{16,})", screen)
    assert code is not None, screen
    quit_tui(tmux)

    checked = wallet_cli(
        world.voter_home, "receipt", "check", code.group(1), extra=election_environ()
    )
    assert checked.returncode == 0, checked.stderr
