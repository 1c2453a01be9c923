"""Provides `PresentDialog`: the holder, challenge, domain and SD-JWT disclosures to present."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Select

from wallet.services import Identity


@dataclass(frozen=True)
class PresentRequest:
    """What a verifier asked for and what the holder agreed to disclose."""

    holder: str
    challenge: str
    domain: str | None
    disclose: tuple[str, ...]


class PresentDialog(ModalScreen[PresentRequest | None]):
    """A modal form; disclosures are asked for only when the credential is an SD-JWT."""

    DEFAULT_CSS = """
    PresentDialog { align: center middle; }
    PresentDialog > Vertical {
        width: 84; max-width: 95%; height: auto; max-height: 95%; overflow-y: auto; padding: 1 2;
        border: thick $primary; background: $surface;
    }
    PresentDialog .title { text-style: bold; margin-bottom: 1; }
    PresentDialog Input, PresentDialog Select { margin-bottom: 1; }
    PresentDialog Horizontal { height: auto; align-horizontal: right; }
    PresentDialog Button { margin-left: 1; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, identities: list[Identity], subject: str | None, sd_jwt: bool) -> None:
        super().__init__()
        self.identities = identities
        self.subject = subject
        self.sd_jwt = sd_jwt

    def compose(self) -> ComposeResult:
        options = [(f"{i.label or '—'}  {i.did}", i.did) for i in self.identities]
        ours = {i.did for i in self.identities}
        default = self.subject if self.subject in ours else None
        with Vertical():
            yield Label("Present this credential", classes="title")
            yield Label("Holder (the identity that signs the presentation)")
            yield Select(options, value=default or Select.BLANK, id="holder", allow_blank=True)
            yield Label("Challenge (the verifier's nonce)")
            yield Input(placeholder="required", id="challenge")
            yield Label("Domain (the verifier" + ("; required)" if self.sd_jwt else ", optional)"))
            yield Input(placeholder="e.g. verifier.example", id="domain")
            if self.sd_jwt:
                yield Label("Disclose (claim names, comma-separated; empty discloses none)")
                yield Input(placeholder="e.g. given_name, age", id="disclose")
            with Horizontal():
                yield Button("Cancel", id="cancel")
                yield Button("Present", variant="primary", id="present")

    def on_mount(self) -> None:
        self.query_one("#challenge", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self._submit()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "present":
            self._submit()
        else:
            self.dismiss(None)

    def _submit(self) -> None:
        holder = self.query_one("#holder", Select).value
        challenge = self.query_one("#challenge", Input).value.strip()
        if not isinstance(holder, str):
            self.notify("Choose the identity that presents.", severity="warning")
            return
        if not challenge:
            self.notify("The verifier's challenge is required.", severity="warning")
            return
        domain = self.query_one("#domain", Input).value.strip() or None
        disclose: tuple[str, ...] = ()
        if self.sd_jwt:
            raw = self.query_one("#disclose", Input).value
            disclose = tuple(name.strip() for name in raw.split(",") if name.strip())
        self.dismiss(PresentRequest(holder, challenge, domain, disclose))

    def action_cancel(self) -> None:
        self.dismiss(None)
