"""Provides what the board server tests (and bench/board) share: a board host made in a
folder or a PostgreSQL schema, a served board on 127.0.0.1, and an adapter that lets the
election world of tests/voting/board drive a remote board through `BoardClient`."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import cast

import did
from voting.board import Board, Entry, Head, sign_entry
from voting.board._bodies import EntryBody
from voting.chain import CosignatureSigner, Receipt
from voting.testing import ELECTION_ID, Clock, Party, Run, World
from wallet.board import (
    BoardClient,
    BoardHost,
    BoardRefused,
    BoardService,
    board_app,
    board_service,
)
from wallet.server import Limits, Running, Tls
from wallet.services import Environment

PASSPHRASE = "board host passphrase"


def board_env(key_dir: Path) -> Environment:
    """The board operator's environment: a sealed-file keystore in `key_dir`."""
    return Environment(
        environ={"WALLET_BOARD_PASSPHRASE": PASSPHRASE, "WALLET_BOARD_KEYS": str(key_dir)}
    )


def make_host(store: str, key_dir: Path, *, name: str = "board.test") -> BoardHost:
    """A new board on `store` (a SQLite path or a postgresql:// URL), key in a sealed file."""
    key_dir.mkdir(parents=True, exist_ok=True)
    return BoardHost.init(store, board_env(key_dir), name=name, keystore="file", key_dir=key_dir)


def make_service(
    host: BoardHost,
    key_dir: Path,
    clock: Callable[[], datetime],
    witnesses: dict[str, str] | None = None,
) -> BoardService:
    return board_service(
        host,
        host.signer(board_env(key_dir)),
        now=clock,
        resolver=did.Resolver(),
        witnesses=witnesses,
    )


def witness_signer(name: str) -> CosignatureSigner:
    """A witness key derived from its name: for tests and benchmarks only."""
    import hashlib

    return CosignatureSigner(name, hashlib.sha256(b"witness " + name.encode()).digest())


@contextmanager
def served(
    service: BoardService, *, limits: Limits | None = None, tls: Tls | None = None
) -> Iterator[Running]:
    limits = limits or Limits()
    with Running(board_app(service, limits), limits=limits, tls=tls) as running:
        yield running
    service.close()


@dataclass
class BoardOverHttp:
    """The parts of `voting.board.Board` the test world uses, over HTTP."""

    client: BoardClient
    name: str
    vkey: str

    def origin(self, election: str) -> str:
        return f"{self.name}/{election}"

    def head(self, election: str) -> Head:
        try:
            return self.client.head(election)
        except BoardRefused as refused:
            if refused.status == 404:
                return Head.genesis(election)
            raise

    def append(self, entry: Entry) -> Receipt:
        return self.client.submit(entry.to_bytes(), entry.election).receipt

    def entries(self, election: str) -> list[Entry]:
        from voting.chain import Ed25519Verifier

        log = self.client.read_log(election, [Ed25519Verifier.from_vkey(self.vkey)])
        return [Entry.from_bytes(data) for data in log.entries]


def remote_run(world: World, client: BoardClient) -> Run:
    """A `Run` of the test world (on its clock) whose every entry goes through the server."""
    info = client.info()
    board = BoardOverHttp(client, str(info["name"]), str(info["vkey"]))
    return Run(world, cast(Board, board))


def signer_for(body: EntryBody, party: Party, clock: Clock) -> Callable[[Head], Entry]:
    """Build-and-sign on whatever head the board reports (for `BoardClient.append`)."""
    return lambda head: sign_entry(body, head, author=party.vm, time=clock.now, key=party.key)


__all__ = ["ELECTION_ID", "PASSPHRASE"]


class ServerProcess:
    """A board server in a child process on a socket this process bound (no start-up wait)."""

    def __init__(
        self,
        store: str,
        key_dir: Path,
        at: datetime,
        log: Path,
        witnesses: dict[str, str] | None = None,
    ) -> None:
        import socket
        import subprocess
        import sys

        self.socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.socket.bind(("127.0.0.1", 0))
        self.socket.listen(512)
        self.port = int(self.socket.getsockname()[1])
        self.url = f"http://127.0.0.1:{self.port}"
        root = Path(__file__).resolve().parents[2]
        with log.open("wb") as out:
            self.process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "tests.wallet.board_process",
                    store,
                    str(key_dir),
                    str(self.socket.fileno()),
                    at.isoformat(),
                    *(f"{name}={url}" for name, url in (witnesses or {}).items()),
                ],
                cwd=root,
                pass_fds=(self.socket.fileno(),),
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        # The child holds its own copy of the listening socket.
        self.socket.close()

    def kill(self) -> None:
        import signal

        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=30)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=30)


class WitnessProcess:
    """A witness server in a child process, on a socket this process bound."""

    def __init__(self, name: str, state: Path, origin: str, vkey: str, log: Path) -> None:
        import socket
        import subprocess
        import sys

        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", 0))
        listener.listen(512)
        self.url = f"http://127.0.0.1:{listener.getsockname()[1]}"
        root = Path(__file__).resolve().parents[2]
        args = [name, str(state), origin, vkey, str(listener.fileno())]
        with log.open("wb") as out:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "tests.wallet.witness_process", *args],
                cwd=root,
                pass_fds=(listener.fileno(),),
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        listener.close()

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=30)
