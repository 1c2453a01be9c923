"""An election through the command line: every step a `wallet …` command, with its exit code.

The identities and credentials are set up through the services (that is the credentials
feature's business); from `election create` to `audit` everything runs as commands, in this
process (`main(argv, env=...)`), all on one clock the test moves past the voting window.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path

from tests.wallet.cli_helpers import Run, file_env, wallet
from tests.wallet.fakes import MovingClock
from tests.wallet.test_elections_service import (
    BOARD_PASSPHRASE,
    ELECTION,
    MANIFEST,
    PASSPHRASE,
    make_world,
)

WINDOW = timedelta(hours=1)


def _run(world_root: Path, who: str, *args: str | Path, clock: MovingClock | None = None) -> Run:
    env = file_env(WALLET_PASSPHRASE=PASSPHRASE, WALLET_BOARD_PASSPHRASE=BOARD_PASSPHRASE)
    return wallet(*args, "--home", world_root / who, env=env, clock=clock)


def _stamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def test_an_election_from_create_to_audit_through_the_cli(tmp_path: Path) -> None:
    world = make_world(tmp_path, voters=2)
    trustees = [world.did(t) for t in ("t1", "t2", "t3")]
    for home in world.wallets.values():
        home.__exit__()
    root, board = world.root, world.board
    manifest = root / "manifest.json"
    manifest.write_text(json.dumps(MANIFEST))
    clock = MovingClock(world.clock.now)
    now = clock.now
    closes = now + WINDOW

    def run_(who: str, *args: str | Path) -> Run:
        clock.advance(seconds=10)
        return _run(root, who, *args, clock=clock)

    def ok(who: str, *args: str | Path) -> Run:
        run = run_(who, *args)
        assert run.code == 0, (args, run.stderr)
        return run

    created = ok(
        "authority", "--keystore", "file", "election", "create", "--manifest", manifest,
        "--board", board, "--as", "authority", *[a for t in trustees for a in ("--trustee", t)],
        "--threshold", "2", "--eligibility-issuer", world.did("authority"),
        "--credential-type", "VoterCredential", "--opens", _stamp(now - timedelta(minutes=1)),
        "--closes", _stamp(closes), "--json",
    )  # fmt: skip
    assert created.json()["type"] == "election" and created.json()["index"] == 0
    assert "checkpoint key is in the sealed file" in created.stderr
    # The trustees set their default board; each wallet holds one identity, so no --as.
    for t in ("t1", "t2", "t3"):
        ok(t, "config", "set", "board", board)
    # The second round of `shares` posts the acknowledgements, once every share is in.
    waited = 0
    for step in ("keygen", "shares", "shares"):
        for t in ("t1", "t2", "t3"):
            done = ok(t, "trustee", step, ELECTION)
            if "waiting for trustees" in done.stdout:
                # A trustee who waits for others is told what to run next.
                assert f"run `wallet trustee shares {ELECTION}` again" in done.stderr
                waited += 1
    assert waited > 0
    early = run_("authority", "election", "tally", ELECTION, "--board", board,
                 "--as", "authority", "--yes")  # fmt: skip
    assert early.code == 1 and "phase" in early.stderr
    opened = ok("authority", "election", "open", ELECTION, "--board", board, "--as", "authority")
    assert "launch code" in opened.stdout
    assert f"compares it with `wallet election show {ELECTION}`" in opened.stderr

    def vote(who: str, *choices: str, challenge: bool = False) -> Run:
        args = [a for c in choices for a in ("--choice", c)] + (
            ["--challenge"] if challenge else []
        )
        return run_(who, "vote", ELECTION, "--board", board, "--as", who, *args, "--json")

    first = vote("v1", "pick=a", "yn=yes")
    assert first.code == 0, first.stderr
    assert first.json()["receipt"].startswith("c2sp.org/tlog-proof@v1\n")
    challenged = vote("v2", "pick=b", challenge=True)
    assert challenged.code == 0, challenged.stderr
    assert challenged.json()["counted"] is False
    assert challenged.json()["challenge"]["decoded"]["pick"] == {"a": 0, "b": 1}
    assert vote("v2", "pick=b", "yn=no").code == 0
    assert vote("v2", "pick=a", "yn=no").code == 0  # The revote: this one counts.
    refused = vote("outsider", "pick=b")
    assert refused.code == 1
    assert "eligibility: credential type" in refused.stderr and refused.stdout == ""
    receipt = first.json()["receiptId"]
    assert ok("v1", "receipt", "check", receipt[:16]).code == 0

    human = ok("authority", "election", "show", ELECTION, "--board", board).stdout
    assert "phase:       open" in human and "(local time)" in human
    assert f"next:        voters run `wallet vote {ELECTION}" in human and "closes" in human
    shown = ok("authority", "election", "show", ELECTION, "--board", board, "--json").json()
    # A challenged encryption is never a cast ballot (election-entries §4.6).
    assert (shown["phase"], shown["ballots"], shown["challenged"]) == ("open", 3, 1)
    listed = ok("authority", "election", "list", "--board", board, "--json").json()
    assert [item["election"] for item in listed] == [ELECTION]
    too_soon = run_("authority", "election", "close", ELECTION, "--board", board,
                    "--as", "authority", "--yes")  # fmt: skip
    assert too_soon.code == 1 and "window" in too_soon.stderr
    clock.now = closes + timedelta(seconds=1)

    for step in ("close", "tally"):
        ok("authority", "election", step, ELECTION, "--board", board, "--as", "authority", "--yes")
    for t in ("t1", "t3"):
        ok(t, "trustee", "decrypt", ELECTION, "--board", board, "--as", t)
    result = ok("authority", "election", "result", ELECTION, "--board", board,
                "--as", "authority", "--json").json()  # fmt: skip
    counts = {c["contest"]: {r["option"]: r["count"] for r in c["counts"]}
              for c in result["contests"]}  # fmt: skip
    assert counts == {"pick": {"a": 2, "b": 0}, "yn": {"yes": 1, "no": 1}}
    assert "result: 2 ballots counted" in ok("v1", "election", "result", ELECTION,
                                             "--board", board).stdout  # fmt: skip
    record = root / "record"
    ok("authority", "election", "export", ELECTION, "--board", board, "-o", record)
    audited = ok("v1", "audit", record)
    assert audited.stdout.rstrip().endswith("audit PASSED")
    # The voter's receipt still checks against the final checkpoint.
    final = ok("v1", "receipt", "check", receipt, "--json").json()
    assert final["boardSize"] == final["newestSeen"] == shown["entries"] + 5


def test_a_missing_board_is_exit_3_and_a_bad_manifest_exit_2(tmp_path: Path) -> None:
    world = make_world(tmp_path, voters=1)
    for home in world.wallets.values():
        home.__exit__()
    missing = _run(tmp_path, "v1", "vote", ELECTION, "--board", tmp_path / "none.sqlite",
                   "--as", "v1", "--choice", "pick=a")  # fmt: skip
    assert missing.code == 3 and "unreachable" in missing.stderr
    manifest = tmp_path / "bad.json"
    manifest.write_text('{"electionId": "x", "contests": []}')
    bad = _run(tmp_path, "authority", "election", "create", "--manifest", manifest,
               "--board", tmp_path / "b.sqlite", "--as", "authority",
               "--trustee", world.did("t1"))  # fmt: skip
    assert bad.code == 2 and "--manifest" in bad.stderr
    assert not (tmp_path / "b.sqlite").exists()
