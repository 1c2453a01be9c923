"""Provides the one-line wording of a failure, as the error dialog shows it."""

from __future__ import annotations


def describe_error(exc: BaseException) -> str:
    """The reason a service gave for failing; never a traceback.

    The packages' errors carry a human `diagnostics()`; anything else is a bug in the wallet,
    named by its type only, because its text may hold data the user never meant to show.
    """
    diagnostics = getattr(exc, "diagnostics", None)
    if callable(diagnostics):
        text = diagnostics()
        if isinstance(text, str) and text:
            return text
    return f"internal error: {type(exc).__name__}"
