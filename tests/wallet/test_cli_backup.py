"""End-to-end tests of `wallet backup` and `wallet keystore` through the real command line."""

from __future__ import annotations

from pathlib import Path

from tests.wallet.cli_helpers import file_env, wallet, wallet_process
from wallet.services import Environment, Wallet, signing_key

BACKUP_PASS = "backup passphrase"


def _wallet_with_two_dids(home: Path) -> list[str]:
    env = file_env()
    assert wallet("init", "--home", home, "--keystore", "file", env=env).code == 0
    return [
        wallet("did", "create", "--home", home, "--label", label, env=env).stdout.strip()
        for label in ("alice", "work")
    ]


def test_export_then_import_restores_keys_and_identities(tmp_path: Path) -> None:
    dids = _wallet_with_two_dids(tmp_path / "a")
    backup = tmp_path / "wallet.backup"
    env = file_env(WALLET_BACKUP_PASSPHRASE=BACKUP_PASS)
    exported = wallet("backup", "export", backup, "--home", tmp_path / "a", "--json", env=env)
    assert exported.code == 0, exported.stderr
    assert exported.json()["identities"] == 2
    restore_env = file_env(WALLET_BACKUP_PASSPHRASE=BACKUP_PASS, WALLET_PASSPHRASE="new one")
    restored = wallet(
        "backup", "import", backup, "--home", tmp_path / "b", "--keystore", "file", env=restore_env
    )
    assert restored.code == 0, restored.stderr
    listed = wallet("did", "list", "--home", tmp_path / "b", "--json", env=restore_env).json()
    assert [item["did"] for item in listed] == dids
    with (
        Wallet.open(tmp_path / "a", Environment(environ=file_env())) as old,
        Wallet.open(tmp_path / "b", Environment(environ=restore_env)) as new,
    ):
        for did in dids:
            assert signing_key(old, did)[1].seed == signing_key(new, did)[1].seed
        assert old.data_key() == new.data_key()
        assert old.home.config.wallet_id != new.home.config.wallet_id


def test_wrong_passphrase_or_tampering_writes_nothing(tmp_path: Path) -> None:
    _wallet_with_two_dids(tmp_path / "a")
    backup = tmp_path / "wallet.backup"
    env = file_env(WALLET_BACKUP_PASSPHRASE=BACKUP_PASS)
    wallet("backup", "export", backup, "--home", tmp_path / "a", env=env)
    target = tmp_path / "b"

    wrong = wallet(
        "backup",
        "import",
        backup,
        "--home",
        target,
        env=file_env(WALLET_BACKUP_PASSPHRASE="not it"),
    )
    assert wrong.code == 3 and "passphrase" in wrong.stderr
    assert not target.exists()

    data = bytearray(backup.read_bytes())
    data[len(data) // 2] ^= 0x01
    backup.write_bytes(bytes(data))
    tampered = wallet("backup", "import", backup, "--home", target, env=env)
    assert tampered.code == 3
    assert not target.exists()


def test_import_refuses_a_home_that_holds_a_wallet(tmp_path: Path) -> None:
    _wallet_with_two_dids(tmp_path / "a")
    backup = tmp_path / "wallet.backup"
    env = file_env(WALLET_BACKUP_PASSPHRASE=BACKUP_PASS)
    wallet("backup", "export", backup, "--home", tmp_path / "a", env=env)
    before = (tmp_path / "a" / "wallet.db").read_bytes()
    run = wallet("backup", "import", backup, "--home", tmp_path / "a", env=env)
    assert run.code == 3 and "already exists" in run.stderr
    assert (tmp_path / "a" / "wallet.db").read_bytes() == before
    again = wallet("backup", "export", backup, "--home", tmp_path / "a", env=env)
    assert again.code == 2 and "exists already" in again.stderr


def test_keystore_info_and_rekey(tmp_path: Path) -> None:
    home = tmp_path / "h"
    _wallet_with_two_dids(home)
    info = wallet("keystore", "info", "--home", home, "--json", env=file_env()).json()
    assert info["kind"] == "file"
    assert info["entries"] == 3  # two identity keys and the data key
    rekeyed = wallet("keystore", "rekey", "--home", home, env=file_env(WALLET_NEW_PASSPHRASE="n2"))
    assert rekeyed.code == 0, rekeyed.stderr
    old = wallet("did", "list", "--home", home, env=file_env())
    assert old.code == 0  # listing needs no passphrase at all
    assert wallet("did", "create", "--home", home, env=file_env()).code == 3
    assert wallet("did", "create", "--home", home, env=file_env(WALLET_PASSPHRASE="n2")).code == 0


def test_a_damaged_backup_on_stdin_is_named_as_stdin(tmp_path: Path) -> None:
    # Read from stdin, the backup is staged in a private temporary file whose path the
    # user never saw: the error names `-` instead.
    env = file_env(WALLET_BACKUP_PASSPHRASE=BACKUP_PASS)
    run = wallet_process("backup", "import", "-", "--home", tmp_path / "b", env=env,
                         stdin="not a backup")  # fmt: skip
    assert run.code == 3, run.stderr
    assert "- (stdin) is truncated" in run.stderr and "wallet-backup-" not in run.stderr
    assert not (tmp_path / "b").exists()
