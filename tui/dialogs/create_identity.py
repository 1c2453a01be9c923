"""Provides `CreateIdentityDialog`: the optional label and the DID method of a new identity."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, RadioButton, RadioSet


@dataclass(frozen=True)
class NewIdentity:
    """What the person asked for: a DID method and an optional label."""

    method: str
    label: str | None


class CreateIdentityDialog(ModalScreen[NewIdentity | None]):
    """A modal form; the label may stay empty, the method defaults to did:key."""

    DEFAULT_CSS = """
    CreateIdentityDialog { align: center middle; }
    CreateIdentityDialog > Vertical {
        width: 64; max-width: 95%; height: auto; max-height: 95%; overflow-y: auto; padding: 1 2;
        border: thick $primary; background: $surface;
    }
    CreateIdentityDialog .title { text-style: bold; margin-bottom: 1; }
    CreateIdentityDialog Input, CreateIdentityDialog RadioSet { margin-bottom: 1; }
    CreateIdentityDialog Horizontal { height: auto; align-horizontal: right; }
    CreateIdentityDialog Button { margin-left: 1; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label("New identity", classes="title")
            yield Label("Label (optional)")
            yield Input(placeholder="e.g. work", id="label")
            yield Label("DID method")
            with RadioSet(id="method"):
                yield RadioButton("did:key (Ed25519)", value=True, id="key")
                yield RadioButton("did:jwk (Ed25519)", id="jwk")
            with Horizontal():
                yield Button("Cancel", id="cancel")
                yield Button("Create", variant="primary", id="create")

    def on_mount(self) -> None:
        self.query_one("#label", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self._submit()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "create":
            self._submit()
        else:
            self.dismiss(None)

    def _submit(self) -> None:
        label = self.query_one("#label", Input).value.strip()
        pressed = self.query_one("#method", RadioSet).pressed_button
        method = pressed.id if pressed is not None and pressed.id else "key"
        self.dismiss(NewIdentity(method=method, label=label or None))

    def action_cancel(self) -> None:
        self.dismiss(None)
