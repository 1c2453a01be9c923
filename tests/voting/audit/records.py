"""Provides honest election records for the audit tests, and ways to tamper with them.

Re-signing helpers rebuild a record consistently (every link recomputed, every entry signed
again by its author, a fresh checkpoint signed by the board's key), so a test can show
that a semantic check catches a change on its own, with V4 passing.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import Any

import did
from voting.board import ZERO_HASH, BallotBody, Entry, export_record
from voting.chain import (
    Checkpoint,
    Ed25519Signer,
    MemoryLogStore,
    compute_root,
    leaf_hash,
    sign_checkpoint,
)
from voting.errors import RejectedEntry

from ..board.world import ELECTION_ID, STATUS_URL, Clock, Party, Run, World


@dataclass
class FreshListWorld(World):
    """A world whose authority signs its status list afresh at every lookup, dated now.

    The list the board checks a ballot against is valid from the ballot's time, and the
    list frozen by `close` is valid from the close: what an issuer publishing live does.
    """

    clock: Clock = field(default_factory=Clock)

    def status_list(self, at: datetime | None = None) -> dict[str, Any]:
        """The revocation list with the bits of `revoked` set, signed at the clock's time."""
        bits = did.StatusList()
        for index in self.revoked:
            bits.set(index, True)
        now = self.clock.now
        unsigned = did.status_list_credential(
            STATUS_URL, self.authority.did, "revocation", bits, now
        )
        return did.add_proof(unsigned, self.authority.key, self.authority.vm, created=now)


def honest_run(
    store: MemoryLogStore,
    *,
    finish: bool = True,
    revoked: int | None = None,
    fresh_lists: bool = False,
) -> Run:
    """Five voters, voter 0 revotes, voter 4 challenges a ballot then casts; closed and tallied.

    With `fresh_lists` the status lists are signed at the time they are looked up, so the
    list frozen at close is valid only from the close.
    """
    clock = Clock()
    world = FreshListWorld(clock=clock) if fresh_lists else World()
    run = Run(world, world.board(store, clock), clock)
    run.setup()
    voters = world.voters
    for i, voter in enumerate(voters[:4]):
        run.vote(voter, f"b{i}", "bob" if i % 2 else "ada")
    run.vote(voters[0], "b0-again", "bob")
    # Voter 4 challenges an encryption (published with its opening, never cast), then casts.
    run.challenge(voters[4], "b4-challenged", "ada")
    run.vote(voters[4], "b4", "bob")
    # An outsider whose credential it issued itself is refused by the board.
    try:
        run.post(forged_ballot(run, "x"), world.outsider)
    except RejectedEntry:
        pass
    else:  # pragma: no cover - the board's rules would be broken.
        raise AssertionError("the board accepted an ineligible ballot")
    if revoked is not None:
        world.revoked.add(revoked)
    if finish:
        run.finish()
    return run


def forged_ballot(run: Run, ballot_id: str) -> BallotBody:
    """A well-formed ballot of the outsider, eligible only by a credential it issued itself."""
    world = run.world
    credential = world.credential(world.outsider, 9, issuer=world.outsider)
    return run.ballot_body(world.outsider, ballot_id, "ada", credential=credential)


def export(store: MemoryLogStore, directory: Path) -> Path:
    """Export the election's record to `directory`."""
    return export_record(store, ELECTION_ID, directory)


def parties(run: Run) -> dict[str, Party]:
    """Every signer of the run by DID."""
    world = run.world
    everyone = [world.authority, *world.trustees, *world.voters, world.outsider]
    return {p.did: p for p in everyone}


def read_entries(directory: Path) -> list[bytes]:
    """Return the lines of `entries.jsonl`."""
    return (directory / "entries.jsonl").read_bytes().split(b"\n")[:-1]


def write_raw(directory: Path, entries: list[bytes], signer: Ed25519Signer, origin: str) -> Path:
    """Write a record of these bytes with a checkpoint over them signed by `signer`."""
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "entries.jsonl").write_bytes(b"".join(e + b"\n" for e in entries))
    root = compute_root(leaf_hash(e) for e in entries)
    note = sign_checkpoint(Checkpoint(origin, len(entries), root), signer)
    (directory / "checkpoint").write_text(note.to_text())
    (directory / "board.vkey").write_text(signer.verifier().to_vkey() + "\n")
    return directory


def resign(run: Run, entries: list[Entry]) -> list[bytes]:
    """Relink the entries in order and have each author sign again."""
    who = parties(run)
    out: list[bytes] = []
    prev = ZERO_HASH
    for seq, entry in enumerate(entries):
        party = who[entry.author_did]
        again = replace(entry, seq=seq, prev=prev, signature=b"").sign(party.key)
        out.append(again.to_bytes())
        prev = again.hash()
    return out


def rewrite(run: Run, source: Path, target: Path, entries: list[Entry]) -> Path:
    """Write `entries`, re-linked and re-signed, as a record the board's key vouches for."""
    origin = run.board.origin(ELECTION_ID)
    return write_raw(target, resign(run, entries), run.world.board_signer, origin)


def parsed(directory: Path) -> list[Entry]:
    """Return the record's entries, parsed."""
    return [Entry.from_bytes(e) for e in read_entries(directory)]
