"""Provides `FittedTable`: a DataTable whose columns are sized to their widest cell at once."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from rich.text import Text
from textual.widgets import DataTable


class FittedTable(DataTable[Text]):
    """A table of plain Text cells, filled all at once by `fill`.

    DataTable measures auto-width columns only when it next falls idle. A frame drawn in
    between shows every column at its heading's width, and the table keeps that frame in
    its line cache until the cursor moves; sizing the columns while filling avoids it.
    """

    def fill(self, rows: Iterable[tuple[Sequence[Text], str | None]]) -> None:
        """Replace the rows with `rows` (cells, row key), each column as wide as it needs."""
        given = list(rows)
        self.clear()
        for index, column in enumerate(self.ordered_columns):
            widths = (cells[index].cell_len for cells, _ in given if index < len(cells))
            column.width = max([column.label.cell_len, *widths])
            column.auto_width = False
        for cells, key in given:
            self.add_row(*cells, key=key)
