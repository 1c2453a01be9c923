"""Provides `CredentialScreen`: one held credential, each verification check, and presenting."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import Footer, Header, Label, Static

from tui.data import Location, Session
from tui.dialogs import LocationDialog, PresentDialog, PresentRequest
from tui.messages import CredentialChecked, PresentationMade, ServiceFailed
from tui.screens.base import WalletScreen
from tui.screens.presentation import PresentationScreen
from tui.widgets import JsonView, VerificationTable, status_list_missing, verdict
from wallet.services import (
    HeldCredential,
    Identity,
    TrustDecision,
    Verification,
    list_identities,
    present_credential,
    show_credential,
    verify_credential_text,
    verify_presentation_text,
)


class CredentialScreen(WalletScreen):
    """Summary, verdict, the checks and the credential itself; p presents it.

    A credential whose status list is not at hand is shown as of unknown status (not as a
    failure), and `l` loads the list from a file or from its URL.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back"),
        Binding("p", "present", "Present"),
        Binding("l", "load_status_list", "Load status list"),
        Binding("r", "verify", "Verify"),
    ]

    def __init__(self, session: Session, credential_id: str) -> None:
        super().__init__(session)
        self.credential_id = credential_id
        self.held: HeldCredential | None = None
        self.identities: list[Identity] = []
        self.report: Verification | None = None
        # Set once the person asked to fetch the list from its URL: this machine and private
        # networks are then allowed, as they named the URL themselves.
        self.fetch_allowed = False

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "load_status_list":
            return self.report is not None and status_list_missing(self.report)
        return True

    def compose(self) -> ComposeResult:
        yield Header()
        yield Label("Credential", classes="heading")
        yield Static("", id="summary", classes="hint clipped")
        yield Static("", id="verdict", classes="heading")
        yield VerificationTable(id="checks")
        yield JsonView(id="content")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = "Credential"
        self.action_verify()

    def action_verify(self) -> None:
        self.query_one(VerificationTable).loading = True
        self.check()

    @work(thread=True, exclusive=True, group="verify-credential")
    def check(self) -> None:
        """Verify the held credential as a verifier would, now (issuer keys may be resolved)."""
        try:
            with self.session.open() as wallet:
                held = show_credential(wallet, self.credential_id)
                identities = list_identities(wallet)
            text = held.content if isinstance(held.content, str) else json.dumps(held.content)
            # The holder's own view of a held credential accepts its issuer, with the warning.
            report = verify_credential_text(
                text,
                now=self.session.clock(),
                trust=TrustDecision(any_issuer=True),
                status_list_files=self.session.status_list_files,
                allow_private_network=self.fetch_allowed,
            )
        except Exception as exc:
            self.post_message(ServiceFailed.of("verify the credential", exc))
            return
        self.post_message(CredentialChecked(held, report, identities))

    def on_credential_checked(self, message: CredentialChecked) -> None:
        self.held, self.identities = message.held, message.identities
        self.report = message.report
        self.refresh_bindings()
        summary = message.held.summary
        lines = [
            f"id        {summary.id}   format {summary.format}",
            f"type      {', '.join(summary.types)}",
            f"issuer    {summary.issuer}",
            f"subject   {summary.subject or '—'}",
            f"valid     {summary.valid_from or '—'} → {summary.valid_until or 'no end'}",
        ]
        # One line each, cut with an ellipsis: a long DID must not push the checks off screen.
        self.query_one("#summary", Static).update(Text("\n".join(lines)))
        self.query_one("#verdict", Static).update(verdict(message.report))
        table = self.query_one(VerificationTable)
        table.loading = False
        table.show(message.report)
        view = self.query_one(JsonView)
        if isinstance(message.held.content, str):
            view.show_text(message.held.content)
        else:
            view.show(message.held.content)
        table.focus()

    def on_service_failed(self, message: ServiceFailed) -> None:
        # Textual then runs WalletScreen's handler too, which opens the error dialog.
        self.query_one(VerificationTable).loading = False

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_load_status_list(self) -> None:
        urls = _status_urls(self.held.content if self.held is not None else None)
        remote = [u for u in urls if u.startswith("https://")]
        dialog = LocationDialog(
            "Load the status list",
            "This credential's status list is not at hand"
            + (f" ({', '.join(urls)})" if urls else "")
            + ". Give the list credential as a file, or its https:// URL to fetch it.",
            "Load",
            value=remote[0] if remote else "",
            placeholder="path/to/status-list.json or https://…",
        )
        self.app.push_screen(dialog, lambda chosen: self._list_chosen(chosen, urls))

    def _list_chosen(self, chosen: Location | None, urls: list[str]) -> None:
        if chosen is None:
            return
        if isinstance(chosen, Path):
            if chosen not in self.session.status_list_files:
                self.session.status_list_files.append(chosen)
        elif chosen in urls:
            self.fetch_allowed = True
        else:
            self.wallet_app.show_error(
                "load the status list",
                f"{chosen} is not this credential's status list ({', '.join(urls) or 'none'}). "
                "A copy kept elsewhere loads from a file.",
            )
            return
        self.action_verify()

    def action_present(self) -> None:
        if self.held is None:
            self.notify("The credential is still loading.", severity="warning")
            return
        self.wallet_app.require_unlock(self._ask_request)

    def _ask_request(self) -> None:
        assert self.held is not None
        dialog = PresentDialog(
            self.identities, self.held.summary.subject, isinstance(self.held.content, str)
        )
        self.app.push_screen(dialog, self._request_chosen)

    def _request_chosen(self, request: PresentRequest | None) -> None:
        if request is not None:
            self.present(request)

    @work(thread=True, exclusive=True, group="present")
    def present(self, request: PresentRequest) -> None:
        """Sign the presentation, then verify it as the verifier will."""
        now = self.session.clock()
        try:
            with self.session.open() as wallet:
                document = present_credential(
                    wallet,
                    self.credential_id,
                    holder=request.holder,
                    challenge=request.challenge,
                    domain=request.domain,
                    disclose=request.disclose,
                    now=now,
                )
            report = verify_presentation_text(
                document.text(),
                challenge=request.challenge,
                domain=request.domain,
                now=now,
                trust=TrustDecision(any_issuer=True),
            )
        except Exception as exc:
            self.post_message(ServiceFailed.of("present the credential", exc))
            return
        self.post_message(PresentationMade(document, report))

    def on_presentation_made(self, message: PresentationMade) -> None:
        self.app.push_screen(PresentationScreen(self.session, message.document, message.report))


def _status_urls(content: object) -> list[str]:
    """The status lists a W3C credential names (an SD-JWT's sit inside its signed payload)."""
    if not isinstance(content, dict):
        return []
    status: Any = content.get("credentialStatus")
    entries = status if isinstance(status, list) else [status]
    found = [e.get("statusListCredential") for e in entries if isinstance(e, dict)]
    return list(dict.fromkeys(u for u in found if isinstance(u, str)))
