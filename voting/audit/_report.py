"""Provides the audit report: numbered checks, typed reasons and the result table (§9).

The report is a value. It lists every check of the record specification's §9 (V1-V13) in
order, each with its outcome, a one-line summary and the reasons it failed or was skipped;
each reason names what it is about (entry index, ballot id, voter, trustee) so that a
script can act on it. It round-trips through JSON.
"""

from __future__ import annotations

import enum
import json
from dataclasses import dataclass, field
from typing import Any

import did
from did.errors import DidError
from voting.errors import AuditError

# The checks of docs/record-spec.md §9, in the order an audit runs them.
CHECKS: tuple[tuple[str, str], ...] = (
    ("parameters", "Parameters"),
    ("trustee-keys", "Trustee keys"),
    ("joint-key", "Joint key"),
    ("chain", "Chain links and Merkle root"),
    ("eligibility", "Eligibility"),
    ("ballot-proofs", "Ballot proofs"),
    ("selection-limits", "Selection limits"),
    ("receipts", "Receipts"),
    ("aggregation", "Aggregation"),
    ("decryption-shares", "Decryption shares"),
    ("combination", "Combination"),
    ("result", "Result against manifest"),
    ("challenged", "Challenged ballots"),
    ("witnesses", "Witness cosignatures"),
)

# A failing check lists at most this many reasons; the count of the rest is kept, so a
# record with a million bad ballots still gives a readable report.
MAX_REASONS = 100


class Outcome(enum.Enum):
    """What became of one check."""

    PASSED = "passed"
    FAILED = "failed"
    # Could not run because something it needs failed: the audit fails.
    SKIPPED = "skipped"
    # The election has not reached the phase this check is about (an unfinished election):
    # everything present verified, and the audit passes (record spec §9.2).
    NOT_YET_APPLICABLE = "not-yet-applicable"
    # Nothing was given to check (V8 without receipts): the audit passes.
    NOT_APPLICABLE = "not-applicable"

    @property
    def acceptable(self) -> bool:
        """Whether this outcome lets the audit pass."""
        return self is not Outcome.FAILED and self is not Outcome.SKIPPED


@dataclass(frozen=True, slots=True)
class Reason:
    """Why a check failed or was skipped, and what it is about."""

    code: str
    message: str
    entry: int | None = None
    ballot: str | None = None
    voter: str | None = None
    trustee: int | None = None

    def to_json(self) -> dict[str, Any]:
        """Return the wire form; absent subjects are left out."""
        out: dict[str, Any] = {"code": self.code, "message": self.message}
        for name in ("entry", "ballot", "voter", "trustee"):
            value = getattr(self, name)
            if value is not None:
                out[name] = value
        return out

    @classmethod
    def from_json(cls, data: Any) -> Reason:
        """Parse a reason."""
        obj = _object(data, "reason", {"code", "message"}, {"entry", "ballot", "voter", "trustee"})
        return cls(
            _str(obj, "code"),
            _str(obj, "message"),
            _opt_int(obj, "entry"),
            _opt_str(obj, "ballot"),
            _opt_str(obj, "voter"),
            _opt_int(obj, "trustee"),
        )


@dataclass(frozen=True, slots=True)
class CheckResult:
    """One numbered check of §9 and its outcome."""

    number: int
    outcome: Outcome
    details: str
    reasons: tuple[Reason, ...] = ()
    # How many further reasons were left out of `reasons` (see MAX_REASONS).
    more: int = 0

    def __post_init__(self) -> None:
        if not 1 <= self.number <= len(CHECKS):
            raise AuditError(f"check number {self.number}: want 1..{len(CHECKS)}")
        if (
            self.outcome is not Outcome.FAILED
            and self.outcome is not Outcome.SKIPPED
            and (self.reasons or self.more)
        ):
            raise AuditError(f"V{self.number}: a {self.outcome.value} check carries no reasons")
        if self.more < 0:
            raise AuditError(f"V{self.number}: negative count of left-out reasons")

    @property
    def id(self) -> str:
        """The check's label, "V1" … "V13"."""
        return f"V{self.number}"

    @property
    def name(self) -> str:
        """The check's short machine name, such as "ballot-proofs"."""
        return CHECKS[self.number - 1][0]

    @property
    def title(self) -> str:
        """The check's human title, as in the record specification."""
        return CHECKS[self.number - 1][1]

    def to_json(self) -> dict[str, Any]:
        """Return the wire form."""
        out: dict[str, Any] = {
            "id": self.id,
            "name": self.name,
            "outcome": self.outcome.value,
            "details": self.details,
            "reasons": [r.to_json() for r in self.reasons],
        }
        if self.more:
            out["more"] = self.more
        return out

    @classmethod
    def from_json(cls, data: Any) -> CheckResult:
        """Parse a check result; its id and name must agree."""
        obj = _object(data, "check", {"id", "name", "outcome", "details", "reasons"}, {"more"})
        ident = _str(obj, "id")
        if not ident.startswith("V") or not ident[1:].isdecimal():
            raise AuditError(f"check.id: got {ident!r}, want V1..V{len(CHECKS)}")
        number = int(ident[1:])
        result = cls(
            number,
            _outcome(obj["outcome"]),
            _str(obj, "details"),
            tuple(Reason.from_json(r) for r in _list(obj, "reasons")),
            _opt_int(obj, "more") or 0,
        )
        if _str(obj, "name") != result.name:
            raise AuditError(f"check {ident}: name {obj['name']!r}, want {result.name!r}")
        return result


@dataclass(frozen=True, slots=True)
class ContestCounts:
    """The recomputed count of every option of one contest, in manifest order."""

    contest: str
    counts: tuple[tuple[str, int], ...]

    def to_json(self) -> dict[str, Any]:
        """Return the wire form."""
        return {
            "contest": self.contest,
            "counts": [{"option": o, "count": n} for o, n in self.counts],
        }

    @classmethod
    def from_json(cls, data: Any) -> ContestCounts:
        """Parse one contest's counts."""
        obj = _object(data, "contest", {"contest", "counts"})
        counts = []
        for item in _list(obj, "counts"):
            row = _object(item, "count", {"option", "count"})
            counts.append((_str(row, "option"), _int(row, "count")))
        return cls(_str(obj, "contest"), tuple(counts))


@dataclass(frozen=True, slots=True)
class ResultTable:
    """The result the audit recomputed from the published shares (V11), per contest."""

    ballot_count: int
    total_weight: int
    contests: tuple[ContestCounts, ...]

    def counts(self) -> dict[str, dict[str, int]]:
        """Return {contest id: {option id: count}}."""
        return {c.contest: dict(c.counts) for c in self.contests}

    def to_json(self) -> dict[str, Any]:
        """Return the wire form."""
        return {
            "ballotCount": self.ballot_count,
            "totalWeight": self.total_weight,
            "contests": [c.to_json() for c in self.contests],
        }

    @classmethod
    def from_json(cls, data: Any) -> ResultTable:
        """Parse a result table."""
        obj = _object(data, "result", {"ballotCount", "totalWeight", "contests"})
        return cls(
            _int(obj, "ballotCount"),
            _int(obj, "totalWeight"),
            tuple(ContestCounts.from_json(c) for c in _list(obj, "contests")),
        )


@dataclass(frozen=True, slots=True)
class AuditStats:
    """How much work this run did; `ballots_verified` counts proofs checked in this run."""

    entries: int
    ballots: int
    ballots_verified: int
    counted: int
    challenged: int
    resumed_from: int | None = None

    def to_json(self) -> dict[str, Any]:
        """Return the wire form."""
        out: dict[str, Any] = {
            "entries": self.entries,
            "ballots": self.ballots,
            "ballotsVerified": self.ballots_verified,
            "counted": self.counted,
            "challenged": self.challenged,
        }
        if self.resumed_from is not None:
            out["resumedFrom"] = self.resumed_from
        return out

    @classmethod
    def from_json(cls, data: Any) -> AuditStats:
        """Parse the statistics."""
        obj = _object(
            data,
            "stats",
            {"entries", "ballots", "ballotsVerified", "counted", "challenged"},
            {"resumedFrom"},
        )
        return cls(
            _int(obj, "entries"),
            _int(obj, "ballots"),
            _int(obj, "ballotsVerified"),
            _int(obj, "counted"),
            _int(obj, "challenged"),
            _opt_int(obj, "resumedFrom"),
        )


@dataclass(frozen=True, slots=True)
class AuditReport:
    """The outcome of auditing one election record: all of §9, in order."""

    election_id: str | None
    origin: str | None
    size: int
    root: str | None
    checks: tuple[CheckResult, ...]
    result: ResultTable | None = None
    stats: AuditStats = field(default_factory=lambda: AuditStats(0, 0, 0, 0, 0))

    def __post_init__(self) -> None:
        numbers = [c.number for c in self.checks]
        if numbers != list(range(1, len(CHECKS) + 1)):
            raise AuditError(f"report: checks {numbers}, want V1..V{len(CHECKS)} in order")

    @property
    def passed(self) -> bool:
        """True when no check failed or was skipped (record spec §9.2).

        Checks not yet applicable to an unfinished election, and V8 without receipts, do not
        stand in the way; a skipped check (it could not run after a failure) does.
        """
        return all(c.outcome.acceptable for c in self.checks)

    @property
    def finished(self) -> bool:
        """Whether every check applied: no check is waiting for a later phase."""
        return all(c.outcome is not Outcome.NOT_YET_APPLICABLE for c in self.checks)

    def check(self, ident: str | int) -> CheckResult:
        """Return one check by number or by its label ("V6")."""
        number = ident if isinstance(ident, int) else int(str(ident).lstrip("Vv"))
        if not 1 <= number <= len(self.checks):
            raise AuditError(f"no check {ident!r}")
        return self.checks[number - 1]

    def failed(self) -> list[CheckResult]:
        """Return the checks that failed, in order."""
        return [c for c in self.checks if c.outcome is Outcome.FAILED]

    def to_json(self) -> dict[str, Any]:
        """Return the wire form."""
        return {
            "version": 1,
            "passed": self.passed,
            "electionId": self.election_id,
            "origin": self.origin,
            "size": self.size,
            "root": self.root,
            "checks": [c.to_json() for c in self.checks],
            "result": None if self.result is None else self.result.to_json(),
            "stats": self.stats.to_json(),
        }

    def to_text(self) -> str:
        """Return the report as indented JSON text."""
        return json.dumps(self.to_json(), indent=2, ensure_ascii=False) + "\n"

    @classmethod
    def from_json(cls, data: Any) -> AuditReport:
        """Parse a report; the stored `passed` must agree with the checks."""
        if isinstance(data, str | bytes):
            try:
                data = did.parse_json(data)
            except DidError as exc:
                raise AuditError(f"report: not JSON ({exc})") from None
        obj = _object(
            data,
            "report",
            {"version", "passed", "electionId", "origin", "size", "root", "checks", "result"},
            {"stats"},
        )
        if obj["version"] != 1:
            raise AuditError(f"report.version: got {obj['version']!r}, want 1")
        raw_result = obj["result"]
        report = cls(
            _opt_str(obj, "electionId"),
            _opt_str(obj, "origin"),
            _int(obj, "size"),
            _opt_str(obj, "root"),
            tuple(CheckResult.from_json(c) for c in _list(obj, "checks")),
            None if raw_result is None else ResultTable.from_json(raw_result),
            AuditStats.from_json(obj["stats"]) if "stats" in obj else AuditStats(0, 0, 0, 0, 0),
        )
        if obj["passed"] is not report.passed:
            raise AuditError("report.passed disagrees with its checks")
        return report


def _object(
    data: Any, what: str, required: set[str], optional: frozenset[str] | set[str] = frozenset()
) -> Any:
    if not isinstance(data, dict):
        raise AuditError(f"{what}: want an object")
    missing = required - data.keys()
    unknown = data.keys() - required - optional
    if missing or unknown:
        raise AuditError(f"{what}: missing {sorted(missing)}, unknown {sorted(unknown)}")
    return data


def _str(obj: dict[str, Any], key: str) -> str:
    value = obj[key]
    if not isinstance(value, str):
        raise AuditError(f"{key}: want a string")
    return value


def _opt_str(obj: dict[str, Any], key: str) -> str | None:
    return None if obj.get(key) is None else _str(obj, key)


def _int(obj: dict[str, Any], key: str) -> int:
    value = obj[key]
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise AuditError(f"{key}: want a non-negative integer")
    return value


def _opt_int(obj: dict[str, Any], key: str) -> int | None:
    return None if obj.get(key) is None else _int(obj, key)


def _list(obj: dict[str, Any], key: str) -> list[Any]:
    value = obj[key]
    if not isinstance(value, list):
        raise AuditError(f"{key}: want an array")
    return value


def _outcome(value: Any) -> Outcome:
    try:
        return Outcome(value)
    except ValueError:
        known = [o.value for o in Outcome]
        raise AuditError(f"outcome: got {value!r}, want one of {known}") from None
