"""Provides `known_elections`: the elections on every board the wallet follows or was given.

It runs in a worker thread; each board is listed on its own, so a board that is down or
refused is reported beside the others instead of hiding them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tui.data.files import shown_path
from tui.data.locations import Location, location_of

if TYPE_CHECKING:
    from tui.data.session import Session
    from tui.messages import ServiceFailed
    from wallet.services import ElectionListing, FollowedElection


def known_boards(
    session: Session, followed: list[FollowedElection], default: str | None = None
) -> list[Location]:
    """The wallet's default board (`wallet config set board`), the boards of the followed
    elections, then those added in this session, once each."""
    boards = [location_of(f.board) for f in followed]
    first = [] if default is None else [location_of(default)]
    return list(dict.fromkeys([*first, *boards, *session.boards]))


def known_elections(
    session: Session,
) -> tuple[list[ElectionListing], list[FollowedElection], list[ServiceFailed]]:
    """(elections, the followed ones, why each board that could not be listed was not)."""
    from tui.messages import ServiceFailed
    from wallet.services import followed, list_elections

    with session.open() as wallet:
        known = followed(wallet)
        default = wallet.home.config.defaults.get("board")
    listed: list[ElectionListing] = []
    unreadable: list[ServiceFailed] = []
    for board in known_boards(session, known, default):
        try:
            listed += list_elections(board, session.env)
        except Exception as exc:
            unreadable.append(ServiceFailed.of(f"list the elections of {shown_path(board)}", exc))
    return listed, known, unreadable
