"""End-to-end tests of `wallet init` and `wallet did …` through the real command line."""

from __future__ import annotations

import base64
import json
import re
from pathlib import Path

import pytest

from did import b58encode
from tests.wallet.cli_helpers import file_env, wallet, wallet_process
from wallet.keystore import OsKeystore, open_native
from wallet.services import Environment, Wallet, signing_key

DID_KEY = re.compile(r"^did:key:z6Mk[1-9A-HJ-NP-Za-km-z]{44}$")


def test_create_and_resolve_a_did_key(tmp_path: Path) -> None:
    env = file_env()
    home = tmp_path / "h"
    assert wallet("init", "--home", home, "--keystore", "file", env=env).code == 0
    created = wallet("did", "create", "--home", home, env=env)
    assert created.code == 0, created.stderr
    did = created.stdout.strip()
    assert DID_KEY.match(did)

    resolved = wallet("did", "resolve", did, env=env)
    assert resolved.code == 0
    document = json.loads(resolved.stdout)
    assert document["id"] == did
    assert document["verificationMethod"][0]["publicKeyMultibase"] == did.split(":")[2]

    result = wallet("did", "resolve", did, "--json", env=env).json()
    assert result["didDocument"]["id"] == did
    assert result["didResolutionMetadata"].get("error") is None


def test_no_dbus_falls_back_to_the_file_keystore_with_a_notice(tmp_path: Path) -> None:
    env = file_env()
    home = tmp_path / "h"
    # No D-Bus session in a real process: the `auto` keystore falls back to the file.
    init = wallet_process("init", "--home", home, env=env)
    assert init.code == 0
    notices = [line for line in init.stderr.splitlines() if line.startswith("keystore:")]
    assert len(notices) == 1 and "encrypted file" in notices[0]
    assert 'keystore = "file"' in (home / "config.toml").read_text()
    created = wallet("did", "create", "--home", home, "--json", env=env)
    assert DID_KEY.match(created.json()["did"])


def test_without_passphrase_or_terminal_exit_3_naming_the_variable(tmp_path: Path) -> None:
    env = file_env()
    del env["WALLET_PASSPHRASE"]
    run = wallet_process("init", "--home", tmp_path / "h", env=env)
    assert run.code == 3
    assert "WALLET_PASSPHRASE" in run.stderr


def test_wrong_passphrase_is_exit_3_and_changes_nothing(tmp_path: Path) -> None:
    home = tmp_path / "h"
    wallet("init", "--home", home, "--keystore", "file", env=file_env())
    wallet("did", "create", "--home", home, env=file_env())
    before = (home / "keystore.sealed").read_bytes()
    run = wallet("did", "create", "--home", home, env=file_env(WALLET_PASSPHRASE="wrong"))
    assert run.code == 3
    assert "passphrase" in run.stderr
    assert (home / "keystore.sealed").read_bytes() == before
    assert len(wallet("did", "list", "--home", home, "--json", env=file_env()).json()) == 1


def test_init_refuses_to_clobber_a_wallet(tmp_path: Path) -> None:
    home = tmp_path / "h"
    assert wallet("init", "--home", home, "--keystore", "file", env=file_env()).code == 0
    config = (home / "config.toml").read_bytes()
    again = wallet("init", "--home", home, "--keystore", "file", env=file_env())
    assert again.code == 3
    assert "already exists" in again.stderr
    assert (home / "config.toml").read_bytes() == config


def test_labels_list_show_and_did_jwk(tmp_path: Path) -> None:
    env = file_env(WALLET_HOME=str(tmp_path / "h"))
    wallet("init", "--keystore", "file", env=env)
    alice = wallet("did", "create", "--label", "alice", "--json", env=env).json()
    jwk = wallet("did", "create", "--method", "jwk", "--json", env=env).json()
    assert jwk["did"].startswith("did:jwk:")
    listed = wallet("did", "list", "--json", env=env).json()
    assert [item["did"] for item in listed] == [alice["did"], jwk["did"]]
    assert wallet("did", "list", env=env).stdout.splitlines()[0] == f"{alice['did']}  (alice)"
    shown = wallet("did", "show", "alice", env=env).json()
    assert shown["id"] == alice["did"]
    duplicate = wallet("did", "create", "--label", "alice", env=env)
    assert duplicate.code == 2 and "already used" in duplicate.stderr
    missing = wallet("did", "show", "bob", env=env)
    assert missing.code == 1 and "no identity 'bob'" in missing.stderr


@pytest.mark.parametrize(
    ("did", "error"),
    [
        ("did:key:z6MkNOTBASE58000", "invalidDid"),
        ("not-a-did", "invalidDid"),
        ("did:example:123", "methodNotSupported"),
    ],
)
def test_resolve_errors_are_exit_1_with_the_w3c_error(did: str, error: str) -> None:
    run = wallet("did", "resolve", did, "--json", env=file_env())
    assert run.code == 1
    metadata = run.json()["didResolutionMetadata"]
    assert error in json.dumps(metadata)
    assert error in run.stderr


def test_commands_without_a_wallet_exit_3(tmp_path: Path) -> None:
    run = wallet("did", "list", "--home", tmp_path / "none", env=file_env())
    assert run.code == 3
    assert "wallet init" in run.stderr


def test_usage_errors_exit_2(tmp_path: Path) -> None:
    assert wallet("did", "create", "--bogus", env=file_env()).code == 2
    home = tmp_path / "h"
    wallet("init", "--home", home, "--keystore", "file", env=file_env())
    assert wallet("did", "create", "--home", home, "--method", "web", env=file_env()).code == 2


def _encodings(secret: bytes) -> dict[str, bytes]:
    return {
        "raw": secret,
        "hex": secret.hex().encode(),
        "base64": base64.b64encode(secret).rstrip(b"="),
        "base64url": base64.urlsafe_b64encode(secret).rstrip(b"="),
        "base58": b58encode(secret).encode(),
    }


def assert_secret_nowhere(home: Path, secrets: list[bytes]) -> None:
    files = [path for path in home.rglob("*") if path.is_file()]
    assert files, "the wallet home is empty"
    for path in files:
        data = path.read_bytes()
        for secret in secrets:
            for name, encoded in _encodings(secret).items():
                assert encoded not in data, f"{name} key material found in {path.name}"


@pytest.mark.secret_service
def test_os_keystore_holds_the_key_and_no_file_does(tmp_path: Path, secret_service: None) -> None:
    import os

    home = tmp_path / "h"
    env = {k: v for k, v in os.environ.items() if not k.startswith("WALLET_")}
    init = wallet("init", "--home", home, "--json", env=env)
    assert init.json()["keystore"] == "os"
    did = wallet("did", "create", "--home", home, env=env).stdout.strip()
    with Wallet.open(home, Environment(environ={})) as opened:
        row, key = signing_key(opened, did)
        store = opened.keystore
        assert isinstance(store, OsKeystore)
        wallet_id = opened.home.config.wallet_id
    # The seed sits in the Secret Service itself, read back past the wallet's own code.
    native = open_native()
    stored = native.get_password(f"ssi-wallet/{wallet_id}", row.key_id)
    assert stored is not None and base64.b64decode(stored) == key.seed
    assert_secret_nowhere(home, [key.seed, key.seed + key.public_key])


def test_file_keystore_never_holds_key_material_in_clear(tmp_path: Path) -> None:
    home = tmp_path / "h"
    wallet("init", "--home", home, "--keystore", "file", env=file_env())
    did = wallet("did", "create", "--home", home, env=file_env()).stdout.strip()
    with Wallet.open(home, Environment(environ=file_env())) as opened:
        _, key = signing_key(opened, did)
    assert_secret_nowhere(home, [key.seed, key.seed + key.public_key])
