"""Provides `VerificationTable`: every check of a verification, its outcome and problems.

The one TUI renderer of the services' `Verification`, for credentials, presentations and
election records alike: a row per check; a check that has a detail of its own lists its
problems on rows beneath it, one that has none shows its first problem as its detail.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text

from tui.widgets.fitted_table import FittedTable

if TYPE_CHECKING:
    from wallet.services import CheckOutcome, Problem, Verification

_STYLE = {
    "passed": "green",
    "failed": "bold red",
    "skipped": "yellow",
    "not-yet-applicable": "cyan",
    "not-applicable": "dim",
}
_MARK = {
    "passed": "✓ passed",
    "failed": "✗ failed",
    "skipped": "○ skipped",
    "not-yet-applicable": "… not yet",
    "not-applicable": "- n/a",
}

Row = tuple[list[Text], str | None]

#: The reason a status check gives when its list could not be had (did's typed reason code):
#: the credential's status is unknown, which is not the same as the credential being bad.
STATUS_UNAVAILABLE = "status_list_unavailable"


def status_list_missing(verification: Verification) -> bool:
    """Whether the only thing that kept `verification` from passing is a status list that
    was not at hand."""
    failures = verification.failures()
    return bool(failures) and all(c.reason == STATUS_UNAVAILABLE for c in failures)


class VerificationTable(FittedTable):
    """The checks of one verification, in order."""

    DEFAULT_CSS = """
    VerificationTable { height: auto; max-height: 16; }
    """

    def on_mount(self) -> None:
        self.cursor_type = "row"
        self.add_columns("Check", "Outcome", "Detail")

    def show(self, verification: Verification) -> None:
        rows: list[Row] = []
        for check in verification.checks:
            rows += _rows(check)
        self.fill(rows)


def _rows(check: CheckOutcome) -> list[Row]:
    # A credential's check is named by its label; an audit's by its number and title.
    name = check.label if check.label.endswith(check.title) else f"{check.label}  {check.title}"
    detail = check.detail
    listed = check.problems
    if check.outcome == "failed" and check.reason == STATUS_UNAVAILABLE:
        # Not a failed check but an unanswered one: said so, in yellow, with what to do.
        unknown = "? unknown"
        why = "the status list is not at hand: press l to load it (a file or its URL)"
        return [([Text(name), Text(unknown, style="bold yellow"), Text(why)], None)]
    if not detail and listed:
        first = listed[0]
        detail, listed = f"{first.type}: {first.message}", listed[1:]
    rows: list[Row] = [
        (
            [
                Text(name),
                Text(_MARK[check.outcome], style=_STYLE[check.outcome]),
                Text(detail),
            ],
            None,
        )
    ]
    rows += [([Text(""), Text(""), _problem(p)], None) for p in listed]
    if check.more:
        rows.append(([Text(""), Text(""), Text(f"… and {check.more} more")], None))
    return rows


def _problem(problem: Problem) -> Text:
    subject = f" ({problem.subject})" if problem.subject else ""
    text = Text(f"[{problem.type}]", style="red")
    text.append(f"{subject} {problem.message}")
    return text


def verdict(verification: Verification) -> Text:
    """One line: verified, its status unknown for want of a list, or how many checks failed."""
    if verification.verified:
        return Text("✓ Verified: every check that ran passed.", style="bold green")
    if status_list_missing(verification):
        return Text(
            "? Status unknown: every other check passed, but the status list is not at hand. "
            "Press l to load it from a file or its URL.",
            style="bold yellow",
        )
    failed = len(verification.failures())
    return Text(f"✗ Not verified: {failed} check(s) failed.", style="bold red")


def audit_verdict(report: Verification) -> Text:
    """One line: the audit passed, or which checks failed."""
    if report.verified:
        return Text(
            f"✓ Audit PASSED: {report.about}; no check failed (checks an unfinished election "
            "has not reached yet are not applicable).",
            style="bold green",
        )
    failed = ", ".join(c.label for c in report.failures()) or "none"
    return Text(
        f"✗ Audit FAILED: {report.about}; failed {failed} (a skipped check is not a pass).",
        style="bold red",
    )
