"""Provides the messages workers post back to the screens: what a service returned or why not."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from textual.message import Message

from wallet.services import (
    CredentialSummary,
    Document,
    ElectionListing,
    ElectionResult,
    ElectionSummary,
    Environment,
    FollowedElection,
    HeldCredential,
    Identity,
    ReceiptCheck,
    StoredReceipt,
    Verification,
    VoteOutcome,
)

if TYPE_CHECKING:
    from did import DidDocument
    from tui.data import Location


@dataclass
class ServiceFailed(Message):
    """A service raised; `reason` is its one-line message, shown in the error dialog.

    `error` is the class of what was raised, for a screen that handles one kind itself (the
    ballot asks for the board's passphrase on `wallet.errors.BoardLocked`).
    """

    action: str
    reason: str
    error: type[BaseException] = Exception
    #: Further lines the error carries (each check a board failed, for `BoardUntrusted`).
    details: tuple[str, ...] = ()

    @classmethod
    def of(cls, action: str, exc: BaseException) -> ServiceFailed:
        """What a worker posts when a service raised `exc` while doing `action`."""
        from tui.data import describe_error, error_details

        return cls(action, describe_error(exc), type(exc), error_details(exc))


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
    document: DidDocument


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
    report: Verification
    identities: list[Identity]


@dataclass
class PresentationMade(Message):
    """A presentation, and its own verification against the same challenge and domain."""

    document: Document
    report: Verification


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
    """An audit's checks."""

    report: Verification


@dataclass
class ResultLoaded(Message):
    """A finished election's published result, with the ballots the rules kept out of it."""

    summary: ElectionSummary
    result: ElectionResult


@dataclass
class ElectionsLoaded(Message):
    """The elections on the known boards, and those this wallet takes part in (its role).

    `unreadable` says why each board that could not be listed was not, so that one board
    that is down does not hide the others.
    """

    elections: list[ElectionListing]
    followed: list[FollowedElection]
    unreadable: list[ServiceFailed]


@dataclass
class BallotReady(Message):
    """What the ballot form needs: the election's summary and who may vote (those holding a
    credential the election accepts first, their DIDs in `eligible`)."""

    board: Location
    summary: ElectionSummary
    identities: list[Identity]
    eligible: set[str]


@dataclass
class BallotCast(Message):
    """A ballot the board accepted (or, when challenged, opened and checked)."""

    outcome: VoteOutcome


@dataclass
class ReceiptsLoaded(Message):
    """The receipts this wallet keeps, newest last."""

    receipts: list[StoredReceipt]


@dataclass
class ReceiptChecked(Message):
    """A receipt and its check: `result` when every step passed, else the failing reason."""

    receipt: StoredReceipt | None
    result: ReceiptCheck | None
    problem: str | None
