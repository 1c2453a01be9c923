"""Provides `DocumentScreen`: the DID document of one of the wallet's identities."""

from __future__ import annotations

from typing import ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import Footer, Header, Label

from tui.data import Session
from tui.messages import DocumentLoaded, ServiceFailed
from tui.screens.base import WalletScreen
from tui.widgets import JsonView
from wallet.services import identity_document


class DocumentScreen(WalletScreen):
    """The DID and its document; Escape goes back to the list."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back"),
        Binding("c", "copy", "Copy DID"),
    ]

    def __init__(self, session: Session, did: str) -> None:
        super().__init__(session)
        self.did = did

    def compose(self) -> ComposeResult:
        yield Header()
        yield Label("DID document", classes="heading")
        yield Label(self.did, id="did", classes="hint", markup=False)
        yield JsonView(id="document")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = "DID document"
        self.query_one(JsonView).loading = True
        self.load()

    @work(thread=True, exclusive=True, group="document")
    def load(self) -> None:
        try:
            with self.session.open() as wallet:
                document = identity_document(wallet, self.did)
        except Exception as exc:
            self.post_message(ServiceFailed.of("show the DID document", exc))
            return
        self.post_message(DocumentLoaded(self.did, document))

    def on_document_loaded(self, message: DocumentLoaded) -> None:
        view = self.query_one(JsonView)
        view.loading = False
        view.show(message.document.to_json())
        view.focus()

    def on_service_failed(self, message: ServiceFailed) -> None:
        # Textual then runs WalletScreen's handler too, which opens the error dialog.
        self.query_one(JsonView).loading = False

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_copy(self) -> None:
        self.app.copy_to_clipboard(self.did)
        self.notify(self.did, title="DID copied")
