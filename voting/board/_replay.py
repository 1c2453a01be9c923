"""Provides the board's replayable rules: one rule engine for the board and the audit (§6).

A rule here depends only on the entries before, never on the board's clock or on anything
outside the record, so an auditor replays exactly the decisions the board made: the roles,
the phases, the voting window, the order of entry times, the checkpoint origin, the key
ceremony's completeness, ballot ids and Benaloh challenges (election-entries §6, steps 2b
and 4, and the structural half of step 5). The rules read `EntryFacts`, the few members of
an entry they need, so the audit can apply them to ballots it has not parsed in full.
The cryptographic checks of step 5 are shared functions too (`verify_ballot`,
`check_eligibility`, `verify_announcement`, `judge_complaint`, …), run by the board on
append and by the audit in its worker processes.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

from voting.board._election import ElectionBody, format_time, parse_time
from voting.chain import Ed25519Verifier
from voting.errors import ChainError, EncodingError, RejectedEntry

# Which role may append which type, and in which phase (§6 step 4).
RULES: dict[str, tuple[str, str]] = {
    "election": ("authority", "empty"),
    "trustee-key": ("trustee", "setup"),
    "trustee-shares": ("trustee", "setup"),
    "trustee-ack": ("trustee", "setup"),
    "trustee-complaint": ("trustee", "setup"),
    "open": ("authority", "setup"),
    "ballot": ("voter", "open"),
    "challenged": ("voter", "open"),
    "close": ("authority", "open"),
    "tally": ("authority", "closed"),
    "decryption-share": ("trustee", "tallied"),
    "result": ("authority", "tallied"),
}


# §3.1 (version 3): the voters' entries. Their signing input omits `seq` and `prev`, so a
# voter signs without knowing the log's head and the board places the entry; every other type
# is signed over the head.
SEQUENCED_TYPES = frozenset({"ballot", "challenged"})
# §6 step 2b: how far a voter's entry may be older than the latest time on the log. Each entry
# is within 5 minutes of the board's clock when appended (step 2), so an honest board never
# appends a voter's entry more than 10 minutes older than one it appended before.
SEQUENCING_SLACK = timedelta(minutes=10)


def refuse(step: str, reason: str) -> RejectedEntry:
    """The error of a refused entry: its message starts with the failed step (§1)."""
    return RejectedEntry(f"{step}: {reason}")


def rule_step(error: RejectedEntry) -> str:
    """Return the step a refusal names (`role`, `window`, …), the audit's reason code suffix."""
    return str(error).partition(":")[0].strip() or "rule"


@dataclass(frozen=True, slots=True)
class EntryFacts:
    """The members of one entry that the replayable rules read.

    `trustee` is the trustee index the body claims (announcement, dealer, decryption share,
    acknowledging or complaining trustee); `others` the indexes it names besides (the
    recipients of shares, the dealers acknowledged, the dealer complained about).
    """

    type: str
    seq: int
    author_did: str
    time: datetime
    election: ElectionBody | None = None
    trustee: int | None = None
    others: tuple[int, ...] = ()
    ballot_id: str | None = None
    voter: str | None = None
    # The did:web DIDs whose documents the entry records (election-entries §2.1).
    documents: tuple[str, ...] = ()


@dataclass
class RuleState:
    """What the rules need to know about the entries so far; `apply` moves it on by one."""

    election_id: str
    election: ElectionBody | None = None
    last_time: datetime | None = None
    last_ballot_time: datetime | None = None
    keys: set[int] = field(default_factory=set)
    shares: set[int] = field(default_factory=set)
    acks: set[int] = field(default_factory=set)
    complaints: set[tuple[int, int]] = field(default_factory=set)
    decryptions: set[int] = field(default_factory=set)
    # Every ballot id on the chain, cast or challenged, with the voter it belongs to.
    ballot_ids: dict[str, str] = field(default_factory=dict)
    challenged: set[str] = field(default_factory=set)
    marks: set[str] = field(default_factory=set)
    documented: set[str] = field(default_factory=set)
    # The latest time of an entry signed over the head (every type but the voters'), §6 2b.
    last_fixed_time: datetime | None = None

    @property
    def phase(self) -> str:
        """One of PHASES, from the latest phase-changing entry (§6 step 4)."""
        if self.election is None:
            return "empty"
        for mark, phase in (("result", "finished"), ("tally", "tallied"), ("close", "closed")):
            if mark in self.marks:
                return phase
        return "open" if "open" in self.marks else "setup"

    def role(self, author_did: str) -> str:
        """Return `authority`, `trustee` or `voter` for a DID (§6 step 4)."""
        assert self.election is not None
        if author_did == self.election.authority:
            return "authority"
        if self.election.trustee_index(author_did) is not None:
            return "trustee"
        return "voter"

    def apply(self, facts: EntryFacts) -> None:
        """Record the entry; the caller has checked it (or reports why not and goes on)."""
        self.last_time = _later(self.last_time, facts.time)
        if facts.type not in SEQUENCED_TYPES:
            self.last_fixed_time = _later(self.last_fixed_time, facts.time)
        self.documented.update(facts.documents)
        kind = facts.type
        if kind == "election":
            self.election = facts.election
            return
        if self.election is None:
            return
        index = self.election.trustee_index(facts.author_did)
        if kind == "trustee-key" and index is not None:
            self.keys.add(index)
        elif kind == "trustee-shares" and index is not None:
            self.shares.add(index)
        elif kind == "trustee-ack" and index is not None:
            self.acks.add(index)
        elif kind == "trustee-complaint" and index is not None:
            self.complaints.update((d, index) for d in facts.others)
        elif kind == "decryption-share" and index is not None:
            self.decryptions.add(index)
        elif kind in ("ballot", "challenged") and facts.ballot_id is not None:
            self.ballot_ids.setdefault(facts.ballot_id, facts.voter or "")
            if kind == "challenged":
                self.challenged.add(facts.ballot_id)
            elif "close" not in self.marks:
                self.last_ballot_time = _later(self.last_ballot_time, facts.time)
        elif kind in ("open", "close", "tally", "result"):
            self.marks.add(kind)

    def copy(self) -> RuleState:
        """An independent copy: the board checks a group of entries on it before appending."""
        return replace(
            self,
            keys=set(self.keys),
            shares=set(self.shares),
            acks=set(self.acks),
            complaints=set(self.complaints),
            decryptions=set(self.decryptions),
            ballot_ids=dict(self.ballot_ids),
            challenged=set(self.challenged),
            marks=set(self.marks),
            documented=set(self.documented),
        )

    def to_json(self) -> dict[str, Any]:
        """Return the state as JSON, for the audit's saved state."""
        return {
            "election": None if self.election is None else self.election.to_json(),
            "lastTime": None if self.last_time is None else format_time(self.last_time),
            "lastFixedTime": None
            if self.last_fixed_time is None
            else format_time(self.last_fixed_time),
            "lastBallotTime": None
            if self.last_ballot_time is None
            else format_time(self.last_ballot_time),
            "keys": sorted(self.keys),
            "shares": sorted(self.shares),
            "acks": sorted(self.acks),
            "complaints": sorted([d, r] for d, r in self.complaints),
            "decryptions": sorted(self.decryptions),
            "ballotIds": dict(sorted(self.ballot_ids.items())),
            "challenged": sorted(self.challenged),
            "marks": sorted(self.marks),
            "documented": sorted(self.documented),
        }

    @classmethod
    def from_json(cls, election_id: str, data: Any) -> RuleState:
        """Parse `to_json` output; anything malformed is an EncodingError."""
        try:
            election = data["election"]
            last, last_ballot = data["lastTime"], data["lastBallotTime"]
            fixed = data["lastFixedTime"]
            return cls(
                election_id,
                None if election is None else ElectionBody.from_json(election),
                None if last is None else parse_time(last, "lastTime"),
                None if last_ballot is None else parse_time(last_ballot, "lastBallotTime"),
                {int(i) for i in data["keys"]},
                {int(i) for i in data["shares"]},
                {int(i) for i in data["acks"]},
                {(int(d), int(r)) for d, r in data["complaints"]},
                {int(i) for i in data["decryptions"]},
                {str(k): str(v) for k, v in data["ballotIds"].items()},
                {str(i) for i in data["challenged"]},
                {str(m) for m in data["marks"]},
                {str(d) for d in data["documented"]},
                None if fixed is None else parse_time(fixed, "lastFixedTime"),
            )
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise EncodingError(f"rule state: malformed ({type(exc).__name__})") from None


def board_origin(body: ElectionBody, election_id: str) -> str:
    """The origin an election's checkpoints must carry: `<board key name>/<election id>`."""
    try:
        name = Ed25519Verifier.from_vkey(body.vkey).name
    except ChainError as exc:
        raise refuse("board", f"the board key does not parse: {exc}") from None
    return f"{name}/{election_id}"


def check_rules(state: RuleState, facts: EntryFacts) -> None:
    """Raise RejectedEntry unless the replayable rules allow `facts` after `state`."""
    _check_time(state, facts)
    # (2c) A did:web document is recorded once, by the first entry that depends on it.
    again = sorted(set(facts.documents) & state.documented)
    if again:
        raise refuse("documents", f"the document of {again[0][:80]} is already recorded")
    if facts.type == "election":
        _election(state, facts)
        return
    if state.election is None:
        raise refuse("phase", "the election entry must come first")
    # (4) Role and phase.
    role, phase = RULES[facts.type]
    if state.phase != phase:
        raise refuse("phase", f"{facts.type} is accepted in phase {phase}, not {state.phase}")
    actual = state.role(facts.author_did)
    if actual != role:
        if role == "voter":
            raise refuse("role", f"a {actual} cannot cast or challenge ballots")
        raise refuse("role", f"only the {role} may append {facts.type}, not a {actual}")
    # (5) The structural half of the type's checks.
    check = _CHECKS.get(facts.type)
    if check is not None:
        check(state, facts)


def _later(known: datetime | None, time: datetime) -> datetime:
    return time if known is None else max(known, time)


def _check_time(state: RuleState, facts: EntryFacts) -> None:
    """(2b) Time order. An entry signed over the head is not before any earlier entry. A
    voter's entry, which voters sign concurrently and the board places in arrival order, is
    not before any earlier entry of another type (so never before `open`) and at most
    SEQUENCING_SLACK before the latest time on the log."""
    shown = format_time(facts.time)
    if facts.type not in SEQUENCED_TYPES:
        if state.last_time is not None and facts.time < state.last_time:
            raise refuse("time", f"{shown} is before an earlier entry's time")
        return
    if state.last_fixed_time is not None and facts.time < state.last_fixed_time:
        raise refuse("time", f"{shown} is before the time of an earlier entry of another type")
    if state.last_time is not None and facts.time < state.last_time - SEQUENCING_SLACK:
        raise refuse("time", f"{shown} is more than 10 minutes before an earlier entry's time")


def _election(state: RuleState, facts: EntryFacts) -> None:
    body = facts.election
    if state.election is not None or body is None:
        raise refuse("phase", "the election already exists")
    if facts.author_did != body.authority:
        raise refuse("role", "the election entry must be signed by its authority")
    if facts.time >= body.closes:
        raise refuse("window", "the voting window has already closed")
    want = board_origin(body, state.election_id)
    if body.origin != want:
        raise refuse("origin", f"origin {body.origin[:80]!r}, want {want!r}")


def _index(state: RuleState, facts: EntryFacts, step: str = "ceremony") -> int:
    assert state.election is not None
    index = state.election.trustee_index(facts.author_did)
    assert index is not None  # the role check ran first
    if facts.trustee is not None and facts.trustee != index:
        raise refuse(step, f"{facts.type} of trustee {facts.trustee}, want {index}")
    return index


def _n(state: RuleState) -> int:
    assert state.election is not None
    return state.election.manifest.trustee_count


def _trustee_key(state: RuleState, facts: EntryFacts) -> None:
    index = _index(state, facts)
    if index in state.keys:
        raise refuse("ceremony", f"trustee {index} has already announced its key")


def _others(state: RuleState, index: int) -> tuple[int, ...]:
    return tuple(j for j in range(1, _n(state) + 1) if j != index)


def _trustee_shares(state: RuleState, facts: EntryFacts) -> None:
    index = _index(state, facts)
    if len(state.keys) != _n(state):
        raise refuse("ceremony", "shares need every trustee's key first")
    if index in state.shares:
        raise refuse("ceremony", f"trustee {index} has already posted its shares")
    if facts.others != _others(state, index):
        raise refuse("ceremony", f"want shares from trustee {index} to every other trustee")


def _trustee_ack(state: RuleState, facts: EntryFacts) -> None:
    # §4.3a: a trustee acknowledges every other dealer's share at once, after all are posted.
    index = _index(state, facts)
    if len(state.shares) != _n(state):
        raise refuse("ceremony", "an acknowledgement needs every trustee's shares first")
    if index in state.acks or any(r == index for _, r in state.complaints):
        raise refuse("ceremony", f"trustee {index} has already acknowledged or complained")
    if facts.others != _others(state, index):
        raise refuse("ceremony", f"trustee {index} must acknowledge every other dealer")


def _trustee_complaint(state: RuleState, facts: EntryFacts) -> None:
    index = _index(state, facts)
    (dealer,) = facts.others
    if dealer == index or dealer not in state.shares:
        raise refuse("ceremony", f"no shares of trustee {dealer} to complain about")
    if index in state.acks or (dealer, index) in state.complaints:
        raise refuse("ceremony", f"trustee {index} has already acknowledged or complained")


def _open(state: RuleState, facts: EntryFacts) -> None:
    n = _n(state)
    if len(state.keys) != n or len(state.shares) != n:
        raise refuse("ceremony", "open needs every trustee's key and shares")
    if state.complaints:
        dealers = sorted({d for d, _ in state.complaints})
        raise refuse("ceremony", f"open is blocked by complaints about trustees {dealers}")
    if len(state.acks) != n:
        missing = sorted(set(range(1, n + 1)) - state.acks)
        raise refuse("ceremony", f"open needs every trustee's acknowledgement; missing {missing}")
    assert state.election is not None
    if facts.time >= state.election.closes:
        raise refuse("window", "the voting window has already closed")


def _in_window(state: RuleState, facts: EntryFacts) -> None:
    assert state.election is not None
    if not state.election.opens <= facts.time < state.election.closes:
        raise refuse("window", "entry time is outside the voting window")


def _ballot(state: RuleState, facts: EntryFacts) -> None:
    _in_window(state, facts)
    if facts.voter != facts.author_did:
        raise refuse("ballot", "the ballot's voter is not the entry's author")
    if facts.ballot_id in state.ballot_ids:
        raise refuse("ballot", f"ballot id {str(facts.ballot_id)[:80]!r} is already on the chain")


def _challenged(state: RuleState, facts: EntryFacts) -> None:
    # §4.6: the encryption and its opening come together; a cast ballot is never opened.
    _in_window(state, facts)
    if facts.voter != facts.author_did:
        raise refuse("challenge", "the challenged ballot's voter is not the entry's author")
    if facts.ballot_id in state.ballot_ids:
        raise refuse(
            "challenge", f"ballot id {str(facts.ballot_id)[:80]!r} is already on the chain"
        )


def _close(state: RuleState, facts: EntryFacts) -> None:
    assert state.election is not None
    if facts.time < state.election.closes:
        raise refuse("window", "the voting window has not closed yet")


def _decryption_share(state: RuleState, facts: EntryFacts) -> None:
    index = _index(state, facts, "share")
    if index in state.decryptions:
        raise refuse("share", f"trustee {index} has already posted its share")


_CHECKS: dict[str, Any] = {
    "trustee-key": _trustee_key,
    "trustee-shares": _trustee_shares,
    "trustee-ack": _trustee_ack,
    "trustee-complaint": _trustee_complaint,
    "open": _open,
    "ballot": _ballot,
    "challenged": _challenged,
    "close": _close,
    "decryption-share": _decryption_share,
}


def facts_from_json(obj: dict[str, Any]) -> EntryFacts:
    """The facts of a ballot entry read from its JSON object (the audit's cheap path).

    Raises EncodingError when the members are missing or malformed; such an entry is
    refused by the full parser anyway.
    """
    try:
        body = obj["body"]["ballot"]
        author = obj["author"]
        seq = obj["seq"]
        if not isinstance(author, str) or not isinstance(seq, int):
            raise TypeError
        return EntryFacts(
            str(obj["type"]),
            seq,
            author.partition("#")[0],
            parse_time(obj["time"], "entry.time"),
            ballot_id=str(body["ballotId"]),
            voter=str(body["voter"]),
        )
    except (KeyError, TypeError) as exc:
        raise EncodingError(f"entry: malformed ({type(exc).__name__})") from None
