"""Provides `PathDialog`: asks for a file path (to import a credential, to save a presentation)."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static


class PathDialog(ModalScreen[Path | None]):
    """A modal with one path input; dismisses with the path, or None when cancelled."""

    DEFAULT_CSS = """
    PathDialog { align: center middle; }
    PathDialog > Vertical {
        width: 76; max-width: 95%; height: auto; max-height: 95%; overflow-y: auto; padding: 1 2;
        border: thick $primary; background: $surface;
    }
    PathDialog .title { text-style: bold; margin-bottom: 1; }
    PathDialog Input { margin: 1 0; }
    PathDialog Horizontal { height: auto; align-horizontal: right; }
    PathDialog Button { margin-left: 1; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, title: str, prompt: str, action: str, value: str = "") -> None:
        super().__init__()
        self.title_text, self.prompt, self.action_label, self.value = title, prompt, action, value

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(self.title_text, classes="title")
            yield Static(self.prompt, markup=False)
            yield Input(value=self.value, placeholder="path/to/file", id="path")
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
            self.notify("Type a path, or press Escape to cancel.", severity="warning")
            return
        self.dismiss(Path(text))

    def action_cancel(self) -> None:
        self.dismiss(None)
