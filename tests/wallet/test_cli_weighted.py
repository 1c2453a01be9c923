"""A weighted election through the command line (finding 12): members vote with their shares.

A cooperative's authority issues membership credentials carrying a `shares` claim (3 and 5)
and creates the election with `--weight-claim shares`; from the issuing on, every step is a
`wallet …` command in this process, on one clock the test moves past the voting window.
"""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from tests.wallet.cli_helpers import Run, file_env, wallet
from tests.wallet.fakes import MovingClock, fixed_environment
from tests.wallet.test_elections_service import (
    BOARD_PASSPHRASE,
    ELECTION,
    ENVIRON,
    MANIFEST,
    PASSPHRASE,
)
from wallet.errors import UsageError
from wallet.services import (
    Wallet,
    create_identity,
    create_status_list,
    init_wallet,
    load_manifest,
)

SHARES = {"m1": 3, "m2": 5}
TRUSTEES = ("t1", "t2", "t3")


def _homes(root: Path, clock: MovingClock) -> dict[str, str]:
    """Homes for the authority, the trustees and two members; the authority's status list."""
    env = fixed_environment(ENVIRON, clock=clock)
    dids = {}
    for name in ("authority", *TRUSTEES, *SHARES):
        init_wallet(root / name, env, keystore="file")
        with Wallet.open(root / name, env) as home:
            dids[name] = create_identity(home, label=name).did
    with Wallet.open(root / "authority", env) as authority:
        create_status_list(authority, "members", issuer="authority", now=clock.now)
    return dids


def test_a_weighted_election_from_create_to_audit_through_the_cli(tmp_path: Path) -> None:
    clock = MovingClock()
    dids = _homes(tmp_path, clock)
    board, manifest = tmp_path / "board.sqlite", tmp_path / "manifest.json"
    manifest.write_text(json.dumps(MANIFEST))
    opens, closes = clock.now - timedelta(minutes=1), clock.now + timedelta(hours=1)
    env = file_env(WALLET_PASSPHRASE=PASSPHRASE, WALLET_BOARD_PASSPHRASE=BOARD_PASSPHRASE)

    def run(who: str, *args: str | Path) -> Run:
        clock.advance(seconds=10)
        return wallet(*args, "--home", tmp_path / who, env=env, clock=clock)

    def ok(who: str, *args: str | Path) -> Run:
        done = run(who, *args)
        assert done.code == 0, (args, done.stderr)
        return done

    # The membership credentials, issued and imported as the docs show.
    for name, shares in SHARES.items():
        issued = tmp_path / f"{name}.json"
        ok("authority", "credential", "issue", "--issuer", "authority", "--subject", dids[name],
           "--type", "MembershipCredential", "--claim", f"shares={shares}",
           "--status-list", "members", "-o", issued)  # fmt: skip
        ok(name, "credential", "import", issued)
    create: tuple[str | Path, ...] = (
        "--keystore", "file", "election", "create", "--manifest", manifest, "--board", board,
        "--as", "authority", *[a for t in TRUSTEES for a in ("--trustee", dids[t])],
        "--threshold", "2", "--eligibility-issuer", dids["authority"],
        "--credential-type", "MembershipCredential",
        "--opens", opens.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "--closes", closes.strftime("%Y-%m-%dT%H:%M:%SZ"),
    )  # fmt: skip
    # A claim the rule cannot weigh by is a usage error, and nothing is created.
    refused = run("authority", *create, "--weight-claim", "id")
    assert refused.code == 2 and "--weight-claim" in refused.stderr
    assert not board.exists()
    ok("authority", *create, "--weight-claim", "shares")
    shown = ok("authority", "election", "show", ELECTION, "--board", board, "--json").json()
    assert shown["weighted"] is True and shown["weightClaim"] == "shares"
    assert shown["eligibility"]["weightClaim"] == "shares" and "totalWeight" not in shown

    for step in ("keygen", "shares", "shares"):
        for t in TRUSTEES:
            ok(t, "trustee", step, ELECTION, "--board", board, "--as", t)
    ok("authority", "election", "open", ELECTION, "--board", board, "--as", "authority")
    ok("m1", "vote", ELECTION, "--board", board, "--as", "m1", "--choice", "pick=a",
       "--choice", "yn=yes")  # fmt: skip
    ok("m2", "vote", ELECTION, "--board", board, "--as", "m2", "--choice", "pick=b",
       "--choice", "yn=yes")  # fmt: skip
    clock.now = closes + timedelta(seconds=1)
    for step in ("close", "tally"):
        ok("authority", "election", step, ELECTION, "--board", board, "--as", "authority", "--yes")
    for t in ("t1", "t3"):
        ok(t, "trustee", "decrypt", ELECTION, "--board", board, "--as", t)

    result = ok("authority", "election", "result", ELECTION, "--board", board,
                "--as", "authority", "--json").json()  # fmt: skip
    counts = {c["contest"]: {r["option"]: r["count"] for r in c["counts"]}
              for c in result["contests"]}  # fmt: skip
    assert counts == {"pick": {"a": 3, "b": 5}, "yn": {"yes": 8, "no": 0}}
    assert (result["ballots"], result["totalWeight"]) == (2, 8)
    assert (result["weighted"], result["weightClaim"]) == (True, "shares")
    human = ok("m1", "election", "result", ELECTION, "--board", board).stdout
    assert "result: 2 ballots counted, total weight 8 (claim 'shares')" in human
    shown = ok("authority", "election", "show", ELECTION, "--board", board, "--json").json()
    assert (shown["phase"], shown["totalWeight"]) == ("finished", 8)
    listed = ok("m1", "election", "list", "--board", board, "--json").json()
    assert (listed[0]["weightClaim"], listed[0]["totalWeight"]) == ("shares", 8)

    record = tmp_path / "record"
    ok("authority", "election", "export", ELECTION, "--board", board, "-o", record)
    audited = ok("m2", "audit", record)
    assert audited.stdout.rstrip().endswith("audit PASSED")


def test_a_weight_claim_in_the_manifest_is_checked_and_must_agree_with_the_option() -> None:
    given = {**MANIFEST, "eligibility": {"weightClaim": "id"}}
    options: dict[str, Any] = dict(
        trustees=["did:example:t"], threshold=1, issuers=["did:example:i"], credential_type="T"
    )
    with pytest.raises(UsageError, match=r"^--manifest: eligibility\.weightClaim"):
        load_manifest(json.dumps(given), **options)
    with pytest.raises(UsageError, match="--weight-claim gives 'shares'"):
        load_manifest(json.dumps(given), **options, weight_claim="shares")
    taken = load_manifest(json.dumps(MANIFEST), **options, weight_claim="shares")
    assert taken.eligibility is not None and taken.eligibility["weightClaim"] == "shares"
