"""Tests of the election services in one process: a small election world on a fresh board."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from tests.wallet.fakes import MovingClock, fixed_environment
from voting.chain import WitnessPolicy
from voting.errors import RejectedEntry
from wallet.errors import NotOpen, UsageError, VerificationFailed
from wallet.services import (
    Environment,
    LocalBoard,
    VoteOutcome,
    Wallet,
    audit_record,
    close_election,
    create_election,
    create_identity,
    create_status_list,
    decrypt,
    election_result,
    export_election,
    import_credential,
    init_wallet,
    issue_credential,
    keygen,
    load_manifest,
    open_election,
    parse_choices,
    shares,
    show_election,
    tally_election,
    vote,
)

PASSPHRASE = "test passphrase"
BOARD_PASSPHRASE = "board passphrase"
ELECTION = "test-vote"
MANIFEST = {
    "electionId": ELECTION,
    "title": "Test vote",
    "contests": [
        {"id": "pick", "label": "Pick", "minSelections": 1, "maxSelections": 1,
         "options": [{"id": "a", "label": "A"}, {"id": "b", "label": "B"}]},
        {"id": "yn", "label": "Yes or no", "minSelections": 0, "maxSelections": 1,
         "options": [{"id": "yes", "label": "Yes"}, {"id": "no", "label": "No"}]},
    ],
}  # fmt: skip


ENVIRON = {"WALLET_PASSPHRASE": PASSPHRASE, "WALLET_BOARD_PASSPHRASE": BOARD_PASSPHRASE}


@dataclass
class World:
    """Homes, the board path, the clock, and the opened wallets by name."""

    root: Path
    board: Path
    start: datetime
    clock: MovingClock
    env: Environment
    wallets: dict[str, Wallet] = field(default_factory=dict)
    dids: dict[str, str] = field(default_factory=dict)

    def did(self, name: str) -> str:
        return self.dids[name]

    def home(self, name: str) -> Path:
        return self.root / name


def make_world(root: Path, voters: int = 3, seed: bytes = b"wallet tests") -> World:
    """Authority, 3 trustees, `voters` eligible voters and an outsider, each with a home;
    `seed` draws every key (another seed: other people)."""
    clock = MovingClock()
    start = clock.now
    env = fixed_environment(ENVIRON, clock=clock, seed=seed)
    world = World(root, root / "board.sqlite", start, clock, env)
    names = ["authority", "t1", "t2", "t3", *(f"v{i}" for i in range(1, voters + 1)), "outsider"]
    for name in names:
        init_wallet(root / name, env, keystore="file")
        world.wallets[name] = Wallet.open(root / name, env)
        world.dids[name] = create_identity(world.wallets[name], label=name).did
    authority = world.wallets["authority"]
    create_status_list(authority, "voters", issuer="authority", now=start)
    for name in names[4:]:
        document = issue_credential(
            authority, issuer="authority", subject=world.did(name), now=start,
            types=["VoterCredential" if name != "outsider" else "OtherCredential"],
            claims={"name": name}, status_list="voters",
        )  # fmt: skip
        import_credential(world.wallets[name], document.text(), now=start)
    return world


def setup_election(
    world: World,
    *,
    closes: datetime | None = None,
    board: Path | str | None = None,
    witnesses: WitnessPolicy | None = None,
) -> None:
    """Create, run the key ceremony and open; the window opened before `world.start`.

    `board` is another board than the world's file (a server's URL); `witnesses` are named
    in the election."""
    where = world.board if board is None else board
    trustees = [world.did(t) for t in ("t1", "t2", "t3")]
    manifest = load_manifest(
        json.dumps(MANIFEST), trustees=trustees, threshold=2,
        issuers=[world.did("authority")], credential_type="VoterCredential",
    )  # fmt: skip
    now = world.clock.advance(minutes=1)
    create_election(
        world.wallets["authority"], where, manifest, as_="authority", trustees=trustees,
        opens=world.start, closes=closes or now + timedelta(hours=2), board_keystore="file",
        witnesses=witnesses,
    )  # fmt: skip
    for t in ("t1", "t2", "t3"):
        keygen(world.wallets[t], where, ELECTION, as_=t)
    # The second round posts the acknowledgements, once every share is in.
    for t in ("t1", "t2", "t3", "t1", "t2"):
        shares(world.wallets[t], where, ELECTION, as_=t)
    open_election(world.wallets["authority"], where, ELECTION, as_="authority")
    world.clock.advance(minutes=1)


def cast(world: World, name: str, *choices: str, challenge: bool = False) -> VoteOutcome:
    return vote(
        world.wallets[name], world.board, ELECTION, as_=name, choices=parse_choices(choices),
        challenge=challenge,
    )  # fmt: skip


@contextmanager
def opened_world(root: Path, voters: int = 3, *, election: bool = True) -> Iterator[World]:
    """`make_world`, with its election set up and open (unless not `election`); its wallets
    are closed on the way out."""
    made = make_world(root, voters)
    try:
        if election:
            setup_election(made)
        yield made
    finally:
        for opened in made.wallets.values():
            opened.__exit__()


@pytest.fixture
def world(tmp_path: Path) -> Iterator[World]:
    with opened_world(tmp_path) as made:
        yield made


def test_a_whole_election_through_the_services_audits_clean(world: World) -> None:
    cast(world, "v1", "pick=a", "yn=yes")
    cast(world, "v2", "pick=b")
    cast(world, "v2", "pick=a", "yn=no")  # The revote is the one that counts.
    challenged = cast(world, "v3", "pick=b", challenge=True)
    assert challenged.counted is False
    assert challenged.challenge is not None
    assert challenged.to_json()["challenge"]["decoded"]["pick"] == {"a": 0, "b": 1}
    cast(world, "v3", "pick=b", "yn=yes")
    authority = world.wallets["authority"]
    after = show_election(world.board, ELECTION, world.env)
    closes = datetime.strptime(after.closes + "+0000", "%Y-%m-%dT%H:%M:%SZ%z")
    world.clock.now = closes + timedelta(minutes=1)
    close_election(authority, world.board, ELECTION, as_="authority")
    assert tally_election(authority, world.board, ELECTION, as_="authority").counted == 3
    for t in ("t2", "t3"):
        decrypt(world.wallets[t], world.board, ELECTION, as_=t)
    result = election_result(authority, world.board, ELECTION, as_="authority")
    counts = {c.contest: {r.option: r.count for r in c.counts} for c in result.contests}
    assert counts == {"pick": {"a": 2, "b": 1}, "yn": {"yes": 2, "no": 1}}
    assert result.trustees == (2, 3)
    record = export_election(world.board, ELECTION, world.root / "record", world.env).record
    report = audit_record(record)
    assert report.verified, report.failures()
    assert [c.label for c in report.checks] == [f"V{n}" for n in range(1, 15)]
    recomputed = report.to_json()["result"]["contests"]
    assert {c["contest"]: {r["option"]: r["count"] for r in c["counts"]} for c in recomputed} == (
        counts
    )
    assert show_election(world.board, ELECTION, world.env).phase == "finished"


def test_an_ineligible_ballot_is_refused_with_the_reason_and_changes_nothing(world: World) -> None:
    before = show_election(world.board, ELECTION, world.env).entries
    with pytest.raises(RejectedEntry, match="eligibility: credential type"):
        cast(world, "outsider", "pick=a")
    assert show_election(world.board, ELECTION, world.env).entries == before


def test_voting_after_the_window_is_refused_saying_when_it_closed(world: World) -> None:
    closes = show_election(world.board, ELECTION, world.env).closes
    before = show_election(world.board, ELECTION, world.env).entries
    world.clock.advance(hours=3)
    with pytest.raises(NotOpen, match="is closed for voting: it closed ") as refused:
        cast(world, "v1", "pick=a")
    assert refused.value.closes is not None and refused.value.closes.isoformat() == (
        datetime.strptime(closes + "+0000", "%Y-%m-%dT%H:%M:%SZ%z").isoformat()
    )
    assert f"{refused.value.closes.astimezone():%Y-%m-%d %H:%M}" in str(refused.value)
    assert show_election(world.board, ELECTION, world.env).entries == before
    # Closed on the board too: the same refusal, now by its phase.
    close_election(world.wallets["authority"], world.board, ELECTION, as_="authority")
    with pytest.raises(NotOpen, match="closed"):
        cast(world, "v1", "pick=a")


def test_a_launch_code_other_than_the_boards_refuses_the_vote_and_posts_nothing(
    world: World,
) -> None:
    shown = show_election(world.board, ELECTION, world.env)
    assert shown.launch_code is not None
    wrong = "0000-0000-0000-0000" if shown.launch_code != "0000-0000-0000-0000" else "1-1-1-1"
    with pytest.raises(VerificationFailed, match=f"has launch code {shown.launch_code}, not"):
        vote(
            world.wallets["v1"], world.board, ELECTION, as_="v1",
            choices=parse_choices(["pick=a"]), launch_code=wrong,
        )  # fmt: skip
    assert show_election(world.board, ELECTION, world.env).entries == shown.entries
    # The announced code (as printed, in any case) lets the vote through.
    done = vote(
        world.wallets["v1"], world.board, ELECTION, as_="v1",
        choices=parse_choices(["pick=a"]), launch_code=f" {shown.launch_code.upper()} ",
    )  # fmt: skip
    assert done.index == shown.entries


def test_voting_before_the_authority_opens_is_refused_naming_the_window(tmp_path: Path) -> None:
    with opened_world(tmp_path, voters=1, election=False) as made:
        _create_unopened(made)
        with pytest.raises(NotOpen, match=r"not open for voting yet: .*\(its window: ") as refused:
            cast(made, "v1", "pick=a")
        assert refused.value.opens == made.start.replace(microsecond=0)


def _create_unopened(made: World) -> None:
    trustees = [made.did(t) for t in ("t1", "t2", "t3")]
    manifest = load_manifest(
        json.dumps(MANIFEST), trustees=trustees, threshold=2,
        issuers=[made.did("authority")], credential_type="VoterCredential",
    )  # fmt: skip
    create_election(
        made.wallets["authority"], made.board, manifest, as_="authority", trustees=trustees,
        opens=made.start, closes=made.start + timedelta(hours=2), board_keystore="file",
    )  # fmt: skip


def test_only_the_authority_may_close(world: World) -> None:
    world.clock.advance(hours=3)
    with pytest.raises(RejectedEntry, match="role"):
        close_election(world.wallets["t1"], world.board, ELECTION, as_="t1")


def test_a_choice_the_manifest_does_not_allow_is_a_usage_error(world: World) -> None:
    with pytest.raises(UsageError, match="selections"):
        cast(world, "v1", "pick=a", "pick=b")
    with pytest.raises(UsageError, match="no contest"):
        cast(world, "v1", "mayor=a")


def test_the_board_key_is_sealed_and_the_sidecar_holds_no_secret(world: World) -> None:
    with LocalBoard.open(world.board, world.env) as board:
        seed = board.signer.seed
        sidecar = (world.root / "board.sqlite.board.json").read_bytes()
        keys = (world.root / "board.sqlite.keys").read_bytes()
    assert seed.hex().encode() not in sidecar and seed not in sidecar
    assert seed not in keys and seed.hex().encode() not in keys
    assert json.loads(sidecar)["keystore"] == "file"


def test_a_trustee_secret_lives_only_in_the_trustee_keystore(world: World) -> None:
    ids = world.wallets["t1"].keystore.ids()
    assert any(i.startswith("trustee-") and i.endswith(ELECTION) for i in ids)
    assert not any(i.startswith("trustee-") for i in world.wallets["v1"].keystore.ids())
