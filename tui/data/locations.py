"""Provides `Location`: where a board or record is, a path on this machine or a board's URL.

The services take either (`open_board`, `audit_record`): a string beginning `https://` or
`http://` is a board server's URL and stays a string, anything else is a path. Which URLs are
allowed (https anywhere, http only on loopback) is the services' rule; they refuse the rest
with their own typed error.
"""

from __future__ import annotations

from pathlib import Path

Location = Path | str

_SCHEMES = ("https://", "http://")


def is_url(location: Location) -> bool:
    """Whether `location` names a board server rather than a file or directory."""
    return isinstance(location, str) and location.startswith(_SCHEMES)


def parse_location(text: str) -> Location:
    """What the person typed: a URL as given, else an absolute path (`~` expanded)."""
    typed = text.strip()
    if typed.lower().startswith(_SCHEMES):
        return typed
    return Path(typed).expanduser().resolve()


def location_of(stored: str) -> Location:
    """A board location as the wallet's database keeps it (a URL or a path)."""
    return stored if is_url(stored) else Path(stored)
