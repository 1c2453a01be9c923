"""Provides `wallet audit`: the one audit implementation, `voting.audit.verify_record`.

The wallet adds nothing to the checks and draws nothing of its own: it passes the record
(an exported directory, or one election of a board file) to the audit and returns the
report in the services' one verification shape. It verifies when no check failed or was
skipped (checks of an unfinished election may be "not yet applicable", V8 without receipts
"not applicable").
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from wallet.errors import FileProblem
from wallet.services._verification import Verification, from_audit_report


def audit_record(
    record: Path,
    *,
    election: str | None = None,
    state: Path | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> Verification:
    """Audit `record`: every check of the record spec §9, as a `Verification`.

    `election` chooses one election of a board file that holds several; a record the audit
    cannot read at all (or an election it does not hold) is a FileProblem.
    """
    from voting.audit import verify_record
    from voting.errors import AuditError

    if not record.exists():
        raise FileProblem(f"record {record}: no such file or directory")
    try:
        report = verify_record(record, election=election, state=state, progress=progress)
    except AuditError as exc:
        raise FileProblem(str(exc)) from None
    return from_audit_report(report)
