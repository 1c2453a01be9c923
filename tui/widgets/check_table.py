"""Provides `CheckTable`: every check of a verification report with its outcome and reason."""

from __future__ import annotations

from typing import Any

from rich.text import Text

from tui.widgets.fitted_table import FittedTable

_STYLE = {"passed": "green", "failed": "bold red", "skipped": "yellow"}
_MARK = {"passed": "✓ passed", "failed": "✗ failed", "skipped": "○ skipped"}


class CheckTable(FittedTable):
    """The checks of a report (as its JSON form), those of contained credentials indented."""

    DEFAULT_CSS = """
    CheckTable { height: auto; max-height: 16; }
    """

    def on_mount(self) -> None:
        self.cursor_type = "row"
        self.add_columns("Check", "Outcome", "Detail")

    def show(self, report: dict[str, Any]) -> None:
        rows: list[tuple[list[Text], str | None]] = []
        self._add(rows, report, prefix="")
        self.fill(rows)

    def _add(
        self, rows: list[tuple[list[Text], str | None]], report: dict[str, Any], prefix: str
    ) -> None:
        for check in report.get("checks", []):
            outcome = str(check.get("outcome"))
            problem = check.get("problem")
            if isinstance(problem, dict):
                detail = f"{problem.get('type')}: {problem.get('detail')}"
            else:
                detail = str(check.get("message", ""))
            rows.append(([
                Text(prefix + str(check.get("check"))),
                Text(_MARK.get(outcome, outcome), style=_STYLE.get(outcome, "")),
                Text(detail),
            ], None))  # fmt: skip
        for index, inner in enumerate(report.get("credentials", [])):
            self._add(rows, inner, prefix=f"{prefix}credential[{index}].")


def verdict(report: dict[str, Any]) -> Text:
    """One line: verified, or how many checks failed."""
    if report.get("verified"):
        return Text("✓ Verified: every check that ran passed.", style="bold green")
    failed = _count_failed(report)
    return Text(f"✗ Not verified: {failed} check(s) failed.", style="bold red")


def _count_failed(report: dict[str, Any]) -> int:
    own = sum(1 for c in report.get("checks", []) if c.get("outcome") == "failed")
    return own + sum(_count_failed(r) for r in report.get("credentials", []))
