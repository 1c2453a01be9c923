"""Provides the audit of an election record: every check of docs/record-spec.md §9 (V1-V13).

`verify_record(record)` reads an exported record directory or a board file and returns an
`AuditReport`: each numbered check with its outcome and typed reasons, and the result table
it recomputed. `python -m voting.audit RECORD [--json] [--state FILE]` runs the same code.
"""

from voting.audit._pool import Progress
from voting.audit._report import (
    CHECKS,
    AuditReport,
    AuditStats,
    CheckResult,
    ContestCounts,
    Outcome,
    Reason,
    ResultTable,
)
from voting.audit._runner import verify_record
from voting.audit._source import RecordSource

__all__ = [
    "CHECKS",
    "AuditReport",
    "AuditStats",
    "CheckResult",
    "ContestCounts",
    "Outcome",
    "Progress",
    "Reason",
    "RecordSource",
    "ResultTable",
    "verify_record",
]
