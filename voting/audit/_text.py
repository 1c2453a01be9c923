"""Provides the human form of an audit report: one line per check of §9, then the result.

Both command lines print this text, so an auditor's script and the wallet show the same.
"""

from __future__ import annotations

from voting.audit._report import AuditReport, Outcome

_MARK = {
    Outcome.PASSED: "ok",
    Outcome.FAILED: "FAIL",
    Outcome.SKIPPED: "skip",
    Outcome.NOT_YET_APPLICABLE: "later",
    Outcome.NOT_APPLICABLE: "n/a",
}


def render_text(report: AuditReport, *, with_result: bool = True) -> str:
    """Return the human form of a report: the table of checks, the result, the verdict.

    `python -m voting.audit` and `wallet audit` both print exactly this. With
    `with_result=False` the recomputed result table is left out (a caller that shows a
    result of its own puts it before the verdict, the last line).
    """
    lines = []
    where = report.election_id or "?"
    root = report.root[:16] + "…" if report.root else "?"
    lines.append(f"election {where}: {report.size} entries, root {root}")
    width = max(len(c.title) for c in report.checks)
    for c in report.checks:
        lines.append(f"  {c.id:<4} {c.title:<{width}}  {_MARK[c.outcome]:<5}  {c.details}")
        for r in c.reasons:
            subject = _subject(r.entry, r.ballot, r.voter, r.trustee)
            lines.append(f"         - [{r.code}]{subject} {r.message}")
        if c.more:
            lines.append(f"         - … and {c.more} more")
    if with_result and report.result is not None:
        lines.append(
            f"result: {report.result.ballot_count} ballots, total weight "
            f"{report.result.total_weight}"
        )
        for contest in report.result.contests:
            lines.append(f"  {contest.contest}")
            for option, count in contest.counts:
                lines.append(f"    {option:<24} {count:>10}")
    verdict = "PASSED" if report.passed else "FAILED"
    failed = ", ".join(c.id for c in report.failed())
    waiting = [c.id for c in report.checks if c.outcome is Outcome.NOT_YET_APPLICABLE]
    if failed:
        lines.append(f"audit {verdict}: {failed}")
    elif report.passed and waiting:
        lines.append(
            f"audit {verdict} so far: the election is unfinished; "
            f"{', '.join(waiting)} not yet applicable"
        )
    else:
        lines.append(f"audit {verdict}")
    return "\n".join(lines) + "\n"


def _subject(entry: int | None, ballot: str | None, voter: str | None, trustee: int | None) -> str:
    parts = []
    if entry is not None:
        parts.append(f"entry {entry}")
    if ballot is not None:
        parts.append(f"ballot {ballot}")
    if voter is not None:
        parts.append(f"voter {voter}")
    if trustee is not None:
        parts.append(f"trustee {trustee}")
    return f" ({', '.join(parts)})" if parts else ""
