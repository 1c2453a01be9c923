"""Tests that voters are told where their ballot stands (issue 14, finding 6): `receipt
check` says counted, superseded (by which ballot, under which rule) or challenged, from the
rule engine's own judgement; under `revoting: first` a second ballot is refused with the
reason instead of getting "accepted" and a receipt."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from tests.wallet.test_elections_service import (
    ELECTION,
    MANIFEST,
    World,
    cast,
    make_world,
)
from wallet.errors import UsageError
from wallet.services import (
    check_receipt,
    create_election,
    keygen,
    list_receipts,
    load_manifest,
    open_election,
    receipt_standings,
    shares,
)


def _setup(world: World, revoting: str) -> None:
    trustees = [world.did(t) for t in ("t1", "t2", "t3")]
    manifest = load_manifest(
        json.dumps(MANIFEST),
        trustees=trustees,
        threshold=2,
        issuers=[world.did("authority")],
        credential_type="VoterCredential",
    )
    now = world.clock.advance(minutes=1)
    create_election(
        world.wallets["authority"],
        world.board,
        manifest,
        as_="authority",
        trustees=trustees,
        opens=world.start,
        closes=now + timedelta(hours=2),
        revoting=revoting,
        board_keystore="file",
    )
    for t in ("t1", "t2", "t3"):
        keygen(world.wallets[t], world.board, ELECTION, as_=t)
    for t in ("t1", "t2", "t3", "t1", "t2"):
        shares(world.wallets[t], world.board, ELECTION, as_=t)
    open_election(world.wallets["authority"], world.board, ELECTION, as_="authority")
    world.clock.advance(minutes=1)


def _world(tmp_path: Path, revoting: str) -> Iterator[World]:
    made = make_world(tmp_path, voters=2)
    _setup(made, revoting)
    yield made
    for wallet in made.wallets.values():
        wallet.__exit__()


@pytest.fixture
def last(tmp_path: Path) -> Iterator[World]:
    yield from _world(tmp_path, "last")


@pytest.fixture
def first(tmp_path: Path) -> Iterator[World]:
    yield from _world(tmp_path, "first")


def test_receipt_check_says_superseded_by_which_ballot(last: World) -> None:
    wallet = last.wallets["v1"]
    earlier = cast(last, "v1", "pick=a")
    later = cast(last, "v1", "pick=b")
    old = check_receipt(wallet, earlier.receipt_id)
    assert old.status == "superseded"
    assert old.standing == f"superseded by a later ballot {later.ballot_id} (revoting: last)"
    assert old.to_json()["standing"]["supersededBy"] == later.ballot_id
    new = check_receipt(wallet, later.receipt_id)
    assert new.status == "counted" and (new.standing or "").startswith("counted")
    challenged = cast(last, "v2", "pick=a", challenge=True)
    assert check_receipt(last.wallets["v2"], challenged.receipt_id).status == "challenged"
    # `receipt list` says the same for every receipt, from one read of the board.
    listed = receipt_standings(wallet, list_receipts(wallet))
    assert [(r.receipt.id, r.standing.status if r.standing else None) for r in listed] == [
        (earlier.receipt_id, "superseded"),
        (later.receipt_id, "counted"),
    ]


def test_receipt_list_prints_where_each_ballot_stands(
    last: World, capsys: pytest.CaptureFixture[str]
) -> None:
    from wallet.cli import main

    cast(last, "v1", "pick=a")
    later = cast(last, "v1", "pick=b")
    capsys.readouterr()
    assert main(["--home", str(last.home("v1")), "receipt", "list"], env=last.env) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].endswith(f"superseded by a later ballot {later.ballot_id} (revoting: last)")
    assert "counted so far" in lines[1]


def test_revoting_first_refuses_a_second_ballot_with_the_reason(first: World) -> None:
    kept = cast(first, "v1", "pick=a")
    with pytest.raises(UsageError, match=rf"revoting: first.*{kept.ballot_id}"):
        cast(first, "v1", "pick=b")
    assert check_receipt(first.wallets["v1"], kept.receipt_id).status == "counted"
    # A challenge never counts, so it is still allowed.
    assert cast(first, "v1", "pick=b", challenge=True).challenge is not None


def test_a_revoked_voters_ballot_is_excluded_and_the_result_says_so(last: World) -> None:
    from datetime import datetime

    from wallet.services import (
        change_status,
        close_election,
        decrypt,
        election_result,
        list_credentials,
        show_credential,
        show_election,
        tally_election,
    )

    cast(last, "v1", "pick=a")
    revoked = cast(last, "v2", "pick=b")
    voter = last.wallets["v2"]
    (held,) = list_credentials(voter)
    content = show_credential(voter, held.id).content
    assert isinstance(content, dict)
    authority = last.wallets["authority"]
    change_status(authority, str(content["id"]), "revoke")
    closes = show_election(last.board, ELECTION, last.env).closes
    last.clock.now = datetime.strptime(closes + "+0000", "%Y-%m-%dT%H:%M:%SZ%z") + timedelta(
        minutes=1
    )
    close_election(authority, last.board, ELECTION, as_="authority")
    tally_election(authority, last.board, ELECTION, as_="authority")
    for t in ("t2", "t3"):
        decrypt(last.wallets[t], last.board, ELECTION, as_=t)
    result = election_result(authority, last.board, ELECTION, as_="authority")
    assert result.ballots == 1
    ((reason, status_list, count),) = [(e.reason, e.status_list, e.count) for e in result.excluded]
    assert (reason, count) == ("revocation", 1) and status_list is not None
    check = check_receipt(voter, revoked.receipt_id)
    assert check.status == "excluded"
    assert check.standing == f"excluded: its credential is revoked in the frozen list {status_list}"
