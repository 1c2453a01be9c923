"""Provides `known_elections`: the elections on every board the wallet follows or was given.

It runs in a worker thread; each board is listed on its own, so a board that is down or
refused is reported beside the others instead of hiding them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tui.data.errors import describe_error
from tui.data.locations import Location, location_of

if TYPE_CHECKING:
    from tui.data.session import Session
    from wallet.services import ElectionListing, FollowedElection


def known_boards(session: Session, followed: list[FollowedElection]) -> list[Location]:
    """The boards of the followed elections, then those added in this session, once each."""
    boards = [location_of(f.board) for f in followed]
    return list(dict.fromkeys([*boards, *session.boards]))


def known_elections(
    session: Session,
) -> tuple[list[ElectionListing], list[FollowedElection], list[tuple[str, str]]]:
    """(elections, the followed ones, (board, why) for each board that could not be listed)."""
    from wallet.services import followed, list_elections

    with session.open() as wallet:
        known = followed(wallet)
    listed: list[ElectionListing] = []
    unreadable: list[tuple[str, str]] = []
    for board in known_boards(session, known):
        try:
            listed += list_elections(board, session.env)
        except Exception as exc:
            unreadable.append((str(board), describe_error(exc)))
    return listed, known, unreadable
