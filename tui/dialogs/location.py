"""Provides `LocationDialog`: asks where a board or record is, a path or a board server's URL."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static

from tui.data import Location, parse_location


class LocationDialog(ModalScreen[Location | None]):
    """A modal with one input; dismisses with a path or a URL, or None when cancelled."""

    DEFAULT_CSS = """
    LocationDialog { align: center middle; }
    LocationDialog > Vertical {
        width: 76; max-width: 95%; height: auto; padding: 1 2;
        border: thick $primary; background: $surface;
    }
    LocationDialog .title { text-style: bold; margin-bottom: 1; }
    LocationDialog Input { margin: 1 0; }
    LocationDialog Horizontal { height: auto; align-horizontal: right; }
    LocationDialog Button { margin-left: 1; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]

    def __init__(
        self, title: str, prompt: str, action: str, value: str = "", placeholder: str = ""
    ) -> None:
        super().__init__()
        self.title_text, self.prompt, self.action_label = title, prompt, action
        self.value, self.placeholder = value, placeholder or "path/to/board.sqlite or https://…"

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(self.title_text, classes="title")
            yield Static(self.prompt, markup=False)
            yield Input(value=self.value, placeholder=self.placeholder, id="path")
            with Horizontal():
                yield Button("Cancel", id="cancel")
                yield Button(self.action_label, variant="primary", id="ok")

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self._submit()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "ok":
            self._submit()
        else:
            self.dismiss(None)

    def _submit(self) -> None:
        text = self.query_one(Input).value.strip()
        if not text:
            self.notify("Type a path or a URL, or press Escape to cancel.", severity="warning")
            return
        self.dismiss(parse_location(text))

    def action_cancel(self) -> None:
        self.dismiss(None)
