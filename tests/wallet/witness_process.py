"""Runs one witness server process for bench/board (a witness operator's machine).

    python -m tests.wallet.witness_process NAME STATE ORIGIN VKEY FD

serves a C2SP tlog-witness named NAME (its key derived from NAME: for benchmarks only) with
its state in the SQLite file STATE, witnessing the log ORIGIN under the board key VKEY, on the
listening socket FD inherited from the parent, until SIGTERM or SIGKILL.
"""

from __future__ import annotations

import socket
import sys

from voting.chain import Ed25519Verifier
from voting.witness import Witness, WitnessState
from wallet.server import Limits, Listen, serve
from wallet.witness import witness_app

from .board_helpers import witness_signer


def main(argv: list[str]) -> None:
    name, state_path, origin, vkey, fd = argv
    sock = socket.socket(fileno=int(fd))
    host, port = sock.getsockname()[:2]
    state = WitnessState(state_path)
    state.add_log(origin, Ed25519Verifier.from_vkey(vkey))
    witness = Witness(witness_signer(name), state, lambda: 1_780_000_000)
    limits = Limits(active=16, waiting=512, deadline=30)
    serve(witness_app(witness, limits), Listen(host, port), None, limits, sock=sock)


if __name__ == "__main__":
    main(sys.argv[1:])
