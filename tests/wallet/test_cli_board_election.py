"""An election through the command line against a board server over HTTPS (a test CA):
the authority, three trustees, voters and an auditor each in their own home, none holding
the board's key; create, ceremony, open, vote (a revote, a Benaloh challenge), close,
tally, decrypt, result; `wallet audit https://…` and `wallet receipt check` pass."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path

from tests.serving import make_test_ca
from tests.wallet.board_helpers import make_host, make_service
from tests.wallet.cli_helpers import Run, file_env, wallet
from tests.wallet.fakes import MovingClock
from tests.wallet.test_elections_service import ELECTION, MANIFEST, PASSPHRASE, make_world
from wallet.board import board_app
from wallet.server import Limits, Running

WINDOW = timedelta(hours=1)


def _stamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def test_an_election_over_https_with_nobody_holding_the_board_key(tmp_path: Path) -> None:
    world = make_world(tmp_path, voters=2)
    trustees = [world.did(t) for t in ("t1", "t2", "t3")]
    for home in world.wallets.values():
        home.__exit__()
    root = world.root
    manifest = root / "manifest.json"
    manifest.write_text(json.dumps(MANIFEST))
    clock = MovingClock(world.clock.now)
    now = clock.now
    closes = now + WINDOW
    # The board runs on its own host: its key is in a folder nobody else uses, and no
    # participant's environment has the board's passphrase.
    ca = make_test_ca(tmp_path)
    (tmp_path / "host").mkdir()
    host = make_host(str(tmp_path / "host" / "board.db"), tmp_path / "host-keys")
    service = make_service(host, tmp_path / "host-keys", clock)
    server = Running(board_app(service, Limits()), tls=ca.tls).start()
    board = server.url

    def run_(who: str, *args: str | Path) -> Run:
        clock.advance(seconds=10)
        env = file_env(WALLET_PASSPHRASE=PASSPHRASE, WALLET_CA_FILE=str(ca.ca_file))
        return wallet(*args, "--home", root / who, env=env, clock=clock)

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
    # The second round of `shares` posts the acknowledgements, once every share is in.
    for step in ("keygen", "shares", "shares"):
        for t in ("t1", "t2", "t3"):
            ok(t, "trustee", step, ELECTION, "--board", board, "--as", t)
    early = run_("authority", "election", "tally", ELECTION, "--board", board,
                 "--as", "authority", "--yes")  # fmt: skip
    assert early.code == 1 and "phase" in early.stderr
    opened = ok("authority", "election", "open", ELECTION, "--board", board, "--as", "authority")
    assert "launch code" in opened.stdout

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
    assert ok("v1", "audit", record).stdout.rstrip().endswith("audit PASSED")
    # The private CA given as `wallet --ca-file` rather than in the environment; without
    # either, the board's certificate is refused (environment error, exit 3).
    plain = file_env(WALLET_PASSPHRASE=PASSPHRASE)
    bare = wallet("--home", root / "v1", "election", "list", "--board", board, env=plain,
                  clock=clock)  # fmt: skip
    assert bare.code == 3 and "certificate" in bare.stderr.lower(), bare.stderr
    given = wallet("--ca-file", ca.ca_file, "--home", root / "v1", "election", "list",
                   "--board", board, "--json", env=plain, clock=clock)  # fmt: skip
    assert given.code == 0 and [i["election"] for i in given.json()] == [ELECTION], given.stderr
    missing = wallet("--ca-file", root / "nowhere.pem", "election", "list", "--board", board,
                     env=plain, clock=clock)  # fmt: skip
    assert missing.code == 2 and "--ca-file" in missing.stderr
    audited = ok("auditor", "audit", board, "--ca-file", ca.ca_file)
    assert audited.stdout.rstrip().endswith("audit PASSED")
    # The voter's receipt still checks against the final checkpoint.
    final = ok("v1", "receipt", "check", receipt, "--json").json()
    assert final["boardSize"] == final["newestSeen"] == shown["entries"] + 5
    for who in ("v1", "v2"):  # every voter checks every receipt it holds
        for item in ok(who, "receipt", "list", "--json").json():
            ok(who, "receipt", "check", item["id"])
    server.stop()
    service.close()
