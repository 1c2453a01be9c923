"""Provides keystore fixtures: cheap Argon2id costs, and access to a real Secret Service.

The Secret Service tests write to the session's keyring, so they run only inside
`scripts/with-secret-service` (which exports SSI_SECRET_SERVICE=1 for a throwaway keyring).
Elsewhere they skip, saying why; with SSI_REQUIRE_SECRET_SERVICE=1 (as in CI) they fail.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import TypedDict

import pytest
from nacl.pwhash import argon2id

from wallet.errors import KeystoreLocked, KeystoreUnavailable
from wallet.keystore import OsKeystore, Passphrase, SealedFile, open_native


class Costs(TypedDict):
    """Argon2id cost keyword arguments of the file keystore."""

    opslimit: int
    memlimit: int


#: Argon2id costs for tests: the minimum libsodium allows, so each unlock takes microseconds.
CHEAP: Costs = {"opslimit": argon2id.OPSLIMIT_MIN, "memlimit": argon2id.MEMLIMIT_MIN}

TEST_PASSPHRASE = "correct horse battery staple"


@pytest.fixture
def sealed(tmp_path: Path) -> SealedFile:
    """A sealed file (not yet created) in a private directory, with cheap costs."""
    return SealedFile(tmp_path / "keystore.sealed", Passphrase(TEST_PASSPHRASE), **CHEAP)


def _secret_service_problem() -> str | None:
    """Return why the Secret Service tests cannot run here, or None when they can."""
    if os.environ.get("SSI_SECRET_SERVICE") != "1":
        return (
            "not inside scripts/with-secret-service (these tests write to the session "
            "keyring, so they only run against the throwaway one it starts)"
        )
    try:
        open_native()
    except (KeystoreUnavailable, KeystoreLocked) as exc:
        return f"the Secret Service does not answer: {exc}"
    return None


@pytest.fixture(scope="session")
def secret_service() -> None:
    """Skip (or, with SSI_REQUIRE_SECRET_SERVICE=1, fail) unless a Secret Service answers."""
    problem = _secret_service_problem()
    if problem is None:
        return
    if os.environ.get("SSI_REQUIRE_SECRET_SERVICE") == "1":
        pytest.fail(f"SSI_REQUIRE_SECRET_SERVICE=1 but {problem}", pytrace=False)
    pytest.skip(problem)


@pytest.fixture
def wallet_id() -> str:
    """A wallet id no other test uses."""
    return f"test-{uuid.uuid4().hex}"


@pytest.fixture
def os_keystore(secret_service: None, wallet_id: str) -> Iterator[OsKeystore]:
    """A keystore in the real Secret Service, emptied again after the test."""
    store = OsKeystore(open_native(), wallet_id=wallet_id)
    yield store
    for key_id in store.ids():
        store.delete(key_id)
