"""Provides `Verification`: the one shape of a verification's result, whatever was verified.

A credential, a presentation and an election record are each checked step by step; each
step has one outcome ("passed", "failed", "skipped", and for the audit "not-yet-applicable"
and "not-applicable") and, when it failed,
typed problems: a VC Data Model 2.0 problem type for credentials (VC DM 2.0 §7.1), a reason
code of the record spec (§9) for the audit. The front ends render
this shape, one renderer each; `to_json` is the library report's own JSON, unchanged.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from wallet.services._values import JsonObject

if TYPE_CHECKING:
    from did import Check, VerificationReport
    from voting.audit import AuditReport, CheckResult, Reason

Kind = Literal["credential", "presentation", "audit"]
# The one outcome vocabulary. `did`'s checks use the first three words; the audit all five
# (an enum of them): a check an unfinished election has not reached is "not-yet-applicable",
# one with nothing given to check (V8 without receipts) "not-applicable".
Outcome = Literal["passed", "failed", "skipped", "not-yet-applicable", "not-applicable"]

_OUTCOMES: dict[str, Outcome] = {
    "passed": "passed",
    "failed": "failed",
    "skipped": "skipped",
    "not-yet-applicable": "not-yet-applicable",
    "not-applicable": "not-applicable",
}


@dataclass(frozen=True)
class Problem:
    """Why a check failed: its type (problem type URL or reason code), reason and message."""

    type: str
    reason: str | None
    message: str
    subject: str | None = None


@dataclass(frozen=True)
class CheckOutcome:
    """One step: where it sits (`label`), its name or title, outcome, detail and problems."""

    label: str
    title: str
    outcome: Outcome
    detail: str
    problems: tuple[Problem, ...] = ()
    # How many more problems the library left out of `problems` (the audit keeps 100).
    more: int = 0

    @property
    def reason(self) -> str | None:
        """The first problem's short reason (`expired`, `untrusted_issuer`, …), if any."""
        return self.problems[0].reason if self.problems else None


@dataclass(frozen=True)
class Verification:
    """Every check of one verification, in order, and whether the whole verified.

    `about` says in one line what was verified; `claims` are what an SD-JWT verifier may
    rely on (the disclosed claims); `warnings` what the caller should know even when it
    verified (any issuer was trusted, say); `source` is the library's own report.
    """

    kind: Kind
    about: str
    verified: bool
    checks: tuple[CheckOutcome, ...]
    claims: JsonObject | None
    source: VerificationReport | AuditReport
    warnings: tuple[str, ...] = ()

    def check(self, label: str) -> CheckOutcome:
        """The check at `label` (`status`, `credential[0].proof`, `V6`)."""
        for item in self.checks:
            if item.label == label:
                return item
        raise KeyError(f"no check {label!r} in this verification")

    def failures(self) -> list[CheckOutcome]:
        """The failed checks, in order."""
        return [c for c in self.checks if c.outcome == "failed"]

    def to_json(self) -> dict[str, Any]:
        """The library report's JSON (what `--json` prints)."""
        return self.source.to_json()


def from_credential_report(report: VerificationReport) -> Verification:
    """The shape of a `did.VerificationReport` (a credential, presentation or SD-JWT)."""
    kind: Kind = "presentation" if report.kind == "presentation" else "credential"
    return Verification(
        kind=kind,
        about=report.subject or "",
        verified=report.verified,
        checks=tuple(_credential_checks(report, "")),
        claims=report.claims,
        source=report,
        warnings=tuple(report.all_warnings()),
    )


def _credential_checks(report: VerificationReport, prefix: str) -> list[CheckOutcome]:
    checks = [_credential_check(check, prefix) for check in report.checks]
    for index, inner in enumerate(report.credentials):
        checks += _credential_checks(inner, f"{prefix}credential[{index}].")
    return checks


def _credential_check(check: Check, prefix: str) -> CheckOutcome:
    problems: tuple[Problem, ...] = ()
    if check.outcome == "failed":
        problems = (Problem(check.problem_type or "", check.reason, check.message),)
    detail = "" if check.outcome == "failed" else check.message
    return CheckOutcome(prefix + check.name, check.name, check.outcome, detail, problems)


def from_audit_report(report: AuditReport) -> Verification:
    """The shape of a `voting.audit.AuditReport` (all of record spec §9, V1 … V13)."""
    return Verification(
        kind="audit",
        about=f"election {report.election_id or '?'}, {report.size} entries",
        verified=report.passed,
        checks=tuple(_audit_check(check) for check in report.checks),
        claims=None,
        source=report,
    )


def _audit_check(check: CheckResult) -> CheckOutcome:
    outcome = _OUTCOMES[check.outcome.value]
    problems = tuple(_audit_problem(reason) for reason in check.reasons)
    return CheckOutcome(check.id, check.title, outcome, check.details, problems, check.more)


def _audit_problem(reason: Reason) -> Problem:
    parts = [
        f"{name} {value}"
        for name, value in (
            ("entry", reason.entry),
            ("ballot", reason.ballot),
            ("voter", reason.voter),
            ("trustee", reason.trustee),
        )
        if value is not None
    ]
    return Problem(reason.code, reason.code, reason.message, ", ".join(parts) or None)
