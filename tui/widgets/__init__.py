"""Provides the TUI's widgets: tables of identities, credentials, elections and verifications."""

from tui.widgets.credential_table import CredentialTable
from tui.widgets.election_table import ElectionTable
from tui.widgets.fitted_table import FittedTable
from tui.widgets.identity_table import IdentityTable
from tui.widgets.json_view import JsonView
from tui.widgets.verification_table import VerificationTable, verdict

__all__ = [
    "CredentialTable",
    "ElectionTable",
    "FittedTable",
    "IdentityTable",
    "JsonView",
    "VerificationTable",
    "verdict",
]
