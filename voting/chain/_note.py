"""Provides C2SP signed notes (c2sp.org/signed-note) with Ed25519 keys, vkeys and skeys.

A signed note is a text ending in a newline, a blank line, then one or more signature lines
`U+2014 U+0020 <key name> U+0020 base64(key ID[4] || signature) U+000A`. Verification needs
at least one signature from a known key; signatures from unknown (name, key ID) pairs are
ignored, and a known key whose signature fails rejects the whole note.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Protocol

import nacl.exceptions
import nacl.signing

from voting.errors import CheckpointError

SIG_PREFIX = "\u2014 "
ED25519_TYPE = 0x01
MAX_SIGNATURES = 100


def key_id_for(name: str, sig_type: int, public_key: bytes) -> int:
    """Return the C2SP key ID: SHA-256(name || 0x0A || type || public key)[:4], big-endian."""
    digest = hashlib.sha256(name.encode() + b"\n" + bytes([sig_type]) + public_key).digest()
    return int.from_bytes(digest[:4], "big")


def b64encode(data: bytes) -> str:
    """Encode with the standard RFC 4648 §4 alphabet and padding."""
    return base64.b64encode(data).decode("ascii")


def b64decode(text: str, what: str) -> bytes:
    """Decode strict, canonical standard base64, so that re-encoding gives the same text."""
    try:
        data = base64.b64decode(text.encode("ascii"), validate=True)
    except (UnicodeEncodeError, binascii.Error):
        raise CheckpointError(f"{what}: invalid base64") from None
    if b64encode(data) != text:
        raise CheckpointError(f"{what}: non-canonical base64")
    return data


def check_name(name: str) -> None:
    """Key names are non-empty and hold no Unicode space and no plus (signed-note §Format)."""
    if not name or "+" in name or any(ch.isspace() for ch in name):
        raise CheckpointError(f"invalid key name {name!r}")
    if any(ord(ch) < 0x20 for ch in name) or not _is_utf8(name):
        raise CheckpointError(f"invalid key name {name!r}")


def _is_utf8(text: str) -> bool:
    # A Python str may hold lone surrogates, which have no UTF-8 encoding.
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def check_text(text: str) -> None:
    """A note text ends in a newline and holds no control character other than newline."""
    if not text.endswith("\n"):
        raise CheckpointError("malformed note: text does not end in a newline")
    if any(ord(ch) < 0x20 and ch != "\n" for ch in text):
        raise CheckpointError("malformed note: control character in text")
    if not _is_utf8(text):
        raise CheckpointError("malformed note: text is not encodable as UTF-8")


@dataclass(frozen=True)
class NoteSignature:
    """One signature line: the key name, the 32-bit key ID and the signature bytes."""

    name: str
    key_id: int
    signature: bytes

    def __post_init__(self) -> None:
        check_name(self.name)
        if not 0 <= self.key_id < 1 << 32:
            raise CheckpointError(f"key ID {self.key_id} is not a 32-bit value")
        if not self.signature:
            raise CheckpointError(f"empty signature from {self.name}")

    @property
    def key(self) -> str:
        """The `name+keyid` label used in messages."""
        return f"{self.name}+{self.key_id:08x}"

    @classmethod
    def from_line(cls, line: str) -> NoteSignature:
        """Parse one signature line, without its final newline."""
        if not line.startswith(SIG_PREFIX):
            raise CheckpointError("malformed note: signature line lacks the em dash prefix")
        name, sep, encoded = line[len(SIG_PREFIX) :].partition(" ")
        if not sep:
            raise CheckpointError("malformed note: signature line has no signature")
        check_name(name)
        raw = b64decode(encoded, "malformed note: signature")
        if len(raw) < 5:
            raise CheckpointError(f"malformed note: signature of {len(raw)} bytes, want > 4")
        return cls(name, int.from_bytes(raw[:4], "big"), raw[4:])

    def to_line(self) -> str:
        """Return the signature line, final newline included."""
        payload = self.key_id.to_bytes(4, "big") + self.signature
        return f"{SIG_PREFIX}{self.name} {b64encode(payload)}\n"


@dataclass(frozen=True)
class Note:
    """A signed note: its text (final newline included) and its signature lines."""

    text: str
    signatures: tuple[NoteSignature, ...]

    def __post_init__(self) -> None:
        check_text(self.text)
        if not self.signatures:
            raise CheckpointError("malformed note: no signature lines")
        if len(self.signatures) > MAX_SIGNATURES:
            raise CheckpointError(
                f"malformed note: {len(self.signatures)} signatures, limit {MAX_SIGNATURES}"
            )

    @classmethod
    def from_text(cls, note: str | bytes) -> Note:
        """Parse a signed note; malformed input raises CheckpointError."""
        if isinstance(note, bytes):
            try:
                note = note.decode("utf-8")
            except UnicodeDecodeError:
                raise CheckpointError("malformed note: not valid UTF-8") from None
        if any(ord(ch) < 0x20 and ch != "\n" for ch in note):
            raise CheckpointError("malformed note: control character")
        # The text ends at the last blank line; signature lines never contain one.
        split = note.rfind("\n\n")
        if split < 0:
            raise CheckpointError("malformed note: no blank line before signatures")
        text, block = note[: split + 1], note[split + 2 :]
        if not block.endswith("\n"):
            raise CheckpointError("malformed note: signatures do not end in a newline")
        lines = block[:-1].split("\n")
        if len(lines) > MAX_SIGNATURES:
            raise CheckpointError(
                f"malformed note: {len(lines)} signatures, limit {MAX_SIGNATURES}"
            )
        return cls(text, tuple(NoteSignature.from_line(line) for line in lines))

    def to_text(self) -> str:
        """Return the note exactly as it goes on the wire."""
        return self.text + "\n" + "".join(sig.to_line() for sig in self.signatures)

    def to_bytes(self) -> bytes:
        """Return the UTF-8 encoding of `to_text()`."""
        return self.to_text().encode("utf-8")

    def with_signature(self, signature: NoteSignature) -> Note:
        """Return the same note with one more signature line appended."""
        return Note(self.text, (*self.signatures, signature))


class NoteVerifier(Protocol):
    """A known key: its name, its key ID, and a check of one signature over a note text."""

    @property
    def name(self) -> str: ...

    @property
    def key_id(self) -> int: ...

    def verify(self, text: bytes, signature: bytes) -> None:
        """Raise CheckpointError unless `signature` is valid over `text`."""
        ...


def parse_vkey(vkey: str) -> tuple[str, int, int, bytes]:
    """Split a verifier key `name+hexid+base64(type || key)` into its four parts."""
    # The base64 part may itself contain '+', so only the first two split it.
    parts = vkey.split("+", 2)
    if len(parts) != 3:
        raise CheckpointError("invalid verifier key: want name+keyid+key")
    name, hex_id, encoded = parts
    check_name(name)
    if len(hex_id) != 8 or any(ch not in "0123456789abcdef" for ch in hex_id):
        raise CheckpointError(f"invalid verifier key: key ID {hex_id!r} is not 8 hex digits")
    raw = b64decode(encoded, "invalid verifier key")
    if not raw:
        raise CheckpointError("invalid verifier key: empty key")
    return name, int(hex_id, 16), raw[0], raw[1:]


def _check_vkey_parts(name: str, key_id: int, sig_type: int, key: bytes, want_type: int) -> None:
    if sig_type != want_type:
        raise CheckpointError(
            f"invalid verifier key: signature type 0x{sig_type:02x}, want 0x{want_type:02x}"
        )
    if len(key) != 32:
        raise CheckpointError(f"invalid verifier key: key of {len(key)} bytes, want 32")
    want_id = key_id_for(name, sig_type, key)
    if key_id != want_id:
        raise CheckpointError(f"invalid verifier key: key ID {key_id:08x}, want {want_id:08x}")


@dataclass(frozen=True)
class Ed25519Verifier:
    """An Ed25519 note verifier (signature type 0x01)."""

    name: str
    public_key: bytes

    def __post_init__(self) -> None:
        check_name(self.name)
        if len(self.public_key) != 32:
            raise CheckpointError(f"public key of {len(self.public_key)} bytes, want 32")

    @cached_property
    def key_id(self) -> int:
        """SHA-256(name || 0x0A || 0x01 || public key)[:4]."""
        return key_id_for(self.name, ED25519_TYPE, self.public_key)

    @classmethod
    def from_vkey(cls, vkey: str) -> Ed25519Verifier:
        """Parse a vkey; the type byte must be 0x01 and the key ID must match."""
        name, key_id, sig_type, key = parse_vkey(vkey)
        _check_vkey_parts(name, key_id, sig_type, key, ED25519_TYPE)
        return cls(name, key)

    def to_vkey(self) -> str:
        """Return `name+hexid+base64(0x01 || public key)`."""
        encoded = b64encode(bytes([ED25519_TYPE]) + self.public_key)
        return f"{self.name}+{self.key_id:08x}+{encoded}"

    def verify(self, text: bytes, signature: bytes) -> None:
        """Raise CheckpointError unless `signature` is this key's Ed25519 signature of `text`."""
        if len(signature) != 64:
            raise CheckpointError(
                f"invalid signature for key {self.name}+{self.key_id:08x}: "
                f"{len(signature)} bytes, want 64"
            )
        try:
            nacl.signing.VerifyKey(self.public_key).verify(text, signature)
        except (nacl.exceptions.BadSignatureError, ValueError):
            raise CheckpointError(
                f"invalid signature for key {self.name}+{self.key_id:08x}"
            ) from None


@dataclass(frozen=True)
class Ed25519Signer:
    """An Ed25519 note signer; the seed never appears in a repr."""

    name: str
    seed: bytes = field(repr=False)

    def __post_init__(self) -> None:
        check_name(self.name)
        if len(self.seed) != 32:
            raise CheckpointError(f"seed of {len(self.seed)} bytes, want 32")

    def __repr__(self) -> str:
        return f"Ed25519Signer(name={self.name!r}, seed=<redacted>)"

    @classmethod
    def from_skey(cls, skey: str) -> Ed25519Signer:
        """Parse `PRIVATE+KEY+name+hexid+base64(0x01 || seed)`, checking the key ID."""
        parts = skey.split("+", 4)
        if len(parts) != 5 or parts[:2] != ["PRIVATE", "KEY"]:
            raise CheckpointError("invalid signer key: want PRIVATE+KEY+name+keyid+key")
        name, key_id, sig_type, seed = parse_vkey("+".join(parts[2:]))
        if sig_type != ED25519_TYPE or len(seed) != 32:
            raise CheckpointError("invalid signer key: not an Ed25519 seed")
        signer = cls(name, seed)
        if signer.key_id != key_id:
            raise CheckpointError(
                f"invalid signer key: key ID {key_id:08x}, want {signer.key_id:08x}"
            )
        return signer

    def to_skey(self) -> str:
        """Return the private key string; handle it as a secret."""
        encoded = b64encode(bytes([ED25519_TYPE]) + self.seed)
        return f"PRIVATE+KEY+{self.name}+{self.key_id:08x}+{encoded}"

    @cached_property
    def _signing_key(self) -> nacl.signing.SigningKey:
        return nacl.signing.SigningKey(self.seed)

    @property
    def public_key(self) -> bytes:
        """The 32-byte Ed25519 public key."""
        return bytes(self._signing_key.verify_key)

    @property
    def key_id(self) -> int:
        """The key ID of the matching verifier."""
        return self.verifier().key_id

    def verifier(self) -> Ed25519Verifier:
        """Return the verifier for this signer."""
        return Ed25519Verifier(self.name, self.public_key)

    def sign(self, text: str) -> NoteSignature:
        """Sign a note text (final newline included)."""
        check_text(text)
        signature = self._signing_key.sign(text.encode("utf-8")).signature
        return NoteSignature(self.name, self.key_id, signature)


def sign_note(text: str, signers: Sequence[Ed25519Signer]) -> Note:
    """Return `text` signed by every signer, in order."""
    return Note(text, tuple(signer.sign(text) for signer in signers))


@dataclass(frozen=True)
class VerifiedNote:
    """A note whose signatures checked out: the known ones verified, the others ignored."""

    note: Note
    verified: tuple[NoteSignature, ...]
    unverified: tuple[NoteSignature, ...]

    @property
    def text(self) -> str:
        """The note text, which may be trusted now."""
        return self.note.text


def verifier_map(verifiers: Sequence[NoteVerifier]) -> dict[tuple[str, int], NoteVerifier]:
    """Index known keys by (name, key ID); the same pair twice is ambiguous."""
    known: dict[tuple[str, int], NoteVerifier] = {}
    for verifier in verifiers:
        pair = (verifier.name, verifier.key_id)
        if pair in known:
            raise CheckpointError(f"ambiguous key {verifier.name}+{verifier.key_id:08x}")
        known[pair] = verifier
    return known


def open_note(note: Note | str | bytes, verifiers: Sequence[NoteVerifier]) -> VerifiedNote:
    """Verify a signed note against known keys (signed-note §Signatures).

    Raises CheckpointError when the note is malformed, when a known key's signature fails,
    or when no known key signed it.
    """
    parsed = note if isinstance(note, Note) else Note.from_text(note)
    known = verifier_map(verifiers)
    text = parsed.text.encode("utf-8")
    verified: list[NoteSignature] = []
    unverified: list[NoteSignature] = []
    for sig in parsed.signatures:
        verifier = known.get((sig.name, sig.key_id))
        if verifier is None:
            # Unknown keys are ignored, even if they share a name or an ID with a known one.
            unverified.append(sig)
            continue
        verifier.verify(text, sig.signature)
        if all((v.name, v.key_id) != (sig.name, sig.key_id) for v in verified):
            verified.append(sig)
    if not verified:
        raise CheckpointError("note has no verifiable signatures")
    return VerifiedNote(parsed, tuple(verified), tuple(unverified))
