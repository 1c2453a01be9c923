"""Provides TUI fixtures: file-keystore wallets, and one seeded with identities from fixed seeds.

Identities normally get fresh random keys; the seeded wallet makes `Ed25519Key.generate` draw
from fixed seeds while `create_identity` runs, so DIDs (and so the snapshots) never change.
"""

from __future__ import annotations

import hashlib
import itertools
import os
import secrets
import threading
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

import did
from wallet.services import (
    Environment,
    Wallet,
    create_identity,
    import_credential,
    init_wallet,
    issue_credential,
)

PASSPHRASE = "tui test passphrase"
CREATED = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
#: The clock the TUI runs on in tests: a week after the credentials were issued.
NOW = CREATED + timedelta(days=7)
LATER = CREATED + timedelta(days=60)


def locked_env() -> Environment:
    """A service environment with no passphrase: the TUI has to ask for it."""
    return Environment(environ={})


def unlocked_env() -> Environment:
    """The passphrase given, on a clock that stands at the credentials' issue time."""
    return Environment(environ={"WALLET_PASSPHRASE": PASSPHRASE}, clock=lambda: CREATED)


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty wallet with a file keystore and a fixed data key.

    Held credentials' local ids are keyed with the data key, so fixing it (only while the
    wallet is made) keeps those ids, and the snapshots showing them, the same on every run.
    """
    path = tmp_path / "wallet"
    with monkeypatch.context() as patch:
        patch.setattr(os, "urandom", lambda size: bytes([7]) * size)
        init_wallet(path, unlocked_env(), keystore="file")
    return path


@pytest.fixture
def fixed_keys(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Make every new key come from seeds 0x01…, 0x02…, in order."""
    counter = iter(range(1, 256))
    original = did.Ed25519Key.generate.__func__  # type: ignore[attr-defined]

    def generate(cls: type[did.Ed25519Key], rng: object = None) -> did.Ed25519Key:
        seed = bytes([next(counter)]) * 32
        return original(cls, lambda size: seed[:size])  # type: ignore[no-any-return]

    monkeypatch.setattr(did.Ed25519Key, "generate", classmethod(generate))
    yield


class FixedRandomness:
    """A reproducible stand-in for the system's randomness: SHAKE-256 of a draw counter.

    The draws are numbered under a lock, so the bytes depend only on the order of the
    draws; the snapshot flows draw from one thread at a time, so that order is fixed.
    """

    def __init__(self) -> None:
        self._count = itertools.count()
        self._lock = threading.Lock()

    def __call__(self, size: int) -> bytes:
        with self._lock:
            number = next(self._count)
        return hashlib.shake_256(b"tui snapshot draw %d" % number).digest(size)


@pytest.fixture
def fixed_randomness(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Make every random draw of the services reproducible, for snapshots of random content.

    Keys, group scalars and encryption nonces come from `os.urandom`; wallet, board and
    ballot ids from `secrets`; credential ids from `uuid4`. All of them draw from one
    fixed stream while the test runs.
    """
    draw = FixedRandomness()
    monkeypatch.setattr(os, "urandom", draw)
    monkeypatch.setattr(secrets, "token_bytes", lambda n=None: draw(32 if n is None else n))
    monkeypatch.setattr(secrets, "token_hex", lambda n=None: draw(32 if n is None else n).hex())
    monkeypatch.setattr(uuid, "uuid4", lambda: uuid.UUID(bytes=draw(16), version=4))
    yield


@pytest.fixture
def seeded_home(home: Path, fixed_keys: None) -> Path:
    """A wallet holding three identities with fixed keys, labels and creation times."""
    with Wallet.open(home, unlocked_env()) as wallet:
        create_identity(wallet, label="personal")
        create_identity(wallet, label="work", method="jwk")
        create_identity(wallet, label="issuer")
    return home


def _identity_dids(home: Path) -> dict[str, str]:
    from wallet.services import list_identities

    with Wallet.open(home, unlocked_env()) as wallet:
        return {i.label or "": i.did for i in list_identities(wallet)}


@pytest.fixture
def credentials(seeded_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Credentials:
    """Files holding credentials the seeded wallet's "issuer" gave to its "personal" identity."""
    dids = _identity_dids(seeded_home)
    monkeypatch.setattr(uuid, "uuid4", lambda: uuid.UUID(int=42))
    files = Credentials(
        di=tmp_path / "degree.json",
        sd_jwt=tmp_path / "degree.sd-jwt",
        expired=tmp_path / "expired.json",
        holder=dids["personal"],
        issuer=dids["issuer"],
    )
    with Wallet.open(seeded_home, unlocked_env()) as wallet:
        for path, fmt, types, until in (
            (files.di, "di", ["UniversityDegreeCredential"], None),
            (files.sd_jwt, "sd-jwt", ["https://example.edu/degree"], None),
            (files.expired, "di", ["LibraryCard"], CREATED + timedelta(days=30)),
        ):
            document = issue_credential(
                wallet,
                issuer="issuer",
                subject=files.holder,
                types=types,
                claims={"name": "Alice Example", "degree": "BSc Physics"},
                now=CREATED,
                valid_until=until,
                fmt=fmt,
                disclosable=["name", "degree"] if fmt == "sd-jwt" else (),
            )
            path.write_text(document.text(), encoding="utf-8")
    return files


@dataclass(frozen=True)
class Credentials:
    di: Path
    sd_jwt: Path
    expired: Path
    holder: str
    issuer: str


@pytest.fixture
def holding_home(seeded_home: Path, credentials: Credentials) -> Path:
    """The seeded wallet holding the di degree credential (imported at a fixed time)."""
    with Wallet.open(seeded_home, unlocked_env()) as wallet:
        import_credential(wallet, credentials.di.read_text(encoding="utf-8"), now=CREATED)
    return seeded_home
