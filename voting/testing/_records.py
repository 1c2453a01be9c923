"""Provides whole election records for tests of an audit: an honest run with every kind of
entry, and a writer of record directories (record spec §9) from raw entry bytes."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from voting.board import CHECKPOINT_FILE, ENTRIES_FILE, VKEY_FILE, ZERO_HASH, BallotBody, Entry
from voting.chain import (
    Checkpoint,
    Ed25519Signer,
    LogStore,
    compute_root,
    leaf_hash,
    sign_checkpoint,
)
from voting.errors import RejectedEntry
from voting.testing._world import Run, World


def honest_run(
    store: LogStore,
    *,
    finish: bool = True,
    revoked: int | None = None,
    fresh_lists: bool = False,
) -> Run:
    """Five voters, voter 0 revotes, voter 4 challenges an encryption then casts; finished.

    An outsider's ballot, eligible only by a credential it issued itself, is refused on the
    way. `revoked` is a status bit the authority sets before the close; with `fresh_lists`
    the status lists are signed at the time they are looked up (see `World`).
    """
    world = World(fresh_lists=fresh_lists)
    run = world.run(store)
    run.setup()
    voters = world.voters
    for i, voter in enumerate(voters[:4]):
        run.vote(voter, f"b{i}", "bob" if i % 2 else "ada")
    run.vote(voters[0], "b0-again", "bob")
    # Voter 4 challenges an encryption (published with its opening, never cast), then casts.
    run.challenge(voters[4], "b4-challenged", "ada")
    run.vote(voters[4], "b4", "bob")
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


def relinked(entries: Sequence[Entry]) -> list[Entry]:
    """`entries` with each one's `prev` made the hash of the one before: the chain as an
    operator who rewrote entries re-links it, so that only the signatures can tell."""
    linked, prev = [], ZERO_HASH
    for entry in entries:
        entry = replace(entry, prev=prev)
        linked.append(entry)
        prev = entry.hash()
    return linked


def write_record(directory: Path, entries: list[bytes], signer: Ed25519Signer, origin: str) -> Path:
    """Write a record of these entry bytes with a checkpoint over them signed by `signer`.

    Nothing is checked: the bytes may be anything a test wants an audit to judge.
    """
    directory.mkdir(parents=True, exist_ok=True)
    (directory / ENTRIES_FILE).write_bytes(b"".join(e + b"\n" for e in entries))
    root = compute_root(leaf_hash(e) for e in entries)
    note = sign_checkpoint(Checkpoint(origin, len(entries), root), signer)
    (directory / CHECKPOINT_FILE).write_text(note.to_text())
    (directory / VKEY_FILE).write_text(signer.verifier().to_vkey() + "\n")
    return directory
