"""Tests the board server over real HTTP(S) on 127.0.0.1 with a SQLite store: an election
end to end through `BoardClient`, idempotent resubmission, refusals naming their rule,
the C2SP tlog-tiles read path byte for byte, and hostile requests."""

from __future__ import annotations

import ssl
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.serving import make_test_ca, raw_connection, read_response
from voting.audit import verify_record
from voting.board import BallotBody, CloseBody, Entry, sign_entry
from voting.chain import (
    Ed25519Verifier,
    leaf_hash,
    verify_receipt,
)
from voting.testing import CLOSES, ELECTION_ID, Clock, Run, World
from wallet.board import (
    BoardClient,
    BoardHost,
    BoardRefused,
    BoardService,
)
from wallet.server import Limits, Running

from .board_helpers import make_host, make_service, remote_run, served, signer_for


@pytest.fixture
def world() -> World:
    return World()


@pytest.fixture
def clock(world: World) -> Clock:
    return world.clock


@pytest.fixture
def host(tmp_path: Path) -> BoardHost:
    return make_host(str(tmp_path / "board.db"), tmp_path / "keys")


@pytest.fixture
def service(host: BoardHost, tmp_path: Path, clock: Clock) -> BoardService:
    return make_service(host, tmp_path / "keys", clock)


@pytest.fixture
def server(service: BoardService) -> Iterator[Running]:
    with served(service, limits=Limits(deadline=1.0, max_body=70000)) as running:
        yield running


@pytest.fixture
def client(server: Running) -> Iterator[BoardClient]:
    with BoardClient(server.url) as made:
        yield made


def opened_run(client: BoardClient, world: World) -> Run:
    client.publish_status_list(world.status_list())
    run = remote_run(world, client)
    run.setup()
    return run


def test_an_election_runs_end_to_end_over_https(tmp_path: Path, world: World) -> None:
    clock = world.clock
    ca = make_test_ca(tmp_path)
    host = make_host(str(tmp_path / "board.db"), tmp_path / "keys")
    service = make_service(host, tmp_path / "keys", clock)
    with (
        served(service, tls=ca.tls) as server,
        BoardClient(server.url, ca_file=ca.ca_file) as client,
    ):
        assert server.url.startswith("https://")
        run = opened_run(client, world)
        world = run.world
        receipts = {
            f"b{i}": run.vote(voter, f"b{i}", "ada" if i % 2 else "bob")
            for i, voter in enumerate(world.voters)
        }
        receipts["b0-again"] = run.vote(world.voters[0], "b0-again", "ada")  # a revote
        result = run.finish()
        log = client.read_log(ELECTION_ID, [Ed25519Verifier.from_vkey(host.info.vkey)])
        entries = [Entry.from_bytes(data) for data in log.entries]
        by_id = {e.body.ballot.ballot_id: e for e in entries if isinstance(e.body, BallotBody)}
        for ballot_id, receipt in receipts.items():
            verify_receipt(
                receipt,
                leaf_hash(by_id[ballot_id].to_bytes()),
                [Ed25519Verifier.from_vkey(host.info.vkey)],
            )
        listing = client.elections()
        # An auditor needs nothing but the URL: the record comes from the tiles.
        report = verify_record(client.record(ELECTION_ID), workers=1)
    assert report.passed, [c for c in report.checks if c.outcome.name != "PASSED"]
    assert [(e["id"], e["phase"]) for e in listing] == [(ELECTION_ID, "finished")]
    # Voter 0 revoted for ada (the last ballot counts); 1 and 3 chose ada; 2 and 4 bob.
    assert result.counts()["mayor"] == {"ada": 3, "bob": 2}
    assert result.ballot_count == 5


def test_resubmitting_an_entry_returns_its_receipt_and_appends_nothing(
    client: BoardClient, world: World, clock: Clock
) -> None:
    run = opened_run(client, world)
    voter = run.world.voters[0]
    entry = run.entry(run.ballot_body(voter, "b1", "ada"), voter)
    first = client.submit(entry.to_bytes(), ELECTION_ID)
    again = client.submit(entry.to_bytes(), ELECTION_ID)
    assert first.created and not again.created
    assert (again.index, again.leaf_hash) == (first.index, first.leaf_hash)
    # A voter's entry is found by its ballot id, sent with or without a place.
    placed, unplaced = client.submit_entry(entry, ELECTION_ID)
    assert not unplaced.created and (unplaced.index, unplaced.prev) == (first.index, first.prev)
    assert placed.to_bytes() == client.read_log(ELECTION_ID, [_verifier(client)]).entries[-1]
    assert client.head(ELECTION_ID).seq == first.index + 1


def test_the_same_ballot_sent_concurrently_is_appended_once(
    client: BoardClient, world: World, clock: Clock
) -> None:
    run = opened_run(client, world)
    entries = [
        run.entry(run.ballot_body(voter, f"c{n}", "ada"), voter)
        for n, voter in enumerate(world.voters[:4])
    ]
    size = client.head(ELECTION_ID).seq
    answers: list[tuple[int, bytes]] = []
    lock = threading.Lock()

    def send(entry: Entry) -> None:
        _placed, answer = client.submit_entry(entry, ELECTION_ID)
        with lock:
            answers.append((answer.index, answer.entry_hash))

    threads = [threading.Thread(target=send, args=(e,)) for e in entries * 3]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert len(answers) == 12 and len(set(answers)) == 4
    assert client.head(ELECTION_ID).seq == size + 4


def test_a_ballot_is_placed_by_the_board_and_a_stale_entry_signs_again(
    client: BoardClient, world: World, clock: Clock
) -> None:
    run = opened_run(client, world)
    one, two = run.world.voters[:2]
    head = client.head(ELECTION_ID)
    # A voter's entry is not signed over its place: one built on an old head goes at the head.
    late = run.entry(run.ballot_body(two, "late", "bob"), two)
    client.submit(run.entry(run.ballot_body(one, "early", "ada"), one).to_bytes(), ELECTION_ID)
    placed = client.submit(late.to_bytes(), ELECTION_ID)
    assert placed.created and placed.index == head.seq + 1 and placed.prev != late.prev
    # Every other entry is signed over the head: a stale one is refused with the new head,
    # and `append` signs it again there.
    clock.now = CLOSES
    authority = world.authority
    close = CloseBody((world.status_list(CLOSES),))
    stale = sign_entry(close, head, author=authority.vm, time=clock.now, key=authority.key)
    with pytest.raises(BoardRefused) as refused:
        client.submit(stale.to_bytes(), ELECTION_ID)
    assert refused.value.status == 409
    assert refused.value.rule == "link"
    assert refused.value.problem["head"]["seq"] == head.seq + 2
    entry, answer = client.append(
        ELECTION_ID, signer_for(close, authority, clock), head=head, attempts=3
    )
    assert answer.index == head.seq + 2 and entry.seq == head.seq + 2


@pytest.mark.parametrize(
    ("tamper", "rule"),
    [
        ("outsider", "eligibility"),
        ("duplicate", "ballot"),
    ],
)
def test_a_refusal_names_the_rule(
    client: BoardClient, world: World, tamper: str, rule: str
) -> None:
    run = opened_run(client, world)
    if tamper == "outsider":
        body = run.ballot_body(
            world.outsider,
            "x",
            "ada",
            credential=world.credential(world.outsider, 9, issuer=world.outsider),
        )
        party = world.outsider
    else:
        run.vote(world.voters[0], "dup", "ada")
        body = run.ballot_body(world.voters[0], "dup", "bob")
        party = world.voters[0]
    with pytest.raises(BoardRefused) as refused:
        client.submit(run.entry(body, party).to_bytes(), ELECTION_ID)
    assert refused.value.status == 409
    assert refused.value.rule == rule
    assert refused.value.problem["type"] == "urn:ssi-wallet:problem:rule"


def test_entries_for_an_unknown_election_or_another_board_are_refused(
    client: BoardClient, world: World, clock: Clock
) -> None:
    run = opened_run(client, world)
    voter = run.world.voters[0]
    data = run.entry(run.ballot_body(voter, "b", "ada"), voter).to_bytes()
    with pytest.raises(BoardRefused) as unknown:
        client.submit(data.replace(ELECTION_ID.encode(), b"nope-2030"), "nope-2030")
    assert unknown.value.status in (400, 404)
    with pytest.raises(BoardRefused) as wrong:
        client.submit(data, "other")
    assert wrong.value.status == 400


# -- hostile requests ----------------------------------------------------------------------


def _problem(response: httpx.Response) -> str:
    assert response.headers["content-type"] == "application/problem+json"
    return str(response.json()["type"]).rpartition(":")[2]


def test_hostile_requests_are_refused_within_the_deadline_while_voters_are_served(
    client: BoardClient, server: Running, world: World
) -> None:
    run = opened_run(client, world)
    url = f"{server.url}/elections/{ELECTION_ID}/entries"
    json_type = {"content-type": "application/json"}
    with httpx.Client() as http:
        big = http.post(url, content=b"{" + b" " * 80000 + b"}", headers=json_type)
        assert (big.status_code, _problem(big)) == (413, "content-too-large")
        bad = http.post(url, content=b'{"version": 1,', headers=json_type)
        assert (bad.status_code, _problem(bad)) == (400, "malformed-entry")
        typed = http.post(url, content=b"{}", headers={"content-type": "text/plain"})
        assert (typed.status_code, _problem(typed)) == (415, "unsupported-media-type")
        unknown = http.get(f"{server.url}/elections/nope/checkpoint")
        assert (unknown.status_code, _problem(unknown)) == (404, "unknown-election")

    # Slow clients: one drips its headers, one its body; a voter is served meanwhile.
    replies: dict[str, bytes] = {}
    began = time.monotonic()

    def drip(name: str, first: bytes, rest: bytes) -> None:
        sock = raw_connection(server.port)
        sock.sendall(first)
        threading.Event().wait(0.3)  # the client's pace
        sock.sendall(rest)
        replies[name] = read_response(sock)

    drippers = [
        threading.Thread(target=drip, args=("headers", b"GET /elections HTTP/1.1\r\n", b"Ho")),
        threading.Thread(
            target=drip,
            args=(
                "body",
                f"POST /elections/{ELECTION_ID}/entries HTTP/1.1\r\nHost: x\r\n"
                "Content-Type: application/json\r\nContent-Length: 500\r\n\r\n".encode(),
                b"{",
            ),
        ),
    ]
    for dripper in drippers:
        dripper.start()
    voter = run.world.voters[1]
    served_at = time.monotonic()
    receipt = run.vote(voter, "during-the-drip", "ada")
    served_in = time.monotonic() - served_at
    for dripper in drippers:
        dripper.join()
    elapsed = time.monotonic() - began
    assert receipt.index >= 8
    assert served_in < 1.0
    assert replies["headers"].startswith(b"HTTP/1.1 408 ")
    assert replies["body"].startswith(b"HTTP/1.1 408 ")
    assert elapsed < 2.5


def test_refuses_ballots_after_close(client: BoardClient, world: World) -> None:
    run = opened_run(client, world)
    body = run.ballot_body(run.world.voters[0], "late", "ada")
    world.clock.now = CLOSES
    with pytest.raises(BoardRefused) as refused:
        client.submit(run.entry(body, run.world.voters[0]).to_bytes(), ELECTION_ID)
    assert refused.value.rule == "window"


def test_https_client_refuses_an_unknown_ca(tmp_path: Path, service: BoardService) -> None:
    ca = make_test_ca(tmp_path)
    with served(service, tls=ca.tls) as server, BoardClient(server.url) as client:
        from wallet.board import BoardUnreachable

        with pytest.raises(BoardUnreachable):
            client.info()
    assert ssl.OPENSSL_VERSION


def test_published_status_lists_are_read_back(client: BoardClient, world: World) -> None:
    from voting.testing import STATUS_URL

    client.publish_status_list(world.status_list())
    assert client.status_list(STATUS_URL) == world.status_list()
    with pytest.raises(BoardRefused) as missing:
        client.status_list("https://elsewhere.example/list")
    assert missing.value.status == 404
    forged = {**world.status_list(), "issuer": world.outsider.did}
    with pytest.raises(BoardRefused) as refused:
        client.publish_status_list(forged)
    assert refused.value.status == 400
    assert client.info()["board"]


@pytest.mark.parametrize(
    "body",
    [
        b"[" * 20_000 + b"]" * 20_000,
        b'{"id": "https://a.example/1", "id": "https://b.example/1"}',
        b'{"validUntil": NaN}',
        b'{"n": 1e999}',
    ],
    ids=["nested-past-the-cap", "repeated-member", "nan", "overflowing-number"],
)
def test_a_published_status_list_goes_through_the_strict_parser(
    server: Running, body: bytes
) -> None:
    # Issue 14, finding 9: the board read this body with json.loads, so deep nesting was an
    # internal error and a repeated member meant whatever the last one said.
    with httpx.Client() as http:
        answer = http.post(
            f"{server.url}/status-lists",
            content=body,
            headers={"Content-Type": "application/json"},
        )
    assert answer.status_code == 400, answer.text
    assert answer.json()["type"].endswith("malformed-json")


def test_wallet_audit_reads_a_board_url_incrementally(tmp_path: Path, world: World) -> None:
    from .cli_helpers import file_env, wallet

    ca = make_test_ca(tmp_path)
    host = make_host(str(tmp_path / "board.db"), tmp_path / "keys")
    service = make_service(host, tmp_path / "keys", world.clock)
    with (
        served(service, tls=ca.tls) as server,
        BoardClient(server.url, ca_file=ca.ca_file) as client,
    ):
        run = opened_run(client, world)
        run.vote(world.voters[0], "b0", "ada")
        state = tmp_path / "audit.state"
        first = wallet("audit", server.url, "--ca-file", ca.ca_file, "--state", state,
                       env=file_env())  # fmt: skip
        assert first.code == 0, first.stderr
        assert state.exists()
        run.vote(world.voters[1], "b1", "bob")
        run.finish()
        again = wallet("audit", server.url, "--ca-file", ca.ca_file, "--state", state,
                       "--json", env=file_env())  # fmt: skip
        assert again.code == 0, again.stderr
        untrusted = wallet("audit", server.url, env=file_env())
        assert untrusted.code == 3
        plain = wallet("audit", "http://192.0.2.1/", env=file_env())
        assert plain.code == 2


def _verifier(client: BoardClient) -> Ed25519Verifier:
    return Ed25519Verifier.from_vkey(str(client.info()["vkey"]))
