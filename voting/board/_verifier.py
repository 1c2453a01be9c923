"""Provides the reader's side of the board's rules: verifying a log one did not write.

A wallet acts on nothing it read from a board before checking it (DESIGN §5.6). The checks
are the board's own (`check_signature`, `check_content`: election-entries §6 steps 2b-5, the
code the board runs on append and the audit replays), applied by someone who holds no board
key and trusts no board: `LogVerifier` feeds a log's entries through them in order and
collects every entry that fails, naming the entry and the failed step. What it adds to the
board's checks is the checkpoint side: `accept_checkpoint` is the one place where a reader
accepts a signed checkpoint of an election's log (the election's board key and origin, the
witness quorum when the election names one, and consistency with the newest checkpoint the
reader pinned before).

Two depths (§5.6): a voter needs every entry but the ballots verified, which the log's
prefix up to `open` holds, so voting stays fast on a big board; whoever counts ballots (the
authority's close, tally and result, the trustees' decryption) verifies every ballot too,
so a ballot the board inserted is never counted.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from voting.board._election import ElectionBody
from voting.board._entries import Entry
from voting.board._replay import check_rules, rule_step
from voting.board._rules import check_content, check_signature
from voting.board._state import ElectionState, facts_of
from voting.chain import (
    Checkpoint,
    Ed25519Verifier,
    Note,
    WitnessPolicy,
    open_checkpoint,
    verify_checkpoint_consistency,
    verify_quorum,
)
from voting.errors import ChainError, RejectedEntry, UntrustedRecord, VotingError

# The entries a voter casts; every other entry type is verified at every depth.
BALLOT_TYPES = frozenset({"ballot", "challenged"})
# How many problems an error message names before it says how many more there are.
_SHOWN = 3


@dataclass(frozen=True)
class Problem:
    """One failed check of one entry: its index and type, the rule step, the reason."""

    index: int
    type: str
    step: str
    message: str

    def describe(self) -> str:
        return f"entry {self.index} ({self.type}): {self.message}"


def untrusted(problems: Sequence[Problem]) -> UntrustedRecord:
    """The error naming `problems`: content failures first (a joint key that differs from
    the trustees' commitments says more than the broken signatures around it), then the rest."""
    ordered = sorted(problems, key=lambda p: (p.step in ("signature", "author"), p.index))
    shown = "; ".join(p.describe() for p in ordered[:_SHOWN])
    more = len(ordered) - _SHOWN
    message = shown + (f" (and {more} more)" if more > 0 else "")
    return UntrustedRecord(message, tuple((p.index, p.type, p.step, p.message) for p in ordered))


class LogVerifier:
    """Applies a log's entries to an `ElectionState`, checking each before it counts on it.

    `ballots` False checks voters' entries by the replayable rules only (ids, window, voter
    is author); True checks them in full: signature, proofs and eligibility (revocation is
    judged later against the lists frozen at close, as the audit does). `add(entry,
    checked=True)` applies an entry a previous run verified (the caller proved it is the
    same entry, by the tree root over it). `finish` raises UntrustedRecord naming every
    problem found, or returns the verified state.
    """

    def __init__(self, election_id: str, *, ballots: bool) -> None:
        self.state = ElectionState(election_id)
        self.ballots = ballots
        self.problems: list[Problem] = []

    def add(self, entry: Entry, *, checked: bool = False) -> None:
        index = self.state.size
        if not checked:
            self._check(index, entry)
        try:
            self.state.apply(entry)
        except RejectedEntry as exc:
            # A log that does not even link or replay cannot be read on: stop here.
            self._fail(index, entry, exc)
            raise untrusted(self.problems) from None

    def _check(self, index: int, entry: Entry) -> None:
        state = self.state
        if entry.type in BALLOT_TYPES and not self.ballots:
            try:
                check_rules(state.rules, facts_of(entry))
            except RejectedEntry as exc:
                self._fail(index, entry, exc)
            return
        # The signature and the content are checked apart, so a forged entry is reported
        # for what it claims (a joint key, a count) as well as for its broken signature.
        for check in (check_signature, _content):
            try:
                check(state, entry)
            except RejectedEntry as exc:
                self._fail(index, entry, exc)
            except VotingError as exc:
                # A check that cannot even run on what an earlier bad entry left behind.
                self._fail(index, entry, RejectedEntry(f"{entry.type}: {exc}"))
            except (KeyError, StopIteration):
                self._fail(index, entry, RejectedEntry(f"{entry.type}: refers to no entry"))

    def _fail(self, index: int, entry: Entry, exc: RejectedEntry) -> None:
        self.problems.append(Problem(index, entry.type, rule_step(exc), str(exc)))

    def finish(self) -> ElectionState:
        if self.problems:
            raise untrusted(self.problems)
        return self.state


def _content(state: ElectionState, entry: Entry) -> None:
    check_content(state, entry, judge_status=False)


def verify_log(entries: Sequence[Entry], election_id: str, *, ballots: bool) -> ElectionState:
    """Verify a whole log in one go (`LogVerifier`); the state, or UntrustedRecord."""
    verifier = LogVerifier(election_id, ballots=ballots)
    for entry in entries:
        verifier.add(entry)
    return verifier.finish()


def witness_policy(election: ElectionBody) -> WitnessPolicy | None:
    """The witnesses and quorum the election names, or None for an election without them."""
    return election.witnesses


def accept_checkpoint(
    election: ElectionBody,
    note: Note,
    pinned: Checkpoint | None,
    prove: Callable[[int, int], Sequence[bytes]],
    *,
    latest: bool = True,
) -> Checkpoint:
    """Accept a checkpoint of `election`'s log, or raise UntrustedRecord saying why.

    (1) It is signed by the board key the election names, for the election's origin.
    (2) When the election names witnesses, at least k of them cosigned it (C2SP
    tlog-cosignature). (3) It is consistent with `pinned`, the newest checkpoint the reader
    accepted before: `prove(old, new)` fetches the RFC 9162 consistency proof from the
    board, which either the new or the pinned checkpoint may be the larger of. (4) With
    `latest` (the board's answer to "your newest checkpoint", which the reader is about to
    act on), it is not older than `pinned`: a board that rolls back to an older, consistent
    checkpoint would hide the entries after it, such as the reader's own ballot. An older
    checkpoint is fine where it is not the board's newest (a receipt's). Returns the newer
    of the two, which the caller pins.
    """
    try:
        verifier = Ed25519Verifier.from_vkey(election.vkey)
        new = open_checkpoint(note, [verifier], origin=election.origin).checkpoint
    except ChainError as exc:
        raise UntrustedRecord(f"checkpoint: {exc}") from None
    policy = witness_policy(election)
    if policy is not None:
        try:
            verify_quorum(note, policy)
        except ChainError as exc:
            raise UntrustedRecord(
                f"witnesses: checkpoint of size {new.size} is not cosigned by a quorum of the "
                f"election's witnesses: {exc}"
            ) from None
    if pinned is None:
        return new
    if latest and new.size < pinned.size:
        raise UntrustedRecord(
            f"checkpoint: the board's newest checkpoint has size {new.size}, older than the "
            f"one of size {pinned.size} pinned before: the board rolled back its log"
        )
    first, second = (pinned, new) if pinned.size <= new.size else (new, pinned)
    try:
        proof = prove(first.size, second.size) if 0 < first.size < second.size else []
        if first.size == second.size and first.root_hash != second.root_hash:
            raise ChainError("two different trees of the same size")
        verify_checkpoint_consistency(first, second, proof)
    except ChainError as exc:
        raise UntrustedRecord(
            f"consistency: the board's checkpoint of size {new.size} is not consistent with "
            f"the one of size {pinned.size} pinned before ({exc}): the board rewrote its history"
        ) from None
    return second
