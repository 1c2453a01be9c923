"""Provides `run_demo`: a whole election in throwaway homes and a fresh board, via services.

An authority, three trustees (threshold 2), five eligible voters and one who is not: the
authority issues the eligibility credentials, creates the election, the trustees hold the
key ceremony, everyone votes (one voter revotes, one challenges a ballot and then casts),
the ineligible voter is refused with the board's reason, the election closes, two of the
three trustees decrypt, the result is published and the audit runs on the exported record.

Every home has a file keystore whose passphrase is made up for the run, so the demo never
touches the user's keyring or wallet; each wallet stays open across the steps, so each pays
its Argon2id cost once. The demo runs on its own clock, started from the environment's: the
election's window is an hour that ended a few minutes before the demo started, so the whole
record lies in the past. Its randomness (keys, passphrases, ballots) is the environment's.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import ExitStack
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from wallet.services._board_api import BoardClient
from wallet.services._election_types import ElectionResult
from wallet.services._session import Environment, Wallet

if TYPE_CHECKING:
    from wallet.services._verification import Verification

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


@dataclass(frozen=True)
class DemoStep:
    """One step of the demo and what it produced (for `--json`)."""

    step: str
    data: Mapping[str, object]

    def to_json(self) -> dict[str, object]:
        return {"step": self.step, **self.data}


@dataclass(frozen=True)
class DemoReport:
    """What the demo did, for `--json` and for tests."""

    directory: str | None
    steps: tuple[DemoStep, ...]
    result: ElectionResult | None
    audit: Verification | None
    # The board's final checkpoint, with the witnesses' cosignatures (a signed note).
    checkpoint: str | None = None

    @property
    def passed(self) -> bool:
        return self.audit is not None and self.audit.verified

    def to_json(self) -> dict[str, Any]:
        return {
            "directory": self.directory,
            "checkpoint": self.checkpoint,
            "steps": [step.to_json() for step in self.steps],
            "result": None if self.result is None else self.result.to_json(),
            "audit": None if self.audit is None else self.audit.to_json(),
        }


class _Clock:
    """The demo's clock: it starts in the past and moves forward step by step."""

    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def tick(self, seconds: int = 20) -> datetime:
        self.now += timedelta(seconds=seconds)
        return self.now


class _Run:
    """The state of one demo run: its clock, its wallets, its board and what it reported."""

    def __init__(self, env: Environment) -> None:
        self.env = env
        self.clock = _Clock(env.now().replace(microsecond=0) - timedelta(hours=2))
        self.steps: list[DemoStep] = []
        self.result: ElectionResult | None = None
        self.audit: Verification | None = None
        self.checkpoint: str | None = None
        # Each home's passphrase, kept only to be written into a kept demo's README.md.
        self.passphrases: dict[str, str] = {}

    def say(self, text: str) -> None:
        self.env.notify(text)

    def record(self, step: str, **data: object) -> None:
        self.steps.append(DemoStep(step, data))

    def environment(self, environ: Mapping[str, str], notify: bool = False) -> Environment:
        """An environment on the demo's clock and the caller's random source."""
        return replace(
            self.env,
            environ=environ,
            notify=self.env.notify if notify else (lambda _message: None),
            interactive=False,
            clock=self.clock,
        )

    def passphrase(self) -> str:
        return self.env.token(18)


def run_demo(out: Path | None, env: Environment) -> DemoReport:
    """Run the election; keep its homes, board and record under `out`, else delete them.

    Progress goes to `env.notify`; the clock starts from `env`'s and the randomness is its.
    """
    if out is not None:
        from wallet.errors import UsageError

        # Refused before any work: a second run must not mix its homes with the first's.
        if out.exists() and (not out.is_dir() or any(out.iterdir())):
            raise UsageError(f"{out} is not an empty directory: give a new or empty one")
        out.mkdir(parents=True, exist_ok=True)
        return _run(out, env, keep=True)
    with tempfile.TemporaryDirectory(prefix="wallet-demo-") as scratch:
        return _run(Path(scratch), env, keep=False)


def _participants(
    run: _Run, root: Path, names: list[str], board_env: dict[str, str]
) -> Iterator[Wallet]:
    from wallet.services._setup import init_wallet

    for name in names:
        run.passphrases[name] = run.passphrase()
        env = run.environment({"WALLET_PASSPHRASE": run.passphrases[name], **board_env})
        init_wallet(root / name, env, keystore="file")
        yield Wallet.open(root / name, env)


def _run(root: Path, env: Environment, *, keep: bool) -> DemoReport:
    from wallet.services._identities import create_identity

    run = _Run(env)
    board_env: dict[str, str] = {}  # Nobody but the board's host holds its key.
    names = ["authority", "trustee-1", "trustee-2", "trustee-3"]
    names += [f"voter-{i}" for i in range(1, 6)] + ["outsider"]
    with ExitStack() as stack:
        run.say(f"setting up {len(names)} wallets (file keystores with made-up passphrases)")
        wallets = {
            name: stack.enter_context(w)
            for name, w in zip(names, _participants(run, root, names, board_env), strict=True)
        }
        for name, wallet in wallets.items():
            create_identity(wallet, label=name)
        board_passphrase = run.passphrase()
        witnesses = _served_witnesses(run, root, stack)
        board = stack.enter_context(_served_board(run, root, stack, board_passphrase, witnesses))
        if keep:
            from wallet.services._demo_readme import write_readme

            write_readme(root, run.passphrases, board_passphrase, ELECTION)
        _credentials(run, wallets)
        _election(run, wallets, board, witnesses)
        _ballots(run, wallets, board)
        _count(run, wallets, board)
        _audit(run, board, root, keep=keep)
    return DemoReport(
        str(root) if keep else None, tuple(run.steps), run.result, run.audit, run.checkpoint
    )


@dataclass(frozen=True)
class _Witnesses:
    """The demo's witnesses: their servers' URLs by name, their cosigning keys, their state."""

    urls: dict[str, str]
    vkeys: tuple[str, ...]
    states: tuple[Any, ...]

    def add_log(self, origin: str, board_vkey: str) -> None:
        from voting.chain import Ed25519Verifier

        for state in self.states:
            state.add_log(origin, Ed25519Verifier.from_vkey(board_vkey))


def _served_witnesses(run: _Run, root: Path, stack: ExitStack) -> _Witnesses:
    """Three witnesses, each a C2SP tlog-witness server on a loopback port (as `wallet witness
    serve` runs one), with a key drawn from the run's randomness and its state in a file."""
    from voting.chain import CosignatureSigner
    from voting.witness import Witness, WitnessState
    from wallet.server import Running
    from wallet.witness import witness_app

    def clock() -> int:
        return int(run.clock.now.timestamp())

    urls, vkeys, states = {}, [], []
    for i in (1, 2, 3):
        name = f"demo-witness-{i}"
        state = WitnessState(root / f"{name}.db")
        stack.callback(state.close)
        witness = Witness(CosignatureSigner(name, run.env.rng(32)), state, clock)
        server = stack.enter_context(Running(witness_app(witness)))
        urls[name] = server.url
        vkeys.append(witness.verifier.to_vkey())
        states.append(state)
    return _Witnesses(urls, tuple(vkeys), tuple(states))


def _served_board(
    run: _Run, root: Path, stack: ExitStack, passphrase: str, witnesses: _Witnesses
) -> BoardClient:
    """The board as a service: its file and key on the board's host (this process), served
    on a loopback port; everyone else reaches it over HTTP, without its key (DESIGN §5.5).
    The board's host is told where the witnesses are; it has each checkpoint cosigned."""
    from wallet.board._host import BoardHost
    from wallet.board._remote import RemoteBoard
    from wallet.board._run import board_app, board_service
    from wallet.server import Limits, Running
    from wallet.services._boards import LocalBoard

    host_env = run.environment({"WALLET_BOARD_PASSPHRASE": passphrase}, notify=True)
    path = root / "board.sqlite"
    LocalBoard.open_or_create(path, host_env, keystore="file").close()
    host = BoardHost.open(str(path), host_env)
    service = board_service(host, host.signer(host_env), now=run.clock, witnesses=witnesses.urls)
    # The witnesses' operators agreed to witness this election's log under the board's key.
    witnesses.add_log(f"{host.info.name}/{ELECTION}", host.info.vkey)
    stack.callback(service.close)
    server = stack.enter_context(Running(board_app(service, Limits())))
    return RemoteBoard(server.url, environ={})


def _did(wallet: Wallet, label: str) -> str:
    from wallet.services._identities import find_identity

    return find_identity(wallet, label).did


def _credentials(run: _Run, wallets: dict[str, Wallet]) -> None:
    from wallet.services._credentials import import_credential, issue_credential
    from wallet.services._status import create_status_list

    authority = wallets["authority"]
    create_status_list(authority, "voters", issuer="authority", now=run.clock.now)
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
            now=run.clock.now,
            status_list="voters",
        )
        import_credential(wallet, document.text(), now=run.clock.tick(1))
    run.say(f"authority issued {CREDENTIAL_TYPE} to voter-1..voter-5 and a LibraryCard to outsider")
    run.record("credentials", eligible=5, ineligible=1)


def _election(
    run: _Run, wallets: dict[str, Wallet], board: BoardClient, witnesses: _Witnesses
) -> None:
    from wallet.services._elections import (
        create_election,
        load_manifest,
        open_election,
        witness_policy,
    )
    from wallet.services._trustees import keygen, shares

    trustees = [_did(wallets[f"trustee-{i}"], f"trustee-{i}") for i in (1, 2, 3)]
    manifest = load_manifest(
        json.dumps(MANIFEST),
        trustees=trustees,
        threshold=2,
        issuers=[_did(wallets["authority"], "authority")],
        credential_type=CREDENTIAL_TYPE,
    )
    opens = run.clock.now + timedelta(minutes=10)
    run.clock.tick()
    created = create_election(
        wallets["authority"], board, manifest, as_="authority", trustees=trustees,
        opens=opens, closes=opens + timedelta(hours=1),
        witnesses=witness_policy(witnesses.vkeys, 2),
    )  # fmt: skip
    run.say(
        f"authority created {ELECTION} on the board (2 contests, 3 trustees, threshold 2; "
        "3 witnesses, quorum 2)"
    )
    run.record("create", **created.to_json())
    for i in (1, 2, 3):
        run.clock.tick()
        keygen(wallets[f"trustee-{i}"], board, ELECTION, as_=f"trustee-{i}")
    for i in (1, 2, 3):
        run.clock.tick()
        shares(wallets[f"trustee-{i}"], board, ELECTION, as_=f"trustee-{i}")
    # Once every share is in, each trustee checks the ones it received and acknowledges them
    # on the board (trustee-3, the last to deal, already did).
    for i in (1, 2):
        run.clock.tick()
        shares(wallets[f"trustee-{i}"], board, ELECTION, as_=f"trustee-{i}")
    run.say("key ceremony done: every trustee acknowledged the shares it received")
    run.clock.now = opens + timedelta(minutes=1)
    opened = open_election(wallets["authority"], board, ELECTION, as_="authority")
    run.say(f"authority opened the election; launch code {opened.launch_code}")
    run.record("open", **opened.to_json())


def _ballots(run: _Run, wallets: dict[str, Wallet], board: BoardClient) -> None:
    from voting.errors import RejectedEntry
    from wallet.services._election_types import VoteOutcome
    from wallet.services._voting import parse_choices, vote

    def cast(name: str, choices: list[str], *, challenge: bool = False) -> VoteOutcome:
        run.clock.tick()
        return vote(
            wallets[name], board, ELECTION, as_=name, choices=parse_choices(choices),
            challenge=challenge,
        )  # fmt: skip

    challenged = cast("voter-3", CHOICES[2], challenge=True)
    assert challenged.challenge is not None  # Asked for with challenge=True.
    picked = challenged.challenge.picked()
    run.say(f"voter-3 challenged a ballot: its opening decodes to {picked}; not counted")
    run.record("challenge", ballotId=challenged.ballot_id)
    for i, choices in enumerate(CHOICES, 1):
        done = cast(f"voter-{i}", choices)
        run.say(f"voter-{i} voted; receipt {done.receipt_id[:16]} at index {done.index}")
        run.record("vote", voter=f"voter-{i}", index=done.index)
    revote = cast("voter-2", REVOTE)
    run.say(f"voter-2 voted again (the last ballot counts); receipt {revote.receipt_id[:16]}")
    run.record("revote", voter="voter-2", index=revote.index)
    try:
        cast("outsider", ["mayor=bob", "library=no"])
    except RejectedEntry as exc:
        run.say(f"outsider was refused by the board: {exc}")
        run.record("refused", voter="outsider", reason=str(exc))
    else:
        raise RejectedEntry("the board accepted a ballot from an ineligible voter")


def _count(run: _Run, wallets: dict[str, Wallet], board: BoardClient) -> None:
    from voting.board import parse_time
    from wallet.services._elections import (
        close_election,
        election_result,
        summary,
        tally_election,
    )
    from wallet.services._trustees import decrypt

    authority = wallets["authority"]
    closes = parse_time(summary(board, ELECTION).closes, "closes")
    run.clock.now = closes + timedelta(minutes=1)
    close_election(authority, board, ELECTION, as_="authority")
    run.clock.tick()
    tallied = tally_election(authority, board, ELECTION, as_="authority")
    run.say(f"authority closed the election and tallied {tallied.counted} ballots")
    for i in (1, 3):
        run.clock.tick()
        decrypt(wallets[f"trustee-{i}"], board, ELECTION, as_=f"trustee-{i}")
    run.say("trustee-1 and trustee-3 posted their decryption shares (trustee-2 stayed away)")
    run.clock.tick()
    run.result = election_result(authority, board, ELECTION, as_="authority")
    run.record("result", result=run.result.to_json())


def _audit(run: _Run, board: BoardClient, root: Path, *, keep: bool) -> None:
    from wallet.services._audit import audit_record
    from wallet.services._elections import export_election

    record = root / "record"
    export_election(board, ELECTION, record, run.env)
    run.checkpoint = (record / "checkpoint").read_text(encoding="utf-8")
    signers = run.checkpoint.count("\n\u2014 ") - 1  # One line is the board's own.
    run.say(f"the board's final checkpoint carries {signers} witness cosignatures (quorum 2)")
    run.say(f"exported the record to {record}" if keep else "exported the record")
    run.say("auditing the record")
    run.audit = audit_record(record)
    run.record("audit", passed=run.audit.verified)
