"""Provides the encrypted-file backend: a keyring adapter and the wallet's file keystore."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from keyring.backend import KeyringBackend
from keyring.compat import properties
from keyring.credentials import Credential, SimpleCredential
from keyring.errors import PasswordDeleteError
from nacl.pwhash import argon2id

from wallet.errors import NotFound
from wallet.keystore._passphrase import PassphraseSource
from wallet.keystore._sealed import Entries, SealedFile
from wallet.keystore._store import (
    KeystoreInfo,
    check_key_id,
    check_secret,
    decode_secret,
    encode_secret,
    service_name,
)

#: The keystore file's name inside the wallet home.
KEYSTORE_FILE = "keystore.sealed"


class FileKeyring(KeyringBackend):
    """A `keyring` backend that keeps every password in one sealed file.

    It needs a path and a passphrase, so keyring never picks it on its own: its priority
    raises, which keyring reads as "not viable".
    """

    name = "Sealed file (Argon2id, XSalsa20-Poly1305)"

    def __init__(self, sealed: SealedFile) -> None:
        # keyring's constructor applies KEYRING_PROPERTY_* settings; it is untyped upstream.
        super().__init__()  # type: ignore[no-untyped-call]
        self.sealed = sealed

    @properties.classproperty
    def priority(cls) -> float:
        raise RuntimeError("the sealed-file keyring is only used when a wallet asks for it")

    def __repr__(self) -> str:
        return f"FileKeyring({str(self.sealed.path)!r})"

    def get_password(self, service: str, username: str) -> str | None:
        return self.sealed.read().get(service, {}).get(username)

    def set_password(self, service: str, username: str, password: str) -> None:
        def change(entries: Entries) -> None:
            entries.setdefault(service, {})[username] = password

        self.sealed.update(change)

    def delete_password(self, service: str, username: str) -> None:
        def change(entries: Entries) -> None:
            users = entries.get(service, {})
            if username not in users:
                # Raising inside the change aborts the write, so a miss rewrites nothing.
                raise PasswordDeleteError(f"no password for {username!r} on {service!r}")
            del users[username]
            if not users:
                del entries[service]

        self.sealed.update(change)

    def get_credential(self, service: str, username: str | None) -> Credential | None:
        users = self.sealed.read().get(service, {})
        if username is None:
            # Without a username, keyring's contract allows any stored one; the first in
            # sorted order makes the answer stable.
            if not users:
                return None
            username = min(users)
        password = users.get(username)
        return None if password is None else SimpleCredential(username, password)

    def usernames(self, service: str) -> list[str]:
        """Return the usernames stored under `service`, sorted."""
        return sorted(self.sealed.read().get(service, {}))


class FileKeystore:
    """The wallet's keystore over a sealed file in the wallet home."""

    kind = "file"

    def __init__(
        self,
        path: Path,
        *,
        wallet_id: str,
        passphrase: PassphraseSource,
        opslimit: int = argon2id.OPSLIMIT_INTERACTIVE,
        memlimit: int = argon2id.MEMLIMIT_INTERACTIVE,
        randbytes: Callable[[int], bytes] | None = None,
    ) -> None:
        self.service = service_name(wallet_id)
        # `randbytes` draws the file's salts and nonces; the services pass their environment's.
        extra = {} if randbytes is None else {"randbytes": randbytes}
        self.sealed = SealedFile(path, passphrase, opslimit=opslimit, memlimit=memlimit, **extra)
        self.keyring = FileKeyring(self.sealed)

    @property
    def path(self) -> Path:
        """The keystore file."""
        return self.sealed.path

    def __repr__(self) -> str:
        return f"FileKeystore({str(self.path)!r}, service={self.service!r})"

    def get(self, key_id: str) -> bytes | None:
        check_key_id(key_id)
        text = self.keyring.get_password(self.service, key_id)
        return None if text is None else decode_secret(text, f"entry {key_id!r}")

    def put(self, key_id: str, secret: bytes) -> None:
        check_key_id(key_id)
        check_secret(secret)
        self.keyring.set_password(self.service, key_id, encode_secret(secret))

    def delete(self, key_id: str) -> None:
        check_key_id(key_id)
        try:
            self.keyring.delete_password(self.service, key_id)
        except PasswordDeleteError:
            raise NotFound(f"no key {key_id!r} in keystore file {self.path}") from None

    def ids(self) -> list[str]:
        return self.keyring.usernames(self.service)

    def rekey(
        self,
        new: PassphraseSource,
        *,
        opslimit: int | None = None,
        memlimit: int | None = None,
    ) -> None:
        """Re-seal the file under a new passphrase (and optionally new Argon2id costs)."""
        self.sealed.rekey(new, opslimit=opslimit, memlimit=memlimit)

    def info(self) -> KeystoreInfo:
        return KeystoreInfo(
            kind=self.kind,
            backend=FileKeyring.name,
            service=self.service,
            entries=len(self.ids()),
            path=self.path,
        )
