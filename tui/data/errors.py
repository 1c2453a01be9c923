"""Provides the one-line wording of a failure, as the error dialog shows it."""

from __future__ import annotations


def describe_error(exc: BaseException) -> str:
    """The reason a service gave for failing; never a traceback.

    The packages' errors (and a failed save) are worded for people; anything else is a bug in
    the wallet, named by its type only, because its text may hold data the user never meant
    to show.
    """
    # Imported here, on the error path, to keep the libraries off the TUI's start-up path.
    from did.errors import DidError
    from tui.data.files import SaveError
    from voting.errors import VotingError
    from wallet.errors import WalletError

    if isinstance(exc, DidError | VotingError | WalletError | SaveError):
        text = str(exc)
        if text:
            return text
    return f"internal error: {type(exc).__name__}"
