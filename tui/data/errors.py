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


def error_details(exc: BaseException) -> tuple[str, ...]:
    """The checks a board failed, one line each, when `exc` is the services' `BoardUntrusted`."""
    from wallet.errors import BoardUntrusted

    if not isinstance(exc, BoardUntrusted):
        return ()
    return tuple(
        f"entry {index} ({kind}), {step}: {reason}" for index, kind, step, reason in exc.problems
    )


def error_advice(error: type[BaseException]) -> tuple[str | None, str | None]:
    """A heading and one line of advice for a kind of failure, by its type (never its text).

    A verification that failed is not a fault of the machine: what a board or record served
    did not check out, and the wallet acted on none of it.
    """
    from wallet.errors import BoardUnreachable, BoardUntrusted, KeystoreLocked, VerificationFailed

    if issubclass(error, BoardUntrusted):
        return (
            "The board failed verification: did not",
            "What the board showed does not verify, so the wallet acted on none of it and "
            "posted nothing. Do not use this board until its operator explains why.",
        )
    if issubclass(error, VerificationFailed):
        return (
            "Verification failed: could not",
            "What was read did not verify, so nothing was acted on. Do not trust this board "
            "or record until the reason is understood.",
        )
    if issubclass(error, BoardUnreachable):
        return None, "Check the board's path or URL, and that its server is running."
    if issubclass(error, KeystoreLocked):
        return None, "Check the passphrase and try again."
    return None, None
