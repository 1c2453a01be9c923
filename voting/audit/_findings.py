"""Provides the collector that the checks report into, and that becomes the report's checks."""

from __future__ import annotations

from voting.audit._report import CHECKS, MAX_REASONS, CheckResult, Outcome, Reason

# Checks that need only the election entry and the checkpoint, not the checks before them:
# V14 (witness cosignatures) still runs when the ceremony or the joint key failed.
SELF_STANDING = frozenset({14})


class Findings:
    """Failures, skips, waits and a summary line per numbered check (V1-V14).

    A failure wins over a skip, a skip over "not yet applicable" / "not applicable".
    """

    def __init__(self) -> None:
        numbers = range(1, len(CHECKS) + 1)
        self._failures: dict[int, list[Reason]] = {n: [] for n in numbers}
        self._skips: dict[int, list[Reason]] = {n: [] for n in numbers}
        self._details: dict[int, str] = {n: "" for n in numbers}
        self._waiting: dict[int, tuple[Outcome, str]] = {}

    def fail(self, number: int, reason: Reason) -> None:
        """Record that check `number` failed, and why."""
        self._failures[number].append(reason)

    def skip(self, number: int, code: str, message: str) -> None:
        """Record that check `number` could not run (or not completely), and why."""
        if not any(r.code == code for r in self._skips[number]):
            self._skips[number].append(Reason(code, message))

    def skip_from(self, first: int, code: str, message: str) -> None:
        """Skip every check from `first` on; used when what they need is missing."""
        for n in range(first, len(CHECKS) + 1):
            if n not in SELF_STANDING:
                self.skip(n, code, message)

    def not_yet(self, number: int, message: str) -> None:
        """Record that check `number` is not yet applicable: the election is unfinished."""
        self._waiting.setdefault(number, (Outcome.NOT_YET_APPLICABLE, message))

    def not_yet_from(self, first: int, last: int, message: str) -> None:
        """Mark checks `first`..`last` not yet applicable."""
        for n in range(first, last + 1):
            self.not_yet(n, message)

    def not_applicable(self, number: int, message: str) -> None:
        """Record that check `number` had nothing to check (V8 without receipts)."""
        self._waiting.setdefault(number, (Outcome.NOT_APPLICABLE, message))

    def detail(self, number: int, text: str) -> None:
        """Set the one-line summary of check `number`."""
        self._details[number] = text

    def failed(self, number: int) -> bool:
        """Whether check `number` has failed so far."""
        return bool(self._failures[number])

    def results(self) -> tuple[CheckResult, ...]:
        """Return the checks in order: failed if any failure, else skipped if any skip."""
        out = []
        for n in range(1, len(CHECKS) + 1):
            failures = sorted(self._failures[n], key=_order)
            if failures:
                shown = tuple(failures[:MAX_REASONS])
                summary = f"{len(failures)} problem(s)"
                more = len(failures) - len(shown)
                out.append(CheckResult(n, Outcome.FAILED, summary, shown, more))
            elif self._skips[n]:
                summary = self._skips[n][0].message
                out.append(CheckResult(n, Outcome.SKIPPED, summary, tuple(self._skips[n])))
            elif n in self._waiting:
                outcome, message = self._waiting[n]
                out.append(CheckResult(n, outcome, message))
            else:
                out.append(CheckResult(n, Outcome.PASSED, self._details[n] or "passed"))
        return tuple(out)


def _order(reason: Reason) -> tuple[int, str, str]:
    # Reasons are sorted so that a full run and an incremental run list them identically.
    entry = -1 if reason.entry is None else reason.entry
    return (entry, reason.code, reason.message)
