"""Provides `ChallengeDialog`: what a Benaloh challenge checked, before going back to the ballot."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Label, Static


class ChallengeDialog(ModalScreen[None]):
    """Shows the opened ballot's choices and each check; the ballot was never counted."""

    DEFAULT_CSS = """
    ChallengeDialog { align: center middle; }
    ChallengeDialog > Vertical {
        width: 84; max-width: 95%; height: auto; max-height: 95%; overflow-y: auto; padding: 1 2;
        border: thick $warning; background: $surface;
    }
    ChallengeDialog .title { text-style: bold; margin-bottom: 1; }
    ChallengeDialog Static { margin-bottom: 1; }
    ChallengeDialog Horizontal { height: auto; align-horizontal: right; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Back to the ballot"),
        Binding("enter", "close", "Back to the ballot", show=False),
    ]

    def __init__(
        self,
        outcome: dict[str, Any],
        labels: Mapping[str, tuple[str, Mapping[str, str]]] | None = None,
    ) -> None:
        """`labels` names each contest and its options as the ballot showed them (by id)."""
        super().__init__()
        self.outcome = outcome
        self.labels = labels or {}

    def compose(self) -> ComposeResult:
        challenge = self.outcome.get("challenge", {})
        decoded = challenge.get("decoded", {})
        picked = []
        for contest, options in decoded.items():
            title, names = self.labels.get(contest, (contest, {}))
            chosen = [names.get(o, o) for o, n in options.items() if n]
            picked.append(f"  {title}: {', '.join(chosen) or '(none)'}")
        checked = [f"  ✓ {line}" for line in challenge.get("checked", [])]
        with Vertical():
            yield Label("Ballot challenged: it was opened, not counted", classes="title")
            yield Static(
                f"Ballot {self.outcome.get('ballotId')} (entry {challenge.get('index')}) "
                "decrypts to:\n" + "\n".join(picked),
                markup=False,
            )
            yield Static("Checked:\n" + "\n".join(checked), markup=False)
            yield Static("Go back to the ballot to cast a fresh one.", markup=False)
            with Horizontal():
                yield Button("Back to the ballot", variant="primary", id="back")

    def on_mount(self) -> None:
        self.query_one(Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(None)

    def action_close(self) -> None:
        self.dismiss(None)
