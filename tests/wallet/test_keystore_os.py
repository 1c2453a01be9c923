"""Tests the OS-keyring backend: against a real Secret Service, test doubles, and no D-Bus."""

from __future__ import annotations

import base64
import contextlib
import json
import os
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest
from keyring.backend import KeyringBackend
from keyring.compat import properties
from keyring.errors import KeyringLocked, PasswordDeleteError

from wallet.errors import KeystoreLocked, KeystoreUnavailable, NotFound, UsageError
from wallet.keystore import (
    INDEX_ID,
    OsKeystore,
    Passphrase,
    choose_backend,
    native_backend_class,
    open_keystore,
    open_native,
)

ROOT = Path(__file__).resolve().parents[2]
SEED = bytes(range(32))

# -- test doubles: native backends that work, refuse, or break -------------------------------


class MemoryKeyring(KeyringBackend):
    """A viable in-memory native backend."""

    name = "Memory test keyring"
    priority = 1.0

    def __init__(self) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self.items: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.items.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.items[service, username] = password

    def delete_password(self, service: str, username: str) -> None:
        if self.items.pop((service, username), None) is None:
            raise PasswordDeleteError("absent")


class UnviableKeyring(MemoryKeyring):
    """A backend whose priority check fails, as keyring's do without their platform."""

    @properties.classproperty
    def priority(cls) -> float:
        raise RuntimeError("no such platform service")


class ZeroPriorityKeyring(MemoryKeyring):
    priority = 0.0


class LockedKeyring(MemoryKeyring):
    def get_password(self, service: str, username: str) -> str | None:
        raise KeyringLocked("Failed to unlock the collection!")


class BrokenKeyring(MemoryKeyring):
    """Answers the probe, then fails writes with a message that echoes what it was given."""

    def set_password(self, service: str, username: str, password: str) -> None:
        raise ConnectionError(f"socket closed while sending {password}")


def test_round_trip_and_index_with_a_viable_backend() -> None:
    store = open_keystore(
        "os", wallet_id="w", home=Path(), passphrase=Passphrase("unused"), native=MemoryKeyring
    )
    assert isinstance(store, OsKeystore)
    store.put("b", SEED)
    store.put("a", b"\x01" * 32)
    store.put("b", b"\x02" * 32)
    assert store.get("b") == b"\x02" * 32
    assert store.ids() == ["a", "b"]
    items = store.backend.items  # type: ignore[attr-defined]
    assert json.loads(items["ssi-wallet/w", INDEX_ID]) == ["a", "b"]
    assert items["ssi-wallet/w", "a"] == base64.b64encode(b"\x01" * 32).decode()
    store.delete("a")
    assert store.ids() == ["b"]
    with pytest.raises(NotFound):
        store.delete("a")
    store.delete("b")
    assert store.ids() == []
    assert ("ssi-wallet/w", INDEX_ID) not in items
    assert store.info().to_json() == {
        "kind": "os",
        "backend": "Memory test keyring",
        "service": "ssi-wallet/w",
        "entries": 0,
        "path": None,
    }


def test_key_ids_are_checked() -> None:
    store = OsKeystore(MemoryKeyring(), wallet_id="w")
    for bad in ("", INDEX_ID, "tab\there", "x" * 201):
        with pytest.raises(UsageError):
            store.put(bad, SEED)
    with pytest.raises(UsageError):
        store.put("ok", b"")
    with pytest.raises(UsageError):
        OsKeystore(MemoryKeyring(), wallet_id="")


@pytest.mark.parametrize("backend", [UnviableKeyring, ZeroPriorityKeyring])
def test_unviable_backend_is_unavailable_and_auto_picks_file(
    backend: type[KeyringBackend], tmp_path: Path
) -> None:
    with pytest.raises(KeystoreUnavailable, match="not available"):
        open_native(backend)
    choice = choose_backend(home=tmp_path, native=backend)
    assert choice.kind == "file"
    assert str(tmp_path / "keystore.sealed") in choice.notice
    assert "\n" not in choice.notice


def test_auto_picks_os_when_the_backend_answers(tmp_path: Path) -> None:
    choice = choose_backend(home=tmp_path, native=MemoryKeyring)
    assert choice.kind == "os"
    assert choice.notice == "keystore: using the OS keyring (Memory test keyring)"


def test_locked_backend_is_locked() -> None:
    with pytest.raises(KeystoreLocked, match="locked"):
        open_native(LockedKeyring)


def test_backend_failure_is_translated_without_the_secret() -> None:
    store = OsKeystore(BrokenKeyring(), wallet_id="w")
    with pytest.raises(KeystoreUnavailable) as caught:
        store.put("k", SEED)
    assert base64.b64encode(SEED).decode() not in str(caught.value)
    assert "<redacted>" in str(caught.value)
    assert caught.value.__cause__ is None and caught.value.__suppress_context__


def test_native_backend_is_named_explicitly() -> None:
    assert native_backend_class("linux").__module__ == "keyring.backends.SecretService"
    assert native_backend_class("freebsd13").__module__ == "keyring.backends.SecretService"
    assert native_backend_class("darwin").__module__ == "keyring.backends.macOS"
    assert native_backend_class("win32").__name__ == "WinVaultKeyring"


def test_unknown_kind_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(UsageError):
        open_keystore("cloud", wallet_id="w", home=tmp_path, passphrase=Passphrase("p"))  # type: ignore[arg-type]


# -- no D-Bus at all: a subprocess with a scrubbed environment ------------------------------

NO_DBUS_PROBE = textwrap.dedent(
    """
    import json, sys
    from pathlib import Path
    from wallet.errors import KeystoreUnavailable
    from wallet.keystore import Passphrase, choose_backend, open_keystore

    home = Path(sys.argv[1])
    choice = choose_backend(home=home)
    try:
        open_keystore("os", wallet_id="w", home=home, passphrase=Passphrase("p"))
        recorded = "opened"
    except KeystoreUnavailable as exc:
        recorded = f"unavailable: {exc}"
    print(json.dumps({"kind": choice.kind, "notice": choice.notice, "recorded": recorded}))
    """
)


@pytest.mark.parametrize(
    "bus", [None, "unix:path=/nonexistent/ssi-wallet-test-bus"], ids=["unset", "nowhere"]
)
def test_without_dbus_auto_picks_file(bus: str | None, tmp_path: Path) -> None:
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("DBUS_", "GNOME_KEYRING", "KEYRING_"))
    }
    env["PYTHONPATH"] = str(ROOT)
    if bus is not None:
        env["DBUS_SESSION_BUS_ADDRESS"] = bus
    result = subprocess.run(
        [sys.executable, "-c", NO_DBUS_PROBE, str(tmp_path)],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    outcome = json.loads(result.stdout)
    assert outcome["kind"] == "file"
    assert outcome["notice"].startswith("keystore: no working OS keyring")
    assert str(tmp_path / "keystore.sealed") in outcome["notice"]
    # A wallet that recorded `os` gets an error, never a silent switch to the file.
    assert outcome["recorded"].startswith("unavailable: SecretService Keyring")
    assert "Traceback" not in result.stderr


# -- the real Secret Service -----------------------------------------------------------------


@pytest.mark.secret_service
def test_real_round_trip(os_keystore: OsKeystore) -> None:
    assert os_keystore.get("did-key-1") is None
    os_keystore.put("did-key-1", SEED)
    os_keystore.put("data-key", b"\xff" * 32)
    reopened = OsKeystore(open_native(), wallet_id=os_keystore.service.removeprefix("ssi-wallet/"))
    assert reopened.get("did-key-1") == SEED
    assert reopened.ids() == ["data-key", "did-key-1"]
    info = reopened.info()
    assert (info.kind, info.backend, info.entries) == ("os", "SecretService Keyring", 2)
    reopened.delete("data-key")
    assert os_keystore.get("data-key") is None
    assert os_keystore.ids() == ["did-key-1"]
    with pytest.raises(NotFound):
        os_keystore.delete("data-key")


@pytest.mark.secret_service
def test_real_wallets_do_not_see_each_other(secret_service: None) -> None:
    first = OsKeystore(open_native(), wallet_id="isolation-a")
    second = OsKeystore(open_native(), wallet_id="isolation-b")
    try:
        first.put("shared-name", b"\x0a" * 32)
        second.put("shared-name", b"\x0b" * 32)
        second.put("only-b", b"\x0c" * 32)
        assert first.get("shared-name") == b"\x0a" * 32
        assert second.get("shared-name") == b"\x0b" * 32
        assert first.get("only-b") is None
        assert first.ids() == ["shared-name"]
        assert second.ids() == ["only-b", "shared-name"]
    finally:
        for store in (first, second):
            for key_id in store.ids():
                store.delete(key_id)


@pytest.mark.secret_service
def test_real_secret_is_in_the_collection(os_keystore: OsKeystore) -> None:
    os_keystore.put("did-key-1", SEED)
    looked_up = subprocess.run(
        ["secret-tool", "lookup", "service", os_keystore.service, "username", "did-key-1"],
        capture_output=True,
        text=True,
        timeout=30,
        check=True,
    ).stdout
    assert base64.b64decode(looked_up) == SEED
    index = subprocess.run(
        ["secret-tool", "lookup", "service", os_keystore.service, "username", INDEX_ID],
        capture_output=True,
        text=True,
        timeout=30,
        check=True,
    ).stdout
    assert json.loads(index) == ["did-key-1"]


@pytest.mark.secret_service
def test_real_items_are_in_the_default_collection(os_keystore: OsKeystore) -> None:
    import secretstorage

    os_keystore.put("seed", SEED)
    with contextlib.closing(secretstorage.dbus_init()) as connection:
        collection = secretstorage.get_default_collection(connection)
        items = list(collection.search_items({"service": os_keystore.service, "username": "seed"}))
        assert len(items) == 1
        assert base64.b64decode(items[0].get_secret()) == SEED


@pytest.mark.secret_service
def test_real_auto_picks_os(secret_service: None, tmp_path: Path) -> None:
    choice = choose_backend(home=tmp_path)
    assert choice.kind == "os"
    assert choice.notice == "keystore: using the OS keyring (SecretService Keyring)"


@pytest.fixture
def locked_collection(secret_service: None, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A second collection, created with a known password and then locked.

    keyring's Secret Service backend uses it through KEYRING_PROPERTY_PREFERRED_COLLECTION.
    gnome-keyring's internal interface creates and unlocks it without a prompt.
    """
    import secretstorage
    from secretstorage.util import DBusAddressWrapper, format_secret, open_session

    password = b"locked-collection-password"
    with contextlib.closing(secretstorage.dbus_init()) as connection:
        internal = DBusAddressWrapper(
            "/org/freedesktop/secrets",
            "org.gnome.keyring.InternalUnsupportedGuiltRiddenInterface",
            connection,
        )
        session = open_session(connection)
        (path,) = internal.call(
            "CreateWithMasterPassword",
            "a{sv}(oayays)",
            {"org.freedesktop.Secret.Collection.Label": ("s", "ssi-wallet locked test")},
            format_secret(session, password, "text/plain"),
        )
        secretstorage.Collection(connection, path).lock()
    monkeypatch.setenv("KEYRING_PROPERTY_PREFERRED_COLLECTION", path)
    yield path
    with contextlib.closing(secretstorage.dbus_init()) as connection:
        internal = DBusAddressWrapper(
            "/org/freedesktop/secrets",
            "org.gnome.keyring.InternalUnsupportedGuiltRiddenInterface",
            connection,
        )
        session = open_session(connection)
        internal.call(
            "UnlockWithMasterPassword",
            "o(oayays)",
            path,
            format_secret(session, password, "text/plain"),
        )
        secretstorage.Collection(connection, path).delete()


@pytest.mark.secret_service
def test_real_locked_collection_is_locked(locked_collection: str, tmp_path: Path) -> None:
    with pytest.raises(KeystoreLocked, match="SecretService Keyring is locked"):
        open_keystore("os", wallet_id="w", home=tmp_path, passphrase=Passphrase("unused"))
    choice = choose_backend(home=tmp_path)
    assert choice.kind == "file"
    assert "is locked" in choice.notice
