"""Provides `run_demo`: a whole election in throwaway homes and a fresh board, via services.

An authority, three trustees (threshold 2), five eligible voters and one who is not: the
authority issues the eligibility credentials, creates the election, the trustees hold the
key ceremony, everyone votes (one voter revotes, one challenges a ballot and then casts),
the ineligible voter is refused with the board's reason, the election closes, two of the
three trustees decrypt, the result is published and the audit runs on the exported record.

Every home has a file keystore whose passphrase is made up for the run, so the demo never
touches the user's keyring or wallet; each wallet stays open across the steps, so each pays
its Argon2id cost once. The demo runs on its own clock: the election's window is an hour
that ended a few minutes before the demo started, so the whole record lies in the past.
"""

from __future__ import annotations

import json
import secrets
import tempfile
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from wallet.services._session import Environment, Wallet

ELECTION = "demo-election"
CREDENTIAL_TYPE = "VoterCredential"
MANIFEST: dict[str, Any] = {
    "electionId": ELECTION,
    "title": "Demo town election",
    "contests": [
        {
            "id": "mayor",
            "label": "Mayor",
            "minSelections": 1,
            "maxSelections": 1,
            "options": [
                {"id": "ada", "label": "Ada"},
                {"id": "bob", "label": "Bob"},
                {"id": "cy", "label": "Cy"},
            ],
        },
        {
            "id": "library",
            "label": "Build the new library?",
            "minSelections": 0,
            "maxSelections": 1,
            "options": [{"id": "yes", "label": "Yes"}, {"id": "no", "label": "No"}],
        },
    ],
}
# What each eligible voter chooses; voter-2 changes their mind later.
CHOICES = [
    ["mayor=ada", "library=yes"],
    ["mayor=bob", "library=no"],
    ["mayor=ada", "library=no"],
    ["mayor=cy", "library=yes"],
    ["mayor=ada", "library=yes"],
]
REVOTE = ["mayor=ada", "library=yes"]


@dataclass
class DemoReport:
    """What the demo did, for `--json` and for tests."""

    directory: str | None
    steps: list[dict[str, Any]] = field(default_factory=list)
    result: dict[str, Any] | None = None
    audit: Any = None
    seconds: float = 0.0

    @property
    def passed(self) -> bool:
        return self.audit is not None and bool(self.audit.passed)

    def to_json(self) -> dict[str, Any]:
        return {
            "directory": self.directory,
            "steps": self.steps,
            "result": self.result,
            "audit": None if self.audit is None else self.audit.to_json(),
            "seconds": round(self.seconds, 2),
        }


class _Clock:
    """The demo's clock: it starts in the past and moves forward step by step."""

    def __init__(self, start: datetime) -> None:
        self.now = start

    def tick(self, seconds: int = 20) -> datetime:
        self.now += timedelta(seconds=seconds)
        return self.now


def run_demo(out: Path | None, say: Callable[[str], None]) -> DemoReport:
    """Run the election; keep its homes, board and record under `out`, else delete them."""
    if out is not None:
        out.mkdir(parents=True, exist_ok=True)
        return _run(out, say, keep=True)
    with tempfile.TemporaryDirectory(prefix="wallet-demo-") as scratch:
        return _run(Path(scratch), say, keep=False)


def _participants(root: Path, names: list[str], board_env: dict[str, str]) -> Iterator[Wallet]:
    from wallet.services._setup import init_wallet

    for name in names:
        environ = {"WALLET_PASSPHRASE": secrets.token_urlsafe(24), **board_env}
        env = Environment(environ=environ, notify=lambda _message: None)
        init_wallet(root / name, env, keystore="file")
        yield Wallet.open(root / name, env)


def _run(root: Path, say: Callable[[str], None], *, keep: bool) -> DemoReport:
    import time

    from wallet.services._boards import LocalBoard
    from wallet.services._identities import create_identity

    began = time.monotonic()
    report = DemoReport(directory=str(root) if keep else None)
    board_env = {"WALLET_BOARD_PASSPHRASE": secrets.token_urlsafe(24)}
    names = ["authority", "trustee-1", "trustee-2", "trustee-3"]
    names += [f"voter-{i}" for i in range(1, 6)] + ["outsider"]
    clock = _Clock(datetime.now(UTC).replace(microsecond=0) - timedelta(hours=2))
    with ExitStack() as stack:
        say(f"setting up {len(names)} wallets (file keystores with made-up passphrases)")
        wallets = {
            name: stack.enter_context(w)
            for name, w in zip(names, _participants(root, names, board_env), strict=True)
        }
        for name, wallet in wallets.items():
            create_identity(wallet, label=name, now=clock.now)
        board = stack.enter_context(
            LocalBoard.open_or_create(
                root / "board.sqlite",
                Environment(environ=board_env, notify=say),
                keystore="file",
            )
        )
        _credentials(wallets, clock, say, report)
        _election(wallets, board, clock, say, report)
        _ballots(wallets, board, clock, say, report)
        _count(wallets, board, clock, say, report)
        _audit(board, root, say, report, keep=keep)
    report.seconds = time.monotonic() - began
    return report


def _did(wallet: Wallet, label: str) -> str:
    from wallet.services._identities import find_identity

    return find_identity(wallet, label).did


def _credentials(
    wallets: dict[str, Wallet], clock: _Clock, say: Callable[[str], None], report: DemoReport
) -> None:
    from wallet.services._credentials import import_credential, issue_credential
    from wallet.services._status import create_status_list

    authority = wallets["authority"]
    create_status_list(authority, "voters", issuer="authority", now=clock.now)
    for name, wallet in wallets.items():
        if not name.startswith(("voter-", "outsider")):
            continue
        # The outsider holds a credential too, but not one the election accepts.
        kind = CREDENTIAL_TYPE if name.startswith("voter-") else "LibraryCard"
        document = issue_credential(
            authority,
            issuer="authority",
            subject=_did(wallet, name),
            types=[kind],
            claims={"name": name},
            now=clock.now,
            status_list="voters",
        )
        import_credential(wallet, document.text(), now=clock.tick(1))
    say(f"authority issued {CREDENTIAL_TYPE} to voter-1..voter-5 and a LibraryCard to outsider")
    report.steps.append({"step": "credentials", "eligible": 5, "ineligible": 1})


def _election(
    wallets: dict[str, Wallet],
    board: Any,
    clock: _Clock,
    say: Callable[[str], None],
    report: DemoReport,
) -> None:
    from wallet.services._elections import create_election, load_manifest, open_election
    from wallet.services._trustees import keygen, shares

    trustees = [_did(wallets[f"trustee-{i}"], f"trustee-{i}") for i in (1, 2, 3)]
    manifest = load_manifest(
        json.dumps(MANIFEST),
        trustees=trustees,
        threshold=2,
        issuers=[_did(wallets["authority"], "authority")],
        credential_type=CREDENTIAL_TYPE,
    )
    opens = clock.now + timedelta(minutes=10)
    created = create_election(
        wallets["authority"], board, manifest, as_="authority", trustees=trustees,
        now=clock.tick(), opens=opens, closes=opens + timedelta(hours=1),
    )  # fmt: skip
    say(f"authority created {ELECTION} on the board (2 contests, 3 trustees, threshold 2)")
    report.steps.append({"step": "create", **created.to_json()})
    for i in (1, 2, 3):
        keygen(wallets[f"trustee-{i}"], board, ELECTION, as_=f"trustee-{i}", now=clock.tick())
    for i in (1, 2, 3):
        shares(wallets[f"trustee-{i}"], board, ELECTION, as_=f"trustee-{i}", now=clock.tick())
    # Once every share is in, each trustee checks the ones it received and acknowledges them
    # on the board (trustee-3, the last to deal, already did).
    for i in (1, 2):
        shares(wallets[f"trustee-{i}"], board, ELECTION, as_=f"trustee-{i}", now=clock.tick())
    say("key ceremony done: every trustee acknowledged the shares it received")
    clock.now = opens + timedelta(minutes=1)
    opened = open_election(wallets["authority"], board, ELECTION, as_="authority", now=clock.now)
    say(f"authority opened the election; launch code {opened.detail['launchCode']}")
    report.steps.append({"step": "open", **opened.to_json()})


def _ballots(
    wallets: dict[str, Wallet],
    board: Any,
    clock: _Clock,
    say: Callable[[str], None],
    report: DemoReport,
) -> None:
    from voting.errors import RejectedEntry
    from wallet.services._voting import parse_choices, vote

    def cast(name: str, choices: list[str], *, challenge: bool = False) -> dict[str, Any]:
        return vote(
            wallets[name], board, ELECTION, as_=name, choices=parse_choices(choices),
            now=clock.tick(), challenge=challenge,
        )  # fmt: skip

    challenged = cast("voter-3", CHOICES[2], challenge=True)
    decoded = challenged["challenge"]["decoded"]
    say(f"voter-3 challenged a ballot: its opening decodes to {_picked(decoded)}; not counted")
    report.steps.append({"step": "challenge", "ballotId": challenged["ballotId"]})
    for i, choices in enumerate(CHOICES, 1):
        done = cast(f"voter-{i}", choices)
        say(f"voter-{i} voted; receipt {done['receiptId'][:16]} at index {done['index']}")
        report.steps.append({"step": "vote", "voter": f"voter-{i}", "index": done["index"]})
    revote = cast("voter-2", REVOTE)
    say(f"voter-2 voted again (the last ballot counts); receipt {revote['receiptId'][:16]}")
    report.steps.append({"step": "revote", "voter": "voter-2", "index": revote["index"]})
    try:
        cast("outsider", ["mayor=bob", "library=no"])
    except RejectedEntry as exc:
        say(f"outsider was refused by the board: {exc}")
        report.steps.append({"step": "refused", "voter": "outsider", "reason": str(exc)})
    else:
        raise RejectedEntry("the board accepted a ballot from an ineligible voter")


def _picked(decoded: dict[str, dict[str, int]]) -> str:
    return ", ".join(f"{c}={o}" for c, v in decoded.items() for o, n in v.items() if n)


def _count(
    wallets: dict[str, Wallet],
    board: Any,
    clock: _Clock,
    say: Callable[[str], None],
    report: DemoReport,
) -> None:
    from voting.board import parse_time
    from wallet.services._elections import (
        close_election,
        election_result,
        summary,
        tally_election,
    )
    from wallet.services._trustees import decrypt

    authority = wallets["authority"]
    closes = parse_time(summary(board, ELECTION)["window"]["closes"], "closes")
    clock.now = closes + timedelta(minutes=1)
    close_election(authority, board, ELECTION, as_="authority", now=clock.now)
    tallied = tally_election(authority, board, ELECTION, as_="authority", now=clock.tick())
    say(f"authority closed the election and tallied {tallied.detail['counted']} ballots")
    for i in (1, 3):
        decrypt(wallets[f"trustee-{i}"], board, ELECTION, as_=f"trustee-{i}", now=clock.tick())
    say("trustee-1 and trustee-3 posted their decryption shares (trustee-2 stayed away)")
    report.result = election_result(authority, board, ELECTION, as_="authority", now=clock.tick())
    report.steps.append({"step": "result", "result": report.result})


def _audit(
    board: Any, root: Path, say: Callable[[str], None], report: DemoReport, *, keep: bool
) -> None:
    from wallet.services._audit import audit_record
    from wallet.services._elections import export_election

    record = root / "record"
    export_election(board, ELECTION, record, board.env)
    say(f"exported the record to {record}" if keep else "exported the record")
    say("auditing the record")
    report.audit = audit_record(record)
    report.steps.append({"step": "audit", "passed": report.audit.passed})
