"""Provides `IdentityTable`: the wallet's identities, one row each, keyed by DID."""

from __future__ import annotations

from rich.text import Text

from tui.widgets.fitted_table import FittedTable
from wallet.services import Identity


class IdentityTable(FittedTable):
    """A row-cursor table of identities; the row key is the DID."""

    DEFAULT_CSS = """
    IdentityTable { height: 1fr; }
    """

    def on_mount(self) -> None:
        self.cursor_type = "row"
        self.zebra_stripes = True
        self.add_columns("Label", "Method", "Created", "DID")

    def show(self, identities: list[Identity]) -> None:
        """Replace the rows, keeping the cursor on the same DID when it is still there."""
        keep = self.selected_did
        # Cells are plain Text: a string cell would be read as markup, and "did:key:" would
        # even turn into an emoji.
        self.fill(
            ([
                Text(identity.label or "—"),
                Text(f"did:{identity.method}"),
                Text(identity.created),
                Text(identity.did),
            ], identity.did)
            for identity in identities
        )  # fmt: skip
        if keep is not None and keep in {identity.did for identity in identities}:
            self.move_cursor(row=self.get_row_index(keep))

    def select_did(self, did: str) -> None:
        """Put the cursor on the row of `did`."""
        self.move_cursor(row=self.get_row_index(did))

    @property
    def selected_did(self) -> str | None:
        """The DID under the cursor, or None when the table is empty."""
        if self.row_count == 0:
            return None
        key = self.coordinate_to_cell_key(self.cursor_coordinate).row_key
        return key.value
