"""Drives the real `wallet tui` in tmux: create a DID; cast a ballot with the keyboard alone; and,
at 80x24 and at 160x50, vote with review and confirmation, see a result, and audit an election
chosen among two on one board. Every wait polls the pane for text, with a deadline."""

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
from tests.tui.election import (
    BOARD_PASSPHRASE,
    ELECTION,
    SECOND,
    ElectionWorld,
    add_election,
    election_environ,
    finish_election,
    make_election,
)

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

    def wait_for(self, *texts: str, pattern: str | None = None, timeout: float = 20.0) -> str:
        """Poll the pane until every one of `texts` (and `pattern`, a regular expression)
        shows at once, or fail with what was on screen (a screen is drawn in parts, so its
        footer may come after its body)."""
        deadline = time.monotonic() + timeout
        while True:
            screen = self.screen()
            found = pattern is None or re.search(pattern, screen) is not None
            if found and all(text in screen for text in texts):
                return screen
            if time.monotonic() > deadline:
                raise AssertionError(
                    f"{texts!r} ({pattern}) never all appeared; the screen was:\n{screen}"
                )
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


def start_tui(
    tmux: Tmux,
    home: Path,
    environ: dict[str, str],
    size: tuple[int, int] = (120, 40),
    cwd: Path = ROOT,
) -> None:
    """Start `wallet tui` in a window of `size`, with `environ` in the session's environment."""
    settings = [arg for name, value in environ.items() for arg in ("-e", f"{name}={value}")]
    command = f"{sys.executable} -m wallet --home {home} tui"
    width, height = size
    tmux.run(
        "new-session", "-d", "-s", "tui", "-x", str(width), "-y", str(height), *settings,
        "-c", str(cwd), command,
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
    tmux.wait_for("o Add board")
    tmux.keys("o")
    tmux.wait_for("Add a board")
    tmux.keys(str(world.board), "Enter")
    tmux.wait_for("town-vote")
    tmux.keys("Enter")
    tmux.wait_for("Mayor (1 of 4)")
    tmux.keys("Space")
    tmux.wait_for("Chosen: Ada.")
    tmux.keys("Enter")
    tmux.wait_for("New library (2 of 4)")
    tmux.keys("Enter")
    tmux.wait_for("Projects (3 of 4)")
    tmux.keys("Enter")
    tmux.wait_for("Review your ballot (4 of 4)")
    tmux.wait_for("Mayor: Ada")
    tmux.keys("v")
    tmux.wait_for("Cast this ballot?")
    tmux.keys("y")
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


# At the least a terminal gives, and at a roomy size: one board with a finished election and
# an open one, made once on the system clock, copied for each size.


@pytest.fixture(scope="module")
def two_elections(tmp_path_factory: pytest.TempPathFactory) -> ElectionWorld:
    root = tmp_path_factory.mktemp("tmux-board")
    start = datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=30)
    world = make_election(root, start)
    finish_election(root, world, root / "record")
    add_election(world)
    return world


def fits(screen: str, width: int) -> None:
    """Every line of the pane within its width (nothing pushed off screen), and the footer
    whole: its last key, F1, still shows its name."""
    assert all(len(line) <= width for line in screen.splitlines()), screen
    assert "F1 Keys" in screen, screen


@pytest.mark.parametrize("size", [(80, 24), (160, 50)], ids=["80x24", "160x50"])
def test_vote_result_and_audit_at_each_size(
    two_elections: ElectionWorld, tmp_path: Path, tmux: Tmux, size: tuple[int, int]
) -> None:
    copy = tmp_path / "w"
    shutil.copytree(two_elections.root, copy)
    width = size[0]
    start_tui(tmux, copy / "voter", election_environ(), size=size, cwd=copy)
    tmux.wait_for("1 Identities")
    tmux.keys("3")
    tmux.wait_for("o Add board")
    tmux.keys("o")
    tmux.wait_for("Add a board")
    tmux.keys("board.sqlite", "Enter")
    screen = tmux.wait_for(SECOND, "⏎ Open", "a Audit", "F1 Keys")
    fits(screen, width)

    # The finished election: its counts, what was excluded, the audit's verdict.
    tmux.keys("Enter")
    screen = tmux.wait_for(
        "Result: Town vote", "No ballot was excluded", "Audit PASSED", "r Audit again", "F1 Keys",
        pattern=r"Mayor\s+Ada\s+1\s",
    )  # fmt: skip
    fits(screen, width)
    # Each key waits for the screen to show the last one's effect: a key sent while the
    # terminal still decides whether Escape starts a sequence would be read with it.
    tmux.keys("Escape")
    tmux.wait_for("Enter shows the result")
    tmux.keys("Down")
    tmux.wait_for("Enter opens the ballot")
    tmux.keys("Enter")

    # The open one: the ballot, its review, the confirmation, the receipt.
    tmux.wait_for("Budget (1 of 2)")
    tmux.keys("Down", "Space")
    tmux.wait_for("(•) Generous")
    tmux.keys("Enter")
    screen = tmux.wait_for(
        "Review your ballot (2 of 2)", "Budget: Generous", "v Cast vote", "F1 Keys"
    )
    fits(screen, width)
    tmux.keys("v")
    screen = tmux.wait_for("Cast this ballot?", "Cast (y)")
    assert f"as {two_elections.voter}" in screen, screen
    tmux.keys("y")
    screen = tmux.wait_for("Inclusion passed", "F1 Keys")
    fits(screen, width)

    # The audit, with a choice between the board's two elections.
    tmux.keys("Escape")
    tmux.wait_for("⏎ Open")
    tmux.keys("5")
    tmux.wait_for(f"Enter audits {ELECTION}", SECOND, "⏎ Audit")
    tmux.keys("Down")
    tmux.wait_for(f"Enter audits {SECOND}")
    tmux.keys("Enter")
    screen = tmux.wait_for(f"Audit PASSED: election {SECOND}", "F1 Keys")
    assert f"Election {SECOND} on board.sqlite" in screen
    fits(screen, width)
    quit_tui(tmux)

    with_receipt = wallet_cli(copy / "voter", "--json", "receipt", "list", extra=election_environ())
    [receipt] = json.loads(with_receipt.stdout)
    assert receipt["election"] == SECOND
