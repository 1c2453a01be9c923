"""Provides `Witness`: the checks of C2SP tlog-witness `add-checkpoint`, in the spec's order.

The witness works for any C2SP log whose checkpoints are signed with Ed25519 note keys: it
knows each log by its origin line and verifier key(s), keeps the latest tree it cosigned per
origin, and cosigns (tlog-cosignature, Ed25519 `cosignature/v1`, timestamped) only trees
that extend it. It never cosigns two different trees of the same size for one origin: a
tree of the stored size must carry the stored root, a larger one needs a consistency proof
from the stored root, and the new head is committed before the cosignature is released.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from voting.chain import (
    EMPTY_ROOT,
    Checkpoint,
    CosignatureSigner,
    CosignatureVerifier,
    Note,
    NoteSignature,
    open_note,
    verify_consistency,
)
from voting.chain._note import b64decode
from voting.errors import (
    CheckpointError,
    InconsistentCheckpoint,
    MalformedRequest,
    MerkleError,
    SizeConflict,
    UnknownLog,
    UntrustedCheckpoint,
)
from voting.witness._protocol import AddCheckpoint
from voting.witness._state import TreeHead, WitnessState

#: A source of POSIX seconds; the server passes the wall clock, tests pass a fixed one.
Clock = Callable[[], int]


@dataclass(frozen=True)
class Cosigned:
    """A successful add-checkpoint: the checkpoint and the witness's cosignature line."""

    checkpoint: Checkpoint
    cosignature: NoteSignature

    def response_body(self) -> bytes:
        """The 200 body: the cosignature as one note signature line."""
        return self.cosignature.to_line().encode("utf-8")


def _checkpoint_of(text: str) -> tuple[Checkpoint | None, int]:
    """Parse the checkpoint body; (None, size) for a size-0 tree with a non-empty root.

    That one defect has its own status (422, checked after the size rules), so it is told
    apart here from the malformed bodies that are a 400.
    """
    try:
        return Checkpoint.from_text(text), -1
    except CheckpointError as exc:
        lines = text.split("\n")
        if len(lines) >= 4 and lines[1] == "0":
            try:
                root = b64decode(lines[2], "root hash")
            except CheckpointError:
                root = b""
            if len(root) == len(EMPTY_ROOT) and root != EMPTY_ROOT:
                return None, 0
        raise MalformedRequest(f"checkpoint: {exc}") from None


class Witness:
    """A tlog-witness: a cosigning key, its durable state, and a clock."""

    def __init__(self, signer: CosignatureSigner, state: WitnessState, clock: Clock) -> None:
        self.signer = signer
        self.state = state
        self.clock = clock

    @property
    def verifier(self) -> CosignatureVerifier:
        return self.signer.verifier()

    def add_checkpoint(self, request: AddCheckpoint | bytes) -> Cosigned:
        """Check one add-checkpoint request and cosign it, or raise the spec's error.

        Raises MalformedRequest (400), UntrustedCheckpoint (403), UnknownLog (404),
        SizeConflict (409, with the witness's size) or InconsistentCheckpoint (422).
        """
        # (1) The body follows the request grammar (400 otherwise).
        req = request if isinstance(request, AddCheckpoint) else AddCheckpoint.from_bytes(request)
        note = req.note
        origin = note.text.split("\n", 1)[0]
        # (2) The origin is one the witness is configured for (404).
        keys = self.state.log_keys(origin)
        if not keys:
            raise UnknownLog(f"unknown log origin {origin!r}")
        # (3) A trusted key of that origin signed it, and no trusted key's line fails;
        # lines from unknown keys are ignored (403).
        try:
            opened = open_note(note, keys)
        except CheckpointError as exc:
            raise UntrustedCheckpoint(f"{origin}: {exc}") from None
        checkpoint, zero_size = _checkpoint_of(note.text)
        size = checkpoint.size if checkpoint is not None else zero_size
        # (4) The old size is at most the checkpoint's size (400).
        if req.old_size > size:
            raise MalformedRequest(f"old size {req.old_size} exceeds checkpoint size {size}")
        # (5) The old size is the size of the latest tree cosigned for the origin (409).
        head = self.state.head(origin)
        if req.old_size != head.size:
            raise SizeConflict(origin, req.old_size, head.size)
        try:
            # (6) A size-0 checkpoint carries the empty tree's root (422).
            if checkpoint is None:
                raise InconsistentCheckpoint("a checkpoint of size 0 must carry the empty root")
            self._check_consistency(req, head, checkpoint)
        except InconsistentCheckpoint as exc:
            # Signed by the log yet inconsistent with what it signed before: keep it, it may
            # prove a fork to whoever audits the log.
            self.state.record_evidence(origin, note.to_text(), str(exc))
            raise
        # (7) Sign, then persist the new head atomically with the comparison; only after the
        # commit does the cosignature leave (200), so no crash can outlive the state it needs.
        timestamp = self.clock()
        if timestamp <= 0:
            raise ValueError("the witness clock returned a timestamp <= 0")
        cosignature = self.signer.cosign(note.text, timestamp)
        kept = Note(note.text, (*opened.verified, cosignature))
        new = TreeHead(checkpoint.size, checkpoint.root_hash, kept.to_text())
        if not self.state.advance(origin, head, new):
            # Another request moved the head between the checks and the swap.
            raise SizeConflict(origin, req.old_size, self.state.head(origin).size)
        return Cosigned(checkpoint, cosignature)

    @staticmethod
    def _check_consistency(req: AddCheckpoint, head: TreeHead, checkpoint: Checkpoint) -> None:
        """The consistency rules of §add-checkpoint, each a 422."""
        if req.old_size == 0:
            # The empty tree is consistent with every tree, so no proof may be sent.
            if req.proof:
                raise InconsistentCheckpoint(
                    f"old size 0 needs an empty proof, got {len(req.proof)} lines"
                )
            return
        if req.old_size == checkpoint.size:
            if req.proof:
                raise InconsistentCheckpoint(
                    f"equal sizes need an empty proof, got {len(req.proof)} lines"
                )
            if checkpoint.root_hash != head.root_hash:
                raise InconsistentCheckpoint(
                    f"{checkpoint.origin}: a different root for size {checkpoint.size} than "
                    "the one this witness cosigned"
                )
            return
        try:
            verify_consistency(
                req.old_size, checkpoint.size, head.root_hash, checkpoint.root_hash, req.proof
            )
        except MerkleError as exc:
            raise InconsistentCheckpoint(
                f"{checkpoint.origin}: consistency proof from size {req.old_size} to "
                f"{checkpoint.size} does not verify: {exc}"
            ) from None

    def latest(self, origin: str) -> str:
        """The latest checkpoint cosigned for `origin`, with the log's and the witness's
        signatures (tlog-witness §Monitor Retrieval Mechanism); UnknownLog when none."""
        head = self.state.head(origin)
        if head.note is None:
            raise UnknownLog(f"no checkpoint cosigned for {origin!r}")
        return head.note
