"""Provides what a dishonest board operator can do to a local board: swap the trustees' keys
of an election and re-sign the rebuilt log with the board's own key.

No signature on the checkpoint can tell the forged log from the honest one; only a wallet
that checks the joint key against the trustees' entries can.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from voting.board import ZERO_HASH, ElectionState, Entry, TrusteeKeyBody
from voting.chain import Checkpoint, SqliteLogStore, sign_checkpoint
from voting.testing import SeededRng
from voting.trustees import Trustee
from wallet.services import Environment, LocalBoard


def swap_trustee_keys(board_file: Path, election: str, env: Environment) -> None:
    """Replace every trustee-key entry of `election` with one of a polynomial the operator
    drew (its proofs are valid), relink the chain and sign a fresh checkpoint for it."""
    with LocalBoard.open(board_file, env) as board:
        entries = board.entries(election)
        signer, origin = board.signer, board.origin(election)
        others = {name: board.entries(name) for name in board.elections() if name != election}
    manifest = ElectionState.replay(entries[:1]).require_election().manifest
    rng = SeededRng(b"the operator's own polynomials")
    swapped: list[Entry] = []
    prev = ZERO_HASH
    for entry in entries:
        if isinstance(entry.body, TrusteeKeyBody):
            own = Trustee.generate(manifest, entry.body.announcement.trustee, rng)
            entry = replace(entry, body=TrusteeKeyBody(own.announce(rng)))
        entry = replace(entry, prev=prev)
        prev = entry.hash()
        swapped.append(entry)
    forged = board_file.with_name("forged.sqlite")
    with SqliteLogStore(forged) as store:
        for name, log in [*others.items(), (election, swapped)]:
            store.create_log(name)
            store.append_many(name, [e.to_bytes() for e in log])
        size = store.size(election)
        body = Checkpoint(origin, size, store.root(election, size))
        store.put_checkpoint(election, sign_checkpoint(body, signer).to_text())
    for suffix in ("-wal", "-shm"):
        Path(f"{board_file}{suffix}").unlink(missing_ok=True)
    forged.replace(board_file)
