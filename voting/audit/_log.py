"""Provides check V4's log half: the Merkle root over the record against the signed checkpoint.

Per docs/tally-chain.md: the board's key (§2, vkey) verifies the checkpoint note (§3.1); the
RFC 9162 root over every entry's bytes (§1) must equal the checkpoint's root at its size;
and when a saved audit state is given, a consistency proof computed from the record's own
entries must lead from the saved (size, root) to the new checkpoint (§1.2, §3.3). The tree
is rebuilt here from the entries: nothing the board stored is trusted.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from voting.audit._report import Reason
from voting.audit._state import AuditState
from voting.chain import (
    Checkpoint,
    Ed25519Verifier,
    MemoryLogStore,
    open_checkpoint,
    verify_checkpoint_consistency,
)
from voting.errors import ChainError

LOG = "record"


@dataclass
class LogFindings:
    """What the log check found: the rebuilt tree, the checkpoint, and any failures."""

    tree: MemoryLogStore
    checkpoint: Checkpoint | None = None
    verifier: Ed25519Verifier | None = None
    failures: list[Reason] = field(default_factory=list)
    # True when the saved state may be used: same board, and the history only grew.
    resume: bool = False

    @property
    def root(self) -> bytes:
        """The root recomputed over every entry of the record."""
        return self.tree.root(LOG)


def build_tree(entries: Sequence[bytes]) -> MemoryLogStore:
    """Return an in-memory RFC 9162 tree over the entries' bytes, recomputed from scratch."""
    tree = MemoryLogStore()
    tree.create_log(LOG)
    if entries:
        tree.append_many(LOG, entries)
    return tree


def check_log(
    entries: Sequence[bytes], checkpoint: str, vkey: str, state: AuditState | None
) -> LogFindings:
    """Run V4's Merkle and checkpoint steps; the link steps depend on the entry format."""
    found = LogFindings(build_tree(entries))
    # (1) The board's key, as published beside the record.
    try:
        found.verifier = Ed25519Verifier.from_vkey(vkey.strip())
    except ChainError as exc:
        found.failures.append(Reason("board-key-invalid", f"board.vkey: {exc}"))
        return found
    # (2) The checkpoint is signed by that key (tally-chain §3.1).
    try:
        opened = open_checkpoint(checkpoint, [found.verifier])
    except ChainError as exc:
        found.failures.append(Reason("checkpoint-signature", f"checkpoint: {exc}"))
        return found
    found.checkpoint = body = opened.checkpoint
    # (3) The checkpoint covers exactly the record's entries, and its root is theirs.
    if body.size != len(entries):
        found.failures.append(
            Reason(
                "size-mismatch",
                f"checkpoint size {body.size}, but the record holds {len(entries)} entries",
            )
        )
    else:
        root = found.root
        if root != body.root_hash:
            found.failures.append(
                Reason(
                    "root-mismatch",
                    f"Merkle root over the entries {root.hex()[:16]}…, checkpoint says "
                    f"{body.root_hash.hex()[:16]}…",
                )
            )
    if state is not None:
        _check_resume(found, body, vkey.strip(), state, len(entries))
    return found


def _check_resume(
    found: LogFindings, body: Checkpoint, vkey: str, state: AuditState, count: int
) -> None:
    # (4) tally-chain §3.3: the saved checkpoint must be a prefix of the new one, which a
    # consistency proof computed from the record's own entries shows (or refutes).
    if state.vkey != vkey or state.origin != body.origin:
        found.failures.append(
            Reason(
                "state-other-log",
                f"the saved state is for {state.origin!r} under another key or origin",
            )
        )
        return
    if state.size > count or state.size > body.size:
        found.failures.append(
            Reason(
                "history-shrank",
                f"the saved checkpoint has {state.size} entries, the record only "
                f"{min(count, body.size)}",
            )
        )
        return
    old = Checkpoint(state.origin, state.size, state.root)
    try:
        proof = found.tree.consistency_proof(LOG, state.size, body.size) if state.size else []
        verify_checkpoint_consistency(old, body, proof)
    except ChainError as exc:
        found.failures.append(
            Reason(
                "inconsistent-with-saved",
                f"the checkpoint of size {body.size} does not extend the saved one of size "
                f"{state.size}: {exc}",
            )
        )
        return
    found.resume = not found.failures
