"""Provides `BoardService`: what a board server does, apart from HTTP.

The write path (DESIGN §5.5): an entry is parsed and checked against the election's state
by the board's rules (`voting.board.check_entry`: signatures, proofs, eligibility) before
anything is locked; the only step that serialises writers is the store's compare-and-append
transaction, conditional on the log still having the size the rules were checked at, so
no proof is verified and no network is touched while a lock is held. A writer that lost the
race is told the new head (409, rule `link`) and may sign its entry again. The checkpoint is
signed after the commit, at whatever size the log then has, which covers the entry.

Every thread gets its own store connection; the election states are shared and caught up
from the store, so several processes on one PostgreSQL database see each other's entries.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from voting.errors import RejectedEntry, StorageError, VotingError
from wallet.board._answers import Accepted, ElectionListing
from wallet.board._host import BoardHost
from wallet.board._status_lists import Refused, StatusLists
from wallet.board._tiles import MAX_BUNDLE_ENTRY, TILE_WIDTH, TilePath, encode_bundle, tree_level
from wallet.board._witnessing import NotWitnessed, Witnessing

if TYPE_CHECKING:
    from voting.board import ElectionState, Entry
    from voting.chain import Ed25519Signer, LogStore


@dataclass
class _Cached:
    state: ElectionState
    lock: threading.Lock = field(default_factory=threading.Lock)


class BoardService:
    """The board's behaviour over its store; thread-safe, one store connection per thread.

    Without a signer the service only reads (`wallet board info`).
    """

    def __init__(
        self,
        host: BoardHost,
        signer: Ed25519Signer | None,
        *,
        now: Callable[[], datetime],
        resolver: Any,
        status_lists: StatusLists,
        witnessing: Witnessing | None = None,
    ) -> None:
        self.host = host
        self.witnessing = witnessing or Witnessing({})
        self._signer = signer
        self.now = now
        self.resolver = resolver
        self.status_lists = status_lists
        self._local = threading.local()
        self._stores: list[LogStore] = []
        self._stores_lock = threading.Lock()
        self._generation = 0
        self._states: dict[str, _Cached] = {}
        self._states_lock = threading.Lock()
        self._pacing_lock = threading.Lock()
        self._losers: dict[str, tuple[int, int]] = {}
        self._interval: dict[str, float] = {}

    @property
    def vkey(self) -> str:
        return self.host.info.vkey

    def origin(self, election: str) -> str:
        return f"{self.host.info.name}/{election}"

    def store(self) -> LogStore:
        """This thread's connection to the store."""
        store: LogStore | None = getattr(self._local, "store", None)
        if store is None or getattr(self._local, "generation", -1) != self._generation:
            store = self.host.open_store()
            self._local.store = store
            self._local.generation = self._generation
            with self._stores_lock:
                self._stores.append(store)
        return store

    def close(self) -> None:
        with self._stores_lock:
            for store in self._stores:
                try:
                    store.close()
                except Exception:  # noqa: S112 - closing is best effort; others still close.
                    continue
            self._stores.clear()
            # Threads still holding a closed connection open a new one on their next call.
            self._generation += 1

    def repair(self) -> None:
        """Sign the checkpoint a crash between commit and checkpoint left missing."""
        store = self.store()
        for election in store.logs():
            size = store.size(election)
            latest = store.latest_checkpoint(election)
            if size and (latest is None or _checkpoint_size(latest) < size):
                self._checkpoint(store, election)

    # -- reading ------------------------------------------------------------------------

    def exists(self, election: str) -> bool:
        return election in self.store().logs()

    def require(self, election: str) -> None:
        if not self.exists(election):
            raise Refused(404, "unknown-election", f"no election {election[:128]!r} here")

    def state(self, election: str) -> ElectionState:
        """The election's state, caught up with the store (other processes may append)."""
        from voting.board import ElectionState, Entry

        with self._states_lock:
            cached = self._states.get(election)
            if cached is None:
                cached = _Cached(ElectionState(election))
                self._states[election] = cached
        store = self.store()
        with cached.lock:
            size = store.size(election) if election in store.logs() else 0
            if cached.state.size < size:
                for data in store.leaves(election, cached.state.size, size):
                    cached.state.apply(Entry.from_bytes(data, check_canonical=False))
        return cached.state

    def head(self, election: str) -> dict[str, Any]:
        """Where the election's next entry goes: its seq and the hash of the last entry."""
        self.require(election)
        state = self.state(election)
        return {"seq": state.size, "prev": state.head.hex()}

    def _learn(self, election: str, entry: Entry) -> None:
        """Apply an entry this process just appended, sparing the state a re-parse."""
        with self._states_lock:
            cached = self._states.get(election)
        if cached is None:
            return
        with cached.lock:
            if cached.state.size == entry.seq:
                cached.state.apply(entry)

    def elections(self) -> list[ElectionListing]:
        listing = []
        for election in self.store().logs():
            state = self.state(election)
            if state.size:
                listing.append(
                    ElectionListing(election, state.phase, state.size, self.origin(election))
                )
        return listing

    def checkpoint(self, election: str) -> str:
        self.require(election)
        store = self.store()
        if store.latest_checkpoint(election) is None:
            raise Refused(404, "no-checkpoint", f"election {election!r} has no checkpoint yet")
        return self._published(store, election, 0)

    def _published(self, store: LogStore, election: str, covering: int) -> str:
        """The checkpoint readers and receipts get: the board's newest signed one, or, for an
        election that names witnesses, the newest with a quorum of their cosignatures that
        covers `covering` entries (`_witnessing`). This is where a checkpoint is published."""
        note = store.latest_checkpoint(election)
        assert note is not None
        state = self.state(election)
        policy = None if state.election is None else state.election.witnesses
        if policy is None:
            return note
        held = self.witnessing.latest(self.origin(election))
        if held is not None and covering <= _checkpoint_size(held):
            return held

        def latest() -> str:
            newest = store.latest_checkpoint(election)
            assert newest is not None
            return newest

        def proofs(old: int, new: int) -> list[bytes]:
            return list(store.consistency_proof(election, old, new))

        def keep(cosigned: str) -> None:
            # Stored too, so that the board file's record and a restarted server have it.
            with suppress(StorageError):
                store.put_checkpoint(election, cosigned)

        try:
            return self.witnessing.cosigned(policy, latest, proofs, covering, keep)
        except NotWitnessed as exc:
            raise Refused(
                503,
                "not-witnessed",
                f"no checkpoint of {election!r} covering entry {covering - 1} has a quorum "
                f"of witness cosignatures: {exc}"[:600],
            ) from None

    def tile(self, election: str, tile: TilePath) -> bytes:
        """A hash tile or an entry bundle, if the log has grown far enough for it."""
        self.require(election)
        store = self.store()
        start = tile.index * TILE_WIDTH
        end = start + tile.width
        try:
            if tile.level is None:
                if end > store.size(election):
                    raise Refused(404, "no-such-tile", "the log has not reached this bundle")
                return encode_bundle(store.leaves(election, start, end))
            return b"".join(store.node_range(election, tree_level(tile.level), start, end))
        except StorageError:
            raise Refused(404, "no-such-tile", "the log has not reached this tile") from None

    # -- writing ------------------------------------------------------------------------

    def submit(
        self,
        election: str,
        data: bytes,
        *,
        committed: Callable[[dict[str, Any]], None] | None = None,
    ) -> Accepted:
        """Check an entry by the board's rules and append it, or raise Refused.

        `committed(head)` is called as soon as the entry is committed, with the new head,
        before the checkpoint is signed: the next writer in line can start signing then.
        """
        from voting.board import Entry

        if len(data) > MAX_BUNDLE_ENTRY:
            raise Refused(
                413, "entry-too-large", f"an entry is at most {MAX_BUNDLE_ENTRY} bytes here"
            )
        began = time.monotonic()
        self._precheck(election, data)
        try:
            entry = Entry.from_bytes(data)
        except VotingError as exc:
            raise Refused(400, "malformed-entry", str(exc)[:300]) from None
        if entry.election != election:
            raise Refused(400, "wrong-election", f"the entry is for election {entry.election!r}")
        if entry.type != "election":
            self.require(election)
        state = self.state(election)
        settled = self._settled(election, entry, data, state.size)
        if settled is not None:
            return settled
        try:
            if entry.type == "election":
                self._check_board(entry)
            from voting.board import check_entry

            check_entry(
                state,
                entry,
                resolver=self.resolver,
                now=self.now(),
                status_lists=self.status_lists.source(),
            )
        except RejectedEntry as exc:
            # A rule may have read a state another thread was extending: if the log moved,
            # the entry is stale (or already in), whatever the rule said.
            moved = self._settled(election, entry, data, self.state(election).size)
            if moved is not None:
                return moved
            rule, _, reason = str(exc).partition(": ")
            raise Refused(409, "rule", str(exc)[:500], rule=rule, reason=reason[:500]) from None
        return self._append(election, entry, data, began, committed)

    def _precheck(self, election: str, data: bytes) -> None:
        """Refuse an entry whose place is already taken before paying for parsing it.

        Canonical (JCS) entries end with `"seq":N,"signature":"…","time":"…","type":"…",
        "version":1}`, so the seq is found near the end; anything unexpected is left to the
        full parse. An entry already in the log is not refused here (it gets its receipt).
        """
        tail = data[-400:]
        at = tail.rfind(b',"seq":')
        if at < 0:
            return
        digits = tail[at + 7 : at + 7 + 17].split(b",", 1)[0]
        if not digits.isdigit() or not self.exists(election):
            return
        seq = int(digits)
        size = self.state(election).size
        if seq < size and self.store().leaf(election, seq) != data:
            raise self._stale(election)

    def _settled(self, election: str, entry: Entry, data: bytes, size: int) -> Accepted | None:
        """The receipt if the entry is already in the log; Refused if its place is taken."""
        if entry.seq == size:
            return None
        if entry.seq < size:
            store = self.store()
            if store.leaf(election, entry.seq) == data:
                return self._accepted(store, election, entry, created=False)
        raise self._stale(election)

    def _stale(self, election: str) -> Refused:
        state = self.state(election)
        return Refused(
            409,
            "rule",
            f"link: the log has {state.size} entries; sign the entry again on the new head",
            rule="link",
            head={"seq": state.size, "prev": state.head.hex()},
            retryAfterMs=self._pacing(election, state.size),
        )

    def _pacing(self, election: str, size: int) -> int:
        """A hint for writers that lost a race: come back in turn, not all at once.

        The k-th writer told that the log moved past its entry at this size is asked to wait
        about k times the recent interval between appends, so that the losers return one
        per append instead of colliding again (each collision costs a round trip and,
        for an entry at the head, a verification). Clients may ignore it.
        """
        with self._pacing_lock:
            seen, losers = self._losers.get(election, (-1, 0))
            losers = losers + 1 if seen == size else 1
            self._losers[election] = (size, losers)
            interval = self._interval.get(election, 0.005)
        return min(2000, int(losers * interval * 1000))

    def _appended(self, election: str, began: float) -> None:
        """Track how long one accepted entry takes here, checks and commit (moving average)."""
        took = min(time.monotonic() - began, 0.5)
        with self._pacing_lock:
            old = self._interval.get(election, took)
            self._interval[election] = 0.8 * old + 0.2 * took

    def _check_board(self, entry: Entry) -> None:
        from voting.board import ElectionBody

        body = entry.body
        if not isinstance(body, ElectionBody):
            raise RejectedEntry("type: an election entry needs an election body")
        if body.vkey != self.vkey:
            raise RejectedEntry("board: the election names another board key")
        if body.origin != self.origin(entry.election):
            raise RejectedEntry(
                f"board: origin {body.origin!r}, want {self.origin(entry.election)!r}"
            )

    def _append(
        self,
        election: str,
        entry: Entry,
        data: bytes,
        began: float,
        committed: Callable[[dict[str, Any]], None] | None = None,
    ) -> Accepted:
        store = self.store()
        if entry.seq == 0:
            # Another writer may have created it; the conditional append decides.
            with suppress(StorageError):
                store.create_log(election)
        try:
            store.append(election, data, expected_size=entry.seq)
        except StorageError:
            moved = self._settled(election, entry, data, store.size(election))
            if moved is not None:
                return moved
            raise
        self._appended(election, began)
        self._learn(election, entry)
        if committed is not None:
            committed({"seq": entry.seq + 1, "prev": entry.hash().hex()})
        self._checkpoint(store, election)
        return self._accepted(store, election, entry, created=True)

    def _checkpoint(self, store: LogStore, election: str) -> None:
        from voting.chain import Checkpoint, sign_checkpoint

        if self._signer is None:
            raise StorageError("this board service only reads: it holds no checkpoint key")
        size = store.size(election)
        body = Checkpoint(self.origin(election), size, store.root(election, size))
        try:
            store.put_checkpoint(election, sign_checkpoint(body, self._signer).to_text())
        except StorageError:
            # Another process stored a newer checkpoint first; it covers this entry too.
            latest = store.latest_checkpoint(election)
            if latest is None or _checkpoint_size(latest) < size:
                raise

    def _accepted(self, store: LogStore, election: str, entry: Entry, *, created: bool) -> Accepted:
        from voting.chain import Note, Receipt

        note = store.latest_checkpoint(election)
        if note is None or _checkpoint_size(note) <= entry.seq:
            # Committed by a process that died before its checkpoint: sign one now.
            self._checkpoint(store, election)
            note = store.latest_checkpoint(election)
        note = self._published(store, election, entry.seq + 1)
        size = _checkpoint_size(note)
        proof = tuple(store.inclusion_proof(election, entry.seq, size))
        receipt = Receipt(entry.seq, proof, Note.from_text(note))
        return Accepted(
            election,
            entry.seq,
            store.leaf_hash(election, entry.seq),
            entry.hash(),
            receipt.to_text(),
            created,
        )


def _checkpoint_size(note: str) -> int:
    from voting.chain import Checkpoint, Note

    return Checkpoint.from_text(Note.from_text(note).text).size
