"""Runs the `wallet` command line in its own process on a clock the test moves.

    python -m tests.wallet.clocked_wallet ARGS...

is `wallet ARGS...` with one difference: the services' clock reads the time from the file
named by `$WALLET_TEST_CLOCK` (ISO 8601), each time it is asked, so that a test can move the
time of every process at once (the board server's, the trustees' and the voters') instead of
waiting for a voting window to pass. Everything else (variables, randomness, the terminal)
is the process's own. Test code only.
"""

from __future__ import annotations

import os
import sys
from datetime import datetime
from pathlib import Path

from wallet.cli import main
from wallet.services import Environment


class FileClock:
    """The time written in a file, read afresh on every call."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def __call__(self) -> datetime:
        return datetime.fromisoformat(self.path.read_text(encoding="utf-8").strip())


def run(argv: list[str]) -> int:
    clock = FileClock(Path(os.environ["WALLET_TEST_CLOCK"]))
    env = Environment(environ=dict(os.environ), interactive=sys.stdin.isatty(), clock=clock)
    return main(argv, env=env)


if __name__ == "__main__":
    sys.exit(run(sys.argv[1:]))
