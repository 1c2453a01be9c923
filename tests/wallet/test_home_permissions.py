"""Tests privacy at rest (issue 14, finding 11): the wallet home is 0700 and `wallet.db`,
with its `-wal` and `-shm` files, 0600, whatever existed before."""

from __future__ import annotations

import stat
from pathlib import Path

from wallet._db import Database
from wallet._home import (
    CONFIG_NAME,
    DB_NAME,
    Config,
    Home,
    new_wallet_id,
    prepare_empty_home,
    write_config,
)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_init_into_an_existing_open_directory_closes_it(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    home.chmod(0o755)
    prepare_empty_home(home)
    assert mode(home) == 0o700


def test_a_new_database_and_its_journals_are_private(tmp_path: Path) -> None:
    home = tmp_path / "home"
    prepare_empty_home(home)
    with Database(home / DB_NAME, create=True):
        for name in (DB_NAME, f"{DB_NAME}-wal", f"{DB_NAME}-shm"):
            assert (home / name).exists(), name
            assert mode(home / name) == 0o600, name


def test_an_open_database_left_readable_by_others_is_closed_again(tmp_path: Path) -> None:
    # A database restored from a backup, or copied in by hand, may be readable by all; so
    # may journals an earlier process left behind.
    home = tmp_path / "home"
    prepare_empty_home(home)
    Database(home / DB_NAME, create=True).close()
    (home / DB_NAME).chmod(0o644)
    for name in (f"{DB_NAME}-wal", f"{DB_NAME}-shm"):
        (home / name).touch()
        (home / name).chmod(0o666)
    with Database(home / DB_NAME):
        for name in (DB_NAME, f"{DB_NAME}-wal", f"{DB_NAME}-shm"):
            assert mode(home / name) == 0o600, name


def test_opening_a_home_left_open_closes_it(tmp_path: Path) -> None:
    home = tmp_path / "home"
    prepare_empty_home(home)
    write_config(home, Config(wallet_id=new_wallet_id(lambda size: bytes(size)), keystore="file"))
    home.chmod(0o755)
    Home.open(home)
    assert mode(home) == 0o700
    assert mode(home / CONFIG_NAME) == 0o600
