"""Tests the board server over real HTTP(S) on 127.0.0.1 with a SQLite store: an election
end to end through `BoardClient`, idempotent resubmission, refusals naming their rule,
the C2SP tlog-tiles read path byte for byte, and hostile requests."""

from __future__ import annotations

import hashlib
import ssl
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.serving import make_test_ca, raw_connection, read_response
from voting.audit import verify_record
from voting.board import BallotBody, Entry
from voting.chain import (
    Checkpoint,
    Ed25519Verifier,
    leaf_hash,
    node_hash,
    sign_checkpoint,
    verify_receipt,
)
from voting.testing import CLOSES, ELECTION_ID, Clock, Run, World
from wallet.board import (
    BoardClient,
    BoardHost,
    BoardRefused,
    BoardService,
    TilePath,
    tiles_for_size,
)
from wallet.errors import VerificationFailed
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
    assert client.head(ELECTION_ID).seq == first.index + 1


def test_a_stale_entry_is_refused_with_the_new_head_and_append_signs_again(
    client: BoardClient, world: World, clock: Clock
) -> None:
    run = opened_run(client, world)
    one, two = run.world.voters[:2]
    head = client.head(ELECTION_ID)
    stale = run.entry(run.ballot_body(two, "late", "bob"), two)
    client.submit(run.entry(run.ballot_body(one, "early", "ada"), one).to_bytes(), ELECTION_ID)
    with pytest.raises(BoardRefused) as refused:
        client.submit(stale.to_bytes(), ELECTION_ID)
    assert refused.value.status == 409
    assert refused.value.rule == "link"
    assert refused.value.problem["head"]["seq"] == head.seq + 1
    entry, answer = client.append(
        ELECTION_ID, signer_for(stale.body, two, clock), head=head, attempts=3
    )
    assert answer.index == head.seq + 1 and entry.seq == head.seq + 1


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


# -- the read path: C2SP tlog-tiles -------------------------------------------------------


def _mth(hashes: list[bytes]) -> bytes:
    while len(hashes) > 1:
        hashes = [node_hash(hashes[i], hashes[i + 1]) for i in range(0, len(hashes), 2)]
    return hashes[0]


def test_tiles_follow_c2sp_byte_for_byte_and_rebuild_the_tree(
    service: BoardService, server: Running
) -> None:
    # Raw leaves straight into the store: the read path does not care what entries mean.
    size = 600
    leaves = [hashlib.sha256(b"%d" % i).digest() * (1 + i % 3) for i in range(size)]
    store = service.store()
    store.create_log("tiles")
    store.append_many("tiles", leaves)
    body = Checkpoint(service.origin("tiles"), size, store.root("tiles"))
    store.put_checkpoint("tiles", sign_checkpoint(body, service._signer).to_text())  # type: ignore[arg-type]
    hashes = [leaf_hash(x) for x in leaves]
    base = f"{server.url}/elections/tiles"
    with httpx.Client() as http:
        full = http.get(f"{base}/tile/0/000")
        assert full.content == b"".join(hashes[:256])
        assert full.headers["content-type"] == "application/octet-stream"
        assert "immutable" in full.headers["cache-control"]
        partial = http.get(f"{base}/tile/0/002.p/88")
        assert partial.content == b"".join(hashes[512:600])
        assert "immutable" not in partial.headers["cache-control"]
        upper = http.get(f"{base}/tile/1/000.p/2")
        assert upper.content == _mth(hashes[:256]) + _mth(hashes[256:512])
        bundle = http.get(f"{base}/tile/entries/001")
        expected = b"".join(len(x).to_bytes(2, "big") + x for x in leaves[256:512])
        assert bundle.content == expected
        assert http.get(f"{base}/tile/entries/002.p/88").content == b"".join(
            len(x).to_bytes(2, "big") + x for x in leaves[512:600]
        )
        for missing in ("tile/0/003", "tile/0/002.p/89", "tile/entries/002", "tile/1/000"):
            assert http.get(f"{base}/{missing}").status_code == 404, missing
        for malformed in ("tile/0/2", "tile/0/x000/002", "tile/64/000", "tile/0/000.p/0",
                          "tile/0/000.p/256", "tile/01/000"):  # fmt: skip
            response = http.get(f"{base}/{malformed}")
            assert response.status_code == 404, malformed
        checkpoint = http.get(f"{base}/checkpoint")
        assert checkpoint.headers["content-type"] == "text/plain; charset=utf-8"
    assert [t.to_path() for t in tiles_for_size(size)] == [
        "tile/0/000", "tile/0/001", "tile/0/002.p/88", "tile/1/000.p/2",
    ]  # fmt: skip
    with BoardClient(server.url) as client:
        log = client.read_log("tiles", [Ed25519Verifier.from_vkey(service.vkey)])
    assert log.entries == leaves
    assert log.checkpoint.checkpoint.root_hash == _mth_rfc9162(hashes)


def test_a_follower_fetches_only_new_tiles_and_catches_a_rewritten_history(
    service: BoardService, server: Running, tmp_path: Path
) -> None:
    store = service.store()
    store.create_log("f")
    verifier = [Ed25519Verifier.from_vkey(service.vkey)]

    def grow(count: int) -> None:
        store.append_many("f", [b"leaf %d" % i for i in range(store.size("f"), count)])
        body = Checkpoint(service.origin("f"), count, store.root("f"))
        store.put_checkpoint("f", sign_checkpoint(body, service._signer).to_text())  # type: ignore[arg-type]

    cache = tmp_path / "tiles"
    grow(300)
    with BoardClient(server.url) as client:
        client.read_log("f", verifier, cache=cache)
        first = client.fetched  # bundles 0 and 1.p/44, tiles 0/000, 0/001.p/44, 1/000.p/1
        grow(520)
        later = client.read_log("f", verifier, cache=cache)
        second = client.fetched - first
    assert first == 5
    # Size 520 needs bundles 000, 001, 002.p/8 and tiles 0/000, 0/001, 0/002.p/8, 1/000.p/2:
    # the two full ones read before (bundle 000 and tile 0/000) come from the cache.
    assert second == 7 - 2
    assert len(later.entries) == 520
    with BoardClient(server.url) as client:
        again = client.read_log("f", verifier, known=later.entries[:300])
        assert client.fetched == 6  # every tile but bundle 000, which the caller held
    assert again.entries == later.entries
    with BoardClient(server.url) as client, pytest.raises(VerificationFailed):
        client.read_log("f", verifier, known=[b"forged"] * 256)
    # A board that rewrote its first entries cannot hide it behind the cached tiles.
    (cache / "f" / "tile/entries/000").write_bytes(b"\x00\x01X" + bytes(0))
    with BoardClient(server.url) as client, pytest.raises(VerificationFailed):
        client.read_log("f", verifier, cache=cache)


def _mth_rfc9162(hashes: list[bytes]) -> bytes:
    if len(hashes) == 1:
        return hashes[0]
    split = 1
    while split * 2 < len(hashes):
        split *= 2
    return node_hash(_mth_rfc9162(hashes[:split]), _mth_rfc9162(hashes[split:]))


def test_tile_index_encoding_follows_c2sp() -> None:
    assert TilePath(0, 1234067).to_path() == "tile/0/x001/x234/067"
    assert TilePath.parse("0/x001/x234/067") == TilePath(0, 1234067)
    assert TilePath(None, 5, 7).to_path() == "tile/entries/005.p/7"
    tiles = tiles_for_size(70000)
    assert sum(1 for t in tiles if t.level == 0 and t.is_full) == 273
    assert [t for t in tiles if not t.is_full] == [
        TilePath(0, 273, 112), TilePath(1, 1, 17), TilePath(2, 0, 1),
    ]  # fmt: skip
    assert tiles_for_size(256) == [TilePath(0, 0), TilePath(1, 0, 1)]


def test_a_tampered_tile_is_caught(service: BoardService, server: Running) -> None:
    store = service.store()
    store.create_log("t")
    store.append_many("t", [b"a", b"b", b"c"])
    body = Checkpoint(service.origin("t"), 3, store.root("t"))
    store.put_checkpoint("t", sign_checkpoint(body, service._signer).to_text())  # type: ignore[arg-type]
    from wallet.board import verify_tiles

    hashes = [leaf_hash(x) for x in (b"a", b"b", b"c")]
    verify_tiles([b"a", b"b", b"c"], {(0, 0): hashes}, store.root("t"))
    with pytest.raises(VerificationFailed):
        verify_tiles([b"a", b"X", b"c"], {(0, 0): hashes}, store.root("t"))
    with pytest.raises(VerificationFailed):
        verify_tiles([b"a", b"b", b"c"], {(0, 0): hashes}, bytes(32))


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
