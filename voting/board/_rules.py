"""Provides the board's rules: who may append which entry type, in which phase (§6).

`check_entry` raises RejectedEntry with the reason, numbered as in docs/election-entries.md
§6, and never changes the state; the board applies the entry only after it passed.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, TypeVar

import did
from did.errors import DidError
from voting._ballot import verify_ballot, verify_opening
from voting._ceremony import judge_complaint, verify_announcement
from voting._json import canonical
from voting._result import verify_result
from voting._tally import EncryptedTally, verify_decryption_share
from voting.board._bodies import (
    BallotBody,
    ChallengedBody,
    CloseBody,
    DecryptionShareBody,
    OpenBody,
    ResultBody,
    TallyBody,
    TrusteeComplaintBody,
    TrusteeKeyBody,
)
from voting.board._documents import WEB_PREFIX, RecordedResolver
from voting.board._eligibility import check_eligibility
from voting.board._entries import Entry
from voting.board._frozen import frozen_list_problems
from voting.board._replay import RULES, check_rules, refuse
from voting.board._state import (
    ElectionState,
    compute_tally,
    dependencies,
    facts_of,
    status_references,
)
from voting.errors import VotingError

__all__ = [
    "MAX_CLOCK_SKEW",
    "RULES",
    "check_content",
    "check_entry",
    "check_recorded",
    "check_signature",
    "check_unplaced",
]

# An author's clock may differ from the board's by this much; the entry's own time is what
# the window rules and the credential checks use, so that an auditor can replay them.
MAX_CLOCK_SKEW = timedelta(minutes=5)

_B = TypeVar("_B")


def _body(entry: Entry, kind: type[_B]) -> _B:
    # The checks are dispatched on the entry type, so this only narrows the body's type.
    if not isinstance(entry.body, kind):
        raise refuse("type", f"{entry.type} entry has a {type(entry.body).__name__}")
    return entry.body


def _tally_of(state: ElectionState) -> EncryptedTally:
    if state.tally is None:
        raise refuse("phase", "there is no tally yet")
    return state.tally


def check_entry(
    state: ElectionState,
    entry: Entry,
    *,
    resolver: Any,
    now: datetime,
    status_lists: did.StatusListSource | None = None,
    max_skew: timedelta = MAX_CLOCK_SKEW,
) -> None:
    """Raise RejectedEntry unless the board may append `entry` after `state` (§6).

    Steps 2b, 4 and the structural half of 5 are `check_rules`, the very code the audit
    replays; what is left here is the board's own clock (2, and the window by the board's
    clock), the signature (3, which the audit checks under V4 and V5) and the
    cryptographic checks of step 5, which are the shared functions the audit also calls.
    """
    # (1) The link: this election, the next sequence number, the hash of the last entry.
    if entry.election != state.election_id:
        raise refuse("link", f"election {entry.election!r}, want {state.election_id!r}")
    if entry.seq != state.size:
        raise refuse("link", f"seq {entry.seq}, want {state.size}")
    if entry.prev != state.head:
        raise refuse("link", f"prev {entry.prev.hex()}, want {state.head.hex()}")
    _check_live(state, entry, resolver, now, max_skew)
    check_recorded(state, entry, now=now, status_lists=status_lists)


def check_unplaced(
    state: ElectionState,
    entry: Entry,
    *,
    resolver: Any,
    now: datetime,
    status_lists: did.StatusListSource | None = None,
    max_skew: timedelta = MAX_CLOCK_SKEW,
) -> None:
    """Raise RejectedEntry unless a voter's entry passes every check that does not depend on
    where it goes (§6 steps 2, 2c, 3 and the cryptographic half of 5).

    The board runs this before it takes the append lock, on a state that may be behind the
    log; what is left for the place is `check_rules` (the replayable steps 2b, 4 and the
    structural half of 5), which is fast. Proofs and eligibility depend only on the election
    and its joint key, fixed once the election is open, and the recorded documents only grow.
    """
    if not entry.sequenced:
        raise refuse("type", f"a {entry.type} entry is signed over the head and checked there")
    if entry.election != state.election_id:
        raise refuse("link", f"election {entry.election!r}, want {state.election_id!r}")
    if state.election is None or state.crypto is None:
        raise refuse("phase", f"{entry.type} is accepted in phase open, not {state.phase}")
    _check_live(state, entry, resolver, now, max_skew)
    check_signature(state, entry)
    _check_crypto(state, entry, now, status_lists)


def _check_live(
    state: ElectionState, entry: Entry, resolver: Any, now: datetime, max_skew: timedelta
) -> None:
    # (2) The entry's time is close to the board's clock.
    if abs(entry.time - now) > max_skew:
        raise refuse("time", f"entry time {entry.time:%Y-%m-%dT%H:%M:%SZ} is too far from now")
    # (2c) The did:web documents the entry depends on are recorded, and are the live ones.
    _check_documents(state, entry, resolver)


def check_recorded(
    state: ElectionState,
    entry: Entry,
    *,
    now: datetime | None = None,
    status_lists: did.StatusListSource | None = None,
    judge_status: bool = True,
) -> None:
    """Raise RejectedEntry unless `entry` holds after `state` by what the record alone says.

    Steps 3, 2b, 4 and 5 of §6: the signature (DIDs resolved only from the documents
    recorded on the chain), the replayable rules and the type's cryptographic checks. This is
    what a reader who did not run the board can still check (a verifying wallet, §5.6 of the
    design): `now` None judges the board-clock windows by the entry's own time, and
    `judge_status=False` leaves a ballot's revocation to the lists frozen at close (§7).
    The link (step 1) is the caller's: `check_entry` checks it, a reader replays it.
    """
    check_signature(state, entry)
    check_content(state, entry, now=now, status_lists=status_lists, judge_status=judge_status)


def check_signature(state: ElectionState, entry: Entry) -> None:
    """Step 3: the author's key signed the entry (RejectedEntry naming `signature`/`author`).

    The author's DID resolves only from the documents recorded on the chain (and the
    entry's own), as an auditor resolves it.
    """
    entry.verify(RecordedResolver(state.documents, carried=entry.documents))


def check_content(
    state: ElectionState,
    entry: Entry,
    *,
    now: datetime | None = None,
    status_lists: did.StatusListSource | None = None,
    judge_status: bool = True,
) -> None:
    """Steps 2b, 4 and 5: the replayable rules and the type's cryptographic checks, without
    the signature (`check_signature`), so a reader can report both of a forged entry."""
    # (2b, 4, 5) The replayable rules: time order, role, phase, windows, ceremony, ids.
    check_rules(state.rules, facts_of(entry))
    if entry.type == "election":
        return
    _check_crypto(
        state, entry, entry.time if now is None else now, status_lists, judge_status=judge_status
    )


def _check_crypto(
    state: ElectionState,
    entry: Entry,
    at: datetime,
    status_lists: did.StatusListSource | None,
    *,
    judge_status: bool = True,
) -> None:
    # (5) The board's clock and the type's cryptographic checks.
    recorded = RecordedResolver(state.documents, carried=entry.documents)
    if entry.type == "ballot":
        _ballot(state, entry, at, recorded, status_lists, judge_status=judge_status)
        return
    _CHECKS[entry.type](state, entry, at, recorded, status_lists)


def _check_documents(state: ElectionState, entry: Entry, live: Any) -> None:
    wanted = dependencies(entry.author_did, entry.body)
    for extra in sorted(set(entry.documents) - set(wanted)):
        raise refuse("documents", f"the entry does not depend on {extra[:80]}")
    for item in wanted:
        if not item.startswith(WEB_PREFIX) or item in state.documents:
            continue
        carried = entry.documents.get(item)
        if carried is None:
            raise refuse("documents", f"the entry must record the DID document of {item[:80]}")
        try:
            current = live.resolve_document(item).to_json()
            given = did.DidDocument.from_json(carried, expected_id=item).to_json()
        except DidError as exc:
            raise refuse("documents", f"{item[:80]}: {exc}") from None
        if canonical(current) != canonical(given):
            raise refuse("documents", f"{item[:80]}: the recorded document is not the live one")


def _trustee_key(state: ElectionState, entry: Entry, *_: Any) -> None:
    body = _body(entry, TrusteeKeyBody)
    try:
        verify_announcement(state.require_election().manifest, body.announcement)
    except VotingError as exc:
        raise refuse("ceremony", str(exc)) from None


def _nothing(*_: Any) -> None:
    # Shares and acknowledgements have only structural rules (check_rules); a recipient
    # judges the shares it received itself, and says so with an ack or a complaint.
    return


def _trustee_complaint(state: ElectionState, entry: Entry, *_: Any) -> None:
    body = _body(entry, TrusteeComplaintBody)
    complainant = state.trustee_of(entry)
    election = state.require_election()
    sealed = next(s for s in state.shares[body.dealer].shares if s.recipient == complainant)
    try:
        judge_complaint(
            election.manifest,
            state.announcements[body.dealer],
            state.announcements[complainant],
            sealed,
            body.recipient_secret,
        )
    except VotingError as exc:
        raise refuse("ceremony", str(exc)) from None


def _open(state: ElectionState, entry: Entry, *_: Any) -> None:
    body = _body(entry, OpenBody)
    crypto = state.derive_election()
    if body.joint_key != crypto.joint_key.to_bytes():
        raise refuse("open", "joint key differs from the trustees' commitments")
    if body.election_hash != crypto.extended_hash:
        raise refuse("open", "election hash differs from the recomputed one")


def _board_window(state: ElectionState, now: datetime) -> None:
    # The entry's own time is checked by the rules; the board also refuses by its clock.
    election = state.require_election()
    if not election.opens <= now < election.closes:
        raise refuse("window", "board time is outside the voting window")


def _ballot(
    state: ElectionState,
    entry: Entry,
    now: datetime,
    resolver: Any,
    status_lists: did.StatusListSource | None,
    *,
    judge_status: bool = True,
) -> None:
    body = _body(entry, BallotBody)
    _board_window(state, now)
    ballot = body.ballot
    try:
        verify_ballot(state.require_crypto(), ballot)
    except VotingError as exc:
        raise refuse("proof", str(exc)) from None
    election = state.require_election()
    check_eligibility(
        election.eligibility,
        state.election_id,
        ballot,
        body.presentation,
        at=entry.time,
        resolver=resolver,
        status_lists=status_lists,
        judge_status=judge_status,
    )


def _challenged(state: ElectionState, entry: Entry, now: datetime, *_: Any) -> None:
    body = _body(entry, ChallengedBody)
    _board_window(state, now)
    try:
        verify_ballot(state.require_crypto(), body.ballot)
        verify_opening(state.require_crypto(), body.ballot, body.opening)
    except VotingError as exc:
        raise refuse("challenge", str(exc)) from None


def _close(state: ElectionState, entry: Entry, now: datetime, resolver: Any, *_: Any) -> None:
    body = _body(entry, CloseBody)
    election = state.require_election()
    if now < election.closes:
        raise refuse("window", "the voting window has not closed yet")
    problems = frozen_list_problems(
        election.eligibility,
        body.by_id(),
        status_references(state.ballot_entries),
        close_time=entry.time,
        last_ballot_time=state.rules.last_ballot_time,
        resolver=resolver,
    )
    if problems:
        code, url, message = problems[0]
        raise refuse("close", f"{code}: status list {url[:80]}: {message}")


def _tally(state: ElectionState, entry: Entry, *_: Any) -> None:
    body = _body(entry, TallyBody)
    expected = compute_tally(state.all_entries)
    if body.tally != expected:
        raise refuse("tally", "differs from the sum of the counted ballots")


def _decryption_share(state: ElectionState, entry: Entry, *_: Any) -> None:
    body = _body(entry, DecryptionShareBody)
    try:
        verify_decryption_share(state.require_crypto(), _tally_of(state), body.share)
    except VotingError as exc:
        raise refuse("share", str(exc)) from None


def _result(state: ElectionState, entry: Entry, *_: Any) -> None:
    body = _body(entry, ResultBody)
    try:
        verify_result(
            state.require_crypto(),
            _tally_of(state),
            list(state.decryption_shares.values()),
            body.result,
        )
    except VotingError as exc:
        raise refuse("result", str(exc)) from None


_CHECKS: dict[str, Any] = {
    "trustee-key": _trustee_key,
    "trustee-shares": _nothing,
    "trustee-ack": _nothing,
    "trustee-complaint": _trustee_complaint,
    "open": _open,
    "ballot": _ballot,
    "challenged": _challenged,
    "close": _close,
    "tally": _tally,
    "decryption-share": _decryption_share,
    "result": _result,
}
