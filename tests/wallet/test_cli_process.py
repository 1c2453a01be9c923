"""The real entry points, as a shell runs them: exit codes, streams, and never a traceback.

Everything else about the command line is tested in process (`main(argv, env=...)`); these few
start `python -m wallet` and the installed `wallet` script.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.wallet.cli_helpers import ROOT, file_env, wallet_process


def test_help_exits_0_on_stdout() -> None:
    run = wallet_process("--help", env=file_env())
    assert run.code == 0 and "Usage" in run.stdout and run.stderr == ""


def test_the_installed_script_is_the_same_command() -> None:
    script = Path(sys.executable).parent / "wallet"
    done = subprocess.run(
        [str(script), "did", "--help"], capture_output=True, text=True, cwd=ROOT, check=False
    )
    assert done.returncode == 0 and "Usage" in done.stdout


def test_usage_error_exits_2(tmp_path: Path) -> None:
    run = wallet_process("did", "create", "--no-such-option", env=file_env())
    assert run.code == 2 and "no-such-option" in run.stderr and run.stdout == ""


def test_no_wallet_exits_3_with_one_line(tmp_path: Path) -> None:
    run = wallet_process("did", "list", "--home", tmp_path / "none", env=file_env())
    assert run.code == 3
    assert run.stderr.count("\n") == 1 and run.stderr.startswith("error: ")


def test_a_failed_verification_exits_1(tmp_path: Path) -> None:
    forged = tmp_path / "forged.json"
    forged.write_text('{"not": "a credential"}')
    run = wallet_process("credential", "verify", forged, env=file_env())
    assert run.code == 1 and "NOT verified" in run.stdout
