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
from voting._ceremony import verify_announcement
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
    TrusteeKeyBody,
    TrusteeSharesBody,
)
from voting.board._election import ElectionBody
from voting.board._eligibility import check_eligibility
from voting.board._entries import Entry
from voting.board._state import (
    ElectionState,
    compute_tally,
    referenced_status_lists,
)
from voting.errors import RejectedEntry, VotingError

# An author's clock may differ from the board's by this much; the entry's own time is what
# the window rules and the credential checks use, so that an auditor can replay them.
MAX_CLOCK_SKEW = timedelta(minutes=5)

# Which role may append which type, and in which phase (§6 step 4).
RULES: dict[str, tuple[str, str]] = {
    "election": ("authority", "empty"),
    "trustee-key": ("trustee", "setup"),
    "trustee-shares": ("trustee", "setup"),
    "open": ("authority", "setup"),
    "ballot": ("voter", "open"),
    "challenged": ("voter", "open"),
    "close": ("authority", "open"),
    "tally": ("authority", "closed"),
    "decryption-share": ("trustee", "tallied"),
    "result": ("authority", "tallied"),
}


def _refuse(step: str, reason: str) -> RejectedEntry:
    return RejectedEntry(f"{step}: {reason}")


_B = TypeVar("_B")


def _body(entry: Entry, kind: type[_B]) -> _B:
    # The checks are dispatched on the entry type, so this only narrows the body's type.
    if not isinstance(entry.body, kind):
        raise _refuse("type", f"{entry.type} entry has a {type(entry.body).__name__}")
    return entry.body


def _tally_of(state: ElectionState) -> EncryptedTally:
    if state.tally is None:
        raise _refuse("phase", "there is no tally yet")
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
    """Raise RejectedEntry unless the board may append `entry` after `state` (§6)."""
    # (1) The link: this election, the next sequence number, the hash of the last entry.
    if entry.election != state.election_id:
        raise _refuse("link", f"election {entry.election!r}, want {state.election_id!r}")
    if entry.seq != state.size:
        raise _refuse("link", f"seq {entry.seq}, want {state.size}")
    if entry.prev != state.head:
        raise _refuse("link", f"prev {entry.prev.hex()}, want {state.head.hex()}")
    # (2) The entry's time is close to the board's clock.
    if abs(entry.time - now) > max_skew:
        raise _refuse("time", f"entry time {entry.time:%Y-%m-%dT%H:%M:%SZ} is too far from now")
    # (3) The author's key signed it.
    entry.verify(resolver)
    # (4) The author's role and the phase fit the type.
    if entry.type == "election":
        if state.phase != "empty":
            raise _refuse("phase", "the election already exists")
        _check_election(entry)
        return
    role, phase = RULES[entry.type]
    if state.phase != phase:
        raise _refuse("phase", f"{entry.type} is accepted in phase {phase}, not {state.phase}")
    actual = state.role(entry)
    if role == "voter" and actual != "voter":
        raise _refuse("role", f"a {actual} cannot cast or challenge ballots")
    if role != "voter" and actual != role:
        raise _refuse("role", f"only the {role} may append {entry.type}, not a {actual}")
    # (5) The type's own checks.
    _CHECKS[entry.type](state, entry, now, resolver, status_lists)


def _check_election(entry: Entry) -> None:
    body = _body(entry, ElectionBody)
    if entry.author_did != body.authority:
        raise _refuse("role", "the election entry must be signed by its authority")
    if entry.time >= body.closes:
        raise _refuse("window", "the voting window has already closed")


def _trustee_key(state: ElectionState, entry: Entry, *_: Any) -> None:
    body = _body(entry, TrusteeKeyBody)
    index = state.trustee_of(entry)
    if index in state.announcements:
        raise _refuse("ceremony", f"trustee {index} has already announced its key")
    if body.announcement.trustee != index:
        raise _refuse("ceremony", f"announcement for trustee {body.announcement.trustee}, "
                      f"want {index}")  # fmt: skip
    try:
        verify_announcement(state.require_election().manifest, body.announcement)
    except VotingError as exc:
        raise _refuse("ceremony", str(exc)) from None


def _trustee_shares(state: ElectionState, entry: Entry, *_: Any) -> None:
    body = _body(entry, TrusteeSharesBody)
    index = state.trustee_of(entry)
    n = state.require_election().manifest.trustee_count
    if len(state.announcements) != n:
        raise _refuse("ceremony", "shares need every trustee's key first")
    if index in state.shares:
        raise _refuse("ceremony", f"trustee {index} has already posted its shares")
    recipients = [s.recipient for s in body.shares]
    if body.shares[0].dealer != index or recipients != [j for j in range(1, n + 1) if j != index]:
        raise _refuse("ceremony", f"want shares from trustee {index} to every other trustee")


def _open(state: ElectionState, entry: Entry, *_: Any) -> None:
    body = _body(entry, OpenBody)
    election = state.require_election()
    n = election.manifest.trustee_count
    if len(state.announcements) != n or len(state.shares) != n:
        raise _refuse("ceremony", "open needs every trustee's key and shares")
    crypto = state.derive_election()
    if body.joint_key != crypto.joint_key.to_bytes():
        raise _refuse("open", "joint key differs from the trustees' commitments")
    if body.election_hash != crypto.extended_hash:
        raise _refuse("open", "election hash differs from the recomputed one")
    if entry.time >= election.closes:
        raise _refuse("window", "the voting window has already closed")


def _in_window(state: ElectionState, entry: Entry, now: datetime) -> None:
    election = state.require_election()
    for what, moment in (("entry time", entry.time), ("board time", now)):
        if not election.opens <= moment < election.closes:
            raise _refuse("window", f"{what} is outside the voting window")


def _ballot(
    state: ElectionState,
    entry: Entry,
    now: datetime,
    resolver: Any,
    status_lists: did.StatusListSource | None,
) -> None:
    body = _body(entry, BallotBody)
    _in_window(state, entry, now)
    ballot = body.ballot
    if ballot.voter != entry.author_did:
        raise _refuse("ballot", "the ballot's voter is not the entry's author")
    if ballot.ballot_id in state.ballots:
        raise _refuse("ballot", f"ballot id {ballot.ballot_id!r} is already on the chain")
    try:
        verify_ballot(state.require_crypto(), ballot)
    except VotingError as exc:
        raise _refuse("proof", str(exc)) from None
    election = state.require_election()
    check_eligibility(
        election.eligibility,
        state.election_id,
        ballot,
        body.presentation,
        at=entry.time,
        resolver=resolver,
        status_lists=status_lists,
    )


def _challenged(state: ElectionState, entry: Entry, now: datetime, *_: Any) -> None:
    body = _body(entry, ChallengedBody)
    _in_window(state, entry, now)
    ballot_id = body.opening.ballot_id
    cast = state.ballots.get(ballot_id)
    if cast is None:
        raise _refuse("challenge", f"no ballot {ballot_id!r} on the chain")
    if cast.author_did != entry.author_did:
        raise _refuse("challenge", "only the ballot's own voter may challenge it")
    if ballot_id in state.challenged:
        raise _refuse("challenge", f"ballot {ballot_id!r} is already challenged")
    try:
        verify_opening(state.require_crypto(), _body(cast, BallotBody).ballot, body.opening)
    except VotingError as exc:
        raise _refuse("challenge", str(exc)) from None


def _close(state: ElectionState, entry: Entry, now: datetime, resolver: Any, *_: Any) -> None:
    body = _body(entry, CloseBody)
    election = state.require_election()
    if entry.time < election.closes or now < election.closes:
        raise _refuse("window", "the voting window has not closed yet")
    frozen = body.by_id()
    wanted = referenced_status_lists(state.ballot_entries)
    if sorted(frozen) != wanted:
        raise _refuse("close", f"status lists {sorted(frozen)}, want {wanted}")
    rule = election.eligibility
    for url, credential in frozen.items():
        try:
            report = did.verify_credential(
                credential,
                now=entry.time,
                resolver=resolver,
                trust=did.TrustIssuers.of(rule.issuers),
            )
        except DidError as exc:
            raise _refuse("close", f"status list {url[:80]}: {exc}") from None
        # The issuer is judged on its own just below, with its own message.
        if any(path != "trust" for path, _ in report.failures()):
            raise _refuse("close", f"status list {url[:80]} does not verify")
        if credential.get("issuer") not in rule.issuers:
            raise _refuse("close", f"status list {url[:80]} is not from a listed issuer")


def _tally(state: ElectionState, entry: Entry, *_: Any) -> None:
    body = _body(entry, TallyBody)
    expected = compute_tally(state.all_entries)
    if body.tally != expected:
        raise _refuse("tally", "differs from the sum of the counted ballots")


def _decryption_share(state: ElectionState, entry: Entry, *_: Any) -> None:
    body = _body(entry, DecryptionShareBody)
    index = state.trustee_of(entry)
    if body.share.trustee != index:
        raise _refuse("share", f"share of trustee {body.share.trustee}, want {index}")
    if index in state.decryption_shares:
        raise _refuse("share", f"trustee {index} has already posted its share")
    try:
        verify_decryption_share(state.require_crypto(), _tally_of(state), body.share)
    except VotingError as exc:
        raise _refuse("share", str(exc)) from None


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
        raise _refuse("result", str(exc)) from None


_CHECKS: dict[str, Any] = {
    "trustee-key": _trustee_key,
    "trustee-shares": _trustee_shares,
    "open": _open,
    "ballot": _ballot,
    "challenged": _challenged,
    "close": _close,
    "tally": _tally,
    "decryption-share": _decryption_share,
    "result": _result,
}
