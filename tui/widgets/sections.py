"""Provides `SectionBar`: the main screens' names and digits, the current one highlighted.

The digits that switch screens are the same on every main screen, so they live here, always
in view, and the footer keeps its room for the screen's own actions.
"""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

SECTIONS = (
    ("identities", "Identities"),
    ("credentials", "Credentials"),
    ("elections", "Elections"),
    ("receipts", "Receipts"),
    ("audit", "Audit"),
)


class SectionBar(Static):
    """One line: `1 Identities  2 Credentials  3 Elections  4 Receipts  5 Audit`."""

    DEFAULT_CSS = """
    SectionBar { height: 1; padding: 0 1; background: $panel; color: $text-muted; }
    """

    def __init__(self, current: str) -> None:
        line = Text()
        for digit, (name, title) in enumerate(SECTIONS, 1):
            style = "bold reverse" if name == current else ""
            line.append(f" {digit} ", style="bold " + style)
            line.append(f"{title} ", style=style)
            line.append(" ")
        super().__init__(line)
