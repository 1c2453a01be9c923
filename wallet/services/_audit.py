"""Provides `wallet audit`: the one audit implementation, `voting.audit.verify_record`.

The wallet adds nothing to the checks and draws nothing of its own: it passes the record
(an exported directory, or one election of a board file) to the audit and renders the
report with the audit's own `render_text`, so `wallet audit` and `python -m voting.audit`
print the same. Exit 0 when no check failed or was skipped (checks of an unfinished election
may be "not yet applicable", V8 without receipts "not applicable").
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from wallet.errors import FileProblem


def audit_record(
    record: Path,
    *,
    election: str | None = None,
    state: Path | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> Any:
    """Audit `record` and return the `voting.audit.AuditReport`.

    `election` chooses one election of a board file that holds several; a record the audit
    cannot read at all (or an election it does not hold) is a FileProblem.
    """
    from voting.audit import verify_record
    from voting.errors import AuditError

    if not record.exists():
        raise FileProblem(f"record {record}: no such file or directory")
    try:
        return verify_record(record, election=election, state=state, progress=progress)
    except AuditError as exc:
        raise FileProblem(str(exc)) from None


def render_report(report: Any, *, with_result: bool = True) -> str:
    """The audit's own human form (`voting.audit.render_text`), without the final newline.

    With `with_result=False` the recomputed result table is left out; the verdict stays
    the last line, so a caller can put a result table of its own before it.
    """
    from voting.audit import render_text

    text: str = render_text(report, with_result=with_result)
    return text.rstrip("\n")


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
