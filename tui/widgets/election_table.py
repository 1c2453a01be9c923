"""Provides `ElectionTable`: the elections on the boards the wallet knows, with their phase."""

from __future__ import annotations

from typing import Any

from rich.text import Text

from tui.data import shown_path
from tui.widgets.fitted_table import FittedTable

_PHASE_STYLE = {"open": "bold green", "closed": "yellow", "finished": "cyan"}


def _ballots(item: dict[str, Any]) -> str:
    """The ballot count; for a weighted election, with the total weight once it is tallied."""
    ballots = str(item.get("ballots", ""))
    if item.get("weightClaim") is None:
        return ballots
    weight = item.get("totalWeight")
    return f"{ballots} (weighted)" if weight is None else f"{ballots} (weight {weight})"


class ElectionTable(FittedTable):
    """A row-cursor table of elections; each row keeps its board and summary line."""

    DEFAULT_CSS = """
    ElectionTable { height: 1fr; }
    """

    def on_mount(self) -> None:
        self.cursor_type = "row"
        self.zebra_stripes = True
        self.add_columns("Election", "Title", "Phase", "Ballots", "Role", "Board")
        self.rows_by_key: dict[str, dict[str, Any]] = {}

    def show(self, elections: list[dict[str, Any]]) -> None:
        self.rows_by_key = {}
        rows: list[tuple[list[Text], str | None]] = []
        for item in elections:
            key = f"{item['board']}#{item['election']}"
            self.rows_by_key[key] = item
            phase = str(item.get("phase", "?"))
            rows.append(([
                Text(str(item["election"])),
                Text(str(item.get("title", ""))),
                Text(phase, style=_PHASE_STYLE.get(phase, "")),
                Text(_ballots(item)),
                Text(str(item.get("role") or "—")),
                Text(shown_path(str(item["board"]))),
            ], key))  # fmt: skip
        self.fill(rows)

    @property
    def selected(self) -> dict[str, Any] | None:
        """The election under the cursor, or None when the table is empty."""
        if self.row_count == 0:
            return None
        key = self.coordinate_to_cell_key(self.cursor_coordinate).row_key.value
        return self.rows_by_key.get(key or "")
