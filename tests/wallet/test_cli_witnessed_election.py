"""`wallet election create --witness VKEY … --quorum K`: the election names its witnesses,
and bad lists or quorums are usage errors before anything is posted."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.wallet.cli_helpers import Run, file_env, wallet
from tests.wallet.test_elections_service import (
    BOARD_PASSPHRASE,
    ELECTION,
    MANIFEST,
    PASSPHRASE,
    World,
    make_world,
)
from voting.board import ElectionBody
from voting.chain import CosignatureSigner, Ed25519Verifier
from voting.witness import Witness, WitnessState
from wallet.server import Running
from wallet.services import LocalBoard
from wallet.witness import witness_app

SIGNERS = [
    CosignatureSigner(f"w{i}.example", hashlib.sha256(b"%d" % i).digest()) for i in (1, 2, 3)
]
VKEYS = [s.verifier().to_vkey() for s in SIGNERS]


@pytest.fixture
def world(tmp_path: Path) -> World:
    made = make_world(tmp_path, voters=1)
    for home in made.wallets.values():
        home.__exit__()
    (tmp_path / "manifest.json").write_text(json.dumps(MANIFEST))
    return made


def _create(world: World, *extra: str) -> Run:
    trustees = [a for t in ("t1", "t2", "t3") for a in ("--trustee", world.did(t))]
    return wallet(
        "--keystore", "file", "election", "create", "--manifest", world.root / "manifest.json",
        "--board", world.board, "--as", "authority", *trustees,
        "--eligibility-issuer", world.did("authority"), "--credential-type", "VoterCredential",
        *extra, "--home", world.root / "authority",
        env=file_env(WALLET_PASSPHRASE=PASSPHRASE, WALLET_BOARD_PASSPHRASE=BOARD_PASSPHRASE),
    )  # fmt: skip


def _election_body(world: World) -> ElectionBody:
    with LocalBoard.open(world.board, world.env) as board:
        body = board.entries(ELECTION)[0].body
    assert isinstance(body, ElectionBody)
    return body


@dataclass
class Witnesses:
    urls: dict[str, str]
    states: list[WitnessState]


@pytest.fixture
def witnesses(tmp_path: Path) -> Iterator[Witnesses]:
    with ExitStack() as stack:
        urls, states = {}, []
        for i, signer in enumerate(SIGNERS):
            state = WitnessState(tmp_path / f"w{i}.db")
            stack.callback(state.close)
            served = Running(witness_app(Witness(signer, state, lambda: 1_780_000_000)))
            urls[signer.name] = stack.enter_context(served).url
            states.append(state)
        yield Witnesses(urls, states)


def _board_env() -> dict[str, str]:
    return file_env(WALLET_PASSPHRASE=PASSPHRASE, WALLET_BOARD_PASSPHRASE=BOARD_PASSPHRASE)


def test_a_board_file_has_the_checkpoints_of_a_witnessed_election_cosigned(
    world: World, witnesses: Witnesses
) -> None:
    init = wallet("board", "init", "--store", world.board, "--keystore", "file", "--json",
                  env=_board_env())  # fmt: skip
    assert init.code == 0, init.stderr
    origin = f"{init.json()['name']}/{ELECTION}"
    for name, url in witnesses.urls.items():
        added = wallet("board", "witness", "add", name, url, "--store", world.board,
                       env=_board_env())  # fmt: skip
        assert added.code == 0, added.stderr
    listed = wallet("board", "witness", "list", "--store", world.board, "--json", env=_board_env())
    assert listed.json() == witnesses.urls
    for state in witnesses.states:
        state.add_log(origin, Ed25519Verifier.from_vkey(init.json()["vkey"]))
    run = _create(world, *[a for v in VKEYS for a in ("--witness", v)], "--quorum", "2")
    assert run.code == 0, run.stderr
    policy = _election_body(world).witnesses
    assert policy is not None and policy.quorum == 2
    assert [w.to_vkey() for w in policy.witnesses] == VKEYS
    # The board file's newest checkpoint is the cosigned one: the record audits with V14.
    audit = wallet("audit", world.board, "--json", env=_board_env())
    v14 = next(c for c in audit.json()["checks"] if c["id"] == "V14")
    assert v14["outcome"] == "passed", audit.stdout


def test_without_the_witnesses_addresses_the_entry_is_not_witnessed(world: World) -> None:
    run = _create(world, *[a for v in VKEYS for a in ("--witness", v)])
    assert run.code == 1, run.stderr
    assert "missing: w1.example, w2.example, w3.example" in run.stderr
    assert "this board has no address for it" in run.stderr
    # The default quorum is a majority.
    policy = _election_body(world).witnesses
    assert policy is not None and policy.quorum == 2


def test_without_witnesses_the_election_names_none(world: World) -> None:
    run = _create(world, "--quorum", "0")
    assert run.code == 0, run.stderr
    assert _election_body(world).witnesses is None


@pytest.mark.parametrize(
    ("extra", "says"),
    [
        (("--witness", VKEYS[0], "--quorum", "2"), "witness quorum 2, want 1..1"),
        (("--quorum", "1"), "--quorum 1 needs that many --witness keys"),
        (("--witness", "not-a-vkey"), "--witness/--quorum"),
        (("--witness", VKEYS[0], "--witness", VKEYS[0]), "one witness name or key twice"),
    ],
)
def test_a_bad_witness_list_is_a_usage_error_and_posts_nothing(
    world: World, extra: tuple[str, ...], says: str
) -> None:
    run = _create(world, *extra)
    assert run.code == 2, run.stderr
    assert says in run.stderr
    assert not world.board.exists()
