"""The command line's habits: `--version`, shell completion, `-` for stdin and stdout."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
from contextlib import redirect_stdout
from importlib.metadata import version
from pathlib import Path

import pytest

from tests.wallet.cli_helpers import file_env, wallet


def test_version_prints_the_package_version() -> None:
    run = wallet("--version")
    assert run.code == 0
    assert run.stdout.strip() == f"wallet {version('ssi-wallet')}"


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_completion_prints_a_script_that_asks_wallet(shell: str) -> None:
    run = wallet("completion", shell)
    assert run.code == 0
    assert "_WALLET_COMPLETE" in run.stdout


def test_completion_of_an_unknown_shell_is_a_usage_error() -> None:
    run = wallet("completion", "ksh")
    assert run.code == 2
    assert "bash, zsh or fish" in run.stderr


@pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash")
def test_bash_completes_wallet_cre_to_credential(tmp_path: Path) -> None:
    script = wallet("completion", "bash").stdout
    (tmp_path / "wallet.bash").write_text(script, encoding="utf-8")
    # The script runs `wallet` as the shell would: the installed entry point, on PATH.
    bin_dir = str(Path(sys.executable).parent)
    assert (Path(bin_dir) / "wallet").exists()
    env = file_env(PATH=bin_dir + os.pathsep + os.environ.get("PATH", ""))
    done = subprocess.run(
        [
            "bash",
            "-c",
            'source "$1"; COMP_WORDS=(wallet cre); COMP_CWORD=1; _wallet_completion wallet; '
            'printf "%s\\n" "${COMPREPLY[@]}"',
            "bash",
            str(tmp_path / "wallet.bash"),
        ],
        capture_output=True,
        text=True,
        env=env,
        check=False,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["credential"]


class _Terminal(io.StringIO):
    """A stdout that says it is a terminal."""

    def isatty(self) -> bool:
        return True


def test_tables_align_on_a_terminal_and_are_tab_separated_in_a_pipe(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from wallet.cli._common import table

    rows = [["a", "first"], ["bbbb", "x" * 80]]
    piped = io.StringIO()
    with redirect_stdout(piped):
        assert table(["NAME", "VALUE"], rows) == "a\tfirst\nbbbb\t" + "x" * 80
    monkeypatch.setenv("COLUMNS", "40")
    with redirect_stdout(_Terminal()):
        shown = table(["NAME", "VALUE"], rows).splitlines()
    assert shown[0] == "NAME  VALUE" and shown[1] == "a     first"
    assert len(shown[2]) == 40 and shown[2].endswith("…")
