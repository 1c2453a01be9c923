"""Provides the signed, hash-linked entry envelope of the tally chain (election-entries §2, §3).

An entry is one JSON object whose canonical bytes (RFC 8785 JCS) are both the Merkle leaf and
the input of the next entry's `prev` hash. The author signs the canonical bytes of the entry
without its `signature` member with the Ed25519 key named by `author`; a voter's entry
(`ballot`, `challenged`) is signed without `seq` and `prev` too, so the board places it (§3.1).
"""

from __future__ import annotations

import copy
import hashlib
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

import did
from did.errors import DidError
from voting._json import JsonObject, canonical, hex_bytes, integer, keys
from voting.board._bodies import EntryBody, parse_body
from voting.board._documents import check_documents
from voting.board._election import (
    check_did,
    check_election_id,
    format_time,
    parse_time,
    whole_seconds,
)
from voting.board._replay import SEQUENCED_TYPES
from voting.errors import EncodingError, RejectedEntry, VotingError

ENTRY_VERSION = 1
ZERO_HASH = bytes(32)
_UNPLACED = b"\xff" * 32
# A ballot of 64 contests of 64 options each is about 1.3 MB; entries beyond 4 MiB are refused
# before parsing so that a hostile line cannot make a reader allocate without bound.
MAX_ENTRY_BYTES = 4 * 1024 * 1024
_FIELDS = {"version", "type", "election", "seq", "prev", "author", "time", "body", "signature"}
_PLACE = ("seq", "prev")


@dataclass(frozen=True)
class Head:
    """Where the next entry of an election goes: its sequence number and `prev` hash."""

    election: str
    seq: int
    prev: bytes

    @classmethod
    def genesis(cls, election: str) -> Head:
        """The head of an election with no entries yet: seq 0, prev = 32 zero bytes."""
        return cls(check_election_id(election), 0, ZERO_HASH)

    @classmethod
    def unplaced(cls, election: str) -> Head:
        """A stand-in head for an entry the board places (SEQUENCED_TYPES).

        Such an entry's signature does not cover `seq` and `prev`, so it may be built on any
        head; this one is never sent (the submission omits both) and the board replaces it.
        """
        return cls(check_election_id(election), 1, _UNPLACED)


@dataclass(frozen=True)
class Entry:
    """One signed chain entry; `type` follows from the body's class."""

    election: str
    seq: int
    prev: bytes
    author: str
    time: datetime
    body: EntryBody
    signature: bytes = b""
    # did:web DID -> the DID document this entry records on the chain (§2.1); usually empty.
    documents: dict[str, Any] = field(default_factory=dict, compare=True)

    def __post_init__(self) -> None:
        # §2: the invariants every entry holds, built in code or parsed.
        check_election_id(self.election)
        if isinstance(self.seq, bool) or not 0 <= self.seq < 2**53:
            raise EncodingError(f"entry.seq: got {self.seq!r}, want 0..2^53-1")
        if len(self.prev) != 32:
            raise EncodingError("entry.prev: want 32 bytes")
        if (self.seq == 0) != (self.prev == ZERO_HASH):
            raise EncodingError("entry.prev: the zero hash links the first entry and only it")
        check_did(self.author, "entry.author", url=True)
        if (self.type == "election") != (self.seq == 0):
            raise EncodingError("entry.seq: an election entry comes first, and only there")
        if self.type == "election" and self.body.manifest.election_id != self.election:  # type: ignore[union-attr]
            raise EncodingError("entry.election: differs from the manifest's electionId")
        object.__setattr__(self, "time", whole_seconds(self.time))
        if self.signature and len(self.signature) != 64:
            raise EncodingError("entry.signature: want 64 bytes")
        if self.documents:
            object.__setattr__(self, "documents", copy.deepcopy(check_documents(self.documents)))

    @property
    def type(self) -> str:
        """The entry type, e.g. `ballot`."""
        return self.body.TYPE

    @property
    def author_did(self) -> str:
        """The DID part of the author's verification method URL."""
        return self.author.partition("#")[0]

    def unsigned_json(self) -> JsonObject:
        """Return the entry object without `signature`: what the author signs (§3)."""
        return {
            "version": ENTRY_VERSION,
            "type": self.type,
            "election": self.election,
            "seq": self.seq,
            "prev": self.prev.hex(),
            "author": self.author,
            "time": format_time(self.time),
            "body": self.body.to_json(),
            **({"documents": copy.deepcopy(self.documents)} if self.documents else {}),
        }

    @property
    def sequenced(self) -> bool:
        """Whether the board places this entry: its signature covers neither seq nor prev."""
        return self.type in SEQUENCED_TYPES

    def signing_input(self) -> bytes:
        """Return the exact bytes the author signs (§3.1): JCS(entry without `signature`),
        and for a voter's entry without `seq` and `prev` as well."""
        cached: bytes | None = self.__dict__.get("_signing")
        if cached is None:
            unsigned = self.unsigned_json()
            if self.sequenced:
                for name in _PLACE:
                    del unsigned[name]
            cached = canonical(unsigned)
            object.__setattr__(self, "_signing", cached)
        return cached

    def place(self, head: Head) -> Entry:
        """Return this voter's entry at `head` (the board's sequencing); the signature still
        verifies, as it does not cover the place. Other types are signed over their head."""
        if not self.sequenced:
            raise EncodingError(f"entry: a {self.type} entry is signed over its head")
        if head.election != self.election:
            raise EncodingError(f"entry: head of election {head.election!r}")
        placed = replace(self, seq=head.seq, prev=head.prev)
        signing = self.signing_input()
        object.__setattr__(placed, "_signing", signing)
        if self.signature:
            members = b'"prev":"%s","seq":%d,' % (head.prev.hex().encode(), head.seq)
            object.__setattr__(placed, "_canonical", self._splice(signing, members))
        return placed

    def _splice(self, signing: bytes, members: bytes) -> bytes:
        # A voter's signing input is JCS without prev, seq and signature; JCS orders members
        # by name, so those three go just before the last three, `time`, `type`, `version`,
        # whose bytes are known: splicing gives the canonical bytes without another JCS pass
        # over the whole ballot.
        tail = canonical(
            {"time": format_time(self.time), "type": self.type, "version": ENTRY_VERSION}
        )[1:]
        if not signing.endswith(tail):
            raise EncodingError("entry: unexpected signing input")  # pragma: no cover
        signature = b'"signature":"%s",' % self.signature.hex().encode()
        return signing[: -len(tail)] + members + signature + tail

    def submission_json(self) -> JsonObject:
        """What a writer sends the board (board-api §3): the entry, and for a voter's entry
        without `seq` and `prev`, which the board assigns."""
        data = self.to_json()
        if self.sequenced:
            for name in _PLACE:
                del data[name]
        return data

    def submission_bytes(self) -> bytes:
        """JCS(submission_json())."""
        if self.sequenced and self.signature:
            return self._splice(self.signing_input(), b"")
        return canonical(self.submission_json())

    def to_json(self) -> JsonObject:
        """Return the full entry object; an unsigned entry cannot be serialised."""
        if not self.signature:
            raise EncodingError("entry: not signed")
        return {**self.unsigned_json(), "signature": self.signature.hex()}

    def to_bytes(self) -> bytes:
        """Return the canonical bytes: the Merkle leaf and the `prev` input of the next entry."""
        # The entry is immutable, so its bytes are computed once; replaying a long chain
        # would otherwise canonicalise every entry again for each hash.
        cached: bytes | None = self.__dict__.get("_canonical")
        if cached is None:
            cached = canonical(self.to_json())
            object.__setattr__(self, "_canonical", cached)
        return cached

    def hash(self) -> bytes:
        """Return SHA-256 of the canonical bytes (§3.2)."""
        cached: bytes | None = self.__dict__.get("_hash")
        if cached is None:
            cached = hashlib.sha256(self.to_bytes()).digest()
            object.__setattr__(self, "_hash", cached)
        return cached

    def sign(self, key: did.Signer) -> Entry:
        """Return this entry signed with `key`, the private key of `author`."""
        signing = self.signing_input()
        signed = replace(self, signature=key.sign(signing))
        object.__setattr__(signed, "_signing", signing)
        return signed

    def verify_signature(self, public_key: bytes) -> None:
        """Raise RejectedEntry unless the signature verifies with `public_key`."""
        if not self.signature:
            raise RejectedEntry("signature: the entry is not signed")
        try:
            did.verify_ed25519(public_key, self.signing_input(), self.signature)
        except DidError:
            raise RejectedEntry(f"signature: does not verify with {self.author[:100]}") from None

    def verify(self, resolver: did.Resolver) -> None:
        """Resolve the author's assertionMethod key and verify the signature (RejectedEntry)."""
        try:
            method = resolver.resolve_verification_method(self.author, "assertionMethod")
        except DidError as exc:
            raise RejectedEntry(f"author: {exc}") from None
        self.verify_signature(method.public_key)

    @classmethod
    def from_json(cls, data: object) -> Entry:
        """Parse an entry object strictly (every member required, none unknown)."""
        if not isinstance(data, dict):
            raise EncodingError("entry: want a JSON object")
        keys(data, "entry", set(_FIELDS), frozenset({"documents"}))
        if data["version"] != ENTRY_VERSION or isinstance(data["version"], bool):
            raise EncodingError(f"entry.version: got {data['version']!r}, want {ENTRY_VERSION}")
        kind = data["type"]
        if not isinstance(kind, str):
            raise EncodingError("entry.type: want a string")
        raw_sig = hex_bytes(data["signature"], "entry.signature", 64)
        raw_prev = hex_bytes(data["prev"], "entry.prev")
        return cls(
            election=check_election_id(data["election"]),
            seq=integer(data, "seq", "entry", 0, 2**53 - 1),
            prev=raw_prev,
            author=check_did(data["author"], "entry.author", url=True),
            time=parse_time(data["time"], "entry.time"),
            body=parse_body(kind, data["body"]),
            signature=raw_sig,
            documents=check_documents(data["documents"]) if "documents" in data else {},
        )

    @classmethod
    def from_submission(cls, data: bytes) -> Entry:
        """Parse what a writer sent the board: a full entry, or a voter's entry without
        `seq` and `prev` (placed at a stand-in head, `Head.unplaced`, until the board places
        it). A voter's entry that carries a place has it ignored (it is not signed); any
        other entry must be in its canonical bytes, as `from_bytes` requires."""
        obj = _parse_entry_json(data)
        if not isinstance(obj, dict) or obj.get("type") not in SEQUENCED_TYPES:
            return cls.from_bytes(bytes(data))
        stand_in = Head.unplaced(check_election_id(obj.get("election")))
        obj = {**obj, "seq": stand_in.seq, "prev": stand_in.prev.hex()}
        return cls.from_json(obj)

    @classmethod
    def from_bytes(cls, data: bytes, *, check_canonical: bool = True) -> Entry:
        """Parse canonical entry bytes; bytes that are not the entry's own JCS form are refused.

        `check_canonical=False` is only for bytes this library wrote after checking them.
        """
        obj = _parse_entry_json(data)
        entry = cls.from_json(obj)
        if not check_canonical:
            # The caller wrote these bytes itself after a full check (the board's own store),
            # so they are taken as the entry's canonical bytes without re-encoding.
            object.__setattr__(entry, "_canonical", bytes(data))
            return entry
        try:
            again = entry.to_bytes()
        except VotingError as exc:
            raise EncodingError(f"entry: {exc}") from None
        if again != bytes(data):
            raise EncodingError("entry: bytes are not the canonical (JCS) form of the entry")
        return entry


def sign_entry(
    body: EntryBody,
    head: Head,
    *,
    author: str,
    time: datetime,
    key: did.Signer,
    documents: dict[str, Any] | None = None,
) -> Entry:
    """Build the entry that extends `head` with `body` and sign it with the author's key.

    `documents` are the did:web DID documents the entry records (`documents_needed`).
    """
    entry = Entry(head.election, head.seq, head.prev, author, time, body, documents=documents or {})
    return entry.sign(key)


def next_head(entry: Entry) -> Head:
    """Return the head after `entry`."""
    return Head(entry.election, entry.seq + 1, entry.hash())


def _parse_entry_json(data: bytes) -> Any:
    """The JSON value of an entry's bytes, checked to be bytes and within the size bound."""
    if not isinstance(data, bytes | bytearray):
        raise EncodingError("entry: want bytes")
    if len(data) > MAX_ENTRY_BYTES:
        raise EncodingError(f"entry: {len(data)} bytes, at most {MAX_ENTRY_BYTES}")
    try:
        return did.parse_json(bytes(data))
    except DidError as exc:
        raise EncodingError(f"entry: {exc}") from None
