"""Provides the wire forms of C2SP tlog-witness `add-checkpoint` (c2sp.org/tlog-witness).

Request body (§add-checkpoint): an old size line `old <decimal>`, zero to 63 consistency
proof lines (one base64 hash each), an empty line, then the signed checkpoint note; every
line ends in U+000A. Success body: one or more note signature lines (the cosignatures).
Conflict body: the witness's tree size in decimal and a newline, `text/x.tlog.size`.
"""

from __future__ import annotations

from dataclasses import dataclass

from voting.chain import HASH_SIZE, Note
from voting.chain._note import b64decode, b64encode
from voting.errors import CheckpointError, MalformedRequest

MAX_PROOF_LINES = 63
SIZE_CONTENT_TYPE = "text/x.tlog.size"
#: A checkpoint note is a few lines and at most 100 signatures; 64 KiB is far beyond it.
MAX_BODY_BYTES = 64 * 1024
_MAX_SIZE = (1 << 64) - 1


def _decimal(text: str, what: str) -> int:
    # ASCII digits, no sign and no leading zero (tlog-witness §add-checkpoint, old size line).
    if not text or not text.isascii() or not text.isdigit() or (text[0] == "0" and text != "0"):
        raise MalformedRequest(f"{what} {text!r} is not a decimal without leading zeroes")
    value = int(text)
    if value > _MAX_SIZE:
        raise MalformedRequest(f"{what} {value} exceeds 2^64-1")
    return value


def _hash_line(line: str, index: int) -> bytes:
    try:
        value = b64decode(line, f"consistency proof line {index}")
    except CheckpointError as exc:
        raise MalformedRequest(str(exc)) from None
    if len(value) != HASH_SIZE:
        raise MalformedRequest(
            f"consistency proof line {index}: {len(value)} bytes, want {HASH_SIZE}"
        )
    return value


@dataclass(frozen=True)
class AddCheckpoint:
    """An add-checkpoint request: old size, consistency proof and the signed checkpoint."""

    old_size: int
    proof: tuple[bytes, ...]
    note: Note

    def __post_init__(self) -> None:
        if not 0 <= self.old_size <= _MAX_SIZE:
            raise MalformedRequest(f"old size {self.old_size} out of range")
        if len(self.proof) > MAX_PROOF_LINES:
            raise MalformedRequest(
                f"{len(self.proof)} consistency proof lines, limit {MAX_PROOF_LINES}"
            )
        if any(len(h) != HASH_SIZE for h in self.proof):
            raise MalformedRequest("consistency proof hash of the wrong length")

    @classmethod
    def from_bytes(cls, body: bytes) -> AddCheckpoint:
        """Parse a request body; anything off the grammar raises MalformedRequest (400)."""
        if len(body) > MAX_BODY_BYTES:
            raise MalformedRequest(f"body of {len(body)} bytes, limit {MAX_BODY_BYTES}")
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError:
            raise MalformedRequest("body is not valid UTF-8") from None
        head, sep, note = text.partition("\n")
        if not sep or not head.startswith("old "):
            raise MalformedRequest("the first line is not an old size line `old <size>`")
        old_size = _decimal(head[len("old ") :], "old size")
        proof: list[bytes] = []
        while True:
            line, sep, rest = note.partition("\n")
            if not sep:
                raise MalformedRequest("no empty line between the proof and the checkpoint")
            note = rest
            if not line:
                break
            if len(proof) == MAX_PROOF_LINES:
                raise MalformedRequest(f"more than {MAX_PROOF_LINES} consistency proof lines")
            proof.append(_hash_line(line, len(proof)))
        try:
            parsed = Note.from_text(note)
        except CheckpointError as exc:
            raise MalformedRequest(f"checkpoint: {exc}") from None
        return cls(old_size, tuple(proof), parsed)

    def to_bytes(self) -> bytes:
        """Return the request body exactly as the spec lays it out."""
        lines = [f"old {self.old_size}", *(b64encode(h) for h in self.proof), ""]
        return ("".join(line + "\n" for line in lines) + self.note.to_text()).encode("utf-8")


def size_body(size: int) -> bytes:
    """The 409 body: the witness's tree size in decimal, then a newline."""
    return f"{size}\n".encode("ascii")


def parse_size_body(body: bytes) -> int:
    """Parse a `text/x.tlog.size` body, as a client reads a 409 answer."""
    try:
        text = body.decode("ascii")
    except UnicodeDecodeError:
        raise MalformedRequest("size body is not ASCII") from None
    if not text.endswith("\n"):
        raise MalformedRequest("size body does not end in a newline")
    return _decimal(text[:-1], "size")
