"""Provides the TUI's modal dialogs: passphrase, error, confirmation, new identity, path,
location, present, challenge."""

from tui.dialogs.challenge import ChallengeDialog
from tui.dialogs.confirm import ConfirmDialog
from tui.dialogs.create_identity import CreateIdentityDialog, NewIdentity
from tui.dialogs.error import ErrorDialog
from tui.dialogs.location import LocationDialog
from tui.dialogs.passphrase import PassphraseDialog
from tui.dialogs.path import PathDialog
from tui.dialogs.present import PresentDialog, PresentRequest

__all__ = [
    "ChallengeDialog",
    "ConfirmDialog",
    "CreateIdentityDialog",
    "ErrorDialog",
    "LocationDialog",
    "NewIdentity",
    "PassphraseDialog",
    "PathDialog",
    "PresentDialog",
    "PresentRequest",
]
