"""The README's table, continued: every election, trustee, vote, audit, board, witness, demo,
config, backup and setup command that outputs data prints JSON with `--json` before and after
the command; `-` is stdin or stdout where these read or write a file; their exit codes are the
README's.

Each position runs its own elections on one local board, in-process, with homes for the
authority, two trustees and a voter, on a clock the test moves. A last test checks that no
command of the README that takes `--json` is missing from these runs or test_cli_readme's.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from tests.wallet.cli_helpers import ROOT, Run, file_env, wallet
from tests.wallet.fakes import MovingClock
from tests.wallet.test_cli_help import LEAVES
from tests.wallet.test_cli_readme import JSON_RUNS

POSITIONS = ("before", "after")
PEOPLE = ("authority", "t1", "t2", "v1")
# Commands of the README that take --json but need a live counterpart (an OpenID4VC wallet
# or issuer across the network): test_cli_exchange runs them with --json in both positions
# (test_cli_exchange_json.py).
ELSEWHERE = {"credential offer", "credential receive", "present", "presentation request"}


@dataclass
class World:
    root: Path
    clock: MovingClock
    dids: dict[str, str] = field(default_factory=dict)
    receipts: dict[str, str] = field(default_factory=dict)
    covered: dict[str, set[str]] = field(default_factory=dict)

    @property
    def board(self) -> Path:
        return self.root / "board.sqlite"

    def env(self, who: str) -> dict[str, str]:
        return file_env(
            WALLET_HOME=str(self.root / who),
            WALLET_BOARD_PASSPHRASE="board passphrase",
            WALLET_BACKUP_PASSPHRASE="backup passphrase",
            WALLET_WITNESS_PASSPHRASE="witness passphrase",
        )

    def run(self, who: str, *args: str | Path, stdin: str = "") -> Run:
        self.clock.advance(seconds=5)
        return wallet(*args, env=self.env(who), stdin=stdin, clock=self.clock)

    def ok(self, who: str, *args: str | Path, stdin: str = "") -> Run:
        done = self.run(who, *args, stdin=stdin)
        assert done.code == 0, (who, args, done.stderr)
        return done

    def json(self, who: str, pos: str, command: str, *args: str | Path, stdin: str = "") -> Any:
        """Run `wallet COMMAND ARGS` with --json in position `pos`; its stdout must parse."""
        words = command.split()
        given = ("--json", *words, *args) if pos == "before" else (*words, *args, "--json")
        done = self.ok(who, *given, stdin=stdin)
        self.covered.setdefault(command, set()).add(pos)
        return json.loads(done.stdout)


def _election(world: World, pos: str, name: str, *, json_steps: bool) -> None:
    """Create election `name`, do its ceremony, open it and cast v1's ballot (and a
    challenge); with `json_steps`, each of these commands runs with --json at `pos`."""

    def step(who: str, command: str, *args: str | Path) -> Any:
        if json_steps:
            return world.json(who, pos, command, *args)
        return world.ok(who, *command.split(), *args)

    people = world.root / "trustees.txt"
    created = step(
        "authority", "election create", "--id", name, "--contest", "Mayor: ada, bob",
        "--question", "Fund the park?", "--trustees", people, "--threshold", "1",
        "--credential-type", "VoterCredential", "--closes", "+1h", "--board", world.board,
    )  # fmt: skip
    if json_steps:
        assert created["type"] == "election"
    for command, who in (("keygen", "t1"), ("keygen", "t2"), ("shares", "t1"), ("shares", "t2")):
        step(who, f"trustee {command}", name, "--board", world.board)
    # t1's acknowledgement, the one step of the ceremony left: `follow` does it and stops.
    step("t1", "trustee follow", name, "--board", world.board, "--ceremony-only")
    # `open --wait` (for the `finish` elections) finds the ceremony done and opens at once.
    wait = [] if json_steps else ["--wait"]
    opened = step("authority", "election open", name, "--board", world.board, *wait)
    if json_steps:
        assert opened["launchCode"]
    credential = world.root / "creds" / "v1.json"
    vote = ("--board", world.board, "--credential", credential, "--choice", "mayor=ada")
    cast = step("v1", "vote", name, *vote, "--choice", "fund-the-park=yes")
    if json_steps:
        world.receipts[name] = cast["receipt"]
    step("v1", "vote", name, *vote, "--challenge")


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    made = World(tmp_path_factory.mktemp("cli-readme-elections"), MovingClock())
    lines = []
    for who in PEOPLE:
        pos = "before" if who in ("authority", "t2") else "after"
        data = made.json(who, pos, "init", "--keystore", "file", "--label", who)
        made.dids[who] = data["identity"]["did"]
        lines.append(f"{who} {made.dids[who]}")
    (made.root / "trustees.txt").write_text("\n".join(lines[1:3]) + "\n")
    # The authority issues v1's eligibility credential from a list on stdin.
    made.json("authority", "after", "credential issue", "--issuer", "authority",
              "--subjects", "-", "--type", "VoterCredential", "--claim", "role=voter",
              "-o", made.root / "creds",
              stdin=f"v1 {made.dids['v1']}\n")  # fmt: skip
    yield made


@pytest.fixture(scope="module")
def finished(world: World) -> World:
    """Per position: election `e-POS` through each single step, `f-POS` through `finish`."""
    for pos in POSITIONS:
        _election(world, pos, f"e-{pos}", json_steps=True)
        _election(world, pos, f"f-{pos}", json_steps=False)
    world.clock.advance(hours=2)  # Past both windows.
    for pos in POSITIONS:
        e, f, board = f"e-{pos}", f"f-{pos}", ("--board", world.board)
        world.json("authority", pos, "election close", e, *board, "--yes")
        world.json("authority", pos, "election tally", e, *board, "--yes")
        world.json("t1", pos, "trustee decrypt", e, *board)
        result = world.json("authority", pos, "election result", e, *board, "--as", "authority")
        counts = {c["contest"]: {r["option"]: r["count"] for r in c["counts"]}
                  for c in result["contests"]}  # fmt: skip
        assert counts["mayor"] == {"ada": 1, "bob": 0}
        # `finish` waits for a decryption share: with --timeout 0 it says so and exits 3.
        waiting = world.run("authority", "election", "finish", f, *board, "--yes", "--timeout", "0")
        assert waiting.code == 3 and "decryption shares" in waiting.stderr, waiting.stderr
        world.ok("t2", "trustee", "decrypt", f, *board)
        finished = world.json("authority", pos, "election finish", f, *board, "--yes")
        assert finished["ballots"] == 1
    return world


@pytest.mark.parametrize("pos", POSITIONS)
def test_reading_commands_print_json_in_both_positions(finished: World, pos: str) -> None:
    w, board, e = finished, ("--board", finished.board), f"e-{pos}"
    assert w.json("v1", pos, "election show", e, *board)["phase"] == "finished"
    assert w.json("v1", pos, "election list", *board)
    record = w.root / f"record-{pos}"
    w.json("v1", pos, "election export", e, *board, "-o", record)
    assert w.json("v1", pos, "audit", record)["passed"] is True
    assert w.json("v1", pos, "audit", w.board, "--election", e)["passed"] is True
    receipts = w.json("v1", pos, "receipt list")
    assert len(receipts) >= 2
    assert w.json("v1", pos, "receipt check", receipts[0]["id"])
    assert w.json("v1", pos, "board info", w.board)["elections"]
    manifest = w.json("authority", pos, "election new", "--id", f"n-{pos}", "--contest",
                      "Mayor: ada, bob, cy", "--select", "1", "-o", "-")  # fmt: skip
    assert manifest["contests"][0]["options"][2] == {"id": "cy", "label": "cy"}
    w.ok("authority", "config", "set", "board", w.board)
    assert w.json("authority", pos, "config get", "board")["value"] == str(w.board)
    assert w.json("authority", pos, "config list") == {"board": str(w.board)}


@pytest.mark.parametrize("pos", POSITIONS)
def test_setup_and_service_commands_print_json_in_both_positions(finished: World, pos: str) -> None:
    w = finished
    backup = w.root / f"v1-{pos}.backup"
    assert w.json("v1", pos, "backup export", backup)["path"] == str(backup)
    restored = w.root / f"restored-{pos}"
    w.json("v1", pos, "backup import", backup, "--home", restored, "--keystore", "file")
    witness = w.root / f"witness-{pos}"
    w.json("v1", pos, "witness init", "--name", f"w-{pos}.example", "--dir", witness,
           "--keystore", "file")  # fmt: skip
    vkey = w.json("v1", pos, "board info", w.board)["vkey"]
    w.json("v1", pos, "witness add-log", "board.test/e", vkey, "--dir", witness)
    assert w.json("v1", pos, "witness info", "--dir", witness)
    store = w.root / f"served-{pos}.db"
    assert w.json("v1", pos, "board init", "--store", store, "--keystore", "file")["vkey"]
    w.json("v1", pos, "board witness add", "w1.example", "https://w1.example", "--store", store)
    assert w.json("v1", pos, "board witness list", "--store", store)
    demo = w.json("v1", pos, "demo")
    assert demo["audit"]["passed"] is True


def test_credential_import_delete_and_revoke_print_json_in_both_positions(
    finished: World,
) -> None:
    w = finished
    w.ok("authority", "status", "create", "voters", "--issuer", "authority")
    for pos in POSITIONS:
        target = w.root / f"revocable-{pos}.json"
        w.ok("authority", "credential", "issue", "--issuer", "authority", "--subject",
             w.dids["v1"], "--type", "T", "--claim", f"n={pos}", "--status-list", "voters",
             "-o", target)  # fmt: skip
        held = w.json("v1", pos, "credential import", target)["id"]
        assert w.json("v1", pos, "credential delete", held, "--yes") == {"deleted": held}
        revoked = w.json("authority", pos, "status revoke",
                         json.loads(target.read_text())["id"], "--yes")  # fmt: skip
        assert revoked["revoked"] is True


def test_every_readme_command_with_json_is_run_in_both_positions(finished: World) -> None:
    # The module's other tests fill `covered`; this one runs last in the module.
    with_json = {
        path.removeprefix("wallet ")
        for path, command in LEAVES.items()
        if any(param.name == "json_" for param in command.params)
    }
    elsewhere = {" ".join(w for w in line.split() if not w.startswith(("-", "{")))
                 for line in JSON_RUNS}  # fmt: skip
    ran = {command for command, where in finished.covered.items() if where == set(POSITIONS)}
    missing = {
        command
        for command in with_json - ELSEWHERE - ran
        if not any(line.startswith(command) for line in elsewhere)
    }
    assert not missing


def test_dash_is_stdin_and_stdout_for_backups_manifests_and_lists(finished: World) -> None:
    w = finished
    # A backup is binary: through real processes, as a shell pipes it.
    restored = w.root / "restored-from-stdin"
    command = [sys.executable, "-m", "wallet"]
    exported = subprocess.run(
        [*command, "backup", "export", "-"], env=w.env("v1"), cwd=w.root, capture_output=True,
        check=False, timeout=120,
    )  # fmt: skip
    assert exported.returncode == 0 and exported.stdout, exported.stderr
    assert not (w.root / "-").exists()
    imported = subprocess.run(
        [*command, "--home", str(restored), "backup", "import", "-", "--keystore", "file"],
        env=w.env("v1"), cwd=ROOT, input=exported.stdout, capture_output=True, check=False,
        timeout=120,
    )  # fmt: skip
    assert imported.returncode == 0, imported.stderr
    listed = w.ok("v1", "--home", restored, "did", "list", "--json").json()
    assert [item["did"] for item in listed] == [w.dids["v1"]]
    manifest = w.ok("authority", "election", "new", "--id", "piped", "--question", "Yes?",
                    "--weight-claim", "shares", "-o", "-").stdout  # fmt: skip
    created = w.json("authority", "after", "election create", "--manifest", "-",
                     "--trustees", w.root / "trustees.txt", "--threshold", "1",
                     "--credential-type", "VoterCredential", "--board", w.board,
                     stdin=manifest)  # fmt: skip
    assert created["election"] == "piped"
    # The trustees' list on stdin, the manifest from flags.
    listed = (w.root / "trustees.txt").read_text()
    flags = w.json("authority", "before", "election create", "--id", "flags", "--contest",
                   "Mayor: ada, bob", "--trustees", "-", "--threshold", "2", "--credential-type",
                   "VoterCredential", "--board", w.board, stdin=listed)  # fmt: skip
    assert flags["election"] == "flags"
    shown_flags = w.json("v1", "after", "election show", "flags", "--board", w.board)
    assert shown_flags["trustees"] == [w.dids["t1"], w.dids["t2"]]
    shown = w.json("v1", "after", "election show", "piped", "--board", w.board)
    assert (shown["weighted"], shown["weightClaim"]) == (True, "shares")
    assert shown["eligibility"]["issuers"] == [w.dids["authority"]]
    # A receipt file on stdin, checked against the board.
    checked = w.json("v1", "before", "receipt check", "-", "--board", w.board,
                     stdin=w.receipts["e-before"])  # fmt: skip
    assert checked["inclusion"] == "passed" and checked["election"] == "e-before"


# The README's exit codes for the election commands: 1 verification failed, refused by the
# board, nothing by that name, or declined; 2 usage; 3 environment.
EXIT_CODES = [
    (("election", "show", "no-such-election", "--board", "{board}"), 1),
    (("receipt", "check", "0123456789abcdef"), 1),
    (("election", "result", "piped", "--board", "{board}"), 1),
    (("config", "get", "as"), 1),
    # Refused by the board: the election is over, and v1 is not its authority.
    (("election", "close", "e-before", "--board", "{board}", "--yes"), 1),
    # Refused by the election's state: voting before it opened, and after it closed.
    (("vote", "flags", "--board", "{board}", "--choice", "mayor=ada"), 1),
    (("vote", "e-before", "--board", "{board}", "--choice", "mayor=ada"), 1),
    (("election", "finish", "flags", "--board", "{board}", "--yes"), 1),
    (("election", "close", "e-before", "--board", "{board}"), 2),
    (("election", "new", "-o", "-"), 2),
    (("election", "new", "--id", "x", "--contest", "Mayor: ada"), 2),
    (("election", "create", "--manifest", "-", "--trustee", "did:key:z6Mk"), 2),
    (("credential", "issue", "--issuer", "authority", "--type", "T", "--claim", "a=1"), 2),
    (("election", "show", "e-before", "--board", "https://127.0.0.1:9"), 3),
    (("backup", "import", "{root}/missing.backup", "--home", "{root}/nowhere"), 3),
]


@pytest.mark.parametrize(("args", "code"), EXIT_CODES)
def test_election_exit_codes_match_the_readme(
    finished: World, args: tuple[str, ...], code: int
) -> None:
    given = [a.format(board=finished.board, root=finished.root) for a in args]
    done = finished.run("v1", *given)
    assert done.code == code, (args, done.stdout, done.stderr)


def test_a_vote_the_election_refuses_says_when_it_opens_or_closed(finished: World) -> None:
    board = ("--board", str(finished.board), "--choice", "mayor=ada")
    closed = finished.run("v1", "vote", "e-before", *board)
    assert closed.code == 1 and "e-before is closed for voting: it closed " in closed.stderr
    waiting = finished.run("v1", "vote", "flags", *board)
    assert waiting.code == 1, waiting.stderr
    assert "flags is not open for voting yet" in waiting.stderr and "its window: " in waiting.stderr
