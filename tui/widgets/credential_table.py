"""Provides `CredentialTable`: the held credentials, one row each, keyed by local id."""

from __future__ import annotations

from rich.text import Text

from tui.widgets.fitted_table import FittedTable
from wallet.services import CredentialSummary


class CredentialTable(FittedTable):
    """A row-cursor table of held credentials; the row key is the credential's local id."""

    DEFAULT_CSS = """
    CredentialTable { height: 1fr; }
    """

    def on_mount(self) -> None:
        self.cursor_type = "row"
        self.zebra_stripes = True
        self.add_columns("Id", "Format", "Type", "Issuer", "Valid until", "Added")

    def show(self, credentials: list[CredentialSummary]) -> None:
        # Plain Text cells: DIDs and types must not be read as markup or emoji codes.
        self.fill(
            ([
                Text(item.id[:8]),
                Text(item.format),
                Text(", ".join(item.types)),
                Text(_short(item.issuer)),
                Text(item.valid_until or "—"),
                Text(item.added),
            ], item.id)
            for item in credentials
        )  # fmt: skip

    @property
    def selected_id(self) -> str | None:
        """The local id under the cursor, or None when the table is empty."""
        if self.row_count == 0:
            return None
        return self.coordinate_to_cell_key(self.cursor_coordinate).row_key.value


def _short(did: str, keep: int = 32) -> str:
    """A DID cut to fit a column; the details screen shows it whole."""
    return did if len(did) <= keep else did[: keep - 1] + "…"
