"""Tests `wallet board init|serve|info` as a user runs them: real processes, a real port."""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from .cli_helpers import ROOT, file_env, wallet


def board_env(tmp_path: Path) -> dict[str, str]:
    return file_env(WALLET_BOARD_PASSPHRASE="board pass", WALLET_BOARD_KEYS=str(tmp_path / "k"))


def test_init_prints_the_verifier_key_and_info_reads_the_board(tmp_path: Path) -> None:
    env = board_env(tmp_path)
    store = tmp_path / "board.db"
    made = wallet("board", "init", "--store", store, "--name", "board.example", env=env)
    assert made.code == 0, made.stderr
    vkey = made.stdout.strip()
    assert vkey.startswith("board.example+")
    again = wallet("board", "init", "--store", store, env=env)
    assert again.code == 3 and "already exists" in again.stderr
    info = wallet("board", "info", store, "--json", env=env)
    assert info.code == 0, info.stderr
    assert info.json() == {
        "board": str(store),
        "name": "board.example",
        "vkey": vkey,
        "elections": [],
    }


def test_init_on_postgres(postgres_url: str, tmp_path: Path) -> None:
    env = board_env(tmp_path)
    made = wallet("board", "init", "--store", postgres_url, "--keystore", "file", env=env)
    assert made.code == 0, made.stderr
    assert "postgresql://" in made.stderr and "options" not in made.stderr
    info = wallet("board", "info", postgres_url, "--json", env=env)
    assert info.json()["vkey"] == made.stdout.strip()
    assert wallet("board", "init", "--store", postgres_url, env=env).code == 3


def test_serve_answers_until_sigterm(tmp_path: Path) -> None:
    env = board_env(tmp_path)
    store = tmp_path / "board.db"
    # The server runs in a subprocess without a D-Bus session, so the key must be in the file
    # keystore even where an OS keyring answers the in-process `init`.
    vkey = wallet("board", "init", "--store", store, "--keystore", "file", env=env).stdout.strip()
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "wallet",
            "board",
            "serve",
            "--store",
            str(store),
            "--listen",
            "127.0.0.1:0",
        ],
        cwd=ROOT,
        env=env,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert server.stderr is not None
    try:
        url = ""
        for line in server.stderr:  # uvicorn says where it listens once it does
            if "running on http://" in line.lower():
                url = line.split("running on ", 1)[1].split()[0]
                break
        assert url.startswith("http://127.0.0.1:")
        assert httpx.get(f"{url}/").json()["vkey"] == vkey
        info = wallet("board", "info", url, "--json", env=env)
        assert info.code == 0, info.stderr
        assert info.json()["elections"] == []
        refused = httpx.post(f"{url}/elections/e/entries", content=b"{}")
        assert refused.status_code == 415
    finally:
        server.send_signal(signal.SIGTERM)
        rest = server.communicate(timeout=30)[1]
    assert server.returncode == 0, rest
    assert "Traceback" not in rest
    assert "127.0.0.1:" not in rest.split("GET / ", 1)[-1].split("\n", 1)[0]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--listen", "0.0.0.0:8443"], "without TLS"),
        (["--listen", "127.0.0.1:8443", "--tls-cert", "c.pem"], "both --tls-cert"),
    ],
)
def test_serve_refuses_plain_http_beyond_loopback(
    tmp_path: Path, args: list[str], message: str
) -> None:
    env = board_env(tmp_path)
    store = tmp_path / "board.db"
    wallet("board", "init", "--store", store, env=env)
    refused = wallet("board", "serve", "--store", store, *args, env=env)
    assert refused.code == 2
    assert message in refused.stderr
