"""Provides `ErrorDialog`: what failed and the reason the service gave, never a traceback."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Label, Static

from tui.data.errors import error_advice

#: The most failed checks listed; the rest are counted.
MAX_DETAILS = 6


class ErrorDialog(ModalScreen[None]):
    """A modal naming the action that failed and why; Enter or Escape closes it.

    `error` is the class of what was raised: a verification that failed (a board whose
    record did not verify, say) is told apart from a missing file or a wrong passphrase by
    it, with a line saying what it means.
    """

    DEFAULT_CSS = """
    ErrorDialog { align: center middle; }
    ErrorDialog > Vertical {
        width: 70; max-width: 95%; height: auto; max-height: 95%; overflow-y: auto; padding: 1 2;
        border: thick $error; background: $surface;
    }
    ErrorDialog .title { text-style: bold; color: $error; margin-bottom: 1; }
    ErrorDialog #reason { margin-bottom: 1; }
    ErrorDialog #advice { color: $text-muted; margin-bottom: 1; }
    ErrorDialog #details { margin-bottom: 1; }
    ErrorDialog Horizontal { height: auto; align-horizontal: right; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Close"),
        Binding("enter", "close", "Close", show=False),
    ]

    def __init__(
        self,
        action: str,
        reason: str,
        error: type[BaseException] = Exception,
        details: tuple[str, ...] = (),
    ) -> None:
        super().__init__()
        self.action_text = action
        self.reason = reason
        self.error = error
        self.details = details

    def compose(self) -> ComposeResult:
        heading, advice = error_advice(self.error)
        with Vertical():
            yield Label(f"{heading or 'Could not'} {self.action_text}", classes="title")
            # The reason is plain text: markup in a message (a DID, a path) must not be parsed.
            if not self.details:
                yield Static(self.reason, id="reason", markup=False)
            else:
                # The reason repeats the checks listed below it: one line of it is enough,
                # and each check gets a line of its own, cut with an ellipsis.
                yield Static(self.reason, id="reason", classes="clipped", markup=False)
                shown = [f"• {line}" for line in self.details[:MAX_DETAILS]]
                if len(self.details) > MAX_DETAILS:
                    shown.append(f"… and {len(self.details) - MAX_DETAILS} more")
                yield Static("\n".join(shown), id="details", classes="clipped", markup=False)
            if advice:
                yield Static(advice, id="advice", markup=False)
            with Horizontal():
                yield Button("OK", variant="error", id="ok")

    def on_mount(self) -> None:
        self.query_one("#ok", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(None)

    def action_close(self) -> None:
        self.dismiss(None)
