"""Provides wallets with identities ready for the credential tests, in-process and by CLI."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from tests.wallet.cli_helpers import Run, file_env, wallet
from wallet.services import Environment, Wallet, create_identity, init_wallet

#: A fixed clock for the in-process tests.
NOW = datetime(2025, 6, 1, 12, 0, 0, tzinfo=UTC)
#: A claim value that must never appear in clear in the wallet's files.
SECRET_CLAIM = "Quixotic-Zebra-7731"


@dataclass
class CliWallet:
    """A wallet home driven through the real command line, with three identities."""

    home: Path
    files: Path
    issuer: str
    alice: str
    bob: str

    @property
    def env(self) -> dict[str, str]:
        return file_env(WALLET_HOME=str(self.home))

    def run(self, *args: str | Path) -> Run:
        return wallet(*args, env=self.env)

    def ok(self, *args: str | Path) -> Run:
        """Run a command that must succeed."""
        done = self.run(*args)
        assert done.code == 0, (args, done.stderr)
        return done

    def path(self, name: str) -> Path:
        return self.files / name

    def issue(self, name: str, *args: str, subject: str | None = None) -> Path:
        """Issue a credential to `alice` (or `subject`) into the file `name`."""
        target = self.path(name)
        self.ok(
            "credential",
            "issue",
            "--issuer",
            "issuer",
            "--subject",
            subject or self.alice,
            "--type",
            "ExampleDegree",
            *args,
            "-o",
            target,
        )
        return target

    def hold(self, credential: Path) -> str:
        """Import a credential into the wallet; return its local id."""
        summary: dict[str, Any] = self.ok("credential", "import", credential, "--json").json()
        return str(summary["id"])

    def credential_id(self, credential: Path) -> str:
        return str(json.loads(credential.read_text())["id"])


def make_cli_wallet(directory: Path) -> CliWallet:
    """Initialize a file-keystore wallet with identities `issuer`, `alice` and `bob`."""
    home, files = directory / "home", directory / "files"
    files.mkdir(parents=True)
    env = file_env(WALLET_HOME=str(home))
    assert wallet("init", "--keystore", "file", env=env).code == 0
    dids = []
    for label in ("issuer", "alice", "bob"):
        created = wallet("did", "create", "--label", label, "--json", env=env)
        assert created.code == 0, created.stderr
        dids.append(created.json()["did"])
    return CliWallet(home, files, *dids)


@contextmanager
def opened_wallet(home: Path) -> Iterator[Wallet]:
    """Open a wallet in this process with the test passphrase."""
    with Wallet.open(home, Environment(environ=file_env())) as opened:
        yield opened


def make_wallet(home: Path) -> dict[str, str]:
    """Initialize a wallet in-process; return the DIDs of `issuer`, `alice` and `bob`."""
    env = Environment(environ=file_env())
    init_wallet(home, env, keystore="file")
    with Wallet.open(home, env) as opened:
        return {
            label: create_identity(opened, label=label, method=method).did
            for label, method in (("issuer", "key"), ("alice", "key"), ("bob", "jwk"))
        }
