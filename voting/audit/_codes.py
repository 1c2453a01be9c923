"""Provides the registry of every reason code the audit emits, by check (record spec §9.4).

The tampered-record corpus (tests/vectors/generate_records.py) holds one record per entry
here; tests keep the two equal and check that the audit's sources emit no other code. Two
codes are defensive and cannot be produced by a record whose entries parse: `V11 combine`
(valid shares of the recomputed tally always decode) and `V13 counted` (by the rules, a
challenged ballot id is never a counted ballot's); they are not listed.
"""

from __future__ import annotations

REASON_CODES: dict[int, frozenset[str]] = {
    1: frozenset({"no-election", "entry-unreadable", "rule-window"}),
    2: frozenset(
        {
            "announcement",
            "complaint-justified",
            "complaint-unfounded",
            "complaint-invalid",
            "entry-unreadable",
            "rule-ceremony",
        }
    ),
    3: frozenset({"joint-key", "election-hash", "entry-unreadable", "rule-window"}),
    4: frozenset(
        {
            "board-key-invalid",
            "checkpoint-signature",
            "size-mismatch",
            "root-mismatch",
            "state-other-log",
            "history-shrank",
            "inconsistent-with-saved",
            "board-key",
            "origin",
            "seq",
            "link",
            "election",
            "entry-unreadable",
            "signature-invalid",
            "rule-time",
            "rule-phase",
            "rule-role",
            "rule-origin",
            "rule-documents",
        }
    ),
    5: frozenset(
        {
            "signature-invalid",
            "ineligible",
            "status-list-missing",
            "status-list-unused",
            "status-list-invalid",
            "status-list-issuer",
            "status-list-stale",
            "revoked-counted",
            "rule-role",
            "rule-window",
            "rule-time",
            "rule-ballot",
            "rule-phase",
            "rule-documents",
        }
    ),
    6: frozenset({"ballot-unreadable", "shape", "range-proof"}),
    7: frozenset({"limit-proof"}),
    8: frozenset(
        {
            "receipt-unreadable",
            "receipt-origin",
            "receipt-beyond",
            "receipt-inclusion",
            "receipt-inconsistent",
        }
    ),
    9: frozenset({"tally-mismatch"}),
    10: frozenset({"duplicate", "share-invalid", "rule-share"}),
    11: frozenset({"quorum", "no-valid-share"}),
    12: frozenset({"shape", "election-hash", "count", "over-limit"}),
    13: frozenset(
        {
            "opening",
            "rule-challenge",
            "rule-window",
            "rule-time",
            "rule-role",
            "rule-phase",
            "rule-documents",
        }
    ),
    14: frozenset({"witness-quorum"}),
}
