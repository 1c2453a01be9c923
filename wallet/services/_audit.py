"""Provides `wallet audit`: the one audit implementation, `voting.audit.verify_record`.

The wallet adds nothing to the checks; it only picks the record (an exported directory, or
one election of a board file) and renders the report. Exit 0 only when every check passed.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from wallet.errors import FileProblem

_MARK = {"passed": "ok", "failed": "FAIL", "skipped": "skip"}


def audit_record(
    record: Path,
    *,
    election: str | None = None,
    state: Path | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> Any:
    """Audit `record` and return the `voting.audit.AuditReport`."""
    from voting.audit import verify_record
    from voting.board import load_record
    from voting.errors import VotingError

    if not record.exists():
        raise FileProblem(f"record {record}: no such file or directory")
    target: Any = record
    if election is not None:
        try:
            target = load_record(record, election)
        except VotingError as exc:
            raise FileProblem(f"record {record}: {exc}") from None
    return verify_record(target, state=state, progress=progress)


def render_report(report: Any, *, with_result: bool = True) -> str:
    """The human form: one line per numbered check, reasons under failures, the result."""
    lines = [f"election {report.election_id or '?'}: {report.size} entries"]
    width = max(len(c.title) for c in report.checks)
    for check in report.checks:
        mark = _MARK[check.outcome.value]
        lines.append(f"  {check.id:<4} {check.title:<{width}}  {mark:<4}  {check.details}")
        for reason in check.reasons:
            lines.append(f"         - [{reason.code}] {reason.message}")
    if with_result and report.result is not None:
        lines.append(result_table(report.result.to_json()))
    failed = [c.id for c in report.failed()]
    verdict = "PASSED" if report.passed else "FAILED"
    lines.append(f"audit {verdict}" + (f": {', '.join(failed)}" if failed else ""))
    return "\n".join(lines)


def result_table(result: dict[str, Any]) -> str:
    """A result as a small table: each contest, its options and their counts."""
    ballots = result.get("ballotCount", result.get("ballots"))
    lines = [f"result: {ballots} ballots counted"]
    for contest in result["contests"]:
        name = contest.get("label") or contest["contest"]
        lines.append(f"  {name}")
        for row in contest["counts"]:
            lines.append(f"    {row['option']:<24} {row['count']:>6}")
    return "\n".join(lines)
