"""Checks the log's side of tlog-witness against a real witness served over loopback HTTP."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest

from tests.voting.witness.logs import LOG, TestLog, new_witness
from voting.chain import CosignatureSigner, open_checkpoint
from voting.errors import CheckpointError, InconsistentCheckpoint, SizeConflict, UnknownLog
from voting.witness import Witness
from wallet.errors import FileProblem
from wallet.server import Running
from wallet.witness import WitnessInfo, request_cosignature, witness_app


@pytest.fixture
def log() -> TestLog:
    return TestLog().grow(6)


@pytest.fixture
def served(tmp_path: Path, log: TestLog) -> Iterator[tuple[Witness, str, httpx.Client]]:
    witness = new_witness(str(tmp_path / "w.db"))
    witness.state.add_log(log.origin, log.signer.verifier())
    with Running(witness_app(witness)) as server, httpx.Client(timeout=10) as client:
        yield witness, server.url, client


def _proofs(log: TestLog) -> Callable[[int, int], list[bytes]]:
    return lambda old, new: log.store.consistency_proof(LOG, old, new)


def test_cosignature_is_added_and_verifies(
    served: tuple[Witness, str, httpx.Client], log: TestLog
) -> None:
    witness, url, client = served
    note = request_cosignature(
        client, url, witness.verifier, log.note(), old_size=0, proofs=_proofs(log)
    )
    opened = open_checkpoint(note, [log.signer.verifier()], [witness.verifier])
    assert [c.name for c in opened.cosignatures] == [witness.signer.name]


def test_a_stale_old_size_is_retried_from_the_witness_size(
    served: tuple[Witness, str, httpx.Client], log: TestLog
) -> None:
    witness, url, client = served
    request_cosignature(client, url, witness.verifier, log.note(), old_size=0, proofs=_proofs(log))
    log.grow(11)
    # The log forgot what the witness holds and claims 0: the 409 names 6, and the retry
    # from 6 with a real proof succeeds.
    note = request_cosignature(
        client, url, witness.verifier, log.note(), old_size=0, proofs=_proofs(log)
    )
    assert witness.state.head(log.origin).size == 11
    assert len(note.signatures) == 2


def test_a_fork_is_refused_whatever_old_size_it_claims(
    served: tuple[Witness, str, httpx.Client], log: TestLog
) -> None:
    witness, url, client = served
    request_cosignature(client, url, witness.verifier, log.note(), old_size=0, proofs=_proofs(log))
    fork = TestLog(log.origin, log.signer).grow(3).fork("evil").grow(9, "evil")
    with pytest.raises(InconsistentCheckpoint):
        request_cosignature(
            client, url, witness.verifier, fork.note(), old_size=3, proofs=_proofs(fork)
        )
    smaller = TestLog(log.origin, log.signer).grow(4)
    with pytest.raises(SizeConflict) as err:
        request_cosignature(
            client, url, witness.verifier, smaller.note(), old_size=0, proofs=_proofs(smaller)
        )
    assert err.value.current_size == 6


def test_refusals_and_wrong_keys_are_typed(
    served: tuple[Witness, str, httpx.Client], log: TestLog, tmp_path: Path
) -> None:
    witness, url, client = served
    stranger = TestLog("example.com/other").grow(2)
    with pytest.raises(UnknownLog):
        request_cosignature(
            client, url, witness.verifier, stranger.note(), old_size=0, proofs=_proofs(stranger)
        )
    # Expecting another witness key: its answer is not a cosignature we can use.
    other = CosignatureSigner(witness.signer.name, b"\x05" * 32).verifier()
    with pytest.raises(CheckpointError):
        request_cosignature(client, url, other, log.note(), old_size=0, proofs=_proofs(log))
    with pytest.raises(FileProblem):
        request_cosignature(
            client, "http://127.0.0.1:9", witness.verifier, log.note(), old_size=6,
            proofs=_proofs(log),
        )  # fmt: skip


def test_witness_sidecar_round_trips(tmp_path: Path) -> None:
    info = WitnessInfo("0123abcd", "file", "witness.example/w1", "witness.example/w1+00+AA==")
    assert WitnessInfo.from_json(json.loads(json.dumps(info.to_json())), tmp_path) == info
    with pytest.raises(FileProblem):
        WitnessInfo.from_json({**info.to_json(), "keystore": "cloud"}, tmp_path)
