"""Provides the values the election use-cases return: what was posted, views, outcomes.

Each is a frozen dataclass with `to_json`, the form `--json` prints; the front ends read the
fields. The libraries' own types (`voting.Manifest`, `voting.Contest`) appear as they are.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from voting.election import Contest, Manifest


@dataclass(frozen=True)
class Posted:
    """An entry this wallet posted: what, where, its index and hash, and what it set."""

    election: str
    type: str
    index: int
    entry_hash: str
    board: str | None = None
    origin: str | None = None
    launch_code: str | None = None
    status_lists: int | None = None
    counted: int | None = None
    trustee: int | None = None

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "election": self.election,
            "type": self.type,
            "index": self.index,
            "entryHash": self.entry_hash,
        }
        extra = (
            ("board", self.board),
            ("origin", self.origin),
            ("launchCode", self.launch_code),
            ("statusLists", self.status_lists),
            ("counted", self.counted),
            ("trustee", self.trustee),
        )
        data.update((key, value) for key, value in extra if value is not None)
        return data


@dataclass(frozen=True)
class ElectionSummary:
    """What `election show` prints: the rules, the phase, the counts, the result if any."""

    election: str
    manifest: Manifest
    phase: str
    authority: str
    trustees: tuple[str, ...]
    opens: str
    closes: str
    revoting: str
    origin: str
    entries: int
    ballots: int
    challenged: int
    keys: tuple[int, ...]
    shares: tuple[int, ...]
    decryption_shares: tuple[int, ...]
    launch_code: str | None = None
    result: tuple[ContestResult, ...] | None = None
    # The credential claim that weighs each ballot (None: one ballot, one vote), and the
    # counted ballots' summed weight once the tally states it.
    weight_claim: str | None = None
    total_weight: int | None = None

    @property
    def title(self) -> str:
        return self.manifest.title

    @property
    def contests(self) -> tuple[Contest, ...]:
        return self.manifest.contests

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "election": self.election,
            "title": self.title,
            "phase": self.phase,
            "authority": self.authority,
            "trustees": list(self.trustees),
            "threshold": self.manifest.threshold,
            "window": {"opens": self.opens, "closes": self.closes},
            "revoting": self.revoting,
            "eligibility": self.manifest.eligibility,
            # The manifest's normal form: labels, selection limits and options, as hashed.
            "contests": self.manifest.to_json()["contests"],
            "origin": self.origin,
            "entries": self.entries,
            "ballots": self.ballots,
            "challenged": self.challenged,
            "keys": list(self.keys),
            "shares": list(self.shares),
            "decryptionShares": list(self.decryption_shares),
        }
        if self.launch_code is not None:
            data["launchCode"] = self.launch_code
        data["weighted"] = self.weight_claim is not None
        if self.weight_claim is not None:
            data["weightClaim"] = self.weight_claim
        if self.total_weight is not None:
            data["totalWeight"] = self.total_weight
        if self.result is not None:
            data["result"] = {c.contest: {o.option: o.count for o in c.counts} for c in self.result}
        return data


@dataclass(frozen=True)
class ElectionListing:
    """One election on a board, as listed: id, title, phase and counts."""

    election: str
    title: str
    phase: str
    entries: int
    ballots: int
    board: str
    weight_claim: str | None = None
    total_weight: int | None = None

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "election": self.election,
            "title": self.title,
            "phase": self.phase,
            "entries": self.entries,
            "ballots": self.ballots,
        }
        if self.weight_claim is not None:
            data["weightClaim"] = self.weight_claim
        if self.total_weight is not None:
            data["totalWeight"] = self.total_weight
        return data


@dataclass(frozen=True)
class FollowedElection:
    """An election this wallet takes part in, where, and in which role."""

    board: str
    election: str
    origin: str
    role: str
    added: str

    def to_json(self) -> dict[str, Any]:
        return {
            "board": self.board,
            "election": self.election,
            "origin": self.origin,
            "role": self.role,
            "added": self.added,
        }


@dataclass(frozen=True)
class OptionCount:
    """How many votes one option got."""

    option: str
    count: int


@dataclass(frozen=True)
class ContestResult:
    """One contest of a published result."""

    contest: str
    label: str | None
    counts: tuple[OptionCount, ...]


@dataclass(frozen=True)
class ExcludedBallots:
    """How many ballots one reason kept out of the count: a purpose whose bit is set in a
    frozen status list (revocation, suspension), or another reason the list gives
    (voting.board.Standing)."""

    reason: str
    status_list: str | None
    count: int

    def to_json(self) -> dict[str, Any]:
        return {"reason": self.reason, "statusList": self.status_list, "count": self.count}


@dataclass(frozen=True)
class ElectionResult:
    """A published result with the contests' labels, as `election result` prints it, and
    the ballots kept out of it by the rules (superseded revotes are not among them)."""

    election: str
    title: str
    ballots: int
    trustees: tuple[int, ...]
    contests: tuple[ContestResult, ...]
    excluded: tuple[ExcludedBallots, ...] = ()
    # The counted ballots' summed weight (the ballot count when every ballot weighs 1).
    total_weight: int = 0
    weight_claim: str | None = None

    @property
    def weighted(self) -> bool:
        return self.weight_claim is not None

    def to_json(self) -> dict[str, Any]:
        return {
            "election": self.election,
            "title": self.title,
            "ballots": self.ballots,
            "totalWeight": self.total_weight,
            "weighted": self.weighted,
            **({"weightClaim": self.weight_claim} if self.weighted else {}),
            "trustees": list(self.trustees),
            "contests": [
                {
                    "contest": c.contest,
                    "label": c.label,
                    "counts": [{"option": o.option, "count": o.count} for o in c.counts],
                }
                for c in self.contests
            ],
            "excluded": [e.to_json() for e in self.excluded],
        }


@dataclass(frozen=True)
class ExportedRecord:
    """Where an election record was written, and how many entries it holds."""

    election: str
    record: Path
    entries: int

    def to_json(self) -> dict[str, Any]:
        return {"election": self.election, "record": str(self.record), "entries": self.entries}


@dataclass(frozen=True)
class SharesOutcome:
    """A trustee's shares step: what it posted, whose shares checked, whom it waits for."""

    election: str
    trustee: int
    posted: Posted | None
    received: tuple[int, ...]
    waiting: tuple[int, ...]
    # Whose shares this trustee acknowledged on the board, when it did so in this step.
    acknowledged: tuple[int, ...] = ()

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "election": self.election,
            "trustee": self.trustee,
            "posted": None if self.posted is None else self.posted.to_json(),
            "received": list(self.received),
            "waiting": list(self.waiting),
        }
        if self.acknowledged:
            data["acknowledged"] = list(self.acknowledged)
        return data


@dataclass(frozen=True)
class Choice:
    """Votes for one option of one contest."""

    contest: str
    option: str
    votes: int


@dataclass(frozen=True)
class ChallengeOutcome:
    """A challenged ballot's opening: where it was posted, what it decodes to, what was checked."""

    index: int
    decoded: tuple[Choice, ...]
    checked: tuple[str, ...]

    def picked(self) -> str:
        """The choices, as `contest=option` pairs."""
        return ", ".join(f"{c.contest}={c.option}" for c in self.decoded if c.votes)

    def to_json(self) -> dict[str, Any]:
        decoded: dict[str, dict[str, int]] = {}
        for choice in self.decoded:
            decoded.setdefault(choice.contest, {})[choice.option] = choice.votes
        return {"index": self.index, "decoded": decoded, "checked": list(self.checked)}


@dataclass(frozen=True)
class VoteOutcome:
    """A ballot the board accepted, its kept receipt, and (when challenged) the opening."""

    election: str
    ballot_id: str
    voter: str
    index: int
    receipt_id: str
    receipt: str
    counted: bool
    challenge: ChallengeOutcome | None = None

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "election": self.election,
            "ballotId": self.ballot_id,
            "voter": self.voter,
            "index": self.index,
            "receiptId": self.receipt_id,
            "receipt": self.receipt,
            "counted": self.counted,
        }
        if self.challenge is not None:
            data["challenge"] = self.challenge.to_json()
        return data
