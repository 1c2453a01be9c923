"""Provides `IdentitiesScreen`: list, create, show and copy the wallet's DIDs."""

from __future__ import annotations

from typing import ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import DataTable, Footer, Header, Label

from tui.dialogs import CreateIdentityDialog, NewIdentity
from tui.messages import IdentitiesLoaded, IdentityCreated, ServiceFailed
from tui.screens.base import MainScreen
from tui.screens.document import DocumentScreen
from tui.widgets import IdentityTable, SectionBar
from wallet.services import create_identity, list_identities


class IdentitiesScreen(MainScreen):
    """The first screen: the wallet's identities in a table."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("n", "new", "New DID"),
        Binding("d", "document", "Document"),
        Binding("c", "copy", "Copy DID"),
        Binding("r", "refresh", "Refresh"),
    ]

    # The DID to put the cursor on when the list next arrives (the one just created).
    _select_after_load: str | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield SectionBar("identities")
        yield Label("Identities", classes="heading")
        yield IdentityTable(id="identities")
        yield Label("", id="hint", classes="hint")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = "Identities"
        self.query_one(IdentityTable).loading = True
        self.load()

    @work(thread=True, exclusive=True, group="identities")
    def load(self) -> None:
        try:
            with self.session.open() as wallet:
                identities = list_identities(wallet)
        except Exception as exc:
            self.post_message(ServiceFailed.of("list the identities", exc))
            return
        self.post_message(IdentitiesLoaded(identities))

    def on_identities_loaded(self, message: IdentitiesLoaded) -> None:
        table = self.query_one(IdentityTable)
        table.loading = False
        table.show(message.identities)
        if self._select_after_load is not None:
            table.select_did(self._select_after_load)
            self._select_after_load = None
        self.query_one("#hint", Label).update(
            "No identities yet: press n to create one."
            if not message.identities
            else f"{_count(len(message.identities))}. Enter shows the DID document."
        )
        table.focus()

    def on_service_failed(self, message: ServiceFailed) -> None:
        # Textual then runs WalletScreen's handler too, which opens the error dialog.
        self.query_one(IdentityTable).loading = False

    def action_refresh(self) -> None:
        self.load()

    def action_new(self) -> None:
        self.wallet_app.require_unlock(self._ask_new_identity)

    def _ask_new_identity(self) -> None:
        self.app.push_screen(CreateIdentityDialog(), self._create_chosen)

    def _create_chosen(self, choice: NewIdentity | None) -> None:
        if choice is not None:
            self.query_one(IdentityTable).loading = True
            self.create(choice)

    @work(thread=True, exclusive=True, group="create-identity")
    def create(self, choice: NewIdentity) -> None:
        """Generate the key and record the DID; a file keystore costs an Argon2id unlock."""
        try:
            with self.session.open() as wallet:
                identity = create_identity(wallet, method=choice.method, label=choice.label)
        except Exception as exc:
            self.post_message(ServiceFailed.of("create the identity", exc))
            return
        self.post_message(IdentityCreated(identity))

    def on_identity_created(self, message: IdentityCreated) -> None:
        self.notify(f"Created {message.identity.did}", title="New identity")
        self._select_after_load = message.identity.did
        self.load()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_document()

    def action_document(self) -> None:
        did = self.query_one(IdentityTable).selected_did
        if did is None:
            self.notify("No identity selected.", severity="warning")
            return
        self.app.push_screen(DocumentScreen(self.session, did))

    def action_copy(self) -> None:
        did = self.query_one(IdentityTable).selected_did
        if did is None:
            self.notify("No identity selected.", severity="warning")
            return
        self.app.copy_to_clipboard(did)
        self.notify(did, title="DID copied")


def _count(n: int) -> str:
    return "1 identity" if n == 1 else f"{n} identities"
