"""Provides the Board: one log per election on a LogStore, the rules on append, checkpoints.

An append is checked against the state replayed from the election's own entries, then the
leaf is committed, then a new checkpoint is signed and stored, then the receipt is returned
(election-entries §6.1). A crash between the two commits leaves a leaf without a checkpoint;
opening the board signs the missing checkpoint, so the store always ends up consistent.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import did
from voting.board._documents import documents_needed
from voting.board._election import ElectionBody
from voting.board._entries import Entry, Head
from voting.board._rules import MAX_CLOCK_SKEW, check_entry
from voting.board._state import ElectionState, dependencies
from voting.chain import (
    Checkpoint,
    Ed25519Signer,
    LogStore,
    Note,
    Receipt,
    sign_checkpoint,
)
from voting.errors import EncodingError, RejectedEntry, StorageError


class Board:
    """The election board over a log store; its checkpoint key is supplied by the caller.

    `now` is the board's clock; `status_lists` is where the board reads the status list
    credentials in force when a ballot arrives (a mapping by list id or a fetch function).
    """

    def __init__(
        self,
        store: LogStore,
        signer: Ed25519Signer,
        resolver: Any,
        *,
        now: Callable[[], datetime],
        status_lists: did.StatusListSource | None = None,
        max_skew: timedelta = MAX_CLOCK_SKEW,
    ) -> None:
        self.store = store
        self._signer = signer
        self.resolver = resolver
        self.now = now
        self.status_lists = status_lists
        self.max_skew = max_skew
        self._states: dict[str, ElectionState] = {}
        for election_id in store.logs():
            self._repair(election_id)

    def __repr__(self) -> str:
        return f"Board(origin prefix={self._signer.name!r}, signer=<redacted>)"

    # -- identity -----------------------------------------------------------------------

    @property
    def vkey(self) -> str:
        """The board's checkpoint verifier key (C2SP vkey), to put in an election entry."""
        return self._signer.verifier().to_vkey()

    def origin(self, election_id: str) -> str:
        """The checkpoint origin of an election's log: `<key name>/<election id>`."""
        return f"{self._signer.name}/{election_id}"

    # -- reading ------------------------------------------------------------------------

    def elections(self) -> list[str]:
        """Return the election ids on this board, oldest first."""
        return [e for e in self.store.logs() if self.store.size(e) > 0]

    def state(self, election_id: str) -> ElectionState:
        """Return the election's state, replayed from the store and kept up to date."""
        state = self._states.get(election_id)
        if state is None:
            state = ElectionState(election_id)
            self._states[election_id] = state
        size = self.store.size(election_id) if election_id in self.store.logs() else 0
        if state.size < size:
            # Another process may have appended; catch up from the store.
            for data in self.store.leaves(election_id, state.size, size):
                try:
                    state.apply(Entry.from_bytes(data, check_canonical=False))
                except (EncodingError, RejectedEntry) as exc:
                    raise StorageError(
                        f"{election_id}: stored entry does not replay: {exc}"
                    ) from exc
        return state

    def head(self, election_id: str) -> Head:
        """Where the next entry of the election goes (genesis for a new election)."""
        state = self.state(election_id)
        return Head(election_id, state.size, state.head)

    def entries(self, election_id: str) -> list[Entry]:
        """Return every entry of the election, in log order."""
        return list(self.state(election_id).all_entries)

    def election(self, election_id: str) -> ElectionBody:
        """Return the election entry's body, or raise RejectedEntry when there is none."""
        return self.state(election_id).require_election()

    def checkpoint(self, election_id: str) -> str | None:
        """Return the latest signed checkpoint note of the election, or None."""
        return self.store.latest_checkpoint(election_id)

    def receipt(self, election_id: str, index: int) -> Receipt:
        """Return the receipt of entry `index` against the latest checkpoint."""
        note = self.store.latest_checkpoint(election_id)
        if note is None:
            raise StorageError(f"{election_id}: no checkpoint yet")
        parsed = Note.from_text(note)
        size = Checkpoint.from_text(parsed.text).size
        proof = self.store.inclusion_proof(election_id, index, size)
        return Receipt(index, tuple(proof), parsed)

    def consistency_proof(self, election_id: str, old_size: int) -> list[bytes]:
        """Return the consistency proof from `old_size` to the latest checkpoint's size."""
        note = self.store.latest_checkpoint(election_id)
        if note is None:
            raise StorageError(f"{election_id}: no checkpoint yet")
        size = Checkpoint.from_text(Note.from_text(note).text).size
        return self.store.consistency_proof(election_id, old_size, size)

    def documents_for(self, election_id: str, body: Any, author: str) -> dict[str, Any]:
        """The did:web documents an entry of `author` with `body` must record (§2.1).

        A client passes them to `sign_entry(..., documents=...)`; empty for did:key authors.
        """
        state = self.state(election_id)
        wanted = dependencies(author.partition("#")[0], body)
        return documents_needed(state.documents, wanted, self.resolver)

    # -- writing ------------------------------------------------------------------------

    def append(self, entry: Entry) -> Receipt:
        """Check `entry` against the board's rules, append it, checkpoint, return its receipt.

        Raises RejectedEntry (nothing changed) with the reason when the entry is refused.
        """
        election_id = entry.election
        exists = election_id in self.store.logs()
        if entry.type == "election":
            self._check_board(entry)
        elif not exists:
            raise RejectedEntry(f"phase: no election {election_id!r} on this board")
        state = self.state(election_id)
        if entry.sequenced and exists:
            # A voter's entry is not signed over its place: the board gives it the head (§3.1).
            entry = entry.place(Head(election_id, state.size, state.head))
        check_entry(
            state,
            entry,
            resolver=self.resolver,
            now=self.now(),
            status_lists=self.status_lists,
            max_skew=self.max_skew,
        )
        data = entry.to_bytes()
        if not exists:
            self.store.create_log(election_id)
        # The append is conditional on the size this board's state was built on, so a second
        # process writing the same board file cannot slip an entry in between the rule check
        # and the append: one of the two fails cleanly and nothing is misplaced.
        index = self.store.append(election_id, data, expected_size=entry.seq)
        state.apply(entry)
        self._checkpoint(election_id)
        return self.receipt(election_id, index)

    def _check_board(self, entry: Entry) -> None:
        body = entry.body
        if not isinstance(body, ElectionBody):
            raise RejectedEntry("type: an election entry needs an election body")
        if body.vkey != self.vkey:
            raise RejectedEntry("board: the election names another board key")
        if body.origin != self.origin(entry.election):
            raise RejectedEntry(
                f"board: origin {body.origin!r}, want {self.origin(entry.election)!r}"
            )
        if entry.election in self.store.logs() and self.store.size(entry.election) > 0:
            raise RejectedEntry(f"phase: election {entry.election!r} already exists")

    def _checkpoint(self, election_id: str) -> None:
        size = self.store.size(election_id)
        body = Checkpoint(self.origin(election_id), size, self.store.root(election_id, size))
        self.store.put_checkpoint(election_id, sign_checkpoint(body, self._signer).to_text())

    def _repair(self, election_id: str) -> None:
        # A leaf committed just before a crash has no checkpoint yet: sign one now, so the
        # latest checkpoint always covers the whole log.
        size = self.store.size(election_id)
        if size == 0:
            return
        try:
            first = Entry.from_bytes(self.store.leaf(election_id, 0))
        except EncodingError:
            return
        # Only this board's own logs are re-signed; another board's log is left as it is.
        if not isinstance(first.body, ElectionBody) or first.body.vkey != self.vkey:
            return
        latest = self.store.latest_checkpoint(election_id)
        if latest is None or Checkpoint.from_text(Note.from_text(latest).text).size != size:
            self._checkpoint(election_id)
