"""Tests a board served by two `board_process` servers on one PostgreSQL database: ballots
sent to both, alternately and concurrently, make one log with every acknowledged ballot in
it and an audit that passes; a server killed with SIGKILL mid-burst loses no acknowledged
ballot, and a ballot it never answered succeeds on retry without being appended twice."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from voting.audit import verify_record
from voting.board import BallotBody, Entry, Record
from voting.chain import Ed25519Verifier
from voting.testing import ELECTION_ID, OPENS, Clock, Party, Run, World
from wallet.board import (
    BoardClient,
    BoardHost,
    BoardUnreachable,
    PostgresLogStore,
    Unanswered,
)

from .board_helpers import (
    ServerProcess,
    make_host,
    make_service,
    remote_run,
    served,
    signer_for,
)

BALLOTS = 208
CLIENTS = 16


@dataclass
class Acks:
    """What the clients were told: ballot id -> (index, entry hash)."""

    got: dict[str, tuple[int, bytes]] = field(default_factory=dict)
    changed: threading.Condition = field(default_factory=threading.Condition)
    errors: list[BaseException] = field(default_factory=list)
    retried: int = 0
    unreachable: int = 0

    def add(self, ballot_id: str, index: int, entry_hash: bytes) -> None:
        with self.changed:
            self.got[ballot_id] = (index, entry_hash)
            self.changed.notify_all()

    def wait_for(self, count: int) -> bool:
        with self.changed:
            return self.changed.wait_for(lambda: len(self.got) >= count, timeout=120)


@pytest.fixture
def election(
    postgres_url: str, tmp_path: Path
) -> Iterator[tuple[BoardHost, Run, Clock, list[ServerProcess]]]:
    keys = tmp_path / "keys"
    host = make_host(postgres_url, keys)
    world = World(voters=[Party.make(f"voter-{i}") for i in range(CLIENTS)])
    clock = world.clock
    service = make_service(host, keys, clock)
    with served(service) as setup, BoardClient(setup.url) as client:
        client.publish_status_list(world.status_list())
        run = remote_run(world, client)
        run.setup()
        servers = [
            ServerProcess(postgres_url, keys, OPENS, tmp_path / f"server{n}.log") for n in (0, 1)
        ]
        try:
            yield host, run, clock, servers
        finally:
            for server in servers:
                server.stop()


def _prepared(run: Run, count: int) -> list[tuple[str, Party, BallotBody]]:
    voters = run.world.voters
    out = []
    for i in range(count):
        voter = voters[i % len(voters)]
        out.append((f"ballot-{i}", voter, run.ballot_body(voter, f"ballot-{i}", "ada")))
    return out


def _cast(
    work: list[tuple[str, Party, BallotBody]],
    urls: list[str],
    clock: Clock,
    acks: Acks,
    number: int,
    *,
    fallback: bool = False,
) -> None:
    clients = [BoardClient(url, timeout=30) for url in urls]
    try:
        for k, (ballot_id, voter, body) in enumerate(work):
            # Alternate between the servers, ballot by ballot.
            order = [clients[(number + k) % len(clients)]] + [
                c for c in clients if c is not clients[(number + k) % len(clients)]
            ]
            build = signer_for(body, voter, clock)
            try:
                _entry, answer = order[0].append(ELECTION_ID, build, unreachable_attempts=2)
            except Unanswered as unanswered:
                if not fallback:
                    raise
                # The same signed entry goes to the other server: appended at most once.
                _entry, answer = order[1].resume(ELECTION_ID, unanswered.entry, build)
                with acks.changed:
                    acks.retried += 1
            except BoardUnreachable:
                if not fallback:
                    raise
                # Nothing was sent (the server was gone before this writer reached it):
                # the other server takes it.
                _entry, answer = order[1].append(ELECTION_ID, build)
                with acks.changed:
                    acks.unreachable += 1
            acks.add(ballot_id, answer.index, answer.entry_hash)
    except BaseException as exc:
        acks.errors.append(exc)
    finally:
        for client in clients:
            client.close()


def _burst(
    prepared: list[tuple[str, Party, BallotBody]],
    urls: list[str],
    clock: Clock,
    *,
    fallback: bool = False,
    acks: Acks | None = None,
) -> Acks:
    acks = acks or Acks()
    shares = [prepared[i::CLIENTS] for i in range(CLIENTS)]
    threads = [
        threading.Thread(
            target=_cast, args=(share, urls, clock, acks, n), kwargs={"fallback": fallback}
        )
        for n, share in enumerate(shares)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return acks


def _check_log(host: BoardHost, postgres_url: str, acks: Acks, urls: list[str]) -> list[Entry]:
    verifier = Ed25519Verifier.from_vkey(host.info.vkey)
    logs = []
    for url in urls:
        with BoardClient(url) as client:
            logs.append(client.read_log(ELECTION_ID, [verifier]))
    # One log: every server serves the same entries under the same signed tree.
    assert all(log.entries == logs[0].entries for log in logs)
    assert all(log.note == logs[0].note for log in logs)
    entries = [Entry.from_bytes(data) for data in logs[-1].entries]
    ballots = [e for e in entries if isinstance(e.body, BallotBody)]
    ids = [e.body.ballot.ballot_id for e in ballots if isinstance(e.body, BallotBody)]
    assert len(ids) == len(set(ids)), "a ballot was appended twice"
    for ballot_id, (index, entry_hash) in acks.got.items():
        assert entries[index].hash() == entry_hash, ballot_id
    with PostgresLogStore(postgres_url) as store:
        store.check(ELECTION_ID)
        assert store.size(ELECTION_ID) == len(entries)
    return entries


def _audit(host: BoardHost, url: str) -> None:
    with BoardClient(url) as client:
        log = client.read_log(ELECTION_ID, [Ed25519Verifier.from_vkey(host.info.vkey)])
    record = Record(ELECTION_ID, tuple(log.entries), log.note, host.info.vkey)
    report = verify_record(record, workers=1)
    failed = [(c.number, c.outcome, c.details) for c in report.checks if c.outcome.name != "PASSED"]
    assert report.passed, failed


@pytest.mark.slow
def test_two_servers_on_one_postgres_make_one_log(
    election: tuple[BoardHost, Run, Clock, list[ServerProcess]], postgres_url: str
) -> None:
    host, run, clock, servers = election
    clock.now = OPENS
    prepared = _prepared(run, BALLOTS)
    urls = [server.url for server in servers]
    acks = _burst(prepared, urls, clock)
    assert acks.errors == []
    assert len(acks.got) == BALLOTS
    entries = _check_log(host, postgres_url, acks, urls)
    assert sum(isinstance(e.body, BallotBody) for e in entries) == BALLOTS
    run.finish()
    _audit(host, urls[0])


@pytest.mark.slow
def test_sigkill_mid_burst_loses_no_acknowledged_ballot(
    election: tuple[BoardHost, Run, Clock, list[ServerProcess]], postgres_url: str
) -> None:
    host, run, clock, servers = election
    clock.now = OPENS
    prepared = _prepared(run, 96)
    urls = [server.url for server in servers]
    acks = Acks()
    burst = threading.Thread(
        target=_burst, args=(prepared, urls, clock), kwargs={"fallback": True, "acks": acks}
    )
    burst.start()
    # Kill the first server in the middle of the burst, once some ballots were acknowledged.
    assert acks.wait_for(24)
    servers[0].kill()
    burst.join()
    assert acks.errors == []
    # Every ballot was acknowledged in the end (by the survivor when its server died).
    assert len(acks.got) == len(prepared)
    entries = _check_log(host, postgres_url, acks, urls[1:])
    assert sum(isinstance(e.body, BallotBody) for e in entries) == len(prepared)
    # Ballots in flight at the kill got an error: those sent were resent as the same bytes
    # to the other server, which placed each once; none is in the log twice.
    assert acks.retried + acks.unreachable >= 1
    run.finish()
    _audit(host, urls[1])
