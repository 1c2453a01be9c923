"""Provides `LocationDialog`: asks where a board or record is, a path or a board server's URL."""

from __future__ import annotations

from tui.data import Location, parse_location
from tui.dialogs.path import InputDialog


class LocationDialog(InputDialog[Location]):
    """A modal with one input; dismisses with a path or a URL, or None when cancelled."""

    PLACEHOLDER = "path/to/board.sqlite or https://…"
    EMPTY = "Type a path or a URL, or press Escape to cancel."

    def parse(self, text: str) -> Location:
        return parse_location(text)
