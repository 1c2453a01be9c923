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
    """One line: verified, or how many checks failed."""
    if verification.verified:
        return Text("✓ Verified: every check that ran passed.", style="bold green")
    failed = len(verification.failures())
    return Text(f"✗ Not verified: {failed} check(s) failed.", style="bold red")
