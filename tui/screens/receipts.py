"""Provides `ReceiptsScreen`: the ballot receipts this wallet keeps."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import DataTable, Footer, Header, Label

from tui.messages import ReceiptsLoaded, ServiceFailed
from tui.screens.base import MainScreen
from tui.screens.receipt import ReceiptScreen
from tui.widgets import FittedTable, SectionBar
from wallet.services import list_receipts


class ReceiptsScreen(MainScreen):
    """One row per receipt (cast or challenged); Enter checks it against the board."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "open", "Check", show=False),
        Binding("r", "refresh", "Refresh"),
    ]
    DEFAULT_CSS = """
    ReceiptsScreen DataTable { height: 1fr; }
    """

    def compose(self) -> ComposeResult:
        yield Header()
        yield SectionBar("receipts")
        yield Label("Receipts", classes="heading")
        yield FittedTable(id="receipts", cursor_type="row", zebra_stripes=True)
        yield Label("", id="hint", classes="hint")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = "Receipts"
        self.query_one(FittedTable).add_columns("Tracking code", "Election", "Kind", "Ballot")
        self.action_refresh()

    def on_screen_resume(self) -> None:
        # A ballot cast elsewhere in the app adds a receipt; show it when coming back.
        if self.is_mounted:
            self.action_refresh()

    def action_refresh(self) -> None:
        self.wallet_app.require_unlock(self.load)

    @work(thread=True, exclusive=True, group="receipts")
    def load(self) -> None:
        try:
            with self.session.open() as wallet:
                receipts = list_receipts(wallet)
        except Exception as exc:
            self.post_message(ServiceFailed.of("list the receipts", exc))
            return
        self.post_message(ReceiptsLoaded(receipts))

    def on_receipts_loaded(self, message: ReceiptsLoaded) -> None:
        table = self.query_one(FittedTable)
        table.fill(
            ([
                Text(receipt.id),
                Text(receipt.election),
                Text(receipt.kind),
                Text(receipt.ballot_id or "—"),
            ], receipt.id)
            for receipt in message.receipts
        )  # fmt: skip
        self.query_one("#hint", Label).update(
            "No receipts yet: cast a ballot from Elections (3)."
            if not message.receipts
            else "Enter checks a receipt's inclusion and consistency."
        )
        table.focus()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_open()

    def action_open(self) -> None:
        table = self.query_one(FittedTable)
        if table.row_count == 0:
            return
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        if key is not None:
            self.app.push_screen(ReceiptScreen(self.session, key))
