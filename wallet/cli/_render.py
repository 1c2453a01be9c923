"""Provides the command line's one renderer of verifications, and of election results.

A `Verification` of a credential or presentation is one line per check (✓ passed, ✗ failed
with its reason, - skipped), the disclosed claims if any, then the verdict. An audit is
printed as the auditor's own command prints it (`python -m voting.audit`), character for
character, so that a record's verdict reads the same wherever it was checked.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from wallet.services import ElectionResult, Verification

_MARKS = {
    "passed": ("✓", "green"),
    "failed": ("✗", "red"),
    "skipped": ("-", "yellow"),
    "not-yet-applicable": ("-", "yellow"),
    "not-applicable": ("-", "yellow"),
}


def render_verification(verification: Verification, *, with_result: bool = True) -> str:
    """The human form of a verification, without a final newline.

    For an audit, `with_result=False` leaves out the recomputed result table; the verdict
    stays the last line, so a caller can put a result table of its own before it.
    """
    if verification.kind == "audit":
        from voting.audit import AuditReport, render_text

        assert isinstance(verification.source, AuditReport)  # An audit's source is its report.
        return render_text(verification.source, with_result=with_result).rstrip("\n")
    from wallet.cli._common import paint

    lines = []
    for check in verification.checks:
        mark = paint(*_MARKS[check.outcome])
        if check.problems:
            problem = check.problems[0]
            reason = problem.reason or check.title
            lines.append(f"{mark} {check.label}: {reason}: {problem.message}")
        else:
            lines.append(f"{mark} {check.label}" + (f": {check.detail}" if check.detail else ""))
    if verification.claims is not None:
        lines.append("claims: " + json.dumps(dict(verification.claims), ensure_ascii=False))
    verdict = ("verified", "green") if verification.verified else ("NOT verified", "red")
    lines.append(paint(*verdict))
    return "\n".join(lines)


def result_table(result: ElectionResult) -> str:
    """A result as a small table: each contest, its options and their counts."""
    lines = [f"result: {result.ballots} ballots counted"]
    if result.weighted:
        lines[0] += f", total weight {result.total_weight} (claim {result.weight_claim!r})"
    for contest in result.contests:
        lines.append(f"  {contest.label or contest.contest}")
        for row in contest.counts:
            lines.append(f"    {row.option:<24} {row.count:>6}")
    for excluded in result.excluded:
        where = f" in {excluded.status_list}" if excluded.status_list else ""
        lines.append(f"excluded: {excluded.count} ballots, {excluded.reason}{where}")
    return "\n".join(lines)
