"""Provides `ChoiceList`: one contest's options, as radio buttons (vote for one) or checkboxes.

The arrow keys only move; Space alone chooses; Enter says the list is done (the ballot goes on
to the next contest). No key both moves and chooses, and no letter is taken: a letter could
be an option's initial ("n" for "No").
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from rich.text import Text
from textual import events
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option


class ChoiceList(OptionList):
    """Options with a radio mark `(•)` when one may be chosen, a checkbox `[x]` otherwise.

    In radio mode choosing an option clears the one chosen before, and Space on the chosen
    option clears it (a contest may allow no choice; the ballot checks its limits).
    """

    # OptionList selects on Enter; here Enter is "done with this contest", told to the
    # screen by `Submitted`, so Enter never chooses.
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("down", "cursor_down", "Down", show=False),
        Binding("up", "cursor_up", "Up", show=False),
        Binding("home", "first", "First", show=False),
        Binding("end", "last", "Last", show=False),
        Binding("pagedown", "page_down", "Page down", show=False),
        Binding("pageup", "page_up", "Page up", show=False),
        Binding("space", "choose", "Choose"),
        Binding("enter", "submit", "Next"),
    ]

    @dataclass
    class Changed(Message):
        """The chosen options changed; `chosen` are their ids in the list's order."""

        choice_list: ChoiceList
        chosen: list[str]

    @dataclass
    class Submitted(Message):
        """Enter was pressed: the person is done with this list."""

        choice_list: ChoiceList

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.radio = False
        self._items: list[tuple[str, str]] = []
        self._chosen: set[str] = set()

    def show_options(self, items: list[tuple[str, str]], chosen: list[str], *, radio: bool) -> None:
        """Show `items` (option id, label) with `chosen` marked; the cursor on the first."""
        self.radio = radio
        self._items = list(items)
        self._chosen = set(chosen)
        self.clear_options()
        self.add_options([Option(self._prompt(o, label), id=o) for o, label in self._items])
        if self._items:
            self.highlighted = 0

    @property
    def chosen(self) -> list[str]:
        """The chosen option ids, in the order the list shows them."""
        return [option for option, _ in self._items if option in self._chosen]

    def _prompt(self, option: str, label: str) -> Text:
        on = option in self._chosen
        if self.radio:
            mark = Text("(•) " if on else "( ) ", style="bold" if on else "")
        else:
            mark = Text("[x] " if on else "[ ] ", style="bold" if on else "")
        return mark + Text(label, style="bold" if on else "")

    def action_submit(self) -> None:
        self.post_message(self.Submitted(self))

    def action_choose(self) -> None:
        index = self.highlighted
        if index is None or not self._items:
            return
        option = self._items[index][0]
        if option in self._chosen:
            self._chosen.discard(option)
        elif self.radio:
            self._chosen = {option}
        else:
            self._chosen.add(option)
        for at, (item, label) in enumerate(self._items):
            self.replace_option_prompt_at_index(at, self._prompt(item, label))
        self.post_message(self.Changed(self, self.chosen))

    async def _on_click(self, event: events.Click) -> None:
        # A click on an option chooses it, as on any radio button or checkbox.
        clicked = event.style.meta.get("option")
        if isinstance(clicked, int):
            self.highlighted = clicked
            self.action_choose()
