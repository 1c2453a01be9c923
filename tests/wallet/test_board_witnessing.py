"""Tests the board's witnessing rounds (`wallet.board._witnessing`) against real witness
servers on 127.0.0.1: one round covers many entries, a restarted board learns each witness's
size from its 409, a silent witness is cut off by the round's deadline, and a quorum that is
not reached names the witnesses."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from pathlib import Path

import httpx
import pytest

from tests.voting.witness.logs import LOG, TestLog, new_witness
from voting.chain import Note, WitnessPolicy, verify_quorum
from wallet.board._witnessing import NotWitnessed, Witnessing, parse_witness_urls
from wallet.server import Running
from wallet.witness import witness_app

NAMES = ("witness.example/w1", "witness.example/w2", "witness.example/w3")


class Counting(httpx.AsyncHTTPTransport):
    """A real transport that counts the add-checkpoint requests it sends."""

    def __init__(self) -> None:
        super().__init__()
        self.posts = 0
        self._lock = threading.Lock()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        with self._lock:
            self.posts += 1
        return await super().handle_async_request(request)


class Served:
    def __init__(self, log: TestLog, urls: dict[str, str], policy: WitnessPolicy) -> None:
        self.log, self.urls, self.policy = log, urls, policy
        self.lock = threading.Lock()

    def latest(self) -> str:
        with self.lock:
            return self.log.note().to_text()

    def proofs(self, old: int, new: int) -> list[bytes]:
        with self.lock:
            return list(self.log.store.consistency_proof(LOG, old, new))

    def grow(self, to: int) -> int:
        with self.lock:
            self.log.grow(to)
            return self.log.store.size(LOG)


@pytest.fixture
def served(tmp_path: Path) -> Iterator[Served]:
    log = TestLog("board.example/election-1")
    with ExitStack() as stack:
        urls, verifiers = {}, []
        for i, name in enumerate(NAMES):
            witness = new_witness(str(tmp_path / f"w{i}.db"), name)
            witness.state.add_log(log.origin, log.signer.verifier())
            stack.callback(witness.state.close)
            urls[name] = stack.enter_context(Running(witness_app(witness))).url
            verifiers.append(witness.verifier)
        yield Served(log, urls, WitnessPolicy(tuple(verifiers), 2))


def test_one_round_covers_the_entries_committed_while_the_last_one_ran(served: Served) -> None:
    transport = Counting()
    witnessing = Witnessing(served.urls, transport=transport)

    def submit(n: int) -> int:
        size = served.grow(n)
        note = witnessing.cosigned(served.policy, served.latest, served.proofs, size)
        got = verify_quorum(note, served.policy).checkpoint.size
        assert got >= size  # The cosigned checkpoint covers the entry.
        return got

    with ThreadPoolExecutor(16) as pool:
        sizes = list(pool.map(submit, range(1, 65)))
    assert max(sizes) == 64
    # 64 entries; each round sends one request per witness (a second on a 409).
    rounds = transport.posts / len(NAMES)
    assert rounds <= 32, f"{transport.posts} requests for 64 entries"
    assert verify_quorum(witnessing.latest(served.log.origin) or "", served.policy)


def test_a_restarted_board_learns_the_witnesses_sizes_from_their_409(served: Served) -> None:
    served.grow(10)
    first = Witnessing(served.urls)
    first.cosigned(served.policy, served.latest, served.proofs, 10)
    served.grow(15)
    # A new board process starts believing every witness holds size 0.
    again = Witnessing(served.urls, transport=(transport := Counting()))
    note = again.cosigned(served.policy, served.latest, served.proofs, 15)
    quorum = verify_quorum(note, served.policy)
    assert quorum.checkpoint.size == 15 and len(quorum.cosignatures) == 3
    assert transport.posts == 2 * len(NAMES)  # 409 with the size, then the proof from it.


def _silent_server() -> tuple[socket.socket, str]:
    # Accepts connections (the kernel does) and never answers a byte.
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    return listener, f"http://127.0.0.1:{listener.getsockname()[1]}"


def test_a_silent_witness_is_cut_off_at_the_deadline(served: Served) -> None:
    listener, url = _silent_server()
    with listener:
        urls = {**served.urls, NAMES[2]: url}
        served.grow(3)
        witnessing = Witnessing(urls, deadline=0.5)
        note = witnessing.cosigned(served.policy, served.latest, served.proofs, 3)
        assert verify_quorum(note, served.policy).witnesses == NAMES[:2]
        strict = WitnessPolicy(served.policy.witnesses, 3)
        served.grow(4)
        with pytest.raises(NotWitnessed) as refused:
            Witnessing(urls, deadline=0.5).cosigned(strict, served.latest, served.proofs, 4)
    message = str(refused.value)
    assert f"missing: {NAMES[2]}" in message and "no answer within 0.5 s" in message


def test_a_fork_is_refused_by_every_witness_and_named(served: Served) -> None:
    served.grow(5)
    Witnessing(served.urls).cosigned(served.policy, served.latest, served.proofs, 5)
    fork = Served(served.log.fork("fork").grow(6, "fork"), served.urls, served.policy)
    served.grow(6)
    Witnessing(served.urls).cosigned(served.policy, served.latest, served.proofs, 6)
    with pytest.raises(NotWitnessed) as refused:
        Witnessing(fork.urls).cosigned(fork.policy, fork.latest, fork.proofs, 6)
    message = str(refused.value)
    assert "0 valid witness cosignatures, want at least 2" in message
    assert "missing: " + ", ".join(NAMES) in message
    assert "422" in message


def test_a_witness_the_board_has_no_address_for_is_missing(served: Served) -> None:
    served.grow(2)
    urls = {name: url for name, url in served.urls.items() if name != NAMES[0]}
    note = Witnessing(urls).cosigned(served.policy, served.latest, served.proofs, 2)
    assert NAMES[0] not in verify_quorum(Note.from_text(note), served.policy).witnesses
    strict = WitnessPolicy(served.policy.witnesses, 3)
    with pytest.raises(NotWitnessed, match="this board has no address for it"):
        Witnessing(urls).cosigned(strict, served.latest, served.proofs, 2)


@pytest.mark.parametrize(
    "items",
    [["w1"], ["w1=ftp://x"], ["=http://x"], ["w1=http://a", "w1=http://b"]],
)
def test_witness_addresses_are_name_equals_url(items: list[str]) -> None:
    with pytest.raises(ValueError, match="--witness"):
        parse_witness_urls(items)
    assert parse_witness_urls(["w1=https://w1.example"]) == {"w1": "https://w1.example"}
