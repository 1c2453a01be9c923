"""Provides the TUI's non-visual layer: the session, the ballot model, failure wording, saving."""

from tui.data.ballot import BallotChoices, ContestSpec, contests_from_summary
from tui.data.errors import describe_error
from tui.data.files import SaveError, save_new_file
from tui.data.session import Secret, Session

__all__ = [
    "BallotChoices",
    "ContestSpec",
    "SaveError",
    "Secret",
    "Session",
    "contests_from_summary",
    "describe_error",
    "save_new_file",
]
