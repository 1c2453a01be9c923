"""Provides receipts in the C2SP tlog-proof shape (c2sp.org/tlog-proof@v1).

c2sp.org/tlog-proof@v1
extra <base64>            (optional)
index <decimal>
<base64 hash>             (zero or more: the RFC 9162 inclusion proof, leaf side first)
<empty line>
<the signed checkpoint note, verbatim>
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from voting.chain._checkpoint import (
    Checkpoint,
    CosignatureVerifier,
    VerifiedCheckpoint,
    open_checkpoint,
    parse_decimal,
)
from voting.chain._merkle import HASH_SIZE, verify_inclusion
from voting.chain._note import Note, NoteVerifier, b64decode, b64encode
from voting.errors import CheckpointError

TLOG_PROOF_HEADER = "c2sp.org/tlog-proof@v1"


@dataclass(frozen=True)
class Receipt:
    """The index of an entry, its inclusion proof and the signed checkpoint it is proven in."""

    index: int
    proof: tuple[bytes, ...]
    note: Note
    extra: bytes | None = None

    def __post_init__(self) -> None:
        if self.index < 0:
            raise CheckpointError(f"receipt index {self.index} is negative")
        for i, item in enumerate(self.proof):
            if len(item) != HASH_SIZE:
                raise CheckpointError(f"receipt proof[{i}] of {len(item)} bytes, want 32")
        size = self.checkpoint.size
        if self.index >= size:
            raise CheckpointError(f"receipt index {self.index} beyond checkpoint size {size}")

    @property
    def checkpoint(self) -> Checkpoint:
        """The checkpoint body (unverified until `verify_receipt` passes)."""
        return Checkpoint.from_text(self.note.text)

    @classmethod
    def from_text(cls, text: str | bytes) -> Receipt:
        """Parse a tlog-proof; malformed input raises CheckpointError."""
        if isinstance(text, bytes):
            try:
                text = text.decode("utf-8")
            except UnicodeDecodeError:
                raise CheckpointError("malformed receipt: not valid UTF-8") from None
        head, sep, note = text.partition("\n\n")
        if not sep:
            raise CheckpointError("malformed receipt: no blank line before the checkpoint")
        lines = head.split("\n")
        if lines[0] != TLOG_PROOF_HEADER:
            raise CheckpointError(f"malformed receipt: first line is not {TLOG_PROOF_HEADER}")
        position = 1
        extra = None
        if position < len(lines) and lines[position].startswith("extra "):
            extra = b64decode(lines[position][len("extra ") :], "malformed receipt: extra")
            position += 1
        if position >= len(lines) or not lines[position].startswith("index "):
            raise CheckpointError("malformed receipt: missing index line")
        index = parse_decimal(lines[position][len("index ") :], "index")
        proof = tuple(
            b64decode(line, "malformed receipt: proof hash") for line in lines[position + 1 :]
        )
        return cls(index, proof, Note.from_text(note), extra)

    def to_text(self) -> str:
        """Return the tlog-proof text."""
        lines = [TLOG_PROOF_HEADER]
        if self.extra is not None:
            lines.append(f"extra {b64encode(self.extra)}")
        lines.append(f"index {self.index}")
        lines.extend(b64encode(item) for item in self.proof)
        return "\n".join(lines) + "\n\n" + self.note.to_text()


def verify_receipt(
    receipt: Receipt,
    hashed_leaf: bytes,
    log_verifiers: Sequence[NoteVerifier],
    cosigner_verifiers: Sequence[CosignatureVerifier] = (),
    *,
    origin: str | None = None,
) -> VerifiedCheckpoint:
    """Verify a receipt for the entry whose RFC 9162 leaf hash is `hashed_leaf`.

    (1) The checkpoint is signed by a known log key (and every known witness's cosignature
    verifies). (2) The inclusion proof leads from the leaf hash to the checkpoint's root.
    Raises CheckpointError or MerkleError.
    """
    opened = open_checkpoint(receipt.note, log_verifiers, cosigner_verifiers, origin=origin)
    body = opened.checkpoint
    verify_inclusion(receipt.index, body.size, hashed_leaf, receipt.proof, body.root_hash)
    return opened
