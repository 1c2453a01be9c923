"""Provides `InputDialog`, a modal asking for one value, and `PathDialog`: asks for a file path
(to import a credential, to save a presentation)."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar, TypeVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static

_T = TypeVar("_T")


class InputDialog(ModalScreen[_T | None]):
    """A modal with one input; dismisses with `parse` of what was typed, or None when
    cancelled. Subclasses say what the input is (`PLACEHOLDER`, `EMPTY`) and parse it."""

    DEFAULT_CSS = """
    InputDialog { align: center middle; }
    InputDialog > Vertical {
        width: 76; max-width: 95%; height: auto; max-height: 95%; overflow-y: auto; padding: 1 2;
        border: thick $primary; background: $surface;
    }
    InputDialog .title { text-style: bold; margin-bottom: 1; }
    InputDialog Input { margin: 1 0; }
    InputDialog Horizontal { height: auto; align-horizontal: right; }
    InputDialog Button { margin-left: 1; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]
    PLACEHOLDER: ClassVar[str] = ""
    EMPTY: ClassVar[str] = "Type a value, or press Escape to cancel."

    def __init__(
        self, title: str, prompt: str, action: str, value: str = "", placeholder: str = ""
    ) -> None:
        super().__init__()
        self.title_text, self.prompt, self.action_label = title, prompt, action
        self.value, self.placeholder = value, placeholder or self.PLACEHOLDER

    def parse(self, text: str) -> _T:
        raise NotImplementedError

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
            self.notify(self.EMPTY, severity="warning")
            return
        self.dismiss(self.parse(text))

    def action_cancel(self) -> None:
        self.dismiss(None)


class PathDialog(InputDialog[Path]):
    """A modal with one path input; dismisses with the path, or None when cancelled."""

    PLACEHOLDER = "path/to/file"
    EMPTY = "Type a path, or press Escape to cancel."

    def parse(self, text: str) -> Path:
        return Path(text)
