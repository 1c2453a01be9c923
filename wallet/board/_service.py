"""Provides `BoardService`: what a board server does, apart from HTTP.

The write path (DESIGN §5.5). A voter's entry (`ballot`, `challenged`) is signed without
its place (election-entries §3.1): the board checks everything that does not depend on the
head — signature, proofs, eligibility, recorded documents — before it takes any lock
(`voting.board.check_unplaced`), then the election's `Sequencer` places it with the others
waiting: inside the store's append transaction, under the log's lock, only the replayable
rules run (`check_rules`, fast) and the group commits at once, so servers never race for a
place and the voter never signs twice. Every other entry is signed over the head and fully
checked (`voting.board.check_entry`) before a conditional append; a writer that lost the
race is told the new head (409, rule `link`) and signs again. After every commit the
checkpoint is signed and stored in one place, `BoardLogs.publish_checkpoint`.
"""

from __future__ import annotations

from contextlib import suppress
from typing import TYPE_CHECKING

from voting.errors import RejectedEntry, StorageError, VotingError
from wallet.board._answers import Accepted
from wallet.board._logs import BoardLogs
from wallet.board._sequencer import Waiting
from wallet.board._status_lists import Refused
from wallet.board._tiles import MAX_BUNDLE_ENTRY

if TYPE_CHECKING:
    from voting.board import ElectionState, Entry


class BoardService(BoardLogs):
    """The board's behaviour over its store; thread-safe, one store connection per thread.

    Without a signer the service only reads (`wallet board info`).
    """

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
        # The state as this process knows it: what the checks read of it (the election, its
        # joint key, the recorded documents) is fixed once the election is open or only
        # grows, and the place is checked on the caught-up log under the lock. So a voter's
        # entry does not wait here for this process to read what other servers appended;
        # only a refusal is checked again on the caught-up state.
        state = self._cached(election).state
        if state.crypto is None:
            state = self.state(election)
        seen = state.size
        try:
            return self._check_and_place(election, entry, state)
        except Refused:
            if self.state(election).size == seen:
                raise
            return self._check_and_place(election, entry, self.state(election))

    def _check_and_place(self, election: str, entry: Entry, state: ElectionState) -> Accepted:
        from voting.board import check_unplaced

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
        transaction, then publish a checkpoint; runs under the election's write lock.

        The place is assigned inside the store's append transaction, under the log's lock
        (`append_placed`): first the entries other servers of the board appended are read
        into the state, then only the replayable rules run (`check_rules`, fast), so no
        two servers ever race for a place and nobody signs again.
        """
        from voting.board import Entry

        store = self.store()
        cached = self._cached(election)
        placed: list[Entry] = []

        def place(size: int) -> list[bytes]:
            with cached.lock:
                state = cached.state
                if state.size < size:
                    for data in store.leaves(election, state.size, size):
                        state.apply(Entry.from_bytes(data, check_canonical=False))
                placed[:] = self._place(election, state, group)
            return [entry.to_bytes() for entry in placed]

        # Read what other servers appended before taking the log's lock, so that only what
        # they append in the meantime is read under it.
        self.state(election)
        store.append_placed(election, place)
        if not placed:
            return
        self._learn(election, placed)
        note = self.publish_checkpoint(store, election)
        for item in group:
            item.note = note

    @staticmethod
    def _place(election: str, state: ElectionState, group: list[Waiting]) -> list[Entry]:
        """Give each entry of the group its place after the state's head, or a refusal by
        the replayable rules; the state itself is not changed (the append may yet fail)."""
        from voting.board import Head, check_rules, facts_of

        size, head, rules = state.size, state.head, state.rules.copy()
        placed: list[Entry] = []
        here: dict[str, Entry] = {}
        for item in group:
            item.reset()
            ballot_id = item.entry.body.ballot.ballot_id  # type: ignore[union-attr]
            earlier = state.ballots.get(ballot_id) or state.challenged.get(ballot_id)
            earlier = earlier or here.get(ballot_id)
            if earlier is not None and _same_signed(earlier, item.entry):
                # Sent twice (a client resending after a lost answer): appended once.
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
            here[ballot_id] = entry
            placed.append(entry)
        return placed


def _rule(exc: RejectedEntry) -> Refused:
    rule, _, reason = str(exc).partition(": ")
    return Refused(409, "rule", str(exc)[:500], rule=rule, reason=reason[:500])


def _same_signed(stored: Entry, sent: Entry) -> bool:
    """Whether `sent` is the entry `stored` before its place: same signature, same content."""
    return stored.signature == sent.signature and stored.signing_input() == sent.signing_input()
