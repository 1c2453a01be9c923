"""Provides the audit's ballot bookkeeping: which ballots are valid, revoked, refused, counted.

`verify_record` starts a `Ballots` book (empty, or from a saved state), absorbs the workers'
verdicts and the rules' refusals into it, judges revocation against the frozen lists, picks
the counted ballot of each voter by the revoting rule, and reports the ballots' failures.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import did
from voting.audit._ballots import BallotVerdict
from voting.audit._findings import Findings
from voting.audit._report import Reason
from voting.audit._revocation import REVOKED, REVOKED_MESSAGE, judge_earlier
from voting.audit._state import AuditState
from voting.board import one_per_voter

V5 = 5


@dataclass
class Ballots:
    """The ballot bookkeeping a run starts from (empty, or a saved state) and extends."""

    ids: dict[str, int] = field(default_factory=dict)
    # Per voter, the ballots that passed V5-V7 and that no frozen list revokes, in log order.
    valid: dict[str, list[int]] = field(default_factory=dict)
    # Valid ballots with a credential status whose revocation awaits the lists of the close.
    unjudged: set[int] = field(default_factory=set)
    # (status list URL, issuer of a credential naming it), over every ballot seen.
    status_refs: set[tuple[str, str]] = field(default_factory=set)
    # Ballot entries a board rule refuses: they never count.
    refused: set[int] = field(default_factory=set)
    reasons: list[tuple[int, Reason]] = field(default_factory=list)
    ciphertexts: dict[int, tuple[tuple[bytes, ...], ...]] = field(default_factory=dict)
    # The weight of each valid ballot whose weight is not 1 (a weighted election).
    weights: dict[int, int] = field(default_factory=dict)
    revoked: dict[int, str] = field(default_factory=dict)


def start(resume: AuditState | None) -> Ballots:
    if resume is None:
        return Ballots()
    book = Ballots(
        ids=dict(resume.ballot_ids),
        valid={v: list(es) for v, es in resume.valid.items()},
        unjudged=set(resume.unjudged),
        status_refs=set(resume.status_refs),
        weights=dict(resume.weights),
    )
    for number, reason in resume.failures:
        book.reasons.append((number, reason))
        if reason.code == REVOKED and reason.entry is not None:
            book.revoked[reason.entry] = reason.voter or ""
        if reason.code.startswith("rule-") and reason.entry is not None:
            book.refused.add(reason.entry)
    return book


def absorb(book: Ballots, verdicts: Sequence[BallotVerdict]) -> None:
    for v in sorted(verdicts, key=lambda v: v.entry):

        def reason(code: str, message: str, v: BallotVerdict = v) -> Reason:
            return Reason(code, message, entry=v.entry, ballot=v.ballot_id, voter=v.voter)

        # The close must freeze a list for every ballot's credential (§4.7), valid or not.
        book.status_refs.update(v.status_refs)
        if v.ballot_id is not None:
            book.ids.setdefault(v.ballot_id, v.entry)
        for number, code, message in v.failures:
            book.reasons.append((number, reason(code, message)))
        # A ballot a rule refused (a reused id among them) never counts; the rule said why.
        if not v.valid or v.voter is None or v.entry in book.refused:
            continue
        book.ciphertexts[v.entry] = v.ciphertexts
        if v.weight != 1:
            book.weights[v.entry] = v.weight
        if v.revoked:
            book.revoked[v.entry] = v.voter
            book.reasons.append((V5, reason(REVOKED, REVOKED_MESSAGE)))
            continue
        book.valid.setdefault(v.voter, []).append(v.entry)
        if v.revoked is None and v.has_status:
            book.unjudged.add(v.entry)
    for voter in book.valid:
        book.valid[voter].sort()


def judge(
    book: Ballots, frozen: dict[str, dict[str, Any]], entries: Sequence[bytes], workers: int | None
) -> None:
    # §7 step 2 for the valid ballots that earlier runs verified while the election was
    # open: read once from the frozen lists, then they are judged for good.
    if not book.unjudged:
        return
    voter_of = {i: voter for voter, items in book.valid.items() for i in items}
    id_of = {i: bid for bid, i in book.ids.items()}
    for i in judge_earlier(frozen, entries, book.unjudged, workers):
        voter = voter_of[i]
        book.valid[voter].remove(i)
        if not book.valid[voter]:
            del book.valid[voter]
        book.revoked[i] = voter
        reason = Reason(REVOKED, REVOKED_MESSAGE, entry=i, ballot=id_of.get(i), voter=voter)
        book.reasons.append((V5, reason))
    book.unjudged.clear()


def count(book: Ballots, challenged: set[str], revoting: str) -> dict[str, int]:
    """The entry number of the ballot that counts for each voter (election-entries §7).

    The book's valid ballots are those that passed V5-V7 and that no frozen list revokes
    (steps 1 and 2 but for challenges); challenged ballots never count; of the rest, the
    revoting rule is `voting.board.one_per_voter`, the very rule the tally's standings use.
    """
    id_of = {i: bid for bid, i in book.ids.items()}
    remaining = sorted(
        (i, voter)
        for voter, items in book.valid.items()
        for i in items
        if id_of.get(i) not in challenged
    )
    return one_per_voter(((voter, i) for i, voter in remaining), revoting)


def ciphertexts(book: Ballots, entries: Sequence[bytes], i: int) -> tuple[tuple[bytes, ...], ...]:
    cached = book.ciphertexts.get(i)
    if cached is not None:
        return cached
    # A ballot verified by an earlier run: its bytes are bound by the consistency proof.
    ballot = did.parse_json(entries[i])["body"]["ballot"]
    return tuple(
        tuple(
            bytes.fromhex(o["ciphertext"]["alpha"]) + bytes.fromhex(o["ciphertext"]["beta"])
            for o in c["options"]
        )
        for c in ballot["contests"]
    )


def report_ballots(book: Ballots, findings: Findings, lists: int | None) -> None:
    excluded = 0
    for number, reason in book.reasons:
        if reason.code == REVOKED:
            excluded += 1
        else:
            findings.fail(number, reason)
    note = f", {excluded} excluded as revoked" if excluded else ""
    if lists is None:
        status = "revocation is judged at close, against the status lists it freezes"
    else:
        status = f"revocation judged against the {lists} status list(s) frozen at close"
    findings.detail(V5, f"{len(book.ids)} ballot(s) checked{note}; {status}")
    findings.detail(6, f"{len(book.ids)} ballot(s): range proofs verified")
    findings.detail(7, f"{len(book.ids)} ballot(s): selection limits verified")
