"""Provides the audit of an election record: every check of docs/record-spec.md §9 (V1-V13).

`verify_record(record)` reads an exported record directory or a board file and returns an
`AuditReport`: each numbered check with its outcome and typed reasons, and the result table
it recomputed; `render_text(report)` is its human form. `python -m voting.audit RECORD
[--election E] [--json] [--state FILE]` runs the same code and prints the same text.
"""

from voting.audit._codes import REASON_CODES
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
from voting.audit._text import render_text

__all__ = [
    "CHECKS",
    "REASON_CODES",
    "AuditReport",
    "AuditStats",
    "CheckResult",
    "ContestCounts",
    "Outcome",
    "Progress",
    "Reason",
    "RecordSource",
    "ResultTable",
    "render_text",
    "verify_record",
]
