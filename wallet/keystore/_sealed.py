"""Provides the sealed keystore file: one passphrase-encrypted map, replaced atomically.

File format, version 1 (all integers big-endian):

    offset  size  field
    0       8     magic b"SSIWKEYS"
    8       1     format version, 1
    9       1     key derivation, 1 = Argon2id v1.3 (libsodium crypto_pwhash)
    10      4     opslimit
    14      8     memlimit in bytes
    22      16    salt
    38      32    passphrase check: BLAKE2b-256 keyed with the derived key over b"check"
    70      16    header digest: BLAKE2b-128 of bytes 0..70
    86      ...   XSalsa20-Poly1305 box (24-byte nonce, ciphertext, 16-byte tag) keyed with
                  BLAKE2b-256 keyed with the derived key over b"box"

The box holds UTF-8 JSON `{"entries": {service: {username: password}}}`. The header digest
tells a damaged header (corrupted) from a wrong passphrase (locked); the check tells a wrong
passphrase from a damaged box. Neither weakens the passphrase: anyone holding the file can
already test a guess against the box.
"""

from __future__ import annotations

import hmac
import json
import os
import stat
import struct
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import nacl.exceptions
import nacl.hash
import nacl.secret
import nacl.utils
from nacl.encoding import RawEncoder
from nacl.pwhash import argon2id

from wallet.errors import (
    FileProblem,
    KeystoreCorrupted,
    KeystoreLocked,
    UsageError,
)
from wallet.keystore._atomic import locked, replace_atomically
from wallet.keystore._passphrase import Passphrase, PassphraseSource

Entries = dict[str, dict[str, str]]

MAGIC = b"SSIWKEYS"
FORMAT_VERSION = 1
KDF_ARGON2ID = 1
_HEADER = struct.Struct(">8sBBIQ16s32s")
_DIGEST_SIZE = 16
HEADER_SIZE = _HEADER.size + _DIGEST_SIZE
_BOX_OVERHEAD = nacl.secret.SecretBox.NONCE_SIZE + nacl.secret.SecretBox.MACBYTES

# Bounds on the cost parameters a file may ask for. The upper bounds keep a crafted header
# from making every unlock take minutes or exhaust memory; they sit well above libsodium's
# SENSITIVE presets, so raising the cost later stays possible.
OPSLIMIT_RANGE = (argon2id.OPSLIMIT_MIN, 16)
MEMLIMIT_RANGE = (argon2id.MEMLIMIT_MIN, 4 * 1024**3)


@dataclass(frozen=True)
class KdfParams:
    """The Argon2id cost parameters recorded in a keystore file's header."""

    opslimit: int
    memlimit: int

    def problem(self) -> str | None:
        """Return why these parameters are out of the accepted bounds, or None."""
        low, high = OPSLIMIT_RANGE
        if not low <= self.opslimit <= high:
            return f"opslimit {self.opslimit} out of range [{low}, {high}]"
        low, high = MEMLIMIT_RANGE
        if not low <= self.memlimit <= high:
            return f"memlimit {self.memlimit} out of range [{low}, {high}]"
        return None


class _Key:
    """Keys derived from the passphrase for one salt and parameter set; repr is redacted."""

    __slots__ = ("box", "check", "params", "salt")

    def __init__(self, passphrase: Passphrase, salt: bytes, params: KdfParams) -> None:
        material = argon2id.kdf(
            32, passphrase.reveal(), salt, opslimit=params.opslimit, memlimit=params.memlimit
        )
        self.box = nacl.hash.blake2b(b"box", digest_size=32, key=material, encoder=RawEncoder)
        self.check = nacl.hash.blake2b(b"check", digest_size=32, key=material, encoder=RawEncoder)
        self.salt = salt
        self.params = params

    def __repr__(self) -> str:
        return "_Key(<redacted>)"


class SealedFile:
    """One encrypted file holding a map of service → username → password.

    Reads need no lock: the file is only ever replaced whole. Writers take an exclusive lock
    on a sidecar `.lock` file and re-read under it, so concurrent writers lose nothing. The
    passphrase is asked for once, when the file is first opened or created, and the derived
    key is kept for the life of the object so one command pays for Argon2id once.
    """

    def __init__(
        self,
        path: Path,
        passphrase: PassphraseSource,
        *,
        opslimit: int = argon2id.OPSLIMIT_INTERACTIVE,
        memlimit: int = argon2id.MEMLIMIT_INTERACTIVE,
        randbytes: Callable[[int], bytes] = nacl.utils.random,
    ) -> None:
        self.path = Path(path)
        self.lock_path = self.path.with_name(self.path.name + ".lock")
        self._source = passphrase
        self._passphrase: Passphrase | None = None
        self._new_params = _checked_costs(opslimit, memlimit)
        self._randbytes = randbytes
        self._key: _Key | None = None

    def __repr__(self) -> str:
        return f"SealedFile({str(self.path)!r})"

    def exists(self) -> bool:
        """Return whether the keystore file exists."""
        return self.path.exists()

    def params(self) -> KdfParams | None:
        """Return the cost parameters recorded in the file, or None when there is no file."""
        blob = self._read_bytes()
        return None if blob is None else _parse_header(self.path, blob)[1]

    def read(self) -> Entries:
        """Return the whole map; an absent file is an empty map."""
        blob = self._read_bytes()
        return {} if blob is None else self._open(blob)

    def update(self, change: Callable[[Entries], None]) -> None:
        """Apply `change` to the current map and seal the result, under the writer lock.

        If `change` raises, or the current file cannot be opened, nothing is written.
        """
        self._passphrase_for(creating=not self.path.exists())
        with locked(self.lock_path):
            blob = self._read_bytes()
            entries = {} if blob is None else self._open(blob)
            change(entries)
            if blob is None or self._key is None:
                self._key = self._fresh_key(self._passphrase_for(creating=True), self._new_params)
            self._write(entries, self._key)

    def rekey(
        self,
        new: PassphraseSource,
        *,
        opslimit: int | None = None,
        memlimit: int | None = None,
    ) -> None:
        """Re-seal the map under a new passphrase and a fresh salt, optionally new costs.

        The current passphrase must open the file first; on any failure the file is left as
        it was.
        """
        with locked(self.lock_path):
            blob = self._read_bytes()
            entries = {} if blob is None else self._open(blob)
            passphrase = new(confirm=True)
            if passphrase.is_empty():
                raise KeystoreLocked("an empty passphrase cannot seal the keystore")
            current = self._key.params if self._key is not None else self._new_params
            params = _checked_costs(
                opslimit if opslimit is not None else current.opslimit,
                memlimit if memlimit is not None else current.memlimit,
            )
            key = self._fresh_key(passphrase, params)
            self._write(entries, key)
            self._passphrase, self._new_params, self._key = passphrase, params, key

    # -- reading ----------------------------------------------------------------------------

    def _read_bytes(self) -> bytes | None:
        """Return the file's bytes, refusing a file that others could read."""
        try:
            fd = os.open(self.path, os.O_RDONLY | getattr(os, "O_CLOEXEC", 0))
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise FileProblem(f"cannot open keystore file {self.path}: {exc.strerror}") from None
        try:
            # The checks use the opened descriptor, so a file swapped in between cannot slip by.
            info = os.fstat(fd)
            if not stat.S_ISREG(info.st_mode):
                raise KeystoreCorrupted(f"keystore file {self.path} is not a regular file")
            mode = stat.S_IMODE(info.st_mode)
            if os.name != "nt" and mode & 0o077:
                raise KeystoreCorrupted(
                    f"keystore file {self.path} is readable by others (mode {mode:04o}); "
                    f"run chmod 600 {self.path}"
                )
            with os.fdopen(fd, "rb", closefd=False) as handle:
                return handle.read()
        except OSError as exc:
            raise FileProblem(f"cannot read keystore file {self.path}: {exc.strerror}") from None
        finally:
            os.close(fd)

    def _open(self, blob: bytes) -> Entries:
        """Decrypt and parse a whole file, raising locked or corrupted as appropriate."""
        salt, params, check = _parse_header(self.path, blob)
        key = self._key_for(salt, params)
        if not hmac.compare_digest(key.check, check):
            raise KeystoreLocked(f"wrong passphrase for keystore file {self.path}")
        try:
            plain = nacl.secret.SecretBox(key.box).decrypt(blob[HEADER_SIZE:])
        except nacl.exceptions.CryptoError:
            raise KeystoreCorrupted(
                f"keystore file {self.path} failed authentication: it was modified or damaged"
            ) from None
        return _parse_entries(self.path, plain)

    def _key_for(self, salt: bytes, params: KdfParams) -> _Key:
        key = self._key
        if key is None or key.salt != salt or key.params != params:
            key = _Key(self._passphrase_for(creating=False), salt, params)
            self._key = key
        return key

    def _passphrase_for(self, *, creating: bool) -> Passphrase:
        if self._passphrase is None:
            passphrase = self._source(confirm=creating)
            if passphrase.is_empty():
                raise KeystoreLocked("an empty passphrase cannot open the keystore")
            self._passphrase = passphrase
        return self._passphrase

    # -- writing ----------------------------------------------------------------------------

    def _fresh_key(self, passphrase: Passphrase, params: KdfParams) -> _Key:
        """Derive the keys for a new file, or a re-keyed one, under a fresh random salt."""
        return _Key(passphrase, self._randbytes(argon2id.SALTBYTES), params)

    def _write(self, entries: Entries, key: _Key) -> None:
        """Seal `entries` under `key` with a fresh nonce and replace the file atomically."""
        plain = json.dumps({"entries": entries}, sort_keys=True, ensure_ascii=False)
        nonce = self._randbytes(nacl.secret.SecretBox.NONCE_SIZE)
        box = nacl.secret.SecretBox(key.box).encrypt(plain.encode("utf-8"), nonce)
        header = _HEADER.pack(
            MAGIC,
            FORMAT_VERSION,
            KDF_ARGON2ID,
            key.params.opslimit,
            key.params.memlimit,
            key.salt,
            key.check,
        )
        replace_atomically(self.path, header + _header_digest(header) + bytes(box))


def _checked_costs(opslimit: int, memlimit: int) -> KdfParams:
    """Return the Argon2id costs a caller asked for, raising `UsageError` when out of bounds."""
    params = KdfParams(opslimit, memlimit)
    problem = params.problem()
    if problem is not None:
        raise UsageError(f"keystore cost parameters rejected: {problem}")
    return params


def _header_digest(header: bytes) -> bytes:
    return nacl.hash.blake2b(header, digest_size=_DIGEST_SIZE, encoder=RawEncoder)


def _parse_header(path: Path, blob: bytes) -> tuple[bytes, KdfParams, bytes]:
    """Check the header's magic, digest, version and bounds; return salt, params and check."""
    if len(blob) < HEADER_SIZE + _BOX_OVERHEAD:
        raise KeystoreCorrupted(
            f"keystore file {path} is truncated ({len(blob)} bytes, want at least "
            f"{HEADER_SIZE + _BOX_OVERHEAD})"
        )
    header = blob[: _HEADER.size]
    if header[:8] != MAGIC:
        raise KeystoreCorrupted(f"{path} is not a keystore file (bad magic)")
    if not hmac.compare_digest(_header_digest(header), blob[_HEADER.size : HEADER_SIZE]):
        raise KeystoreCorrupted(f"keystore file {path} has a damaged header")
    _, version, kdf, opslimit, memlimit, salt, check = _HEADER.unpack(header)
    if version != FORMAT_VERSION:
        raise KeystoreCorrupted(
            f"keystore file {path} has format version {version}, want {FORMAT_VERSION}"
        )
    if kdf != KDF_ARGON2ID:
        raise KeystoreCorrupted(f"keystore file {path} names unknown key derivation {kdf}")
    params = KdfParams(opslimit, memlimit)
    problem = params.problem()
    if problem is not None:
        raise KeystoreCorrupted(f"keystore file {path} asks for {problem}")
    return salt, params, check


def _parse_entries(path: Path, plain: bytes) -> Entries:
    """Parse the decrypted map, checking its shape."""
    # The one strict reader (did.parse_json): a repeated member or nesting past its depth cap
    # is corruption, not a crash. Imported here, as only opening a file needs it.
    from did import parse_json
    from did.errors import DidError

    try:
        document = parse_json(plain)
    except DidError:
        raise KeystoreCorrupted(f"keystore file {path} holds no valid JSON map") from None
    entries = document.get("entries") if isinstance(document, dict) else None
    if not isinstance(entries, dict) or not all(
        isinstance(service, str)
        and isinstance(users, dict)
        and all(isinstance(u, str) and isinstance(p, str) for u, p in users.items())
        for service, users in entries.items()
    ):
        raise KeystoreCorrupted(f"keystore file {path} holds a map of the wrong shape")
    return entries
