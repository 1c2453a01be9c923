"""Provides check V8: voters' receipts against the record (record spec §9, V8).

A receipt (tally-chain §4, a C2SP tlog-proof) names an entry's index, its inclusion proof
and the board's signed checkpoint at the time. For each receipt the audit checks that the
checkpoint is signed by the election's board key and has the election's origin, that the
record's own entry at that index, with the receipt's proof, gives the checkpoint's root,
and that the record is consistent with that checkpoint: the root the audit recomputes over
the record's first `size` entries is the receipt's root. A board that dropped, reordered
or rewrote an entry after handing out a receipt fails V8 for that receipt, even when it
re-signed everything since. Without receipts V8 is not applicable.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from voting.audit._findings import Findings
from voting.audit._log import LOG, LogFindings
from voting.audit._report import Reason
from voting.chain import Receipt, leaf_hash, verify_receipt
from voting.errors import VotingError

V8 = 8
# A receipt is a few kilobytes; anything far larger is not one.
MAX_RECEIPT_BYTES = 1 << 20


def _receipt(item: Any) -> Receipt:
    if isinstance(item, Receipt):
        return item
    if isinstance(item, Path):
        with item.open("rb") as handle:
            data = handle.read(MAX_RECEIPT_BYTES + 1)
        if len(data) > MAX_RECEIPT_BYTES:
            raise ValueError(f"{item.name}: larger than a receipt can be")
        return Receipt.from_text(data)
    if isinstance(item, str | bytes):
        return Receipt.from_text(item)
    raise TypeError(f"a receipt, its text or a path, not {type(item).__name__}")


def check_receipts(
    entries: Sequence[bytes], log: LogFindings, receipts: Sequence[Any], findings: Findings
) -> None:
    """Run V8 over the given receipts; mark V8 not applicable when there are none."""
    if not receipts:
        findings.not_applicable(V8, "no receipts given (pass voters' receipts to check them)")
        return
    if log.verifier is None or log.checkpoint is None:
        findings.skip(V8, "no-checkpoint", "the record's checkpoint did not verify")
        return
    origin = log.checkpoint.origin
    for n, item in enumerate(receipts):
        try:
            receipt = _receipt(item)
        except (VotingError, OSError, ValueError, TypeError) as exc:
            findings.fail(V8, Reason("receipt-unreadable", f"receipt {n}: {exc}"))
            continue
        index, size = receipt.index, receipt.checkpoint.size
        if receipt.checkpoint.origin != origin:
            findings.fail(V8, Reason("receipt-origin", f"receipt {n}: of another log", index))
            continue
        if size > len(entries):
            message = f"receipt {n}: its checkpoint has {size} entries, the record {len(entries)}"
            findings.fail(V8, Reason("receipt-beyond", message, index))
            continue
        try:
            verify_receipt(receipt, leaf_hash(entries[index]), [log.verifier])
        except VotingError as exc:
            message = f"receipt {n}: the record's entry {index} is not the one receipted: {exc}"
            findings.fail(V8, Reason("receipt-inclusion", message, index))
            continue
        if log.tree.root(LOG, size) != receipt.checkpoint.root_hash:
            message = f"receipt {n}: the record's first {size} entries differ from its checkpoint"
            findings.fail(V8, Reason("receipt-inconsistent", message, index))
    findings.detail(V8, f"{len(receipts)} receipt(s): entries and checkpoints match the record")
