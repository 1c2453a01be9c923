"""Provides `BoardLogs`: the board's logs as a server reads them, one store connection per
thread, with each election's state kept in memory and caught up from the store (other
processes may append), and the one place checkpoints are published (`publish_checkpoint`).
The write path is `BoardService` (`_service.py`).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from voting.errors import StorageError, VotingError
from wallet.board._answers import Accepted, ElectionListing
from wallet.board._host import BoardHost
from wallet.board._sequencer import Sequencer
from wallet.board._status_lists import Refused, StatusLists
from wallet.board._tiles import TILE_WIDTH, TilePath, encode_bundle, tree_level
from wallet.board._witnessing import NotWitnessed, Witnessing

if TYPE_CHECKING:
    from voting.board import ElectionState, Entry
    from voting.chain import Ed25519Signer, LogStore


@dataclass
class _Cached:
    state: ElectionState
    lock: threading.Lock = field(default_factory=threading.Lock)
    # Serialises this process's writes to the election (appends and checkpoints).
    sequencer: Sequencer = field(default_factory=Sequencer)


class BoardLogs:
    """The board's logs over its store; thread-safe, one store connection per thread.

    Without a signer it only reads (`wallet board info`).
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
        self._logs: set[str] = set()

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
                self.publish_checkpoint(store, election)

    # -- reading ------------------------------------------------------------------------

    def exists(self, election: str) -> bool:
        # Logs are never deleted, so one seen once is not asked for again.
        if election in self._logs:
            return True
        logs = self.store().logs()
        self._logs.update(logs)
        return election in logs

    def require(self, election: str) -> None:
        if not self.exists(election):
            raise Refused(404, "unknown-election", f"no election {election[:128]!r} here")

    def _cached(self, election: str) -> _Cached:
        from voting.board import ElectionState

        with self._states_lock:
            cached = self._states.get(election)
            if cached is None:
                cached = _Cached(ElectionState(election))
                self._states[election] = cached
        return cached

    def state(self, election: str) -> ElectionState:
        """The election's state, caught up with the store (other processes may append)."""
        from voting.board import Entry

        cached = self._cached(election)
        store = self.store()
        with cached.lock:
            size = store.size(election) if self.exists(election) else 0
            if cached.state.size < size:
                for data in store.leaves(election, cached.state.size, size):
                    cached.state.apply(Entry.from_bytes(data, check_canonical=False))
        return cached.state

    def head(self, election: str) -> dict[str, Any]:
        """Where the election's next entry goes: its seq and the hash of the last entry."""
        self.require(election)
        state = self.state(election)
        return {"seq": state.size, "prev": state.head.hex()}

    def _learn(self, election: str, entries: list[Entry]) -> None:
        """Apply entries this process just appended, sparing the state a re-parse."""
        cached = self._cached(election)
        with cached.lock:
            for entry in entries:
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

    def _published(
        self, store: LogStore, election: str, covering: int, signed: str | None = None
    ) -> str:
        """The checkpoint readers and receipts get: the board's newest signed one (`signed`,
        when the caller just read or signed it), or, for an election that names witnesses, the
        newest with a quorum of their cosignatures that covers `covering` entries
        (`_witnessing`). This is where a checkpoint is published."""
        note = signed if signed is not None else store.latest_checkpoint(election)
        assert note is not None
        body = self._cached(election).state.election  # fixed once the log has begun
        if body is None:
            try:
                body = self.state(election).election
            except VotingError:
                return note  # leaves that are not an election's entries name no witnesses
        policy = None if body is None else body.witnesses
        if policy is None:
            return note

        origin = self.origin(election)

        def stored() -> str | None:
            from voting.chain import LOOK_BACK, newest_cosigned

            recent = store.recent_checkpoints(election, LOOK_BACK)
            return newest_cosigned(recent, policy, self.witnessing.latest(origin))

        # Not only this process's rounds: another server of the board may have stored a newer
        # one, and handed it out in a receipt (docs/board-api.md §7).
        held = self.witnessing.latest(origin, stored())
        if held is not None and covering <= _checkpoint_size(held):
            return held

        def latest() -> str:
            newest = store.latest_checkpoint(election)
            assert newest is not None
            return newest

        def proofs(old: int, new: int) -> list[bytes]:
            return list(store.consistency_proof(election, old, new))

        def keep(cosigned: str) -> bool:
            # Stored before it is handed out, so that the other servers, a restarted one and
            # the board file's readers find it; refused when a newer one was stored meanwhile.
            try:
                store.put_checkpoint(election, cosigned)
            except StorageError:
                return False
            return True

        try:
            return self.witnessing.cosigned(policy, latest, proofs, covering, keep, stored)
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

    # -- checkpoints ----------------------------------------------------------------------

    def publish_checkpoint(self, store: LogStore, election: str) -> str:
        """Sign and store a checkpoint of the whole log, and return the latest stored note:
        the one place the board publishes checkpoints, after each commit (and on repair),
        under the election's write lock."""
        return self._checkpoint(store, election)

    def _checkpoint(self, store: LogStore, election: str) -> str:
        from voting.chain import Checkpoint, sign_checkpoint

        if self._signer is None:
            raise StorageError("this board service only reads: it holds no checkpoint key")
        for _attempt in range(3):
            size = store.size(election)
            body = Checkpoint(self.origin(election), size, store.root(election, size))
            note = sign_checkpoint(body, self._signer).to_text()
            try:
                store.put_checkpoint(election, note)
            except StorageError:
                # Another process stored a checkpoint first: if it covers this size, it is
                # the one; if not (it was smaller and won the race), sign again.
                latest = store.latest_checkpoint(election)
                if latest is not None and _checkpoint_size(latest) >= size:
                    return latest
                continue
            return note
        raise StorageError(f"could not store a checkpoint of {election!r}: others kept storing")

    def _accepted(
        self,
        store: LogStore,
        election: str,
        entry: Entry,
        *,
        created: bool,
        note: str | None = None,
    ) -> Accepted:
        """The answer for an entry in the log: its receipt against `note` (a checkpoint this
        process just published) or the latest stored checkpoint."""
        from voting.chain import Note, Receipt, leaf_hash

        if note is None or _checkpoint_size(note) <= entry.seq:
            note = store.latest_checkpoint(election)
        if note is None or _checkpoint_size(note) <= entry.seq:
            # Committed by a process that died before its checkpoint: sign one now.
            note = self.publish_checkpoint(store, election)
        note = self._published(store, election, entry.seq + 1, note)
        size = _checkpoint_size(note)
        proof = tuple(store.inclusion_proof(election, entry.seq, size))
        receipt = Receipt(entry.seq, proof, Note.from_text(note))
        return Accepted(
            election,
            entry.seq,
            entry.prev,
            leaf_hash(entry.to_bytes()),
            entry.hash(),
            receipt.to_text(),
            created,
        )


def _checkpoint_size(note: str) -> int:
    from voting.chain import Checkpoint, Note

    return Checkpoint.from_text(Note.from_text(note).text).size
