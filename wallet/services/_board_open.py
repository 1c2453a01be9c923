"""Provides `open_board`: one board interface for a board file or a board server's URL.

Kept apart from the local board's module because it reaches the network client
(`wallet.board`), whose host in turn reads the local board's sidecar and key: this way the
imports stay a tree.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from wallet.services._boards import LocalBoard

if TYPE_CHECKING:
    from wallet.services._board_api import BoardClient
    from wallet.services._session import Environment


def open_board(board: Path | str, env: Environment) -> BoardClient:
    """Open the board at a location: a board file, or the https:// URL of a board server
    (http:// only on loopback; a private CA from `WALLET_CA_FILE` or `SSL_CERT_FILE`)."""
    from wallet.board import RemoteBoard, is_board_url

    if isinstance(board, str) and is_board_url(board):
        return RemoteBoard(board, ca_file=env.ca_file(), environ=env.environ)
    return LocalBoard.open(Path(board), env)


@contextmanager
def using_board(board: Path | str | BoardClient, env: Environment) -> Iterator[BoardClient]:
    """An opened board: the one given (left open), or the one at a path (closed after)."""
    if not isinstance(board, Path | str):
        yield board
        return
    with open_board(board, env) as opened:
        yield opened
