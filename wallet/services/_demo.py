"""Provides `run_demo`: a walk through the wallet in throwaway homes, using only services.

Each participant gets a home with a file keystore whose passphrase is made up for the run,
so the demo never touches the user's own keyring or wallet.
"""

from __future__ import annotations

import secrets
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from wallet.services._identities import create_identity, resolve_did
from wallet.services._session import Environment, Wallet
from wallet.services._setup import init_wallet


@dataclass
class DemoReport:
    """What the demo did, for `--json` and for tests."""

    directory: str | None
    steps: list[dict[str, Any]] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {"directory": self.directory, "steps": self.steps}


def _participant(root: Path, name: str, notify: Callable[[str], None]) -> Wallet:
    env = Environment(environ={"WALLET_PASSPHRASE": secrets.token_urlsafe(24)}, notify=notify)
    init_wallet(root / name, env, keystore="file")
    return Wallet.open(root / name, env)


def run_demo(out: Path | None, say: Callable[[str], None]) -> DemoReport:
    """Run the walk-through; keep its homes under `out` when given, else delete them."""
    if out is not None:
        out.mkdir(parents=True, exist_ok=True)
        return _run(out, say, keep=True)
    with tempfile.TemporaryDirectory(prefix="wallet-demo-") as scratch:
        return _run(Path(scratch), say, keep=False)


def _run(root: Path, say: Callable[[str], None], *, keep: bool) -> DemoReport:
    report = DemoReport(directory=str(root) if keep else None)
    quiet: Callable[[str], None] = lambda _message: None  # noqa: E731
    with _participant(root, "holder", quiet) as holder:
        identity = create_identity(holder, label="holder")
        say(f"holder created {identity.did}")
        resolution = resolve_did(identity.did)
        document = resolution["didDocument"]
        say(
            f"resolved it: {len(document['verificationMethod'])} verification method, "
            f"type {document['verificationMethod'][0]['type']}"
        )
        report.steps.append({"step": "identity", "did": identity.did, "document": document})
    return report
