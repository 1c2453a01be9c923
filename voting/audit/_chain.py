"""Provides check V4's entry half: sequence numbers, `prev` links, order, signatures, authors.

Per docs/election-entries.md: entry `i` has `seq = i` and `prev = SHA-256(bytes of entry
i-1)` (32 zero bytes for the first); every entry is signed by its author's key, and the
author has the role its type needs (the authority creates, opens, closes, tallies and
publishes; listed trustees post keys, shares and decryption shares; voters post ballots,
whose signatures are checked with their eligibility under V5). Entry types follow the
election's phases in order. Ballot entries are only peeked at here; workers parse them.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import did
from voting.audit._findings import Findings
from voting.audit._report import Reason
from voting.board import (
    ChallengedBody,
    DecryptionShareBody,
    ElectionBody,
    Entry,
    TrusteeKeyBody,
    TrusteeSharesBody,
)
from voting.errors import VotingError

V4 = 4

# The phase each entry type belongs to; along the log the phase never goes back.
PHASE = {
    "election": 0,
    "trustee-key": 1,
    "trustee-shares": 1,
    "open": 2,
    "ballot": 3,
    "challenged": 3,
    "close": 4,
    "tally": 5,
    "decryption-share": 6,
    "result": 7,
}
# Types that appear at most once in an election's log.
SINGLE = ("election", "open", "close", "tally", "result")
# The check an unreadable entry of each type fails, besides V4.
CHECK_OF_TYPE = {
    "election": 1,
    "trustee-key": 2,
    "trustee-shares": 2,
    "open": 3,
    "ballot": 6,
    "challenged": 13,
    "close": 5,
    "tally": 9,
    "decryption-share": 10,
    "result": 12,
}
ZERO = bytes(32)


@dataclass
class Scan:
    """What the scan learnt: each scanned entry's type, and the parsed non-ballot entries."""

    election_id: str | None = None
    types: dict[int, str] = field(default_factory=dict)
    parsed: dict[int, Entry] = field(default_factory=dict)
    ballots: list[int] = field(default_factory=list)

    def of_type(self, kind: str) -> list[tuple[int, Entry]]:
        """Return the parsed entries of one type, in log order."""
        return [(i, e) for i, e in sorted(self.parsed.items()) if e.type == kind]


def _peek(data: bytes) -> dict[str, object] | None:
    try:
        obj = json.loads(data)
    except ValueError:
        return None
    return obj if isinstance(obj, dict) else None


def scan_entries(entries: Sequence[bytes], indices: Iterable[int], findings: Findings) -> Scan:
    """Check links and sequence of the given entries, and parse every non-ballot one."""
    scan = Scan()
    head = _peek(entries[0]) if entries else None
    if head is not None and isinstance(head.get("election"), str):
        scan.election_id = str(head["election"])
    resolver = did.Resolver()
    for i in sorted(set(indices)):
        data = entries[i]
        obj = _peek(data)
        if obj is None:
            findings.fail(V4, Reason("entry-unreadable", "not a JSON object", entry=i))
            continue
        kind = obj.get("type")
        if obj.get("seq") != i:
            findings.fail(V4, Reason("seq", f"seq {obj.get('seq')!r}, want {i}", entry=i))
        want = hashlib.sha256(entries[i - 1]).hexdigest() if i else ZERO.hex()
        if obj.get("prev") != want:
            findings.fail(V4, Reason("link", "prev is not the hash of the entry before", entry=i))
        if obj.get("election") != scan.election_id:
            findings.fail(V4, Reason("election", "entry of another election", entry=i))
        if not isinstance(kind, str) or kind not in PHASE:
            findings.fail(V4, Reason("entry-type", f"unknown type {str(kind)[:40]!r}", entry=i))
            continue
        scan.types[i] = kind
        if kind == "ballot":
            scan.ballots.append(i)
            continue
        try:
            entry = Entry.from_bytes(data)
        except VotingError as exc:
            reason = Reason("entry-unreadable", f"{kind}: {exc}", entry=i)
            findings.fail(V4, reason)
            findings.fail(CHECK_OF_TYPE[kind], reason)
            continue
        try:
            entry.verify(resolver)
        except VotingError as exc:
            findings.fail(V4, Reason("signature-invalid", f"{kind}: {exc}", entry=i))
        scan.parsed[i] = entry
    _check_order(scan, findings)
    return scan


def _check_order(scan: Scan, findings: Findings) -> None:
    phase = -1
    seen: set[str] = set()
    for i, kind in sorted(scan.types.items()):
        if PHASE[kind] < phase:
            findings.fail(V4, Reason("order", f"a {kind} entry after a later phase", entry=i))
        phase = max(phase, PHASE[kind])
        if kind in SINGLE and kind in seen:
            findings.fail(V4, Reason("duplicate", f"a second {kind} entry", entry=i))
        seen.add(kind)
    if scan.types and scan.types.get(0) not in (None, "election"):
        findings.fail(V4, Reason("order", "the first entry is not the election", entry=0))


def check_authors(scan: Scan, body: ElectionBody) -> list[Reason]:
    """Return a reason for each parsed entry whose author lacks the role its type needs.

    Challenged ballots are left to V13, which reads the ballot they open.
    """
    reasons = []
    for i, entry in sorted(scan.parsed.items()):
        want: str | None
        b = entry.body
        if isinstance(b, TrusteeKeyBody):
            want = _trustee(body, b.announcement.trustee)
        elif isinstance(b, TrusteeSharesBody):
            want = _trustee(body, b.shares[0].dealer)
        elif isinstance(b, DecryptionShareBody):
            want = _trustee(body, b.share.trustee)
        elif isinstance(b, ChallengedBody):
            continue
        else:
            want = body.authority
        if entry.author_did != want:
            reasons.append(
                Reason(
                    "wrong-author",
                    f"{entry.type} signed by {entry.author_did[:100]}, want {str(want)[:100]}",
                    entry=i,
                )
            )
    return reasons


def _trustee(body: ElectionBody, index: int) -> str | None:
    return body.trustees[index - 1] if 1 <= index <= len(body.trustees) else None


def entry_hash(data: bytes) -> bytes:
    """Return SHA-256 of an entry's bytes: what the next entry's `prev` carries."""
    return hashlib.sha256(data).digest()
