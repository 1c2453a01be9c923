"""Provides `AuditTable`: the audit's numbered checks, their outcomes and reasons."""

from __future__ import annotations

from typing import Any

from rich.text import Text

from tui.widgets.fitted_table import FittedTable

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


class AuditTable(FittedTable):
    """One row per check (V1 …), and one indented row per reason under it."""

    DEFAULT_CSS = """
    AuditTable { height: 1fr; }
    """

    def on_mount(self) -> None:
        self.cursor_type = "row"
        self.add_columns("Check", "Title", "Outcome", "Details")

    def show(self, checks: list[dict[str, Any]]) -> None:
        rows: list[tuple[list[Text], str | None]] = []
        for check in checks:
            outcome = str(check["outcome"])
            rows.append(([
                Text(str(check["id"])),
                Text(str(check["title"])),
                Text(_MARK.get(outcome, outcome), style=_STYLE.get(outcome, "")),
                Text(str(check["details"])),
            ], None))  # fmt: skip
            for reason in check["reasons"]:
                rows.append(([
                    Text(""),
                    Text(f"  [{reason['code']}]", style="red"),
                    Text(""),
                    Text(str(reason["message"])),
                ], None))  # fmt: skip
        self.fill(rows)
