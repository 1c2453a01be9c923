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

import did
from did.errors import DidError
from voting.audit._ballots import judge_status_entry
from voting.audit._chain import Scan
from voting.audit._findings import Findings
from voting.audit._pool import BallotPool
from voting.audit._report import Reason
from voting.audit._setup import Setup

V5 = 5

# The V5 reason that excludes a ballot without being a fault of the record.
REVOKED = "revoked"
REVOKED_MESSAGE = "excluded: the status lists frozen at close set (or cannot read) its status"


def check_frozen_lists(
    setup: Setup, scan: Scan, referenced: Collection[str], findings: Findings
) -> int:
    """Verify the close entry's lists as the board's `close` rule does; return how many.

    (a) They are exactly the lists the ballots' credentials name (`referenced_status_lists`
    over every ballot, §4.7); (b) each verifies as a credential (proof, issuer key, validity)
    at the close entry's time; (c) each is issued by one of the eligibility rule's issuers.
    A failure is a V5 failure naming the list.
    """
    if setup.close is None or setup.close_index is None:
        return 0
    index = setup.close_index
    entry = scan.parsed[index]
    frozen = setup.close.by_id()
    wanted = sorted(referenced)
    # (a) Exactly the lists named by the ballots' credentials, no more and no fewer.
    for url in sorted(set(wanted) - set(frozen)):
        findings.fail(
            V5, Reason("status-list-missing", f"status list {url[:80]} not frozen", index)
        )
    for url in sorted(set(frozen) - set(wanted)):
        findings.fail(
            V5, Reason("status-list-unused", f"status list {url[:80]} is named by no ballot", index)
        )
    resolver = did.Resolver()
    issuers = setup.body.eligibility.issuers
    for url, credential in sorted(frozen.items()):
        # (b) The list in force at close is judged at the close entry's own time.
        try:
            report = did.verify_credential(
                credential, now=entry.time, resolver=resolver, trust=did.TrustIssuers.of(issuers)
            )
        except DidError as exc:
            findings.fail(
                V5, Reason("status-list-invalid", f"status list {url[:80]}: {exc}", index)
            )
            continue
        # The issuer is judged on its own in (c), so (b) leaves the trust check to it.
        failures = [(path, check) for path, check in report.failures() if path != "trust"]
        if failures:
            path, check = failures[0]
            message = f"status list {url[:80]} does not verify at close: {path}: {check.message}"
            findings.fail(V5, Reason("status-list-invalid", message, index))
        # (c) Only an issuer the manifest trusts may say who is revoked.
        if credential.get("issuer") not in issuers:
            message = f"status list {url[:80]} is not from a listed issuer"
            findings.fail(V5, Reason("status-list-issuer", message, index))
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
