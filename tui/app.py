"""Provides `WalletApp` and `create_app`, the one factory `wallet tui` and the tests both use."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import ClassVar

from textual import work
from textual.app import App, SystemCommand
from textual.binding import Binding, BindingType
from textual.screen import Screen

from tui.data import (
    BOARD_PASSPHRASE_VARIABLE,
    PASSPHRASE_VARIABLE,
    Location,
    Secret,
    Session,
    describe_error,
    open_board_key,
    shown_path,
)
from tui.dialogs import ErrorDialog, PassphraseDialog
from tui.messages import PendingUnlock, ServiceNotice, Unlocked, UnlockFailed
from tui.screens import (
    AuditScreen,
    CredentialsScreen,
    ElectionsScreen,
    IdentitiesScreen,
    ReceiptsScreen,
)
from wallet.services import Environment, Wallet, keystore_info


def _check_keystore(home: Path | None) -> Callable[[Environment], None]:
    def check(env: Environment) -> None:
        with Wallet.open(home, env) as wallet:
            keystore_info(wallet)

    return check


class WalletApp(App[None]):
    """The terminal UI of one wallet home: identities first, dialogs for what goes wrong."""

    TITLE = "ssi-wallet"
    CSS = """
    Screen { background: $background; }
    .heading { text-style: bold; padding: 0 1; }
    .hint { color: $text-muted; padding: 0 1; }
    /* One line per value, cut with an ellipsis: a long DID or path must not push what
       follows off a small screen (the full value is in the details or on the clipboard). */
    .clipped { text-wrap: nowrap; text-overflow: ellipsis; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("q", "quit", "Quit"),
        Binding("f1,question_mark", "toggle_keys", "Keys", key_display="F1"),
    ]

    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session

    def on_mount(self) -> None:
        self.install_screen(IdentitiesScreen(self.session), "identities")
        self.install_screen(CredentialsScreen(self.session), "credentials")
        self.install_screen(ElectionsScreen(self.session), "elections")
        self.install_screen(ReceiptsScreen(self.session), "receipts")
        self.install_screen(AuditScreen(self.session), "audit")
        self.push_screen("identities")

    def action_switch(self, name: str) -> None:
        """Show one of the main screens (identities, credentials, elections,
        receipts, audit) in place of another.

        From a screen pushed over a main one (a ballot, a result; the palette reaches them
        too), the pushed screens are closed first: a main screen is in the stack only once.
        """
        while len(self.screen_stack) > 2:
            self.pop_screen()
        if self.screen is not self.get_screen(name):
            self.switch_screen(name)

    def action_toggle_keys(self) -> None:
        """Show the keys of the screen and of the focused widget beside it, or hide them."""
        if self.screen.query("HelpPanel"):
            self.action_hide_help_panel()
        else:
            self.action_show_help_panel()

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        """The app's own actions in the command palette (Ctrl+P), after Textual's."""
        yield from super().get_system_commands(screen)
        for name, title, help_text in (
            ("identities", "Identities", "Your DIDs: create, show, copy"),
            ("credentials", "Credentials", "The credentials you hold: import, verify, present"),
            ("elections", "Elections", "Elections on your boards: vote, see results"),
            ("receipts", "Receipts", "Your ballots' receipts: check inclusion"),
            ("audit", "Audit", "Audit an election on a board or an exported record"),
        ):
            yield SystemCommand(title, help_text, lambda name=name: self.action_switch(name))
        # The screen's own actions too, each under its footer's name, with its key.
        for key, active in screen.active_bindings.items():
            binding = active.binding
            if binding.show and active.enabled and active.node is not self:
                yield SystemCommand(
                    binding.description,
                    f"This screen's action (key {binding.key_display or key})",
                    lambda a=binding.action, n=active.node: self.run_action(a, n),
                )
        yield SystemCommand(
            "Add a board", "A board file or a board server's URL", self.action_add_board
        )
        yield SystemCommand(
            "Audit a record or board", "Choose a record, board file or URL to audit",
            self.action_open_audit,
        )  # fmt: skip

    def action_add_board(self) -> None:
        """Go to the elections and ask for a board to add."""
        self.action_switch("elections")
        self.call_later(self.get_screen("elections").run_action, "add_board")

    def audit_election(self, board: Location, election: str) -> None:
        """Show the audit screen auditing one election of a board."""
        audit = self.get_screen("audit")
        assert isinstance(audit, AuditScreen)
        run = audit.audit_election
        self.action_switch("audit")
        self.call_later(run, board, election)

    def action_open_audit(self) -> None:
        """Go to the audit and ask for what to audit."""
        self.action_switch("audit")
        self.call_later(self.get_screen("audit").run_action, "open")

    def show_error(
        self,
        action: str,
        reason: str,
        then: Callable[[], None] | None = None,
        *,
        error: type[BaseException] = Exception,
        details: tuple[str, ...] = (),
    ) -> None:
        """Show why `action` failed; `then` runs once the dialog is closed."""
        dialog = ErrorDialog(action, reason, error, details)
        self.push_screen(dialog, lambda _: then() if then else None)

    def require_unlock(self, then: Callable[[], object]) -> None:
        """Run `then` once the keystore can be opened, asking for its passphrase if needed."""
        try:
            needed = self.session.needs_passphrase()
        except Exception as exc:
            self.show_error("open the wallet", describe_error(exc))
            return
        if not needed:
            then()
            return
        self._ask(
            PendingUnlock(
                PASSPHRASE_VARIABLE,
                "Unlock the keystore",
                "This wallet keeps its keys in a passphrase file.",
                "unlock the keystore",
                _check_keystore(self.session.home),
                then,
            )
        )

    def require_board_unlock(self, board: Location, then: Callable[[], object]) -> None:
        """Run `then` once `board` can sign, asking for its key's passphrase if needed.

        A local board whose checkpoint key is in a sealed file needs that file's passphrase
        for every entry posted to it, a ballot included.
        """
        try:
            needed = self.session.needs_board_passphrase(board)
        except Exception as exc:
            self.show_error("open the board", describe_error(exc))
            return
        if not needed:
            then()
            return
        self.ask_board_passphrase(board, then)

    def ask_board_passphrase(self, board: Location, then: Callable[[], object]) -> None:
        """Ask for the board key's passphrase, try it, and run `then` once it opens the key."""
        self._ask(
            PendingUnlock(
                BOARD_PASSPHRASE_VARIABLE,
                "Unlock the board's key",
                f"The board {shown_path(board)} keeps its checkpoint key in a passphrase "
                "file; posting a ballot signs a checkpoint with it.",
                "unlock the board's key",
                lambda env: open_board_key(Path(board), env),
                then,
            )
        )

    def _ask(self, lock: PendingUnlock) -> None:
        def given(secret: Secret | None) -> None:
            if secret is not None:
                self._try_passphrase(lock, secret)

        self.push_screen(PassphraseDialog(lock.purpose, title=lock.title), given)

    @work(thread=True, exclusive=True, group="unlock")
    def _try_passphrase(self, lock: PendingUnlock, secret: Secret) -> None:
        """Try the typed passphrase: one Argon2id derivation, off-screen."""
        env = self.session.candidate(secret, lock.variable)
        try:
            lock.check(env)
        except Exception as exc:
            self.post_message(UnlockFailed(lock, describe_error(exc)))
            return
        self.post_message(Unlocked(lock, env))

    def on_unlocked(self, message: Unlocked) -> None:
        self.session.unlock(message.env)
        message.lock.then()

    def on_unlock_failed(self, message: UnlockFailed) -> None:
        # A wrong passphrase is the usual cause, so the dialog comes back for another try.
        lock = message.lock
        self.show_error(lock.action, message.reason, then=lambda: self._ask(lock))

    def on_service_notice(self, message: ServiceNotice) -> None:
        self.notify(message.text)


def create_app(
    home: Path | None, env: Environment, *, clock: Callable[[], datetime] | None = None
) -> WalletApp:
    """The TUI for the wallet at `home` (None: `WALLET_HOME`, else the default home).

    The services must never prompt on the terminal or write to stderr while Textual owns the
    screen: passphrases come from the dialog, and notices become toasts. `clock`, when given,
    replaces the environment's (the services' only clock).
    """
    app: WalletApp

    def notice(text: str) -> None:
        # Services may notify from a worker thread; posting a message is thread-safe.
        app.post_message(ServiceNotice(text))

    env = replace(env, interactive=False, notify=notice)
    session = Session(home, env if clock is None else replace(env, clock=clock))
    app = WalletApp(session)
    return app
