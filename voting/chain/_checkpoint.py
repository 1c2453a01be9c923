"""Provides C2SP tlog-checkpoint bodies and tlog-cosignature (Ed25519, type 0x04) witnesses.

A checkpoint is a signed note whose text is `<origin>\\n<size>\\n<base64 root>\\n` followed by
optional extension lines (c2sp.org/tlog-checkpoint §Note text). A witness cosignature signs
`cosignature/v1\\ntime <t>\\n` followed by that text (c2sp.org/tlog-cosignature §Ed25519
signed message) and is carried as one more note signature line.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property

import nacl.exceptions
import nacl.signing

from voting.chain._merkle import EMPTY_ROOT, HASH_SIZE, verify_consistency
from voting.chain._note import (
    Ed25519Signer,
    Note,
    NoteSignature,
    NoteVerifier,
    b64decode,
    b64encode,
    check_name,
    key_id_for,
    open_note,
    parse_vkey,
)
from voting.errors import CheckpointError

COSIGNATURE_TYPE = 0x04
COSIGNATURE_HEADER = "cosignature/v1\n"
MAX_TIMESTAMP = (1 << 63) - 1
MAX_TREE_SIZE = (1 << 64) - 1
_DECIMAL = re.compile(r"0|[1-9][0-9]*")


def parse_decimal(text: str, what: str) -> int:
    # ASCII digits only, no sign, no leading zero: str.isdigit would admit other scripts.
    if not _DECIMAL.fullmatch(text):
        raise CheckpointError(f"malformed checkpoint: {what} {text!r} is not a decimal")
    return int(text)


@dataclass(frozen=True)
class Checkpoint:
    """A checkpoint body: origin, tree size, root hash and opaque extension lines."""

    origin: str
    size: int
    root_hash: bytes
    extensions: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        # tlog-checkpoint §Note text, lines 1-4.
        if not self.origin or "\n" in self.origin:
            raise CheckpointError("malformed checkpoint: empty or multi-line origin")
        if any(ord(ch) < 0x20 for ch in self.origin):
            raise CheckpointError("malformed checkpoint: control character in origin")
        if not 0 <= self.size <= MAX_TREE_SIZE:
            raise CheckpointError(f"malformed checkpoint: tree size {self.size} out of range")
        if len(self.root_hash) != HASH_SIZE:
            raise CheckpointError(
                f"malformed checkpoint: root hash of {len(self.root_hash)} bytes, want 32"
            )
        if self.size == 0 and self.root_hash != EMPTY_ROOT:
            raise CheckpointError("malformed checkpoint: size 0 needs the empty-tree root")
        for line in self.extensions:
            if not line or "\n" in line or any(ord(ch) < 0x20 for ch in line):
                raise CheckpointError("malformed checkpoint: bad extension line")

    @classmethod
    def from_text(cls, text: str) -> Checkpoint:
        """Parse a checkpoint note text (final newline included)."""
        if not text.endswith("\n"):
            raise CheckpointError("malformed checkpoint: text does not end in a newline")
        lines = text[:-1].split("\n")
        if len(lines) < 3:
            raise CheckpointError(f"malformed checkpoint: {len(lines)} lines, want at least 3")
        origin, size, root = lines[:3]
        return cls(
            origin,
            parse_decimal(size, "tree size"),
            b64decode(root, "malformed checkpoint: root hash"),
            tuple(lines[3:]),
        )

    def to_text(self) -> str:
        """Return the note text: origin, size, base64 root, extensions, each ending in \\n."""
        lines = [self.origin, str(self.size), b64encode(self.root_hash), *self.extensions]
        return "".join(line + "\n" for line in lines)


def cosigned_message(checkpoint_text: str, timestamp: int) -> bytes:
    """Return the bytes a v1 Ed25519 cosignature signs (tlog-cosignature §Ed25519 message)."""
    return f"{COSIGNATURE_HEADER}time {timestamp}\n{checkpoint_text}".encode()


@dataclass(frozen=True)
class Cosignature:
    """A parsed timestamped cosignature: who, which key, when, and the Ed25519 signature."""

    name: str
    key_id: int
    timestamp: int
    signature: bytes

    @classmethod
    def from_note_signature(cls, sig: NoteSignature) -> Cosignature:
        """Split a signature line's bytes into u64 timestamp || 64-byte Ed25519 signature."""
        if len(sig.signature) != 72:
            raise CheckpointError(
                f"cosignature from {sig.key}: {len(sig.signature)} bytes, want 72"
            )
        timestamp = int.from_bytes(sig.signature[:8], "big")
        if timestamp > MAX_TIMESTAMP:
            raise CheckpointError(f"cosignature from {sig.key}: timestamp exceeds 2^63-1")
        return cls(sig.name, sig.key_id, timestamp, sig.signature[8:])

    def to_note_signature(self) -> NoteSignature:
        """Return the signature line form."""
        payload = self.timestamp.to_bytes(8, "big") + self.signature
        return NoteSignature(self.name, self.key_id, payload)


@dataclass(frozen=True)
class CosignatureVerifier:
    """A witness's Ed25519 cosignature key (signature type 0x04)."""

    name: str
    public_key: bytes

    def __post_init__(self) -> None:
        check_name(self.name)
        if len(self.public_key) != 32:
            raise CheckpointError(f"public key of {len(self.public_key)} bytes, want 32")

    @cached_property
    def key_id(self) -> int:
        """SHA-256(name || 0x0A || 0x04 || public key)[:4]."""
        return key_id_for(self.name, COSIGNATURE_TYPE, self.public_key)

    @classmethod
    def from_vkey(cls, vkey: str) -> CosignatureVerifier:
        """Parse a vkey whose type byte is 0x04, checking its key ID."""
        name, key_id, sig_type, key = parse_vkey(vkey)
        if sig_type != COSIGNATURE_TYPE:
            raise CheckpointError(
                f"invalid verifier key: signature type 0x{sig_type:02x}, want 0x04"
            )
        verifier = cls(name, key)
        if verifier.key_id != key_id:
            raise CheckpointError(
                f"invalid verifier key: key ID {key_id:08x}, want {verifier.key_id:08x}"
            )
        return verifier

    def to_vkey(self) -> str:
        """Return `name+hexid+base64(0x04 || public key)`."""
        encoded = b64encode(bytes([COSIGNATURE_TYPE]) + self.public_key)
        return f"{self.name}+{self.key_id:08x}+{encoded}"

    def verify(self, text: bytes, signature: bytes) -> None:
        """Raise CheckpointError unless `signature` is a valid timestamped cosignature."""
        cosig = Cosignature.from_note_signature(NoteSignature(self.name, self.key_id, signature))
        message = cosigned_message(text.decode("utf-8"), cosig.timestamp)
        try:
            nacl.signing.VerifyKey(self.public_key).verify(message, cosig.signature)
        except (nacl.exceptions.BadSignatureError, ValueError):
            raise CheckpointError(
                f"invalid cosignature for witness {self.name}+{self.key_id:08x}"
            ) from None


@dataclass(frozen=True)
class CosignatureSigner:
    """A witness's Ed25519 cosigning key; the seed never appears in a repr."""

    name: str
    seed: bytes = field(repr=False)

    def __post_init__(self) -> None:
        check_name(self.name)
        if len(self.seed) != 32:
            raise CheckpointError(f"seed of {len(self.seed)} bytes, want 32")

    def __repr__(self) -> str:
        return f"CosignatureSigner(name={self.name!r}, seed=<redacted>)"

    def verifier(self) -> CosignatureVerifier:
        """Return the matching verifier."""
        key = nacl.signing.SigningKey(self.seed).verify_key
        return CosignatureVerifier(self.name, bytes(key))

    def cosign(self, checkpoint_text: str, timestamp: int) -> NoteSignature:
        """Cosign a checkpoint text as of `timestamp` (POSIX seconds, given by the caller)."""
        if not 0 <= timestamp <= MAX_TIMESTAMP:
            raise CheckpointError(f"timestamp {timestamp} out of range")
        Checkpoint.from_text(checkpoint_text)
        message = cosigned_message(checkpoint_text, timestamp)
        signature = nacl.signing.SigningKey(self.seed).sign(message).signature
        return Cosignature(
            self.name, self.verifier().key_id, timestamp, signature
        ).to_note_signature()


@dataclass(frozen=True)
class VerifiedCheckpoint:
    """A checkpoint whose log signature verified, with the witness cosignatures that did."""

    checkpoint: Checkpoint
    note: Note
    log_signers: tuple[str, ...]
    cosignatures: tuple[Cosignature, ...]


def sign_checkpoint(checkpoint: Checkpoint, signer: Ed25519Signer) -> Note:
    """Return the checkpoint as a note signed by the log's key."""
    text = checkpoint.to_text()
    return Note(text, (signer.sign(text),))


def add_cosignature(note: Note, signer: CosignatureSigner, timestamp: int) -> Note:
    """Return `note` with a witness cosignature line appended."""
    return note.with_signature(signer.cosign(note.text, timestamp))


def open_checkpoint(
    note: Note | str | bytes,
    log_verifiers: Sequence[NoteVerifier],
    cosigner_verifiers: Sequence[CosignatureVerifier] = (),
    *,
    origin: str | None = None,
) -> VerifiedCheckpoint:
    """Verify a signed checkpoint and return its body.

    (1) The note parses and every signature from a known key (log or witness) verifies;
    unknown signatures are ignored. (2) At least one signature is from a log key: witness
    cosignatures alone never make a checkpoint trusted. (3) The text is a checkpoint body.
    (4) When `origin` is given, the checkpoint's origin line equals it.
    """
    parsed = note if isinstance(note, Note) else Note.from_text(note)
    opened = open_note(parsed, [*log_verifiers, *cosigner_verifiers])
    log_keys = {(v.name, v.key_id) for v in log_verifiers}
    log_signers = tuple(s.name for s in opened.verified if (s.name, s.key_id) in log_keys)
    if not log_signers:
        raise CheckpointError("no log signature from a known log key")
    body = Checkpoint.from_text(opened.text)
    if origin is not None and body.origin != origin:
        raise CheckpointError(f"checkpoint origin {body.origin!r}, want {origin!r}")
    cosignatures = tuple(
        Cosignature.from_note_signature(s)
        for s in opened.verified
        if (s.name, s.key_id) not in log_keys
    )
    return VerifiedCheckpoint(body, parsed, log_signers, cosignatures)


def verify_checkpoint_consistency(old: Checkpoint, new: Checkpoint, proof: Sequence[bytes]) -> None:
    """Raise unless `new` extends `old`: same origin and a valid consistency proof.

    An old checkpoint of size 0 (whose root is always the empty root) is consistent with
    anything from the same log, which is the protocol-layer rule of C2SP tlog-witness.
    """
    if old.origin != new.origin:
        raise CheckpointError(f"origin {new.origin!r}, want {old.origin!r}")
    if old.size == 0:
        if proof:
            raise CheckpointError(f"wrong proof size {len(proof)}, want 0 from size 0")
        return
    verify_consistency(old.size, new.size, old.root_hash, new.root_hash, proof)
