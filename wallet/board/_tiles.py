"""Provides the C2SP tlog-tiles encodings (c2sp.org/tlog-tiles): tile paths, tile bodies and
entry bundles, for the board's read path and for clients that rebuild a tree from tiles.

A tile at level L, index N holds the Merkle tree hashes of tree height 8·L with indices
N·256 … N·256+255 (a full tile, 8,192 bytes) or the first W of them (a partial tile `.p/W`);
at level 0 those are the leaf hashes. An entry bundle holds the entries N·256 … as
big-endian uint16 length-prefixed byte strings, so an entry is at most 65,535 bytes.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

TILE_WIDTH = 256
TILE_HEIGHT = 8
HASH_SIZE = 32
MAX_LEVEL = 63
MAX_BUNDLE_ENTRY = 0xFFFF

_GROUP = re.compile(r"x\d{3}")
_LAST = re.compile(r"\d{3}")
_WIDTH = re.compile(r"[1-9]\d{0,2}")
_LEVEL = re.compile(r"0|[1-9]\d?")


class TilePathError(ValueError):
    """A tile path that is not in the tlog-tiles form."""


class TileMismatch(ValueError):
    """Tiles that are not the tree of the entries, or whose root is not the checkpoint's."""


@dataclass(frozen=True)
class TilePath:
    """One tile: its level (None for an entry bundle), index and width (256 when full)."""

    level: int | None
    index: int
    width: int = TILE_WIDTH

    @property
    def is_full(self) -> bool:
        return self.width == TILE_WIDTH

    @property
    def is_entries(self) -> bool:
        return self.level is None

    def to_path(self) -> str:
        """The path below the log prefix, e.g. `tile/0/x001/234` or `tile/entries/000.p/7`."""
        head = "entries" if self.level is None else str(self.level)
        suffix = "" if self.is_full else f".p/{self.width}"
        return f"tile/{head}/{encode_index(self.index)}{suffix}"

    @classmethod
    def parse(cls, path: str) -> TilePath:
        """Parse the part after `tile/`: `<L>/<N>[.p/<W>]` or `entries/<N>[.p/<W>]`."""
        parts = path.split("/")
        if len(parts) < 2:
            raise TilePathError("want <L>/<N>[.p/<W>]")
        head, rest = parts[0], parts[1:]
        level: int | None
        if head == "entries":
            level = None
        elif _LEVEL.fullmatch(head) and int(head) <= MAX_LEVEL:
            level = int(head)
        else:
            raise TilePathError(f"tile level {head[:8]!r}: want 0..63 or entries")
        width = TILE_WIDTH
        if len(rest) >= 2 and rest[-2].endswith(".p"):
            if not _WIDTH.fullmatch(rest[-1]) or int(rest[-1]) >= TILE_WIDTH:
                raise TilePathError("partial tile width: want 1..255")
            width = int(rest[-1])
            rest = [*rest[:-2], rest[-2][: -len(".p")]]
        if not _LAST.fullmatch(rest[-1]) or not all(_GROUP.fullmatch(p) for p in rest[:-1]):
            raise TilePathError("tile index: want zero-padded 3-digit groups, all but the last x")
        digits = "".join(p.removeprefix("x") for p in rest)
        if len(rest) > 1 and rest[0] == "x000":
            raise TilePathError("tile index: no leading zero groups")
        return cls(level, int(digits), width)


def encode_index(index: int) -> str:
    """Encode a tile index as 3-digit groups: 1234067 -> `x001/x234/067`."""
    if index < 0:
        raise ValueError("a tile index is non-negative")
    text = str(index)
    text = "0" * (-len(text) % 3) + text
    groups = [text[i : i + 3] for i in range(0, len(text), 3)]
    return "/".join([*(f"x{g}" for g in groups[:-1]), groups[-1]])


def tree_level(tile_level: int) -> int:
    """The Merkle tree height of the hashes in a tile of `tile_level`."""
    return tile_level * TILE_HEIGHT


def tiles_for_size(size: int) -> list[TilePath]:
    """Every tile (hash tiles, not entry bundles) a tree of `size` leaves is made of."""
    tiles = []
    level = 0
    while True:
        count = size >> (TILE_HEIGHT * level)  # hashes at this tile level
        if count == 0:
            break
        tiles += [TilePath(level, n) for n in range(count // TILE_WIDTH)]
        if count % TILE_WIDTH:
            tiles.append(TilePath(level, count // TILE_WIDTH, count % TILE_WIDTH))
        level += 1
    return tiles


def bundles_for_size(size: int) -> list[TilePath]:
    """The entry bundles that hold the first `size` entries."""
    bundles = [TilePath(None, n) for n in range(size // TILE_WIDTH)]
    if size % TILE_WIDTH:
        bundles.append(TilePath(None, size // TILE_WIDTH, size % TILE_WIDTH))
    return bundles


def encode_bundle(entries: list[bytes]) -> bytes:
    """An entry bundle: each entry as a big-endian uint16 length and its bytes."""
    out = bytearray()
    for entry in entries:
        if len(entry) > MAX_BUNDLE_ENTRY:
            raise ValueError(f"an entry of {len(entry)} bytes does not fit an entry bundle")
        out += len(entry).to_bytes(2, "big") + entry
    return bytes(out)


def decode_bundle(data: bytes) -> list[bytes]:
    """Split an entry bundle into its entries (ValueError when truncated)."""
    entries = []
    position = 0
    while position < len(data):
        if position + 2 > len(data):
            raise ValueError("entry bundle: truncated length")
        length = int.from_bytes(data[position : position + 2], "big")
        position += 2
        if position + length > len(data):
            raise ValueError("entry bundle: truncated entry")
        entries.append(data[position : position + length])
        position += length
    return entries


def split_hashes(data: bytes) -> list[bytes]:
    """Split a hash tile into its 32-byte hashes (ValueError when the length is wrong)."""
    if len(data) % HASH_SIZE or not 0 < len(data) <= TILE_WIDTH * HASH_SIZE:
        raise ValueError(f"hash tile of {len(data)} bytes")
    return [data[i : i + HASH_SIZE] for i in range(0, len(data), HASH_SIZE)]


def verify_tiles(
    entries: Sequence[bytes], tiles: Mapping[tuple[int | None, int], list[bytes]], root: bytes
) -> None:
    """Check that the hash tiles are the tree of `entries` and that its root is `root`.

    Level-0 tiles must hold the entries' leaf hashes; each hash of a level-l tile must be the
    root of the full tile below it; and the root of all leaf hashes must be the checkpoint's.
    """
    from voting.chain import compute_root, leaf_hash

    leaves = [leaf_hash(entry) for entry in entries]
    level = 0
    below = leaves
    while below:
        hashes = [h for (lv, _n), tile in sorted(_level(tiles, level)) for h in tile]
        if hashes != below:
            raise TileMismatch(f"the level-{level} tiles are not the tree of the entries")
        # The next level holds one hash per *full* tile of this one.
        below = [
            compute_root(hashes[i : i + TILE_WIDTH])
            for i in range(0, len(hashes) - len(hashes) % TILE_WIDTH, TILE_WIDTH)
        ]
        level += 1
    if compute_root(leaves) != root:
        raise TileMismatch("the entries' tree root differs from the signed checkpoint")


def _level(
    tiles: Mapping[tuple[int | None, int], list[bytes]], level: int
) -> list[tuple[tuple[int, int], list[bytes]]]:
    return [((lv, n), t) for (lv, n), t in tiles.items() if lv == level]
