"""Tests the board's read path over real HTTP on 127.0.0.1: C2SP tlog-tiles byte for byte,
a reader that rebuilds the tree from the tiles alone, and a follower that fetches only what
is new and still catches a rewritten history."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from voting.chain import Checkpoint, Ed25519Verifier, leaf_hash, node_hash, sign_checkpoint
from voting.testing import World
from wallet.board import BoardClient, BoardService, TilePath, tiles_for_size
from wallet.errors import VerificationFailed
from wallet.server import Running

from .board_helpers import make_host, make_service, served


@pytest.fixture
def service(tmp_path: Path) -> BoardService:
    host = make_host(str(tmp_path / "board.db"), tmp_path / "keys")
    return make_service(host, tmp_path / "keys", World().clock)


@pytest.fixture
def server(service: BoardService) -> Iterator[Running]:
    with served(service) as running:
        yield running


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


def test_tiles_that_are_not_the_tree_of_the_entries_are_caught() -> None:
    from voting.chain import compute_root
    from wallet.board import TileMismatch, verify_tiles

    leaves = [b"a", b"b", b"c"]
    hashes = [leaf_hash(x) for x in leaves]
    root = compute_root(hashes)
    verify_tiles(leaves, {(0, 0): hashes}, root)
    with pytest.raises(TileMismatch):
        verify_tiles([b"a", b"X", b"c"], {(0, 0): hashes}, root)
    with pytest.raises(TileMismatch):
        verify_tiles(leaves, {(0, 0): hashes}, bytes(32))
    with pytest.raises(TileMismatch):
        verify_tiles(leaves, {(0, 0): hashes[:2]}, root)
