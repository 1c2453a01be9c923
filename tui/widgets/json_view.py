"""Provides `JsonView`: a JSON document, indented and highlighted, in a scrolling pane."""

from __future__ import annotations

import json
from typing import Any

from rich.syntax import Syntax
from textual.containers import VerticalScroll
from textual.widgets import Static


class JsonView(VerticalScroll):
    """Shows one JSON value (or opaque text, such as an SD-JWT); scrolls once focused."""

    DEFAULT_CSS = """
    JsonView { height: 1fr; border: round $primary; padding: 0 1; }
    JsonView:focus { border: round $accent; }
    """
    can_focus = True
    #: The JSON text shown, as it would be saved or copied.
    text = ""

    def show(self, value: Any) -> None:
        self.text = json.dumps(value, indent=2, ensure_ascii=False)
        self.remove_children()
        self.mount(Static(Syntax(self.text, "json", theme="ansi_dark", word_wrap=True)))

    def show_text(self, text: str) -> None:
        """Show text that is not JSON, wrapped, without markup."""
        self.text = text
        self.remove_children()
        self.mount(Static(text, markup=False))
