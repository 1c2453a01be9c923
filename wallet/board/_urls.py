"""Provides board URLs (https://, or http:// to loopback only) and the errors of the board
client."""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from wallet.errors import EnvironmentProblem, UsageError, WalletError

if TYPE_CHECKING:
    from voting.board import Entry


class BoardUnreachable(EnvironmentProblem):
    """The board did not answer, or answered something that is not the board API."""


class Unanswered(BoardUnreachable):
    """A signed entry was sent but never answered: it may or may not be in the log.

    Send `entry` again (to this board or another server of it) with `BoardClient.resume`:
    an entry already in the log gets its receipt back and is never appended twice.
    """

    def __init__(self, message: str, entry: Entry) -> None:
        super().__init__(message)
        self.entry = entry


class BoardRefused(WalletError):
    """The board refused a request with problem details (RFC 9457)."""

    def __init__(self, status: int, problem: Mapping[str, Any]) -> None:
        self.status = status
        self.problem = dict(problem)
        self.name = str(problem.get("type", "")).rpartition(":")[2]
        self.rule = str(problem.get("rule", "")) or None
        detail = str(problem.get("detail", "refused"))
        super().__init__(f"the board refused it ({status}): {detail}")


def is_board_url(text: str) -> bool:
    return text.startswith(("https://", "http://"))


def check_board_url(url: str) -> str:
    """An https:// URL, or http:// to a loopback address; without a trailing slash."""
    parts = urlsplit(url)
    if parts.scheme not in ("https", "http") or not parts.hostname:
        raise UsageError(f"board URL {url[:100]!r}: want https://HOST[:PORT][/PATH]")
    if parts.scheme == "http" and not _loopback(parts.hostname):
        raise UsageError(f"board URL {url[:100]!r}: plain http:// only for loopback addresses")
    if parts.query or parts.fragment or parts.username or parts.password:
        raise UsageError(f"board URL {url[:100]!r}: no query, fragment or user info")
    return url.rstrip("/")


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
