"""Provides the mapping from the packages' root errors to messages and exit codes.

Exit codes (DESIGN §6): 0 ok; 1 a verification failed or nothing by that name; 2 usage;
3 environment (keystore unavailable or locked, board unreachable, unreadable file).
"""

from __future__ import annotations

import os
import sys
import traceback


def exit_code_for(exc: BaseException) -> int | None:
    """The exit code of one of our packages' errors, or None for anything else."""
    from wallet.errors import WalletError

    if isinstance(exc, WalletError):
        return exc.exit_code
    # The libraries' errors are about the input the user gave; their modules are imported
    # only now, on the error path, to keep the start-up path light.
    from did.errors import DidError, ResolutionError
    from voting.errors import StorageError, VotingError

    if isinstance(exc, ResolutionError | StorageError):
        return 3
    if isinstance(exc, DidError | VotingError):
        return 1
    return None


def report(exc: BaseException) -> int:
    """Print a one-line error for `exc` on stderr and return the exit code to use."""
    code = exit_code_for(exc)
    if code is not None:
        print(f"error: {exc}", file=sys.stderr)
        return code
    # An unexpected failure is a bug in the wallet. Its traceback holds no local variables
    # (so no secrets); it is shown only when asked for, to keep the screen clean.
    print(f"internal error: {type(exc).__name__}; set WALLET_DEBUG=1 for details", file=sys.stderr)
    if os.environ.get("WALLET_DEBUG"):
        traceback.print_exception(exc, file=sys.stderr)
    return 1
