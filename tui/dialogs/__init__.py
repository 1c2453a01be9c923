"""Provides the TUI's modal dialogs: passphrase, error, new identity, path, present, challenge."""

from tui.dialogs.challenge import ChallengeDialog
from tui.dialogs.create_identity import CreateIdentityDialog, NewIdentity
from tui.dialogs.error import ErrorDialog
from tui.dialogs.passphrase import PassphraseDialog
from tui.dialogs.path import PathDialog
from tui.dialogs.present import PresentDialog, PresentRequest

__all__ = [
    "ChallengeDialog",
    "CreateIdentityDialog",
    "ErrorDialog",
    "NewIdentity",
    "PassphraseDialog",
    "PathDialog",
    "PresentDialog",
    "PresentRequest",
]
