"""Provides the TUI's screens: identities, credentials, elections, ballot, receipts, audit."""

from tui.screens.audit import AuditScreen
from tui.screens.ballot import BallotScreen
from tui.screens.credential import CredentialScreen
from tui.screens.credentials import CredentialsScreen
from tui.screens.document import DocumentScreen
from tui.screens.elections import ElectionsScreen
from tui.screens.identities import IdentitiesScreen
from tui.screens.presentation import PresentationScreen
from tui.screens.receipt import ReceiptScreen
from tui.screens.receipts import ReceiptsScreen

__all__ = [
    "AuditScreen",
    "BallotScreen",
    "CredentialScreen",
    "CredentialsScreen",
    "DocumentScreen",
    "ElectionsScreen",
    "IdentitiesScreen",
    "PresentationScreen",
    "ReceiptScreen",
    "ReceiptsScreen",
]
