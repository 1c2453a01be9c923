"""Provides the TUI's widgets: tables (identities, credentials, elections, checks), the choice
list of a contest, the section bar."""

from tui.widgets.choice_list import ChoiceList
from tui.widgets.credential_table import CredentialTable
from tui.widgets.election_table import ElectionTable
from tui.widgets.fitted_table import FittedTable
from tui.widgets.identity_table import IdentityTable
from tui.widgets.json_view import JsonView
from tui.widgets.sections import SectionBar
from tui.widgets.verification_table import (
    VerificationTable,
    audit_verdict,
    status_list_missing,
    verdict,
)

__all__ = [
    "ChoiceList",
    "CredentialTable",
    "ElectionTable",
    "FittedTable",
    "IdentityTable",
    "JsonView",
    "SectionBar",
    "VerificationTable",
    "audit_verdict",
    "status_list_missing",
    "verdict",
]
