"""Provides `AuditTable`: the audit's numbered checks, their outcomes and reasons."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.widgets import DataTable

_STYLE = {"passed": "green", "failed": "bold red", "skipped": "yellow"}
_MARK = {"passed": "✓ passed", "failed": "✗ failed", "skipped": "○ skipped"}


class AuditTable(DataTable[Text]):
    """One row per check (V1 …), and one indented row per reason under it."""

    DEFAULT_CSS = """
    AuditTable { height: 1fr; }
    """

    def on_mount(self) -> None:
        self.cursor_type = "row"
        self.add_columns("Check", "Title", "Outcome", "Details")

    def show(self, checks: list[dict[str, Any]]) -> None:
        self.clear()
        for check in checks:
            outcome = str(check["outcome"])
            self.add_row(
                Text(str(check["id"])),
                Text(str(check["title"])),
                Text(_MARK.get(outcome, outcome), style=_STYLE.get(outcome, "")),
                Text(str(check["details"])),
            )
            for reason in check["reasons"]:
                self.add_row(
                    Text(""),
                    Text(f"  [{reason['code']}]", style="red"),
                    Text(""),
                    Text(str(reason["message"])),
                )
