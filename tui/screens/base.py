"""Provides `WalletScreen` (the session, errors, the app's helpers) and `MainScreen` (sections)."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, cast

from textual.binding import Binding, BindingType
from textual.screen import Screen

from tui.data import Session
from tui.messages import ServiceFailed

if TYPE_CHECKING:
    from tui.app import WalletApp


class WalletScreen(Screen[None]):
    """A full screen over one session; a failed service opens the error dialog."""

    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session

    @property
    def wallet_app(self) -> WalletApp:
        return cast("WalletApp", self.app)

    def on_service_failed(self, message: ServiceFailed) -> None:
        message.stop()
        self.wallet_app.show_error(
            message.action, message.reason, error=message.error, details=message.details
        )


class MainScreen(WalletScreen):
    """A top-level screen; the digits 1 to 5 switch between the main screens.

    The digits are shown by the section bar at the top, not in the footer: at 80 columns the
    footer has room only for the screen's own actions.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("1", "app.switch('identities')", "Identities", show=False),
        Binding("2", "app.switch('credentials')", "Credentials", show=False),
        Binding("3", "app.switch('elections')", "Elections", show=False),
        Binding("4", "app.switch('receipts')", "Receipts", show=False),
        Binding("5", "app.switch('audit')", "Audit", show=False),
    ]


def report_unlisted(app: WalletApp, failures: list[ServiceFailed]) -> None:
    """Say why boards could not be listed: a toast when one is down or missing, the error
    dialog when what it showed did not verify (that must not pass unnoticed)."""
    from wallet.errors import VerificationFailed

    for failed in failures:
        if issubclass(failed.error, VerificationFailed):
            app.show_error(failed.action, failed.reason, error=failed.error, details=failed.details)
        else:
            app.notify(failed.reason, title=f"Could not {failed.action}", severity="error")
