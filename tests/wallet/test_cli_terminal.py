"""On a terminal: colour (never with NO_COLOR, never in a pipe), confirmation prompts for
final actions, and `election new` asking for what its flags would say."""

from __future__ import annotations

import io
import json
import sys
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import pytest

from tests.wallet.cli_helpers import Run, wallet
from tests.wallet.credential_helpers import CliWallet, make_cli_wallet
from tests.wallet.fakes import MovingClock, SeededStream
from wallet.cli import main
from wallet.services import Environment


class _Terminal(io.StringIO):
    """A stdout that says it is a terminal."""

    def isatty(self) -> bool:
        return True


def on_terminal(env: dict[str, str], *args: str | Path, answers: str = "") -> Run:
    """Run `wallet ARGS` as on a terminal: stdout a tty, a person typing `answers`."""
    out, err = _Terminal(), io.StringIO()
    stdin_was = sys.stdin
    sys.stdin = io.StringIO(answers)
    environment = Environment(
        environ=env, interactive=True, clock=MovingClock(), rng=SeededStream(b"terminal")
    )
    try:
        with redirect_stdout(out), redirect_stderr(err):
            code = main([str(a) for a in args], env=environment)
    finally:
        sys.stdin = stdin_was
    return Run(code, out.getvalue(), err.getvalue())


@pytest.fixture(scope="module")
def cli(tmp_path_factory: pytest.TempPathFactory) -> CliWallet:
    return make_cli_wallet(tmp_path_factory.mktemp("cli-terminal"))


GREEN_CHECK = "\x1b[32m✓\x1b[0m"


def test_verification_is_coloured_on_a_terminal_only_and_never_with_no_color(
    cli: CliWallet,
) -> None:
    issued = cli.issue("coloured.json", "--claim", "a=1")
    args = ("credential", "verify", issued, "--trust-any")
    coloured = on_terminal(cli.env, *args)
    assert coloured.code == 0 and GREEN_CHECK in coloured.stdout
    assert coloured.stdout.rstrip().endswith("\x1b[32mverified\x1b[0m")
    plain = on_terminal(cli.env | {"NO_COLOR": "1"}, *args)
    assert plain.code == 0 and "\x1b[" not in plain.stdout
    assert plain.stdout.splitlines()[-1] == "verified"
    piped = wallet(*args, env=cli.env)
    assert piped.code == 0 and "\x1b[" not in piped.stdout


def test_a_final_action_asks_and_a_no_changes_nothing(cli: CliWallet) -> None:
    held = cli.hold(cli.issue("asked.json", "--claim", "a=2"))
    declined = on_terminal(cli.env, "credential", "delete", held, answers="n\n")
    assert declined.code == 1 and "cancelled; nothing changed" in declined.stderr
    assert cli.ok("credential", "show", held, "--json").json()["id"] == held
    agreed = on_terminal(cli.env, "credential", "delete", held, "--json", answers="y\n")
    assert agreed.code == 0 and json.loads(agreed.stdout) == {"deleted": held}


@pytest.mark.parametrize("step", ["close", "tally"])
def test_closing_and_tallying_ask_first_on_a_terminal(cli: CliWallet, step: str) -> None:
    # The question comes before anything is read or posted; "no" leaves the board untouched.
    board = cli.files / f"never-{step}.sqlite"
    declined = on_terminal(
        cli.env, "election", step, "mayor", "--board", board, "--as", "issuer", answers="n\n"
    )
    assert declined.code == 1, declined.stderr
    assert f"{step} mayor" in declined.stderr and "cancelled" in declined.stderr
    assert not board.exists()


def test_election_new_asks_on_a_terminal(cli: CliWallet) -> None:
    answers = "mayor-2026\nMayor 2026\nMayor\nada, bob, cy\n1\nFund the park?\n\n\n\n"
    asked = on_terminal(cli.env, "election", "new", answers=answers)
    assert asked.code == 0, asked.stderr
    manifest = json.loads(asked.stdout)
    assert (manifest["electionId"], manifest["title"]) == ("mayor-2026", "Mayor 2026")
    mayor, park = manifest["contests"]
    assert [o["id"] for o in mayor["options"]] == ["ada", "bob", "cy"]
    assert (mayor["minSelections"], mayor["maxSelections"]) == (0, 1)
    assert park["id"] == "fund-the-park" and [o["id"] for o in park["options"]] == ["yes", "no"]


def test_lists_are_aligned_tables_on_a_terminal_and_tab_separated_in_a_pipe(
    cli: CliWallet,
) -> None:
    shown = on_terminal(cli.env, "did", "list").stdout.splitlines()
    assert shown[0].split() == ["DID", "LABEL"]
    labels = ("issuer", "alice", "bob")
    columns = {line.index(label) for line, label in zip(shown[1:], labels, strict=True)}
    assert len(columns) == 1  # The labels start in one column.
    piped = wallet("did", "list", env=cli.env).stdout.splitlines()
    assert [line.split("\t")[1] for line in piped] == ["issuer", "alice", "bob"]


def _summary(phase: str, **extra: object) -> dict[str, object]:
    return {
        "election": "mayor", "phase": phase, "trustees": ["a", "b", "c"], "threshold": 2,
        "keys": [1, 2], "shares": [1], "decryptionShares": [3],
        "window": {"opens": "2026-03-01T09:00:00Z", "closes": "2026-03-02T09:00:00Z"},
    } | extra  # fmt: skip


@pytest.mark.parametrize(
    ("phase", "minutes", "says"),
    [
        ("setup", 0, "2 of 3 keys, 1 of 3 shares posted): each trustee runs `wallet trustee"),
        ("open", -30, "voting opens 2026-03-01"),
        ("open", 60, "voters run `wallet vote mayor --choice CONTEST=OPTION`; voting closes"),
        ("open", 60 * 25, "the authority runs `wallet election finish mayor`"),
        ("tallied", 60 * 25, "decryption: 1 of the 2 shares needed"),
    ],
)  # fmt: skip
def test_election_show_says_what_happens_next_and_when(phase: str, minutes: int, says: str) -> None:
    from datetime import UTC, datetime, timedelta

    from wallet.cli._election_text import next_step

    now = datetime(2026, 3, 1, 9, 0, tzinfo=UTC) + timedelta(minutes=minutes)
    assert says in next_step(_summary(phase), now)
