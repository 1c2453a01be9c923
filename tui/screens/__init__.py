"""Provides the TUI's screens: identities, credentials, elections, ballot and its review,
result, receipts, audit."""

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
from tui.screens.result import ResultScreen
from tui.screens.review import ReviewScreen

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
    "ResultScreen",
    "ReviewScreen",
]
