"""Provides `CredentialsScreen`: the held credentials; import one from a file."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import DataTable, Footer, Header, Label

from tui.dialogs import PathDialog
from tui.messages import CredentialImported, CredentialsLoaded, ServiceFailed
from tui.screens.base import MainScreen
from tui.screens.credential import CredentialScreen
from tui.widgets import CredentialTable, SectionBar
from wallet.services import import_credential, list_credentials, read_text


class CredentialsScreen(MainScreen):
    """The credentials this wallet holds; they are sealed, so listing needs the keystore."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("i", "import", "Import"),
        Binding("enter", "details", "Details", show=False),
        Binding("r", "refresh", "Refresh"),
    ]

    def compose(self) -> ComposeResult:
        yield Header()
        yield SectionBar("credentials")
        yield Label("Credentials", classes="heading")
        yield CredentialTable(id="credentials")
        yield Label("", id="hint", classes="hint")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = "Credentials"
        self.action_refresh()

    def action_refresh(self) -> None:
        self.query_one("#hint", Label).update("Locked: press r to unlock and list.")
        self.wallet_app.require_unlock(self._start_load)

    def _start_load(self) -> None:
        self.query_one(CredentialTable).loading = True
        self.load()

    @work(thread=True, exclusive=True, group="credentials")
    def load(self) -> None:
        try:
            with self.session.open() as wallet:
                credentials = list_credentials(wallet)
        except Exception as exc:
            self.post_message(ServiceFailed.of("list the credentials", exc))
            return
        self.post_message(CredentialsLoaded(credentials))

    def on_credentials_loaded(self, message: CredentialsLoaded) -> None:
        table = self.query_one(CredentialTable)
        table.loading = False
        table.show(message.credentials)
        count = len(message.credentials)
        self.query_one("#hint", Label).update(
            "No credentials yet: press i to import one from a file."
            if count == 0
            else f"{count} credential{'s' if count != 1 else ''}. Enter shows details."
        )
        table.focus()

    def on_service_failed(self, message: ServiceFailed) -> None:
        # Textual then runs WalletScreen's handler too, which opens the error dialog.
        self.query_one(CredentialTable).loading = False

    def action_import(self) -> None:
        self.wallet_app.require_unlock(self._ask_path)

    def _ask_path(self) -> None:
        dialog = PathDialog(
            "Import a credential",
            "A W3C credential (JSON) or an SD-JWT VC, as its issuer gave it.",
            "Import",
        )
        self.app.push_screen(dialog, self._path_chosen)

    def _path_chosen(self, path: Path | None) -> None:
        if path is not None:
            self.import_file(path)

    @work(thread=True, exclusive=True, group="import-credential")
    def import_file(self, path: Path) -> None:
        """Read, verify the signature and issuer key, and store sealed."""
        try:
            text = read_text(path.expanduser(), "credential")
            with self.session.open() as wallet:
                summary = import_credential(wallet, text, now=self.session.clock())
        except Exception as exc:
            self.post_message(ServiceFailed.of("import the credential", exc))
            return
        self.post_message(CredentialImported(summary))

    def on_credential_imported(self, message: CredentialImported) -> None:
        summary = message.summary
        self.notify(f"{', '.join(summary.types)} from {summary.issuer}", title="Imported")
        self.load()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_details()

    def action_details(self) -> None:
        credential_id = self.query_one(CredentialTable).selected_id
        if credential_id is None:
            self.notify("No credential selected.", severity="warning")
            return
        self.app.push_screen(CredentialScreen(self.session, credential_id))
