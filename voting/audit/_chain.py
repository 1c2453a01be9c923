"""Provides check V4's entry half: sequence numbers, `prev` links, signatures; entry facts.

Per docs/election-entries.md: entry `i` has `seq = i` and `prev = SHA-256(bytes of entry
i-1)` (32 zero bytes for the first); every entry is signed by its author's key. Every entry
that is not a ballot is parsed here with the strict reader; ballots are recognised by the
tail of their canonical bytes and parsed by the workers, which return their link members and
the facts the board's rules read. The rules themselves are replayed by `_rules`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import did
from did.errors import DidError
from voting.audit._findings import Findings
from voting.audit._report import Reason
from voting.board import Entry, EntryFacts, RecordedResolver, facts_of
from voting.errors import VotingError

V4 = 4

# The entry types, in the order of the phases they belong to.
TYPES = (
    "election",
    "trustee-key",
    "trustee-shares",
    "trustee-ack",
    "trustee-complaint",
    "open",
    "ballot",
    "challenged",
    "close",
    "tally",
    "decryption-share",
    "result",
)
# The check an unreadable entry of each type fails, besides V4.
CHECK_OF_TYPE = {
    "election": 1,
    "trustee-key": 2,
    "trustee-shares": 2,
    "trustee-ack": 2,
    "trustee-complaint": 2,
    "open": 3,
    "ballot": 6,
    "challenged": 13,
    "close": 5,
    "tally": 9,
    "decryption-share": 10,
    "result": 12,
}
ZERO = bytes(32)


# Canonical (JCS) entry bytes end with the members `type` and `version`, in that order; the
# workers' strict parser refuses any ballot whose bytes are not canonical.
BALLOT_TAIL = b',"type":"ballot","version":1}'
# The top-level member that records DID documents (election-entries §2.1).
DOCUMENTS_MEMBER = b'},"documents":{'


@dataclass
class Scan:
    """What the scan learnt: each entry's type, the parsed non-ballot entries, rule facts."""

    election_id: str | None = None
    types: dict[int, str] = field(default_factory=dict)
    parsed: dict[int, Entry] = field(default_factory=dict)
    ballots: list[int] = field(default_factory=list)
    facts: dict[int, EntryFacts] = field(default_factory=dict)
    # did:web DID -> (index of the entry recording it, its document), first recording wins.
    documents: dict[str, tuple[int, dict[str, Any]]] = field(default_factory=dict)

    def of_type(self, kind: str) -> list[tuple[int, Entry]]:
        """Return the parsed entries of one type, in log order."""
        return [(i, e) for i, e in sorted(self.parsed.items()) if e.type == kind]


def _type_of(data: bytes) -> str | None:
    # Only to name the check an unreadable entry fails; the strict parser already refused it.
    try:
        obj = did.parse_json(data)
    except DidError:
        return None
    kind = obj.get("type") if isinstance(obj, dict) else None
    return kind if isinstance(kind, str) and kind in TYPES else None


def election_of(entries: Sequence[bytes]) -> str | None:
    """The election id named by the first entry, read strictly, or None."""
    try:
        obj = did.parse_json(entries[0]) if entries else None
    except DidError:
        return None
    value = obj.get("election") if isinstance(obj, dict) else None
    return value if isinstance(value, str) else None


def check_link(
    entries: Sequence[bytes], i: int, election: str | None, seq: int, prev: bytes, found: str
) -> list[Reason]:
    """Return the V4 reasons of entry `i`'s sequence number, `prev` link and election."""
    reasons = []
    if seq != i:
        reasons.append(Reason("seq", f"seq {seq}, want {i}", entry=i))
    want = hashlib.sha256(entries[i - 1]).digest() if i else ZERO
    if prev != want:
        reasons.append(Reason("link", "prev is not the hash of the entry before", entry=i))
    if found != election:
        reasons.append(Reason("election", "entry of another election", entry=i))
    return reasons


def scan_entries(
    entries: Sequence[bytes],
    indices: Iterable[int],
    findings: Findings,
    recorded: dict[str, tuple[int, dict[str, Any]]] | None = None,
) -> Scan:
    """Check links and signatures of the non-ballot entries, and parse them; find the ballots.

    `recorded` holds the did:web documents recorded by entries outside `indices` (a saved
    state's); the scan adds those recorded by the entries it reads. Signatures are verified
    against the recorded documents only, as of each entry (election-entries §2.1).
    """
    scan = Scan(election_id=election_of(entries))
    scan.documents = dict(recorded or {})
    for i in sorted(set(indices)):
        data = entries[i]
        if data.endswith(BALLOT_TAIL):
            scan.types[i] = "ballot"
            scan.ballots.append(i)
            if DOCUMENTS_MEMBER in data:
                _record_documents(scan, i, data)
            continue
        try:
            entry = Entry.from_bytes(data)
        except VotingError as exc:
            kind = _type_of(data)
            reason = Reason("entry-unreadable", f"{kind or 'entry'}: {exc}", entry=i)
            findings.fail(V4, reason)
            if kind is not None:
                findings.fail(CHECK_OF_TYPE[kind], reason)
            continue
        for reason in check_link(entries, i, scan.election_id, entry.seq, entry.prev,
                                 entry.election):  # fmt: skip
            findings.fail(V4, reason)
        for item, document in entry.documents.items():
            scan.documents.setdefault(item, (i, document))
        scan.types[i] = entry.type
        scan.parsed[i] = entry
        scan.facts[i] = facts_of(entry)
    resolver = RecordedResolver(scan.documents)
    for i, entry in sorted(scan.parsed.items()):
        resolver.at = i
        try:
            entry.verify(resolver)
        except VotingError as exc:
            findings.fail(V4, Reason("signature-invalid", f"{entry.type}: {exc}", entry=i))
    return scan


def _record_documents(scan: Scan, i: int, data: bytes) -> None:
    # Few ballots record a document (a did:web voter's first); those are parsed here so the
    # workers can resolve from the record alone. An unreadable one is the worker's to report.
    try:
        entry = Entry.from_bytes(data)
    except VotingError:
        return
    for item, document in entry.documents.items():
        scan.documents.setdefault(item, (i, document))


def entry_hash(data: bytes) -> bytes:
    """Return SHA-256 of an entry's bytes: what the next entry's `prev` carries."""
    return hashlib.sha256(data).digest()
