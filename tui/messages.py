"""Provides the messages workers post back to the screens: what a service returned or why not."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from textual.message import Message

from wallet.services import (
    CredentialSummary,
    Document,
    Environment,
    HeldCredential,
    Identity,
    StoredReceipt,
)


@dataclass
class ServiceFailed(Message):
    """A service raised; `reason` is its one-line diagnostics, shown in the error dialog."""

    action: str
    reason: str


@dataclass
class ServiceNotice(Message):
    """A one-line notice a service gave (which keystore was chosen, for instance)."""

    text: str


@dataclass(frozen=True)
class PendingUnlock:
    """A passphrase the next step waits for: how to ask for it, how to try it, what follows.

    `variable` is the environment variable the services read it from; `check` raises the
    services' error when a candidate environment does not open the keystore.
    """

    variable: str
    title: str
    purpose: str
    action: str
    check: Callable[[Environment], None]
    then: Callable[[], object]


@dataclass
class Unlocked(Message):
    """A typed passphrase opened its keystore; `env` carries it to later services.

    `lock` is what was waiting for it (the wallet's keystore or a board's key).
    """

    lock: PendingUnlock
    env: Environment


@dataclass
class UnlockFailed(Message):
    """A typed passphrase did not open its keystore (or the keystore could not be read)."""

    lock: PendingUnlock
    reason: str


@dataclass
class IdentitiesLoaded(Message):
    """The wallet's identities, in the order the service lists them."""

    identities: list[Identity]


@dataclass
class IdentityCreated(Message):
    """A new identity, its key already in the keystore."""

    identity: Identity


@dataclass
class DocumentLoaded(Message):
    """The DID document of one of the wallet's identities."""

    did: str
    document: dict[str, Any]


@dataclass
class CredentialsLoaded(Message):
    """The held credentials' summaries (decrypting them needed the data key)."""

    credentials: list[CredentialSummary]


@dataclass
class CredentialImported(Message):
    """A credential whose signature and issuer key checked out, now held sealed."""

    summary: CredentialSummary


@dataclass
class CredentialChecked(Message):
    """A held credential, its verification report as JSON, and who may present it."""

    held: HeldCredential
    report: dict[str, Any]
    identities: list[Identity]


@dataclass
class PresentationMade(Message):
    """A presentation, and its own verification against the same challenge and domain."""

    document: Document
    report: dict[str, Any]


@dataclass
class FileSaved(Message):
    """A file was written where the person asked."""

    path: Path


@dataclass
class AuditProgress(Message):
    """Ballot proofs verified so far, out of the total, while an audit runs."""

    done: int
    total: int


@dataclass
class AuditFinished(Message):
    """An audit's report, as the rows the audit screen shows."""

    election: str | None
    size: int
    passed: bool
    failed: list[str]
    checks: list[dict[str, Any]]


@dataclass
class ElectionsLoaded(Message):
    """The elections on the known boards: election, title, phase, ballots, board, role."""

    elections: list[dict[str, Any]]


@dataclass
class BallotReady(Message):
    """What the ballot form needs: the election's summary and who may vote."""

    board: Path
    summary: dict[str, Any]
    identities: list[Identity]


@dataclass
class BallotCast(Message):
    """A ballot the board accepted (or, when challenged, opened and checked)."""

    outcome: dict[str, Any]


@dataclass
class ReceiptsLoaded(Message):
    """The receipts this wallet keeps, newest last."""

    receipts: list[StoredReceipt]


@dataclass
class ReceiptChecked(Message):
    """A receipt and its check: `result` when every step passed, else the failing reason."""

    receipt: StoredReceipt | None
    result: dict[str, Any] | None
    problem: str | None
