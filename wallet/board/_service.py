"""Provides `BoardService`: what a board server does, apart from HTTP.

The write path (DESIGN §5.5). A voter's entry (`ballot`, `challenged`) is signed without
its place (election-entries §3.1): the board checks everything that does not depend on the
head — signature, proofs, eligibility, recorded documents — before it takes any lock
(`voting.board.check_unplaced`), then the election's `Sequencer` places it: under the write
lock only the replayable rules run (`check_rules`, fast) and the store's compare-and-append
commits a group of entries at once; on a conflict with another server the group is placed
again, and the voter never signs twice. Every other entry is signed over the head and fully
checked (`voting.board.check_entry`) before the conditional append; a writer that lost the
race is told the new head (409, rule `link`) and signs again. After every commit the
checkpoint is signed and stored in one place, `publish_checkpoint`.

Every thread gets its own store connection; the election states are shared and caught up
from the store, so several processes on one PostgreSQL database see each other's entries.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from voting.errors import RejectedEntry, StorageError, VotingError
from wallet.board._answers import Accepted, ElectionListing
from wallet.board._host import BoardHost
from wallet.board._sequencer import Sequencer, Waiting
from wallet.board._status_lists import Refused, StatusLists
from wallet.board._tiles import MAX_BUNDLE_ENTRY, TILE_WIDTH, TilePath, encode_bundle, tree_level
from wallet.board._witnessing import NotWitnessed, Witnessing

if TYPE_CHECKING:
    from voting.board import ElectionState, Entry
    from voting.chain import Ed25519Signer, LogStore, WitnessPolicy


# How often a group is placed again when other servers of the board keep appending first.
PLACE_ATTEMPTS = 50


@dataclass
class _Cached:
    state: ElectionState
    lock: threading.Lock = field(default_factory=threading.Lock)
    # Serialises this process's writes to the election (appends and checkpoints).
    sequencer: Sequencer = field(default_factory=Sequencer)


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
        self._policies: dict[str, WitnessPolicy | None] = {}
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

    def _witness_policy(self, store: LogStore, election: str) -> WitnessPolicy | None:
        """The witnesses the election entry names (read once: the entry never changes)."""
        if election in self._policies:
            return self._policies[election]
        from voting.board import ElectionBody, Entry

        if not store.size(election):
            return None
        try:
            body = Entry.from_bytes(store.leaf(election, 0), check_canonical=False).body
        except VotingError:
            return None  # Not an election's log: nothing to witness for it.
        policy = body.witnesses if isinstance(body, ElectionBody) else None
        self._policies[election] = policy
        return policy

    def _published(
        self, store: LogStore, election: str, covering: int, signed: str | None = None
    ) -> str:
        """The checkpoint readers and receipts get: the board's newest signed one (`signed`,
        when the caller just read or signed it), or, for an election that names witnesses, the
        newest with a quorum of their cosignatures that covers `covering` entries
        (`_witnessing`). This is where a checkpoint is published."""
        note = signed if signed is not None else store.latest_checkpoint(election)
        assert note is not None
        policy = self._witness_policy(store, election)
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

    def submit(self, election: str, data: bytes) -> Accepted:
        """Check an entry by the board's rules and append it, or raise Refused.

        A voter's entry may come without `seq` and `prev` (the board places it); an entry
        already in the log gets its existing receipt and nothing is appended.
        """
        from voting.board import Entry

        if len(data) > MAX_BUNDLE_ENTRY:
            raise Refused(
                413, "entry-too-large", f"an entry is at most {MAX_BUNDLE_ENTRY} bytes here"
            )
        self._precheck(election, data)
        try:
            entry = Entry.from_submission(data)
        except VotingError as exc:
            raise Refused(400, "malformed-entry", str(exc)[:300]) from None
        if entry.election != election:
            raise Refused(400, "wrong-election", f"the entry is for election {entry.election!r}")
        if entry.type != "election":
            self.require(election)
        if entry.sequenced:
            return self._submit_unplaced(election, entry)
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
            raise _rule(exc) from None
        return self._append(election, entry, data)

    def _precheck(self, election: str, data: bytes) -> None:
        """Refuse an entry whose place is already taken before paying for parsing it.

        Canonical (JCS) entries end with `"seq":N,"signature":"…","time":"…","type":"…",
        "version":1}`, so the seq is found near the end; anything unexpected is left to the
        full parse. An entry already in the log is not refused here (it gets its receipt),
        nor is a voter's entry, whose place the board assigns.
        """
        tail = data[-400:]
        at = tail.rfind(b',"seq":')
        if at < 0 or b'"type":"ballot"' in tail or b'"type":"challenged"' in tail:
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
        )

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

    def _append(self, election: str, entry: Entry, data: bytes) -> Accepted:
        """Append an entry signed over the head, if the log still ends where it was signed."""
        store = self.store()
        if entry.seq == 0:
            # Another writer may have created it; the conditional append decides.
            with suppress(StorageError):
                store.create_log(election)
        with self._cached(election).sequencer.write_lock:
            try:
                store.append(election, data, expected_size=entry.seq)
            except StorageError:
                moved = self._settled(election, entry, data, store.size(election))
                if moved is not None:
                    return moved
                raise
            self._learn(election, [entry])
            note = self.publish_checkpoint(store, election)
        return self._accepted(store, election, entry, created=True, note=note)

    # -- voters' entries: checked unlocked, placed by the board ----------------------------

    def _submit_unplaced(self, election: str, entry: Entry) -> Accepted:
        from voting.board import check_unplaced

        state = self.state(election)
        known = self._known(election, state, entry)
        if known is not None:
            return self._accepted(self.store(), election, known, created=False)
        try:
            # Everything slow, before any lock: signature, proofs, eligibility, documents.
            check_unplaced(
                state,
                entry,
                resolver=self.resolver,
                now=self.now(),
                status_lists=self.status_lists.source(),
            )
        except RejectedEntry as exc:
            known = self._known(election, self.state(election), entry)
            if known is not None:
                return self._accepted(self.store(), election, known, created=False)
            raise _rule(exc) from None
        sequencer = self._cached(election).sequencer
        item = sequencer.place(Waiting(entry), lambda group: self._commit(election, group))
        if item.refused is not None:
            raise _rule(item.refused)
        assert item.placed is not None
        return self._accepted(
            self.store(), election, item.placed, created=item.created, note=item.note
        )

    def _known(self, election: str, state: ElectionState, entry: Entry) -> Entry | None:
        """The same signed voter's entry if it is in the log already (found by its ballot
        id, which is unique on the chain); Refused if the id is taken by another entry."""
        from voting.board import BallotBody, ChallengedBody

        body = entry.body
        assert isinstance(body, BallotBody | ChallengedBody)
        ballot_id = body.ballot.ballot_id
        with self._cached(election).lock:
            found = state.ballots.get(ballot_id) or state.challenged.get(ballot_id)
        if found is None:
            return None
        if _same_signed(found, entry):
            return found
        raise Refused(
            409,
            "rule",
            f"ballot: ballot id {ballot_id[:80]!r} is already on the chain",
            rule="ballot",
            reason=f"ballot id {ballot_id[:80]!r} is already on the chain",
        )

    def _commit(self, election: str, group: list[Waiting]) -> None:
        """Place a group of checked voters' entries on the head and append them in one
        transaction, then publish a checkpoint; runs under the election's write lock."""
        from voting.board import Head, check_rules, facts_of
        from voting.errors import RejectedEntry

        store = self.store()
        for _attempt in range(PLACE_ATTEMPTS):
            state = self.state(election)
            cached = self._cached(election)
            with cached.lock:
                size, head, rules = state.size, state.head, state.rules.copy()
                ballots, challenged = state.ballots, state.challenged
                placed: list[Entry] = []
                here: dict[str, Waiting] = {}
                for item in group:
                    item.reset()
                    ballot_id = item.entry.body.ballot.ballot_id  # type: ignore[union-attr]
                    earlier = ballots.get(ballot_id) or challenged.get(ballot_id)
                    first = here.get(ballot_id)
                    if earlier is None and first is not None and first.placed is not None:
                        earlier = first.placed
                    if earlier is not None and _same_signed(earlier, item.entry):
                        item.placed, item.created = earlier, False
                        continue
                    entry = item.entry.place(Head(election, size + len(placed), head))
                    facts = facts_of(entry)
                    try:
                        check_rules(rules, facts)
                    except RejectedEntry as exc:
                        item.refused = exc
                        continue
                    rules.apply(facts)
                    head = entry.hash()
                    item.placed = entry
                    here[ballot_id] = item
                    placed.append(entry)
            if not placed:
                return
            try:
                store.append_many(election, [e.to_bytes() for e in placed], expected_size=size)
            except StorageError:
                if store.size(election) != size:
                    continue  # another server of the board appended: place the group again
                raise
            self._learn(election, placed)
            note = self.publish_checkpoint(store, election)
            for item in group:
                item.note = note
            return
        raise Refused(503, "busy", "the log kept moving under this server; send the entry again")

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
        size = store.size(election)
        body = Checkpoint(self.origin(election), size, store.root(election, size))
        note = sign_checkpoint(body, self._signer).to_text()
        try:
            store.put_checkpoint(election, note)
        except StorageError:
            # Another process stored a newer checkpoint first; it covers this entry too.
            latest = store.latest_checkpoint(election)
            if latest is None or _checkpoint_size(latest) < size:
                raise
            return latest
        return note

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


def _rule(exc: RejectedEntry) -> Refused:
    rule, _, reason = str(exc).partition(": ")
    return Refused(409, "rule", str(exc)[:500], rule=rule, reason=reason[:500])


def _same_signed(stored: Entry, sent: Entry) -> bool:
    """Whether `sent` is the entry `stored` before its place: same signature, same content."""
    return stored.signature == sent.signature and stored.signing_input() == sent.signing_input()


def _checkpoint_size(note: str) -> int:
    from voting.chain import Checkpoint, Note

    return Checkpoint.from_text(Note.from_text(note).text).size
