"""Acceptance of witnessing (issue: split view): a board that forks one election into two
histories, each signed with its key, gets at most one of them cosigned by honest witnesses.

Everything is real: three C2SP tlog-witness servers and two board servers (the two forks,
each a copy of the same board file and key) on 127.0.0.1, wallets voting through the
services, and `wallet receipt check` as a voter runs it.
"""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from tests.wallet.cli_helpers import file_env, wallet
from tests.wallet.test_elections_service import (
    BOARD_PASSPHRASE,
    ELECTION,
    PASSPHRASE,
    World,
    opened_world,
    setup_election,
)
from voting.chain import (
    Checkpoint,
    CosignatureSigner,
    Ed25519Verifier,
    Note,
    Receipt,
    WitnessPolicy,
    leaf_hash,
    verify_quorum,
)
from voting.witness import Witness, WitnessState
from wallet.board import BoardHost
from wallet.board._run import board_app, board_service
from wallet.errors import WalletError
from wallet.server import Limits, Running
from wallet.services import LocalBoard, VoteOutcome, find_receipt, parse_choices, vote
from wallet.witness import witness_app

NAMES = ("w1", "w2", "w3")


@dataclass
class Witnesses:
    urls: dict[str, str]
    states: dict[str, WitnessState]
    policy: WitnessPolicy


@contextmanager
def three_witnesses(root: Path) -> Iterator[Witnesses]:
    """Three honest witnesses, each its own server and state file; quorum 2."""
    with ExitStack() as stack:
        urls, states, verifiers = {}, {}, []
        for name in NAMES:
            state = WitnessState(root / f"{name}.db")
            stack.callback(state.close)
            signer = CosignatureSigner(name, name.encode().ljust(32, b"\x00"))
            witness = Witness(signer, state, lambda: 1_780_000_000)
            urls[name] = stack.enter_context(Running(witness_app(witness))).url
            states[name] = state
            verifiers.append(signer.verifier())
        yield Witnesses(urls, states, WitnessPolicy(tuple(verifiers), 2))


@contextmanager
def served_board(world: World, path: Path, witnesses: Witnesses) -> Iterator[str]:
    """The board file at `path` served with its key, having checkpoints witnessed."""
    host = BoardHost.open(str(path), world.env)
    service = board_service(host, host.signer(world.env), now=world.clock, witnesses=witnesses.urls)
    try:
        with Running(board_app(service, Limits())) as running:
            yield running.url
    finally:
        service.close()


def witnessed_election(world: World, witnesses: Witnesses) -> str:
    """Create the world's board, have each witness take its election's log, and set the
    election up (naming the witnesses, quorum 2) with the board served: every checkpoint
    of the setup is cosigned. Returns the log's origin."""
    LocalBoard.open_or_create(world.board, world.env, keystore="file").close()
    host = BoardHost.open(str(world.board), world.env)
    origin = f"{host.info.name}/{ELECTION}"
    for state in witnesses.states.values():
        state.add_log(origin, Ed25519Verifier.from_vkey(host.info.vkey))
    with served_board(world, world.board, witnesses) as url:
        setup_election(world, board=url, witnesses=witnesses.policy)
    return origin


def fork(world: World, name: str) -> Path:
    """A copy of the board file, its identity and its key: the operator's second history."""
    other = world.root / name
    with sqlite3.connect(world.board) as source, sqlite3.connect(other) as target:
        source.backup(target)
    for suffix in (".board.json", ".keys"):
        shutil.copy(f"{world.board}{suffix}", f"{other}{suffix}")
    if Path(f"{world.board}.status").exists():
        shutil.copytree(f"{world.board}.status", f"{other}.status")
    return other


def cast_on(world: World, board: str, name: str, choice: str) -> VoteOutcome:
    return vote(world.wallets[name], board, ELECTION, as_=name, choices=parse_choices([choice]))


def cli_env() -> dict[str, str]:
    return file_env(WALLET_PASSPHRASE=PASSPHRASE, WALLET_BOARD_PASSPHRASE=BOARD_PASSPHRASE)


@pytest.fixture
def world(tmp_path: Path) -> Iterator[World]:
    with opened_world(tmp_path, voters=4, election=False) as made:
        yield made


def test_a_forked_board_gets_one_history_cosigned_and_the_other_fails_receipt_check(
    world: World, tmp_path: Path
) -> None:
    with three_witnesses(tmp_path) as witnesses:
        # The shared prefix: the election (naming the witnesses, quorum 2), the ceremony,
        # the opening, all cosigned on the honest board.
        origin = witnessed_election(world, witnesses)
        other = fork(world, "fork.sqlite")
        with (
            served_board(world, world.board, witnesses) as honest,
            served_board(world, other, witnesses) as forked,
        ):
            # A voter on each history; the honest one is witnessed first.
            first = cast_on(world, honest, "v1", "pick=a")
            with pytest.raises(WalletError, match="witness") as refusal:
                cast_on(world, forked, "v2", "pick=b")
            # Every witness refused it: they all cosigned the other tree of that size.
            assert "0 valid witness cosignatures, want at least 2" in str(refusal.value)
            assert "missing: w1, w2, w3" in str(refusal.value)
            again = cast_on(world, honest, "v3", "pick=a")
            with pytest.raises(WalletError, match="witness"):
                cast_on(world, forked, "v4", "pick=b")
            # Only the honest history has a cosigned checkpoint, held by every witness.
            served = httpx.get(f"{honest}/elections/{ELECTION}/checkpoint").text
            cosigned = verify_quorum(served, witnesses.policy)
            assert cosigned.checkpoint.size == again.index + 1
            assert len(cosigned.cosignatures) >= 2
            for state in witnesses.states.values():
                assert state.head(origin).root_hash == cosigned.checkpoint.root_hash
            # The fork serves only what was cosigned: the shared prefix, never its own tail.
            prefix = httpx.get(f"{forked}/elections/{ELECTION}/checkpoint").text
            assert verify_quorum(prefix, witnesses.policy).checkpoint.size == first.index

            # The dishonest operator hands v2 a receipt on its fork anyway, signed by the board.
            with LocalBoard.open(other, world.env) as board:
                entries = board.entries(ELECTION)
                index = next(
                    i for i, e in enumerate(entries) if e.author.startswith(world.did("v2"))
                )
                # Against its own newest checkpoint, which no witness cosigned.
                signed = board.store.latest_checkpoint(ELECTION)
                assert signed is not None
                size = Checkpoint.from_text(Note.from_text(signed).text).size
                proof = tuple(board.store.inclusion_proof(ELECTION, index, size))
                receipt = Receipt(index, proof, Note.from_text(signed))
                # Readers of the fork's file get only its newest cosigned checkpoint.
                published = board.checkpoint(ELECTION)
                assert published is not None
                assert verify_quorum(published, witnesses.policy).checkpoint.size == first.index
            # v2's and v4's ballots: the fork is as long as the honest history.
            assert receipt.checkpoint.size == again.index + 1
            path = tmp_path / "forked.receipt"
            extra = leaf_hash(entries[index].to_bytes())
            path.write_text(Receipt(receipt.index, receipt.proof, receipt.note, extra).to_text())
            run = wallet("receipt", "check", path, "--board", other, "--home", world.home("v2"),
                         env=cli_env())  # fmt: skip
            assert run.code == 1, run.stderr
            assert "witnesses" in run.stderr and "missing: w1, w2, w3" in run.stderr

            # v1's receipt checks, with its quorum, against the honest board.
            run = wallet("receipt", "check", first.receipt_id, "--home", world.home("v1"),
                         "--json", env=cli_env())  # fmt: skip
            assert run.code == 0, run.stderr
            assert run.json()["witnesses"]["quorum"] == 2
            assert run.json()["witnesses"]["cosignatures"] >= 2

            # Gossip: v1 compares its receipt with the checkpoint v2 was given: the board
            # cannot prove one extends the other, and both sizes are named.
            given = tmp_path / "from-v2.checkpoint"
            given.write_text(receipt.note.to_text())
            run = wallet("receipt", "check", first.receipt_id, "--home", world.home("v1"),
                         "--checkpoint", given, env=cli_env())  # fmt: skip
            assert run.code == 1, run.stderr
            mine, theirs = first.index + 1, receipt.checkpoint.size
            assert f"(size {mine}) and the other checkpoint (size {theirs})" in run.stderr

            # Gossip both ways on one history: v3's newer checkpoint and v1's older one.
            v1 = Receipt.from_text(find_receipt(world.wallets["v1"], first.receipt_id).text)
            v3 = Receipt.from_text(find_receipt(world.wallets["v3"], again.receipt_id).text)
            for home, receipt_id, note in (
                ("v1", first.receipt_id, v3.note),
                ("v3", again.receipt_id, v1.note),
            ):
                given.write_text(note.to_text())
                run = wallet("receipt", "check", receipt_id, "--home", world.home(home),
                             "--checkpoint", given, "--json", env=cli_env())  # fmt: skip
                assert run.code == 0, run.stderr
                size = Checkpoint.from_text(Note.from_text(note.to_text()).text).size
                assert run.json()["gossip"] == {"checkpointSize": size, "consistency": "passed"}
