"""Provides `FittedTable`: a DataTable whose columns fit the screen, long cells ending in "…".

DataTable measures auto-width columns only when it next falls idle, and lets a wide column
push the others off screen. This table sizes every column while filling, to its widest cell,
then narrows the widest ones until the row fits the table's width, cutting what no longer
fits with an ellipsis. It fits them again whenever its width changes.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from rich.text import Text
from textual import events
from textual.widgets import DataTable

#: A column is never narrowed below this many cells (or its heading, if shorter).
MIN_WIDTH = 8
#: Room kept for a vertical scrollbar, which appears once there are more rows than lines.
SCROLLBAR = 2

Row = tuple[Sequence[Text], str | None]


def fit_widths(widths: Sequence[int], minimums: Sequence[int], budget: int) -> list[int]:
    """The widths to give columns that want `widths` so that together they fit `budget`.

    Only the widest are narrowed: every column wider than a cap is cut to it (never below
    its minimum), with the cap as high as the budget allows. When even the minimums do not
    fit, the minimums are returned and the table scrolls sideways.
    """
    if sum(widths) <= budget:
        return list(widths)
    low, high = 0, max(widths)
    while low < high:
        cap = (low + high + 1) // 2
        used = sum(min(w, max(cap, m)) for w, m in zip(widths, minimums, strict=True))
        if used <= budget:
            low = cap
        else:
            high = cap - 1
    return [min(w, max(low, m)) for w, m in zip(widths, minimums, strict=True)]


def clip(text: Text, width: int) -> Text:
    """`text` cut to `width` cells, its last cell an ellipsis when anything was cut."""
    if text.cell_len <= width:
        return text
    cut = text.copy()
    cut.truncate(width, overflow="ellipsis")
    return cut


class FittedTable(DataTable[Text]):
    """A table of plain Text cells, filled all at once by `fill`, that fits its width."""

    _given: Sequence[Row] = ()
    _fitted_for: int = -1

    def fill(self, rows: Iterable[Row]) -> None:
        """Replace the rows with `rows` (cells, row key), each column as wide as fits."""
        self._given = list(rows)
        self._layout()

    def _budget(self) -> int:
        width = self.size.width or self.app.size.width
        padding = 2 * self.cell_padding * len(self.ordered_columns)
        return max(0, width - SCROLLBAR - padding)

    def _layout(self) -> None:
        given = self._given
        row = self.cursor_row
        self.clear()
        columns = self.ordered_columns
        wanted = []
        minimums = []
        for index, column in enumerate(columns):
            lengths = (cells[index].cell_len for cells, _ in given if index < len(cells))
            wanted.append(max([column.label.cell_len, *lengths]))
            minimums.append(min(wanted[-1], max(MIN_WIDTH, column.label.cell_len)))
        self._fitted_for = self._budget()
        widths = fit_widths(wanted, minimums, self._fitted_for)
        for column, width in zip(columns, widths, strict=True):
            column.width = width
            column.auto_width = False
        for cells, key in given:
            self.add_row(*(clip(c, w) for c, w in zip(cells, widths, strict=False)), key=key)
        if given:
            self.move_cursor(row=min(row, len(given) - 1), animate=False)

    def on_resize(self, event: events.Resize) -> None:
        if self._budget() != self._fitted_for and self._given:
            self._layout()
