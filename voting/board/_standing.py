"""Provides where each ballot stands: counted, superseded, challenged or excluded
(election-entries §7).

This is the one judgement of which ballots count: `counted_ballots`, and so the tally, take
its "counted" ballots; the audit's count, over its own book of verified entries, chooses with
the same revoting rule (`one_per_voter`); and a wallet tells its voter the same judgement
with its reason: which ballot superseded theirs under which revoting rule, or which frozen
status list excluded it. Before the election closes no list is frozen yet, so a ballot that
counts then may still be excluded at the close (`final` is False until then).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from did.errors import DidError
from voting._json import JsonObject
from voting.board._bodies import BallotBody, ChallengedBody, CloseBody
from voting.board._election import ElectionBody
from voting.board._entries import Entry

__all__ = [
    "STANDINGS",
    "Standing",
    "ballot_standings",
    "frozen_status_problem",
    "one_per_voter",
]

STANDINGS = ("counted", "superseded", "challenged", "excluded")
# Why a frozen list keeps a ballot out, besides a set bit of the entry's own purpose.
NOT_FROZEN = "not-frozen"
UNREADABLE = "unreadable"
NO_CREDENTIAL = "no-credential"
FAILED_CHECKS = "failed-checks"

T = TypeVar("T")


@dataclass(frozen=True)
class Standing:
    """Where one ballot (or challenged encryption) stands in its election."""

    ballot_id: str
    voter: str
    index: int
    status: str
    # Superseded: the ballot that counts instead, and the revoting rule that chose it.
    superseded_by: str | None = None
    rule: str | None = None
    # Excluded: the frozen status list, and why (its purpose whose bit is set, or one of
    # NOT_FROZEN, UNREADABLE, NO_CREDENTIAL, FAILED_CHECKS).
    status_list: str | None = None
    reason: str | None = None
    # Whether the status lists are frozen (the election closed): before, "counted" means
    # "counts unless its credential is revoked or suspended by the close".
    final: bool = False

    def describe(self) -> str:
        """One line for a voter: the standing and its reason."""
        if self.status == "counted":
            return "counted" if self.final else "counted so far (status lists not yet frozen)"
        if self.status == "superseded":
            order = "a later" if self.rule == "last" else "an earlier"
            return f"superseded by {order} ballot {self.superseded_by} (revoting: {self.rule})"
        if self.status == "challenged":
            return "challenged: opened for checking, never counted"
        if self.reason == FAILED_CHECKS:
            return "excluded: its checks failed"
        if self.reason in (NOT_FROZEN, UNREADABLE, NO_CREDENTIAL):
            where = f" {self.status_list}" if self.status_list else ""
            what = {
                NOT_FROZEN: "was not frozen at the close",
                UNREADABLE: "cannot be read for its credential",
                NO_CREDENTIAL: "cannot be applied: the ballot carries no credential",
            }[self.reason]
            return f"excluded: its status list{where} {what}"
        state = {"revocation": "revoked", "suspension": "suspended"}.get(
            str(self.reason), str(self.reason)
        )
        return f"excluded: its credential is {state} in the frozen list {self.status_list}"

    def to_json(self) -> JsonObject:
        obj: JsonObject = {
            "ballotId": self.ballot_id,
            "voter": self.voter,
            "index": self.index,
            "status": self.status,
            "final": self.final,
        }
        if self.superseded_by is not None:
            obj["supersededBy"] = self.superseded_by
            obj["rule"] = self.rule
        if self.reason is not None:
            obj["reason"] = self.reason
            obj["statusList"] = self.status_list
        return obj


def _credential(entry: Entry) -> dict[str, Any] | None:
    body = entry.body
    if not isinstance(body, BallotBody):
        return None
    embedded = body.presentation.get("verifiableCredential")
    if isinstance(embedded, list) and len(embedded) == 1 and isinstance(embedded[0], dict):
        return embedded[0]
    return None


def _status_entries(credential: dict[str, Any]) -> list[Any]:
    status = credential.get("credentialStatus")
    if status is None:
        return []
    return status if isinstance(status, list) else [status]


def frozen_status_problem(
    entry: Entry, frozen: dict[str, dict[str, Any]]
) -> tuple[str | None, str] | None:
    """Why the frozen lists keep a ballot out (§7 step 2): (list, purpose or reason), or None
    when every status entry of its credential names a frozen list whose bit is clear."""
    from did import check_status

    credential = _credential(entry)
    if credential is None:
        return None, NO_CREDENTIAL
    for item in _status_entries(credential):
        url = item.get("statusListCredential") if isinstance(item, dict) else None
        if not isinstance(url, str) or url not in frozen:
            return (url if isinstance(url, str) else None), NOT_FROZEN
        try:
            if check_status(item, frozen[url]):
                return url, str(item.get("statusPurpose"))
        except DidError:
            return url, UNREADABLE
    return None


def _standings(entries: Sequence[Entry], excluded: Collection[str]) -> list[tuple[Entry, Standing]]:
    election = next((e.body for e in entries if isinstance(e.body, ElectionBody)), None)
    if election is None:
        return []
    rule = election.revoting
    challenged = {e.body.opening.ballot_id for e in entries if isinstance(e.body, ChallengedBody)}
    close = next((e.body for e in entries if isinstance(e.body, CloseBody)), None)
    frozen = close.by_id() if close is not None else None
    final = close is not None
    judged: list[tuple[Entry, Standing]] = []
    # (voter, position in `judged`) of each ballot left after steps (1) and (2), in log order.
    remaining: list[tuple[str, int]] = []
    for entry in entries:
        body = entry.body
        if isinstance(body, ChallengedBody):
            ballot = body.ballot
            standing = Standing(
                ballot.ballot_id, ballot.voter, entry.seq, "challenged", final=final
            )
            judged.append((entry, standing))
            continue
        if not isinstance(body, BallotBody):
            continue
        ballot_id, voter = body.ballot.ballot_id, body.ballot.voter
        # (1) Challenged ballots, and those an auditor found failing, never count.
        if ballot_id in challenged:
            judged.append((entry, Standing(ballot_id, voter, entry.seq, "challenged", final=final)))
            continue
        if ballot_id in excluded:
            standing = Standing(
                ballot_id, voter, entry.seq, "excluded", reason=FAILED_CHECKS, final=final
            )
            judged.append((entry, standing))
            continue
        # (2) After the close, a credential with a status bit set in the frozen lists.
        problem = frozen_status_problem(entry, frozen) if frozen is not None else None
        if problem is not None:
            standing = Standing(
                ballot_id,
                voter,
                entry.seq,
                "excluded",
                status_list=problem[0],
                reason=problem[1],
                final=final,
            )
            judged.append((entry, standing))
            continue
        # (3) is judged below, once every remaining ballot of each voter is known.
        remaining.append((voter, len(judged)))
        judged.append((entry, Standing(ballot_id, voter, entry.seq, "counted", final=final)))
    # (3) One ballot per voter counts; each other remaining ballot is superseded by the one
    # that followed it (revoting `last`) or by the first (revoting `first`).
    counts = one_per_voter(remaining, rule)
    following: dict[str, str] = {}
    for voter, at in reversed(remaining):
        entry, standing = judged[at]
        if at != counts[voter]:
            instead = judged[counts[voter]][1].ballot_id if rule == "first" else following[voter]
            standing = Standing(
                standing.ballot_id, voter, standing.index, "superseded", instead, rule, final=final
            )
            judged[at] = (entry, standing)
        following[voter] = standing.ballot_id
    return judged


def one_per_voter(ballots: Iterable[tuple[str, T]], revoting: str) -> dict[str, T]:
    """Step (3) of §7, the revoting rule: of each voter's ballots that may count, given as
    (voter, ballot) in log order, the one that counts: the first under `first`, else the last.

    The one place the rule is written: the standings (and so the tally) and the audit's
    count, which works on its own book of verified entries, both choose with it.
    """
    kept: dict[str, T] = {}
    for voter, ballot in ballots:
        if revoting != "first" or voter not in kept:
            kept[voter] = ballot
    return kept


def ballot_standings(
    entries: Sequence[Entry], *, excluded: Collection[str] = ()
) -> dict[str, Standing]:
    """Where every ballot and challenged encryption stands, by ballot id, in log order.

    `excluded` are ballot ids an auditor found failing its checks (they never count).
    """
    return {standing.ballot_id: standing for _, standing in _standings(entries, excluded)}


def counted_entries(entries: Sequence[Entry], excluded: Collection[str]) -> tuple[Entry, ...]:
    """The ballot entries that count, in log order: the "counted" standings."""
    return tuple(
        entry for entry, standing in _standings(entries, excluded) if standing.status == "counted"
    )
