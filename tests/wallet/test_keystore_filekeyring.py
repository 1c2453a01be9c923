"""Tests the sealed-file keyring against keyring's own backend contract."""

from __future__ import annotations

from pathlib import Path

import keyring.backend
import pytest
from keyring.testing.backend import BackendBasicTests

from tests.wallet.conftest import CHEAP, TEST_PASSPHRASE
from wallet.keystore import FileKeyring, Passphrase, SealedFile


class TestFileKeyringContract(BackendBasicTests):
    """keyring's `BackendBasicTests`, run against a fresh sealed file per test."""

    @pytest.fixture(autouse=True)
    def _init_properties(self, request: pytest.FixtureRequest, tmp_path: Path) -> None:
        # The base class builds its keyring here with no arguments; this override only adds
        # the per-test directory the sealed file needs.
        self.directory = tmp_path
        self.keyring = self.init_keyring()
        self.credentials_created: set[tuple[str, str]] = set()
        request.addfinalizer(self.cleanup)

    def init_keyring(self) -> FileKeyring:
        sealed = SealedFile(self.directory / "keyring.sealed", Passphrase(TEST_PASSPHRASE), **CHEAP)
        return FileKeyring(sealed)

    def test_entries_survive_reopening(self) -> None:
        self.set_password("service", "user", "pässwörd")  # type: ignore[no-untyped-call]
        reopened = self.init_keyring()
        assert reopened.get_password("service", "user") == "pässwörd"
        assert reopened.get_credential("service", None) is not None


def test_file_keyring_is_never_chosen_by_keyring() -> None:
    assert not FileKeyring.viable
    viable = keyring.backend.get_all_keyring()
    assert not any(isinstance(ring, FileKeyring) for ring in viable)
