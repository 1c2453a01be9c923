"""Provides running the real `wallet` command in a subprocess, as a user would."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]


@dataclass
class Run:
    code: int
    stdout: str
    stderr: str

    def json(self) -> Any:
        return json.loads(self.stdout)


def wallet(*args: str | Path, env: dict[str, str] | None = None, stdin: str = "") -> Run:
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
