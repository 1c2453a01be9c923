"""Provides an open election on a local board, and a voter's wallet eligible to vote in it.

The authority and the three trustees have wallets of their own; the voter's wallet (the one
the TUI opens) holds the voter's identity and the eligibility credential the authority issued.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from tests.wallet.fakes import KeySeeds, MovingClock, fixed_environment
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
MANIFEST = {
    "electionId": ELECTION,
    "title": "Town vote",
    "contests": [
        {"id": "mayor", "label": "Mayor", "minSelections": 1, "maxSelections": 1,
         "options": [{"id": "ada", "label": "Ada"}, {"id": "bob", "label": "Bob"}]},
        {"id": "library", "label": "New library", "minSelections": 0, "maxSelections": 1,
         "options": [{"id": "yes", "label": "Yes"}, {"id": "no", "label": "No"}]},
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
    board: Path
    voter: str
    start: datetime
    #: The random source the election was made with; later steps continue its stream.
    rng: Callable[[int], bytes]


def make_election(root: Path, start: datetime = SNAPSHOT_START) -> ElectionWorld:
    """Create the wallets, run the key ceremony and open the election.

    The window opens at `start` and lasts two hours; the setup happens a minute after
    `start`. Keys and ids come from a seeded source, so the world is the same on every run.
    """
    board = root / "board.sqlite"
    wallets: dict[str, Wallet] = {}
    dids: dict[str, str] = {}
    clock = MovingClock(start)
    rng = KeySeeds(b"tui election")
    env = election_env(clock, rng)
    for name in ("authority", "t1", "t2", "t3", "voter"):
        init_wallet(root / name, env, keystore="file")
        wallets[name] = Wallet.open(root / name, env)
        dids[name] = create_identity(wallets[name], label=name).did
    try:
        credential = issue_credential(
            wallets["authority"], issuer="authority", subject=dids["voter"], now=start,
            types=["VoterCredential"], claims={"name": "Vera Voter"},
        )  # fmt: skip
        import_credential(wallets["voter"], credential.text(), now=start)
        trustees = [dids[t] for t in ("t1", "t2", "t3")]
        manifest = load_manifest(
            json.dumps(MANIFEST), trustees=trustees, threshold=2,
            issuers=[dids["authority"]], credential_type="VoterCredential",
        )  # fmt: skip
        clock.advance(minutes=1)
        create_election(
            wallets["authority"], board, manifest, as_="authority", trustees=trustees,
            opens=start, closes=start + timedelta(hours=2), board_keystore="file",
        )  # fmt: skip
        for t in ("t1", "t2", "t3"):
            keygen(wallets[t], board, ELECTION, as_=t)
        # The second round posts the acknowledgements, once every share is in.
        for t in ("t1", "t2", "t3", "t1", "t2"):
            shares(wallets[t], board, ELECTION, as_=t)
        open_election(wallets["authority"], board, ELECTION, as_="authority")
    finally:
        for wallet in wallets.values():
            wallet.__exit__()
    return ElectionWorld(root / "voter", board, dids["voter"], start, rng)


def finish_election(root: Path, world: ElectionWorld, record: Path) -> Path:
    """Cast one ballot (Mayor: Ada), close, tally, decrypt, publish the result; export it.

    Every step is dated from `world.start`, so with fixed randomness the exported record
    (and so its audit) is the same on every run.
    """
    clock = MovingClock(world.start + timedelta(minutes=5))
    env = election_env(clock, world.rng)
    with Wallet.open(world.voter_home, env) as voter:
        vote(voter, world.board, ELECTION, as_="voter", choices={"mayor": {"ada": 1}})
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
