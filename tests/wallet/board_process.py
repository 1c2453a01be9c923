"""Runs one board server process for the multi-process tests and bench/board.

    python -m tests.wallet.board_process STORE KEY_DIR FD TIME [NAME=URL ...]

serves the board on STORE (its key in the sealed file under KEY_DIR) on the listening socket
FD inherited from the parent (bound before this process started, so nobody waits for it),
with the board's clock fixed at TIME (ISO 8601), until SIGTERM or SIGKILL; NAME=URL says where
each witness an election names is reachable.
"""

from __future__ import annotations

import socket
import sys
from datetime import datetime
from pathlib import Path

import did
from wallet.board import BoardHost, board_app, board_service
from wallet.server import Limits, Listen, serve

from .board_helpers import board_env


def main(argv: list[str]) -> None:
    store, key_dir, fd, at, *witnesses = argv
    sock = socket.socket(fileno=int(fd))
    host, port = sock.getsockname()[:2]
    env = board_env(Path(key_dir))
    board = BoardHost.open(store, env, key_dir=Path(key_dir))
    moment = datetime.fromisoformat(at)
    urls = dict(item.split("=", 1) for item in witnesses)
    service = board_service(
        board, board.signer(env), now=lambda: moment, resolver=did.Resolver(), witnesses=urls
    )
    limits = Limits(active=16, waiting=512, deadline=30)
    serve(board_app(service, limits), Listen(host, port), None, limits, sock=sock)


if __name__ == "__main__":
    main(sys.argv[1:])
