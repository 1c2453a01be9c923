"""Provides `RemoteBoard`: the wallet's board interface (`wallet.services.BoardClient`) over
a board server's HTTP API (docs/board-api.md).

Nothing the server says is believed unverified: entries come from the tiles, rebuilt into
the tree and checked against a checkpoint signed by the board key; receipts and proofs are
computed from those verified leaves. Posting needs no board key: the server signs the
checkpoints. A refusal by the board's rules is raised as `voting.errors.RejectedEntry`, as a
local board raises it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any, Self

from wallet.board._client import BoardClient as HttpBoard
from wallet.board._urls import BoardRefused
from wallet.errors import NotFound, VerificationFailed

if TYPE_CHECKING:
    from voting.board import ElectionState, Entry, EntryBody, Head, Record
    from voting.chain import MemoryLogStore, Note, Receipt
    from wallet.services._board_api import BoardInfo, StatusLists, Submitted


class RemoteBoard:
    """A board server, opened by URL. Use as a context manager so connections are closed."""

    def __init__(
        self, url: str, *, ca_file: Path | None = None, environ: Mapping[str, str] | None = None
    ) -> None:
        from wallet.services._board_api import BoardInfo

        self._http = HttpBoard(url, ca_file=ca_file, environ=environ)
        try:
            data = self._http.info()
        except BaseException:
            self._http.close()
            raise
        self._info = BoardInfo(str(data.get("board", "")), str(data["name"]), str(data["vkey"]))
        self._raw: dict[str, list[bytes]] = {}
        self._notes: dict[str, str] = {}

    @property
    def info(self) -> BoardInfo:
        return self._info

    @property
    def location(self) -> str:
        return self._http.url

    def origin(self, election: str) -> str:
        return f"{self._info.name}/{election}"

    def elections(self) -> list[str]:
        return [str(item["id"]) for item in self._http.elections() if item.get("size")]

    def _refresh(self, election: str) -> list[bytes]:
        from voting.chain import Ed25519Verifier

        try:
            log = self._http.read_log(
                election,
                [Ed25519Verifier.from_vkey(self._info.vkey)],
                origin=self.origin(election),
                known=self._raw.get(election, ()),
            )
        except BoardRefused as refused:
            if refused.status == 404:
                raise NotFound(f"no election {election!r} on board {self.location}") from None
            raise
        self._raw[election] = log.entries
        self._notes[election] = log.note
        return log.entries

    def entries(self, election: str) -> list[Entry]:
        from voting.board import Entry

        return [Entry.from_bytes(data) for data in self._refresh(election)]

    def first_entry(self, election: str) -> Entry | None:
        """The election's first entry, from the entries already read when there are some."""
        from voting.board import Entry

        raw = self._raw.get(election) or self._refresh(election)
        return Entry.from_bytes(raw[0]) if raw else None

    def state(self, election: str) -> ElectionState:
        from voting.board import ElectionState

        return ElectionState.replay(self.entries(election), election)

    def checkpoint(self, election: str) -> Note | None:
        from voting.chain import Note

        # Only the note: its reader checks it (`open_checkpoint`, or the verifying read path
        # of `wallet.services`), and reads the entries it needs against it.
        try:
            return Note.from_text(self._http.checkpoint(election))
        except BoardRefused as refused:
            if refused.status == 404:
                return None
            raise

    def _tree(self, election: str) -> MemoryLogStore:
        from voting.chain import MemoryLogStore

        store = MemoryLogStore()
        store.create_log(election)
        store.append_many(election, self._refresh(election))
        return store

    def inclusion(self, election: str, index: int) -> Receipt:
        from voting.chain import Checkpoint, Note, Receipt

        store = self._tree(election)
        note = Note.from_text(self._notes[election])
        size = Checkpoint.from_text(note.text).size
        return Receipt(index, tuple(store.inclusion_proof(election, index, size)), note)

    def leaves(self, election: str, start: int, end: int, *, size: int) -> list[bytes]:
        """Entries from the entry bundles of a log of `size` entries (unverified)."""
        from wallet.board._tiles import TILE_WIDTH, TilePath, decode_bundle

        end = min(end, size)
        found: list[bytes] = []
        for n in range(start // TILE_WIDTH, -(-end // TILE_WIDTH)):
            width = min(TILE_WIDTH, size - n * TILE_WIDTH)
            try:
                got = decode_bundle(self._http.tile(election, TilePath(None, n, width)))
            except ValueError as exc:
                raise VerificationFailed(f"entry bundle {n}: {exc}") from None
            except BoardRefused as refused:
                if refused.status == 404:
                    raise NotFound(f"no election {election!r} on board {self.location}") from None
                raise
            if len(got) != width:
                raise VerificationFailed(f"entry bundle {n}: {len(got)} entries, want {width}")
            first = n * TILE_WIDTH
            found += got[max(start - first, 0) : end - first]
        return found

    def consistency_proof(self, election: str, old_size: int, new_size: int) -> list[bytes]:
        """The proof computed from the board's hash tiles: O(log n) tiles, not the entries.

        Unverified like everything the board serves: the caller checks it against the roots.
        """
        from voting.chain import Checkpoint, Note, consistency_proof

        current = Checkpoint.from_text(Note.from_text(self._http.checkpoint(election)).text).size
        if not 0 < old_size <= new_size <= current:
            return self._tree(election).consistency_proof(election, old_size, new_size)
        return consistency_proof(old_size, new_size, self._tile_nodes(election, current))

    def _tile_nodes(self, election: str, size: int) -> Callable[[int, int], bytes]:
        """A node getter over the hash tiles of a tree of `size` leaves (c2sp.org/tlog-tiles):
        a node of height h is in the tile of level h // 8, or is the root of at most 128
        hashes of one such tile."""
        from voting.chain import compute_root
        from wallet.board._tiles import TILE_HEIGHT, TILE_WIDTH, TilePath, split_hashes

        tiles: dict[tuple[int, int], list[bytes]] = {}

        def get(level: int, index: int) -> bytes:
            tile_level, height = divmod(level, TILE_HEIGHT)
            first = index << height
            n, offset = divmod(first, TILE_WIDTH)
            if (tile_level, n) not in tiles:
                width = min(TILE_WIDTH, (size >> (TILE_HEIGHT * tile_level)) - n * TILE_WIDTH)
                try:
                    data = split_hashes(self._http.tile(election, TilePath(tile_level, n, width)))
                except ValueError as exc:
                    raise VerificationFailed(f"hash tile {tile_level}/{n}: {exc}") from None
                tiles[tile_level, n] = data
            hashes = tiles[tile_level, n][offset : offset + (1 << height)]
            if len(hashes) != 1 << height:
                raise VerificationFailed(f"hash tile {tile_level}/{n}: too short")
            return hashes[0] if height == 0 else compute_root(hashes)

        return get

    def record(self, election: str) -> Record:
        """The election's record from the tiles, checked against the signed checkpoint."""
        return self._http.record(election, vkey=self._info.vkey)

    def documents_for(
        self, election: str, body: EntryBody, author: str
    ) -> dict[str, dict[str, Any]]:
        """The did:web documents the entry must record, judged from the verified entries
        with this wallet's own resolver (the board is not asked)."""
        import did
        from voting.board import dependencies, documents_needed

        wanted = dependencies(author.partition("#")[0], body)
        if not any(item.startswith("did:web:") for item in wanted):
            return {}  # did:key and did:jwk documents are never recorded: nothing to read
        state = self.state(election) if election in self.elections() else None
        recorded = state.documents if state is not None else {}
        return documents_needed(recorded, wanted, did.Resolver())

    def submit(self, election: str, build: Callable[[Head], Entry]) -> Submitted:
        """Sign and post: a voter's entry once (the board places it), any other on the head
        (again on a new one if another writer got there first). A refusal by the board's rules
        is RejectedEntry with the board's reason, as a local board raises it."""
        from voting.board import Head
        from voting.errors import RejectedEntry

        head = None
        if election not in self.elections():
            head = Head.genesis(election)
        try:
            entry, answer = self._http.append(election, build, head=head)
        except BoardRefused as refused:
            if refused.rule:
                raise RejectedEntry(str(refused.problem.get("detail", refused.rule))) from None
            if refused.status == 404:
                raise RejectedEntry(f"phase: no election {election!r} on this board") from None
            raise
        from wallet.services._board_api import Submitted

        return Submitted(answer.index, entry, answer.leaf_hash, answer.receipt)

    def publish_status_list(self, credential: Mapping[str, object]) -> None:
        self._http.publish_status_list(dict(credential))

    def status_lists(self) -> StatusLists:
        from did.errors import StatusRetrievalError
        from wallet.board._urls import BoardUnreachable

        def source(url: str) -> Mapping[str, object]:
            try:
                return self._http.status_list(url)
            except (BoardRefused, BoardUnreachable):
                raise StatusRetrievalError(
                    f"status list {url[:80]!r} is not on the board"
                ) from None

        return source

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()
