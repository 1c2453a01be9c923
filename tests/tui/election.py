"""Provides an open election on a board (a file, or a served board's URL), and a voter's wallet
eligible to vote in it; then a finished election, and a second election on the same board.

The authority and the three trustees have wallets of their own; the voter's wallet (the one
the TUI opens) holds the voter's identity and the eligibility credential the authority issued.
Another voter ("neighbour") casts the finished election's ballot, so the TUI's wallet follows
no election until it votes itself.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

from tests.wallet.fakes import KeySeeds, MovingClock, SeededStream, fixed_environment
from wallet.services import (
    Environment,
    Wallet,
    close_election,
    create_election,
    create_identity,
    decrypt,
    election_result,
    export_election,
    import_credential,
    init_wallet,
    issue_credential,
    keygen,
    load_manifest,
    open_election,
    shares,
    tally_election,
    vote,
)

PASSPHRASE = "tui test passphrase"
BOARD_PASSPHRASE = "tui board passphrase"
ELECTION = "town-vote"
SECOND = "budget-vote"
MANIFEST = {
    "electionId": ELECTION,
    "title": "Town vote",
    "contests": [
        {"id": "mayor", "label": "Mayor", "minSelections": 1, "maxSelections": 1,
         "options": [{"id": "ada", "label": "Ada"}, {"id": "bob", "label": "Bob"}]},
        {"id": "library", "label": "New library", "minSelections": 0, "maxSelections": 1,
         "options": [{"id": "yes", "label": "Yes"}, {"id": "no", "label": "No"}]},
        {"id": "projects", "label": "Projects", "minSelections": 0, "maxSelections": 2,
         "options": [{"id": "park", "label": "Park"}, {"id": "pool", "label": "Pool"},
                     {"id": "path", "label": "Cycle path"}]},
    ],
}  # fmt: skip


SECOND_MANIFEST = {
    "electionId": SECOND,
    "title": "Budget vote",
    "contests": [
        {"id": "budget", "label": "Budget", "minSelections": 1, "maxSelections": 1,
         "options": [{"id": "lean", "label": "Lean"}, {"id": "generous", "label": "Generous"}]},
    ],
}  # fmt: skip


def election_environ() -> dict[str, str]:
    return {"WALLET_PASSPHRASE": PASSPHRASE, "WALLET_BOARD_PASSPHRASE": BOARD_PASSPHRASE}


#: The start of the tests' election; their TUI runs on `SNAPSHOT_NOW`, inside its window.
SNAPSHOT_START = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
SNAPSHOT_NOW = SNAPSHOT_START + timedelta(minutes=10)


def election_env(
    clock: Callable[[], datetime] | None = None,
    rng: Callable[[int], bytes] | None = None,
    environ: dict[str, str] | None = None,
) -> Environment:
    """Both passphrases given (unless `environ` says otherwise), at `SNAPSHOT_NOW` by default."""
    return fixed_environment(
        election_environ() if environ is None else environ,
        clock=clock or (lambda: SNAPSHOT_NOW),
        rng=rng,
        seed=b"tui election",
    )


@dataclass(frozen=True)
class ElectionWorld:
    voter_home: Path
    #: The board file, or a served board's URL.
    board: Path | str
    voter: str
    start: datetime
    #: The random source the election was made with; later steps continue its stream.
    rng: Callable[[int], bytes]
    #: The folder holding every wallet (authority, t1…t3, voter).
    root: Path


def make_election(
    root: Path,
    start: datetime = SNAPSHOT_START,
    board: str | None = None,
    ca_file: Path | None = None,
) -> ElectionWorld:
    """Create the wallets, run the key ceremony and open the election.

    The window opens at `start` and lasts two hours; the setup happens a minute after
    `start`. Keys and ids come from a seeded source, so the world is the same on every run.
    `board` is a served board's URL (its TLS certificate issued by `ca_file`, if given);
    without it, the board is a file in `root`.
    """
    where: Path | str = root / "board.sqlite" if board is None else board
    dids: dict[str, str] = {}
    clock = MovingClock(start)
    rng = KeySeeds(b"tui election")
    environ = election_environ()
    if ca_file is not None:
        environ["WALLET_CA_FILE"] = str(ca_file)
    env = election_env(clock, rng, environ)
    for name in ("authority", "t1", "t2", "t3", "voter"):
        init_wallet(root / name, env, keystore="file")
        with Wallet.open(root / name, env) as wallet:
            dids[name] = create_identity(wallet, label=name).did
    _give_credential(root, env, start, "voter", dids["voter"])
    world = ElectionWorld(root / "voter", where, dids["voter"], start, rng, root)
    clock.advance(minutes=1)
    _run_setup(world, env, MANIFEST, dids, start)
    return world


def _give_credential(root: Path, env: Environment, now: datetime, name: str, did: str) -> None:
    with Wallet.open(root / "authority", env) as authority:
        credential = issue_credential(
            authority, issuer="authority", subject=did, now=now,
            types=["VoterCredential"], claims={"name": name.title()},
        )  # fmt: skip
    with Wallet.open(root / name, env) as holder:
        import_credential(holder, credential.text(), now=now)


def _run_setup(
    world: ElectionWorld,
    env: Environment,
    data: Mapping[str, object],
    dids: dict[str, str],
    start: datetime,
) -> None:
    """Create the election of manifest `data`, run its key ceremony and open it."""
    root, board = world.root, world.board
    election = str(data["electionId"])
    wallets = {name: Wallet.open(root / name, env) for name in ("authority", "t1", "t2", "t3")}
    try:
        trustees = [dids[t] for t in ("t1", "t2", "t3")]
        manifest = load_manifest(
            json.dumps(data), trustees=trustees, threshold=2,
            issuers=[dids["authority"]], credential_type="VoterCredential",
        )  # fmt: skip
        create_election(
            wallets["authority"], board, manifest, as_="authority", trustees=trustees,
            opens=start, closes=start + timedelta(hours=2), board_keystore="file",
        )  # fmt: skip
        for t in ("t1", "t2", "t3"):
            keygen(wallets[t], board, election, as_=t)
        # The second round posts the acknowledgements, once every share is in.
        for t in ("t1", "t2", "t3", "t1", "t2"):
            shares(wallets[t], board, election, as_=t)
        open_election(wallets["authority"], board, election, as_="authority")
    finally:
        for wallet in wallets.values():
            wallet.__exit__()


def _dids(root: Path, env: Environment) -> dict[str, str]:
    from wallet.services import list_identities

    found = {}
    for name in ("authority", "t1", "t2", "t3"):
        with Wallet.open(root / name, env) as wallet:
            found[name] = list_identities(wallet)[0].did
    return found


def add_election(world: ElectionWorld, start: datetime | None = None) -> None:
    """Open a second election (`SECOND`) on the same board, with the same trustees.

    Its window opens at `start` (the first election's start by default) and lasts two hours.
    """
    begin = world.start if start is None else start
    env = election_env(MovingClock(begin + timedelta(minutes=1)), world.rng)
    _run_setup(world, env, SECOND_MANIFEST, _dids(world.root, env), begin)


def finish_election(root: Path, world: ElectionWorld, record: Path) -> Path:
    """A neighbour casts one ballot (Mayor: Ada); close, tally, decrypt, publish the result;
    export the record.

    Every step is dated from `world.start`, so with fixed randomness the exported record
    (and so its audit) is the same on every run. The TUI's voter has not voted.
    """
    clock = MovingClock(world.start + timedelta(minutes=5))
    env = election_env(clock, world.rng)
    init_wallet(root / "neighbour", env, keystore="file")
    with Wallet.open(root / "neighbour", env) as neighbour:
        did = create_identity(neighbour, label="neighbour").did
    _give_credential(root, env, world.start, "neighbour", did)
    with Wallet.open(root / "neighbour", env) as neighbour:
        vote(neighbour, world.board, ELECTION, as_="neighbour", choices={"mayor": {"ada": 1}})
    clock.now = world.start + timedelta(hours=2, minutes=1)
    with Wallet.open(root / "authority", env) as authority:
        close_election(authority, world.board, ELECTION, as_="authority")
        tally_election(authority, world.board, ELECTION, as_="authority")
        for t in ("t1", "t2"):
            with Wallet.open(root / t, env) as trustee:
                decrypt(trustee, world.board, ELECTION, as_=t)
        election_result(authority, world.board, ELECTION, as_="authority")
    export_election(world.board, ELECTION, record, env)
    return record


def copy_world(template: ElectionWorld, dest: Path, seed: bytes = b"tui copy") -> ElectionWorld:
    """A copy of a world made once (wallets and board file) at `dest`, with a fresh random
    source of its own, so that what one test draws never changes another's screens."""
    import shutil

    assert isinstance(template.board, Path), "a served board cannot be copied"
    shutil.copytree(template.root, dest)
    return replace(
        template,
        root=dest,
        voter_home=dest / "voter",
        board=dest / template.board.name,
        # Not KeySeeds: its keys 0x01…, 0x02… would repeat the template's identities'.
        rng=SeededStream(seed),
    )
