"""Provides `PresentationScreen`: a presentation just made, its own verification, and saving it."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import Footer, Header, Label, Static

from tui.data import Session, save_new_file
from tui.dialogs import PathDialog
from tui.messages import FileSaved, ServiceFailed
from tui.screens.base import WalletScreen
from tui.widgets import JsonView, VerificationTable, verdict
from wallet.services import Document, Verification


class PresentationScreen(WalletScreen):
    """The presentation to hand to the verifier; s saves it, c copies it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back"),
        Binding("s", "save", "Save"),
        Binding("c", "copy", "Copy"),
    ]

    def __init__(self, session: Session, document: Document, report: Verification) -> None:
        super().__init__(session)
        self.document = document
        self.report = report

    def compose(self) -> ComposeResult:
        yield Header()
        yield Label("Presentation", classes="heading")
        yield Static(verdict(self.report), id="verdict", classes="heading")
        yield VerificationTable(id="checks")
        yield JsonView(id="presentation")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = "Presentation"
        self.query_one(VerificationTable).show(self.report)
        view = self.query_one(JsonView)
        if isinstance(self.document.content, str):
            view.show_text(self.document.content)
        else:
            view.show(self.document.content)

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_copy(self) -> None:
        self.app.copy_to_clipboard(self.document.text())
        self.notify("The presentation is on the clipboard.", title="Copied")

    def action_save(self) -> None:
        suggested = "presentation.sd-jwt" if self.document.format == "sd-jwt" else "vp.json"
        dialog = PathDialog(
            "Save the presentation",
            "A new file (never overwritten), readable only by you.",
            "Save",
            value=suggested,
        )
        self.app.push_screen(dialog, self._path_chosen)

    def _path_chosen(self, path: Path | None) -> None:
        if path is not None:
            self.save(path)

    @work(thread=True, exclusive=True, group="save")
    def save(self, path: Path) -> None:
        try:
            written = save_new_file(path, self.document.text())
        except Exception as exc:
            self.post_message(ServiceFailed.of("save the presentation", exc))
            return
        self.post_message(FileSaved(written))

    def on_file_saved(self, message: FileSaved) -> None:
        self.notify(str(message.path), title="Saved")
