"""Provides the board as a network service: the PostgreSQL log store, the board host (its
key and store), the HTTP API with the C2SP tlog-tiles read path, and its client.

Importing this package imports no server or database library; each part imports its
libraries when it is used.
"""

from wallet.board._answers import Accepted, ElectionListing
from wallet.board._client import BoardClient, LogContents, Submitted
from wallet.board._host import BoardHost
from wallet.board._postgres import PostgresLogStore, is_postgres_url
from wallet.board._remote import RemoteBoard
from wallet.board._run import board_app, board_service
from wallet.board._service import BoardService
from wallet.board._status_lists import Refused, StatusLists
from wallet.board._tiles import (
    TileMismatch,
    TilePath,
    bundles_for_size,
    tiles_for_size,
    verify_tiles,
)
from wallet.board._urls import (
    BoardRefused,
    BoardUnreachable,
    Unanswered,
    check_board_url,
    is_board_url,
)

__all__ = [
    "Accepted",
    "BoardClient",
    "BoardHost",
    "BoardRefused",
    "BoardService",
    "BoardUnreachable",
    "ElectionListing",
    "LogContents",
    "PostgresLogStore",
    "Refused",
    "RemoteBoard",
    "StatusLists",
    "Submitted",
    "TileMismatch",
    "TilePath",
    "Unanswered",
    "board_app",
    "board_service",
    "bundles_for_size",
    "check_board_url",
    "is_board_url",
    "is_postgres_url",
    "tiles_for_size",
    "verify_tiles",
]
