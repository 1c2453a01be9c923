"""Provides small C2SP logs for witness tests: a signed, growing log and forks of it."""

from __future__ import annotations

import hashlib

from voting.chain import (
    Checkpoint,
    CosignatureSigner,
    Ed25519Signer,
    MemoryLogStore,
    Note,
    sign_checkpoint,
)
from voting.witness import AddCheckpoint, Witness, WitnessState

LOG = "log"


def seed(label: str) -> bytes:
    """A fixed 32-byte seed per label, so keys are the same in every run."""
    return hashlib.sha256(label.encode()).digest()


class TestLog:
    """A log of numbered leaves with its own Ed25519 checkpoint key."""

    __test__ = False

    def __init__(self, origin: str = "example.com/log", signer: Ed25519Signer | None = None):
        self.origin = origin
        self.signer = signer or Ed25519Signer(origin, seed(f"log {origin}"))
        self.store = MemoryLogStore()
        self.store.create_log(LOG)

    @property
    def vkey(self) -> str:
        return self.signer.verifier().to_vkey()

    def grow(self, to: int, tag: str = "") -> TestLog:
        """Append leaves until the log holds `to`; `tag` makes a fork's leaves differ."""
        while self.store.size(LOG) < to:
            self.store.append(LOG, f"leaf {self.store.size(LOG)} {tag}".encode())
        return self

    def fork(self, tag: str) -> TestLog:
        """A copy of this log (same key, same leaves so far) that will diverge."""
        other = TestLog(self.origin, self.signer)
        for index in range(self.store.size(LOG)):
            other.store.append(LOG, self.store.leaf(LOG, index))
        return other.grow(self.store.size(LOG), tag)

    def checkpoint(self, size: int | None = None) -> Checkpoint:
        size = self.store.size(LOG) if size is None else size
        return Checkpoint(self.origin, size, self.store.root(LOG, size))

    def note(self, size: int | None = None) -> Note:
        return sign_checkpoint(self.checkpoint(size), self.signer)

    def request(self, old: int, size: int | None = None) -> AddCheckpoint:
        """A well-formed add-checkpoint from `old` to `size` (default: the whole log)."""
        size = self.store.size(LOG) if size is None else size
        proof = self.store.consistency_proof(LOG, old, size) if 0 < old < size else []
        return AddCheckpoint(old, tuple(proof), self.note(size))


def new_witness(
    path: str, name: str = "witness.example/w1", *, now: int = 1_700_000_000
) -> Witness:
    """A witness on a SQLite file with a fixed key and a fixed clock."""
    return Witness(CosignatureSigner(name, seed(name)), WitnessState(path), lambda: now)
