"""`wallet config`: the defaults for `--board` and `--as`, and when they are needed."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.wallet.cli_helpers import Run, file_env, wallet


@pytest.fixture
def home(tmp_path: Path) -> Path:
    home = tmp_path / "home"
    assert wallet("init", "--keystore", "file", env=file_env(WALLET_HOME=str(home))).code == 0
    return home


def _run(home: Path, *args: str | Path) -> Run:
    return wallet(*args, env=file_env(WALLET_HOME=str(home)))


def test_set_get_list_unset(home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert _run(home, "config", "list", "--json").json() == {}
    assert _run(home, "config", "get", "board").code == 1
    assert _run(home, "config", "set", "board", "board.sqlite").code == 0
    # A board file is kept as an absolute path, so the default works from anywhere.
    assert _run(home, "config", "get", "board").stdout.strip() == str(tmp_path / "board.sqlite")
    assert _run(home, "did", "create", "--label", "ada").code == 0
    assert _run(home, "config", "set", "as", "ada").code == 0
    listed = _run(home, "--json", "config", "list").json()
    assert listed == {"board": str(tmp_path / "board.sqlite"), "as": "ada"}
    assert _run(home, "config", "list").stdout.splitlines()[1] == "as\tada"
    assert _run(home, "config", "unset", "as").code == 0
    assert _run(home, "config", "list", "--json").json() == {
        "board": str(tmp_path / "board.sqlite")
    }
    # The rest of config.toml is untouched: the wallet still opens.
    assert _run(home, "did", "list", "--json").json()[0]["label"] == "ada"


def test_bad_keys_and_unknown_identities_are_refused(home: Path) -> None:
    wrong_key = _run(home, "config", "set", "colour", "blue")
    assert wrong_key.code == 2 and "board, as" in wrong_key.stderr
    nobody = _run(home, "config", "set", "as", "nobody")
    assert nobody.code == 1 and "no identity" in nobody.stderr
    assert _run(home, "config", "list", "--json").json() == {}


def test_without_board_or_as_the_command_says_what_to_give(home: Path, tmp_path: Path) -> None:
    no_board = _run(home, "trustee", "keygen", "e1")
    assert no_board.code == 2
    assert "--board" in no_board.stderr and "wallet config set board" in no_board.stderr
    for label in ("ada", "bob"):
        assert _run(home, "did", "create", "--label", label).code == 0
    board = tmp_path / "board.sqlite"
    no_as = _run(home, "trustee", "keygen", "e1", "--board", board)
    assert no_as.code == 2
    assert "--as" in no_as.stderr and "wallet config set as" in no_as.stderr
