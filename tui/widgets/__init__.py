"""Provides the TUI's widgets: tables of identities, credentials, elections, checks, audits."""

from tui.widgets.audit_table import AuditTable
from tui.widgets.check_table import CheckTable, verdict
from tui.widgets.credential_table import CredentialTable
from tui.widgets.election_table import ElectionTable
from tui.widgets.fitted_table import FittedTable
from tui.widgets.identity_table import IdentityTable
from tui.widgets.json_view import JsonView

__all__ = [
    "AuditTable",
    "CheckTable",
    "CredentialTable",
    "ElectionTable",
    "FittedTable",
    "IdentityTable",
    "JsonView",
    "verdict",
]
