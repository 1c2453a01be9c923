"""Provides `PassphraseDialog`: asks for a keystore's passphrase, hidden as it is typed.

The wallet's file keystore and a local board's sealed checkpoint key both use it.
"""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static

from tui.data import Secret


class PassphraseDialog(ModalScreen[Secret | None]):
    """A modal with a password input; dismisses with the passphrase, or None when cancelled."""

    DEFAULT_CSS = """
    PassphraseDialog { align: center middle; }
    PassphraseDialog > Vertical {
        width: 64; max-width: 95%; height: auto; max-height: 95%; overflow-y: auto; padding: 1 2;
        border: thick $primary; background: $surface;
    }
    PassphraseDialog .title { text-style: bold; margin-bottom: 1; }
    PassphraseDialog Input { margin-bottom: 1; }
    PassphraseDialog Horizontal { height: auto; align-horizontal: right; }
    PassphraseDialog Button { margin-left: 1; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]

    def __init__(
        self,
        purpose: str = "This wallet keeps its keys in a passphrase file.",
        title: str = "Unlock the keystore",
    ) -> None:
        super().__init__()
        self.purpose = purpose
        self.title_text = title

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(self.title_text, classes="title", markup=False)
            yield Static(self.purpose, markup=False)
            yield Input(password=True, placeholder="passphrase", id="passphrase")
            with Horizontal():
                yield Button("Cancel", id="cancel")
                yield Button("Unlock", variant="primary", id="unlock")

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self._submit()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "unlock":
            self._submit()
        else:
            self.dismiss(None)

    def _submit(self) -> None:
        field = self.query_one(Input)
        if not field.value:
            self.notify("Type the passphrase, or press Escape to cancel.", severity="warning")
            return
        # Wrapped at once so no local variable holds the bare passphrase.
        secret = Secret(field.value)
        field.value = ""
        self.dismiss(secret)

    def action_cancel(self) -> None:
        self.dismiss(None)
