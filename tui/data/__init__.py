"""Provides the TUI's non-visual layer: the session, the ballot model, failure wording, saving."""

from tui.data.ballot import BallotChoices, ContestSpec, contests_from_summary, eligible_first
from tui.data.errors import describe_error, error_details
from tui.data.files import SaveError, save_new_file, shown_path
from tui.data.locations import Location, is_url, location_of, parse_location
from tui.data.session import (
    BOARD_PASSPHRASE_VARIABLE,
    PASSPHRASE_VARIABLE,
    Secret,
    Session,
    open_board_key,
)

__all__ = [
    "BOARD_PASSPHRASE_VARIABLE",
    "PASSPHRASE_VARIABLE",
    "BallotChoices",
    "ContestSpec",
    "Location",
    "SaveError",
    "Secret",
    "Session",
    "contests_from_summary",
    "describe_error",
    "eligible_first",
    "error_details",
    "is_url",
    "location_of",
    "open_board_key",
    "parse_location",
    "save_new_file",
    "shown_path",
]
