"""Tests that P-256 keys live in both keystores exactly as Ed25519 keys do."""

from __future__ import annotations

from pathlib import Path

import pytest

from did import Ed25519Key, P256Key, load_signing_key, verify_signature
from tests.wallet.conftest import CHEAP, TEST_PASSPHRASE
from wallet.keystore import FileKeystore, Keystore, OsKeystore, Passphrase, open_native

P256 = P256Key.from_private_bytes(bytes(31) + b"\x07")
ED25519 = Ed25519Key.from_seed(bytes(range(32)))


def store_both(store: Keystore) -> None:
    # The wallet names keys by type, so a stored secret says which key it rebuilds.
    store.put("p256-0001", P256.private_bytes)
    store.put("ed25519-0001", ED25519.seed)


def check_both(store: Keystore) -> None:
    for key_id, original in (("p256-0001", P256), ("ed25519-0001", ED25519)):
        secret = store.get(key_id)
        assert secret is not None
        key = load_signing_key("P-256" if key_id.startswith("p256-") else "Ed25519", secret)
        assert key.public_key == original.public_key
        verify_signature(key.key_type, original.public_key, b"m", key.sign(b"m"))
    assert store.ids() == ["ed25519-0001", "p256-0001"]


def test_file_keystore_holds_p256_keys(tmp_path: Path) -> None:
    path = tmp_path / "keystore.sealed"
    first = FileKeystore(path, wallet_id="w", passphrase=Passphrase(TEST_PASSPHRASE), **CHEAP)
    store_both(first)
    # A new process opening the sealed file finds the same keys.
    again = FileKeystore(path, wallet_id="w", passphrase=Passphrase(TEST_PASSPHRASE), **CHEAP)
    check_both(again)
    assert P256.private_bytes not in path.read_bytes()


@pytest.mark.secret_service
def test_os_keystore_holds_p256_keys(os_keystore: OsKeystore) -> None:
    store_both(os_keystore)
    wallet_id = os_keystore.service.removeprefix("ssi-wallet/")
    check_both(OsKeystore(open_native(), wallet_id=wallet_id))
