"""Provides V5's revocation half: the status lists frozen at close, judged once per election.

Each ballot's eligibility is verified at its own time without its status (`_ballots`).
Revocation is judged against the `close` entry's lists instead (election-entries §4.7, §7
step 2; DESIGN §5.2): those lists are verified once, at the close entry's time, exactly as
the board's `close` rule does, and each ballot's status is read from them with the board's
own `frozen_status_allows`, so the audit counts what the board's tally counts.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Any

from voting.audit._ballots import judge_status_entry
from voting.audit._chain import Scan
from voting.audit._findings import Findings
from voting.audit._pool import BallotPool
from voting.audit._report import Reason
from voting.audit._setup import Setup
from voting.board import RecordedResolver, RuleState, frozen_list_problems

V5 = 5

# The V5 reason that excludes a ballot without being a fault of the record.
REVOKED = "revoked"
REVOKED_MESSAGE = "excluded: the status lists frozen at close set (or cannot read) its status"


def check_frozen_lists(
    setup: Setup,
    scan: Scan,
    references: Collection[tuple[str, str]],
    rules: RuleState,
    findings: Findings,
) -> int:
    """Verify the close entry's lists with the board's own `close` check; return how many.

    `frozen_list_problems` is the function the board's `close` rule calls: the lists are
    exactly those the ballots' credentials name, each verifies at the close entry's time,
    is issued by the issuer of every credential naming it, and is current (valid from
    between the last ballot and the close). A failure is a V5 failure naming the list.
    """
    if setup.close is None or setup.close_index is None:
        return 0
    index = setup.close_index
    entry = scan.parsed[index]
    named: dict[str, set[str]] = {}
    for url, issuer in references:
        named.setdefault(url, set()).add(issuer)
    frozen = setup.close.by_id()
    problems = frozen_list_problems(
        setup.body.eligibility,
        frozen,
        named,
        close_time=entry.time,
        last_ballot_time=rules.last_ballot_time,
        resolver=RecordedResolver(scan.documents, at=index),
    )
    for code, url, message in problems:
        findings.fail(V5, Reason(code, f"status list {url[:80]}: {message}", index))
    return len(frozen)


def judge_earlier(
    frozen: dict[str, dict[str, Any]],
    entries: Sequence[bytes],
    unjudged: Collection[int],
    workers: int | None,
) -> list[int]:
    """Return which of `unjudged` (valid ballots of earlier runs) the frozen lists revoke.

    Only the status is read: the ballots' proofs and eligibility were verified by the run
    that first saw them, and their bytes are bound to it by the consistency proof.
    """
    todo = sorted(unjudged)
    pool = BallotPool(judge_status_entry, frozen, workers=workers)
    verdicts = pool.map([(i, entries[i]) for i in todo])
    return [i for i, revoked in zip(todo, verdicts, strict=True) if revoked]
