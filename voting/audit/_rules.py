"""Provides the replay of the board's rules over the record (election-entries §6; record spec §9.1).

The audit runs `voting.board.check_rules`, the very function the board runs before it
appends an entry, over every entry in log order, from the facts of the non-ballot entries
parsed by the scan and of the ballots parsed by the workers. A refused entry is reported
under the check its type belongs to, with the code `rule-<step>` (`rule-role`,
`rule-window`, `rule-ceremony`, …); the replay then goes on as if it had been appended, so
one bad entry is reported once. A ballot any rule refuses never counts.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from voting.audit._chain import CHECK_OF_TYPE
from voting.audit._report import Reason
from voting.board import EntryFacts, RuleState, check_rules, rule_step
from voting.errors import RejectedEntry

# Steps about the log as a whole (who, when, in which phase) are V4's, except for the
# voters' entries, whose own checks (V5 ballots, V13 challenged) report them.
_CHAIN_STEPS = frozenset({"time", "phase", "role", "origin", "board", "link", "documents"})


def check_of(kind: str, step: str) -> int:
    """The check number a refused entry of type `kind` at rule step `step` is reported under."""
    if kind == "ballot":
        return 5
    if kind == "challenged":
        return 13
    if step == "ceremony":
        return 2
    if step in _CHAIN_STEPS:
        return 4
    return CHECK_OF_TYPE[kind]


def replay_rules(
    state: RuleState, facts: Mapping[int, EntryFacts], indices: Iterable[int]
) -> list[tuple[int, Reason]]:
    """Apply the board's rules to the entries `indices` in order; return (check, reason)s."""
    reasons: list[tuple[int, Reason]] = []
    for i in sorted(indices):
        item = facts.get(i)
        if item is None:
            continue  # unreadable: reported by the scan or the worker
        try:
            check_rules(state, item)
        except RejectedEntry as exc:
            step = rule_step(exc)
            reason = Reason(
                f"rule-{step}",
                str(exc),
                entry=i,
                ballot=item.ballot_id,
                voter=item.voter if item.type == "ballot" else None,
            )
            reasons.append((check_of(item.type, step), reason))
        state.apply(item)
    return reasons
