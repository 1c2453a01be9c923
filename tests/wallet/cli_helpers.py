"""Provides running the `wallet` command line: in this process (`wallet`), or as a user would.

`wallet(...)` calls `wallet.cli.main(argv, env=...)` with the given variables, a fixed clock
and a seeded random source, capturing stdout and stderr: fast, and the time is the test's.
`wallet_process(...)` runs `python -m wallet` in a subprocess, for the few tests that are about
the real entry point: exit codes as a shell sees them, no traceback, a real environment.
"""

from __future__ import annotations

import io
import itertools
import json
import os
import subprocess
import sys
from collections.abc import Callable
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from tests.wallet.fakes import SeededStream, fixed_environment
from wallet.cli import main

ROOT = Path(__file__).resolve().parents[2]

# Each in-process run draws from its own seeded stream, numbered in the order of the runs, so
# two runs never make the same key and every test is the same on each run.
_RUNS = itertools.count()


@dataclass
class Run:
    code: int
    stdout: str
    stderr: str

    def json(self) -> Any:
        """The JSON on stdout (what `--json` printed), to index into."""
        return json.loads(self.stdout)


def wallet(
    *args: str | Path,
    env: dict[str, str] | None = None,
    stdin: str = "",
    clock: Callable[[], datetime] | None = None,
) -> Run:
    """Run `wallet ARGS` in this process with the variables `env` and the clock `clock`."""
    environ = env if env is not None else dict(os.environ)
    rng = SeededStream(b"cli run %d" % next(_RUNS))
    out, err = io.StringIO(), io.StringIO()
    stdin_was = sys.stdin
    sys.stdin = io.StringIO(stdin)
    try:
        with redirect_stdout(out), redirect_stderr(err):
            code = main(
                [str(a) for a in args], env=fixed_environment(environ, clock=clock, rng=rng)
            )
    finally:
        sys.stdin = stdin_was
    assert "Traceback" not in err.getvalue(), err.getvalue()
    return Run(code, out.getvalue(), err.getvalue())


def wallet_process(*args: str | Path, env: dict[str, str] | None = None, stdin: str = "") -> Run:
    """Run `python -m wallet ARGS` with `env` (default: this process's environment)."""
    done = subprocess.run(
        [sys.executable, "-m", "wallet", *map(str, args)],
        capture_output=True,
        text=True,
        input=stdin,
        env=env if env is not None else dict(os.environ),
        cwd=ROOT,
        check=False,
        timeout=120,
    )
    assert "Traceback" not in done.stderr, done.stderr
    return Run(done.returncode, done.stdout, done.stderr)


def file_env(**extra: str) -> dict[str, str]:
    """An environment with no D-Bus session (so no OS keyring) and a keystore passphrase."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DBUS_", "WALLET_"))}
    env["WALLET_PASSPHRASE"] = "test passphrase"
    env.update(extra)
    return env
