"""Provides `ReceiptScreen`: a ballot's tracking code, its inclusion and consistency status."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import Footer, Header, Label, Static

from tui.data import Session, describe_error, shown_path
from tui.messages import ReceiptChecked
from tui.screens.base import WalletScreen
from tui.widgets import JsonView
from wallet.services import check_receipt, find_receipt


class ReceiptScreen(WalletScreen):
    """The receipt the wallet keeps, checked against the board on arrival and on r."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back"),
        Binding("r", "recheck", "Check again"),
        Binding("c", "copy", "Copy code"),
    ]

    def __init__(self, session: Session, receipt_id: str) -> None:
        super().__init__(session)
        self.receipt_id = receipt_id

    def compose(self) -> ComposeResult:
        yield Header()
        yield Label("Receipt", classes="heading")
        yield Static(Text(f"Tracking code  {self.receipt_id}"), id="code", classes="heading")
        yield Static("", id="about", classes="hint clipped")
        yield Static("", id="status", classes="heading")
        yield JsonView(id="receipt")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = "Receipt"
        self.action_recheck()

    def action_recheck(self) -> None:
        self.query_one("#status", Static).update("Checking inclusion and consistency…")
        self.check()

    @work(thread=True, exclusive=True, group="receipt")
    def check(self) -> None:
        """Inclusion against the receipt's checkpoint, consistency with the board's newest."""
        receipt = result = problem = None
        try:
            with self.session.open() as wallet:
                receipt = find_receipt(wallet, self.receipt_id)
                result = check_receipt(wallet, self.receipt_id)
        except Exception as exc:
            problem = describe_error(exc)
        self.post_message(ReceiptChecked(receipt, result, problem))

    def on_receipt_checked(self, message: ReceiptChecked) -> None:
        receipt = message.receipt
        if receipt is not None:
            about = (
                f"election {receipt.election}   {receipt.kind} {receipt.ballot_id or ''}"
                f"\nvoter {receipt.voter}\nboard {shown_path(receipt.board)}"
            )
            self.query_one("#about", Static).update(Text(about))
            self.query_one(JsonView).show_text(receipt.text)
        status = self.query_one("#status", Static)
        if message.result is not None:
            r = message.result
            checked = Text(
                f"✓ Inclusion passed (entry {r.index} in a checkpoint of "
                f"{r.checkpoint_size}); ✓ consistency passed (board now "
                f"{r.board_size} entries, newest seen {r.newest_seen}).",
                style="bold green",
            )
            if r.standing is not None:
                # Where the ballot stands, by the board's rules: only "counted" is green.
                style = "bold green" if r.status == "counted" else "bold yellow"
                checked.append(f"\nBallot: {r.standing}", style=style)
            status.update(checked)
        else:
            status.update(Text(f"✗ {message.problem}", style="bold red"))

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_copy(self) -> None:
        self.app.copy_to_clipboard(self.receipt_id)
        self.notify(self.receipt_id, title="Tracking code copied")
