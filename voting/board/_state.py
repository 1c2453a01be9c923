"""Provides the election's state replayed from its entries, and the counted-ballot selection.

The phase and everything the board's rules depend on are derived from the entries alone, so a
board that restarts, and an auditor, reach the same state from the same chain
(election-entries §6, §7).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from voting._ballot import EncryptedBallot
from voting._ceremony import TrusteeAnnouncement
from voting._election import Election
from voting._result import ElectionResult
from voting._tally import DecryptionShare, EncryptedTally, aggregate
from voting.board._bodies import (
    BallotBody,
    ChallengedBody,
    CloseBody,
    DecryptionShareBody,
    OpenBody,
    ResultBody,
    TallyBody,
    TrusteeAckBody,
    TrusteeComplaintBody,
    TrusteeKeyBody,
    TrusteeSharesBody,
)
from voting.board._election import ElectionBody
from voting.board._entries import ZERO_HASH, Entry
from voting.board._replay import EntryFacts, RuleState
from voting.board._standing import (
    _credential,
    _status_entries,
    counted_entries,
    frozen_status_problem,
)
from voting.errors import RejectedEntry, TallyError, VotingError

PHASES = ("empty", "setup", "open", "closed", "tallied", "finished")


@dataclass
class ElectionState:
    """What the entries so far establish; `apply` moves it on by one entry.

    `apply` checks only the structure a replay needs (links, roles, phase order, one entry
    per trustee and ballot id); `check_entry` in the board's rules does the full checks
    before an entry is accepted.
    """

    election_id: str
    size: int = 0
    head: bytes = ZERO_HASH
    election: ElectionBody | None = None
    announcements: dict[int, TrusteeAnnouncement] = field(default_factory=dict)
    shares: dict[int, TrusteeSharesBody] = field(default_factory=dict)
    acks: dict[int, TrusteeAckBody] = field(default_factory=dict)
    complaints: list[tuple[int, TrusteeComplaintBody]] = field(default_factory=list)
    opened: OpenBody | None = None
    crypto: Election | None = None
    ballots: dict[str, Entry] = field(default_factory=dict)
    challenged: dict[str, Entry] = field(default_factory=dict)
    closed: CloseBody | None = None
    tally: EncryptedTally | None = None
    decryption_shares: dict[int, DecryptionShare] = field(default_factory=dict)
    result: ElectionResult | None = None
    ballot_entries: list[Entry] = field(default_factory=list)
    all_entries: list[Entry] = field(default_factory=list)
    # did:web DID -> (index of the entry that recorded it, its DID document) (§2.1).
    documents: dict[str, tuple[int, dict[str, Any]]] = field(default_factory=dict)
    rules: RuleState = field(init=False)

    def __post_init__(self) -> None:
        self.rules = RuleState(self.election_id)

    @property
    def phase(self) -> str:
        """One of PHASES, from the latest phase-changing entry."""
        if self.election is None:
            return "empty"
        if self.result is not None:
            return "finished"
        if self.tally is not None:
            return "tallied"
        if self.closed is not None:
            return "closed"
        if self.opened is not None:
            return "open"
        return "setup"

    def require_election(self) -> ElectionBody:
        """Return the election body or refuse (an entry before the election entry)."""
        if self.election is None:
            raise RejectedEntry("phase: the election entry must come first")
        return self.election

    def require_crypto(self) -> Election:
        """Return the opened election's public context or refuse."""
        if self.crypto is None:
            raise RejectedEntry("phase: the election is not open yet")
        return self.crypto

    def role(self, entry: Entry) -> str:
        """Return `authority`, `trustee` or `voter` for the entry's author."""
        election = self.require_election()
        if entry.author_did == election.authority:
            return "authority"
        if election.trustee_index(entry.author_did) is not None:
            return "trustee"
        return "voter"

    def trustee_of(self, entry: Entry) -> int:
        """Return the author's trustee index or refuse the entry."""
        index = self.require_election().trustee_index(entry.author_did)
        if index is None:
            raise RejectedEntry(f"author: {entry.author_did[:80]} is not a listed trustee")
        return index

    def apply(self, entry: Entry) -> None:
        """Move the state past `entry`, refusing what no valid chain can contain."""
        if entry.election != self.election_id:
            raise RejectedEntry(f"election: got {entry.election!r}, want {self.election_id!r}")
        if entry.seq != self.size:
            raise RejectedEntry(f"link: seq got {entry.seq}, want {self.size}")
        if entry.prev != self.head:
            raise RejectedEntry(f"link: prev {entry.prev.hex()}, want {self.head.hex()}")
        self._apply_body(entry)
        for did_, document in entry.documents.items():
            self.documents.setdefault(did_, (entry.seq, document))
        self.rules.apply(facts_of(entry))
        self.size += 1
        self.head = entry.hash()
        self.all_entries.append(entry)

    def _apply_body(self, entry: Entry) -> None:
        body = entry.body
        if isinstance(body, ElectionBody):
            self.election = body
            return
        self.require_election()
        if isinstance(body, TrusteeKeyBody):
            self.announcements[self.trustee_of(entry)] = body.announcement
        elif isinstance(body, TrusteeSharesBody):
            self.shares[self.trustee_of(entry)] = body
        elif isinstance(body, TrusteeAckBody):
            self.acks[self.trustee_of(entry)] = body
        elif isinstance(body, TrusteeComplaintBody):
            self.complaints.append((self.trustee_of(entry), body))
        elif isinstance(body, OpenBody):
            self.opened = body
            self.crypto = self.derive_election()
        elif isinstance(body, BallotBody):
            self.ballots[body.ballot.ballot_id] = entry
            self.ballot_entries.append(entry)
        elif isinstance(body, ChallengedBody):
            self.challenged[body.opening.ballot_id] = entry
        elif isinstance(body, CloseBody):
            self.closed = body
        elif isinstance(body, TallyBody):
            self.tally = body.tally
        elif isinstance(body, DecryptionShareBody):
            self.decryption_shares[self.trustee_of(entry)] = body.share
        elif isinstance(body, ResultBody):
            self.result = body.result

    def derive_election(self) -> Election:
        """Derive the joint key and extended hash from the election and the announcements."""
        election = self.require_election()
        try:
            return Election.create(election.manifest, self.announcements.values())
        except VotingError as exc:
            raise RejectedEntry(f"open: the ceremony does not yield a key: {exc}") from None

    @classmethod
    def replay(cls, entries: Iterable[Entry], election_id: str | None = None) -> ElectionState:
        """Build the state by applying `entries` in order."""
        items = list(entries)
        if election_id is None:
            if not items:
                raise RejectedEntry("replay: no entries and no election id")
            election_id = items[0].election
        state = cls(election_id)
        for entry in items:
            state.apply(entry)
        return state


def facts_of(entry: Entry) -> EntryFacts:
    """Return what the replayable rules read of an entry (`voting.board._replay`)."""
    body = entry.body
    facts = EntryFacts(
        entry.type, entry.seq, entry.author_did, entry.time, documents=tuple(entry.documents)
    )
    if isinstance(body, ElectionBody):
        return replace(facts, election=body)
    if isinstance(body, TrusteeKeyBody):
        return replace(facts, trustee=body.announcement.trustee)
    if isinstance(body, TrusteeSharesBody):
        others = tuple(s.recipient for s in body.shares)
        return replace(facts, trustee=body.shares[0].dealer, others=others)
    if isinstance(body, TrusteeAckBody | TrusteeComplaintBody):
        # The acknowledging or complaining trustee is the author itself.
        others = body.dealers if isinstance(body, TrusteeAckBody) else (body.dealer,)
        return replace(facts, others=others)
    if isinstance(body, DecryptionShareBody):
        return replace(facts, trustee=body.share.trustee)
    if isinstance(body, BallotBody | ChallengedBody):
        return replace(facts, ballot_id=body.ballot.ballot_id, voter=body.ballot.voter)
    return facts


def dependencies(author_did: str, body: Any) -> list[str]:
    """The DIDs an entry's checks resolve: its author, a ballot's credential issuer, and the
    issuers of the status lists a `close` freezes (§2.1)."""
    found = [author_did]
    if isinstance(body, BallotBody):
        embedded = body.presentation.get("verifiableCredential")
        if isinstance(embedded, list) and len(embedded) == 1 and isinstance(embedded[0], dict):
            found.append(credential_issuer(embedded[0]) or "")
    if isinstance(body, CloseBody):
        found.extend(credential_issuer(c) or "" for c in body.status_lists)
    return [d for d in dict.fromkeys(found) if d]


def credential_issuer(credential: dict[str, Any]) -> str | None:
    """The issuer's id of a credential (`issuer` or `issuer.id`), or None."""
    issuer = credential.get("issuer")
    issuer = issuer.get("id") if isinstance(issuer, dict) else issuer
    return issuer if isinstance(issuer, str) else None


def status_references(entries: Iterable[Entry]) -> dict[str, set[str]]:
    """Return, per status list URL named by a ballot's credential, the issuers naming it."""
    refs: dict[str, set[str]] = {}
    for entry in entries:
        credential = _credential(entry)
        if credential is None:
            continue
        issuer = credential_issuer(credential) or ""
        for item in _status_entries(credential):
            url = item.get("statusListCredential") if isinstance(item, dict) else None
            if isinstance(url, str):
                refs.setdefault(url, set()).add(issuer)
    return refs


def referenced_status_lists(entries: Iterable[Entry]) -> list[str]:
    """Return the status list URLs the ballots' credentials point to, sorted and unique."""
    urls: set[str] = set()
    for entry in entries:
        credential = _credential(entry)
        for item in _status_entries(credential or {}):
            url = item.get("statusListCredential") if isinstance(item, dict) else None
            if isinstance(url, str):
                urls.add(url)
    return sorted(urls)


def frozen_status_allows(entry: Entry, frozen: dict[str, dict[str, Any]]) -> bool:
    """True unless the frozen lists set a status bit of the ballot's credential (§7 step 2)."""
    return frozen_status_problem(entry, frozen) is None


def counted_ballots(
    entries: Sequence[Entry], *, excluded: Collection[str] = ()
) -> tuple[Entry, ...]:
    """Return the ballot entries that count, in log order (election-entries §7).

    (1) Drop ballots whose id is challenged or in `excluded` (an auditor passes the ids whose
    checks failed). (2) After a `close` entry, drop ballots whose credential has a status bit
    set in the frozen lists. (3) Keep one ballot per voter: the last of the remaining ones,
    or the first when the election's revoting rule is `first`. These are the "counted"
    ballots of `ballot_standings`, which also says why each other ballot does not count.
    """
    return counted_entries(entries, excluded)


def ballot_weight(entry: Entry, election: ElectionBody) -> int:
    """The weight of a ballot entry: 1, or its credential's weight claim (§5.1)."""
    rule = election.eligibility
    if rule.weight_claim is None:
        return 1
    return rule.weight_of(_credential(entry))


def counted_encrypted_ballots(entries: Sequence[Entry]) -> list[EncryptedBallot]:
    """Return the counted ballots themselves, in log order."""
    return [e.body.ballot for e in counted_ballots(entries) if isinstance(e.body, BallotBody)]


def compute_tally(entries: Sequence[Entry]) -> EncryptedTally:
    """Return the encrypted tally of the counted ballots: what the authority publishes (§4.8)."""
    state = ElectionState.replay(entries)
    election = state.require_crypto()
    body = state.require_election()
    counted = counted_ballots(entries)
    ballots = [e.body.ballot for e in counted if isinstance(e.body, BallotBody)]
    weights = None
    if body.eligibility.weight_claim is not None:
        weights = {
            e.body.ballot.ballot_id: ballot_weight(e, body)
            for e in counted
            if isinstance(e.body, BallotBody)
        }
    try:
        return aggregate(election, ballots, weights)
    except TallyError as exc:
        raise RejectedEntry(f"tally: {exc}") from None
