"""Provides verifiable voting: ElGamal ballots with proofs, t-of-n trustees, the tally chain
and the audit of an election's record (specified byte for byte in docs/record-spec.md).

The top level holds what an auditor's script needs:

    import voting

    report = voting.verify_record(Path("record"))      # an exported record or a board file
    print(voting.render_text(report))
    raise SystemExit(0 if report.passed else 1)

Everything else lives in public sub-namespaces, each with its own `__all__`:

    voting.group      the election group, ElGamal, the `Rng` type        (record spec §2)
    voting.proofs     Schnorr, Chaum-Pedersen and range proofs            (§3.4, §5)
    voting.election   manifests and the election the ceremony fixes       (§4.1, §6.5)
    voting.trustees   the t-of-n key ceremony                             (§6)
    voting.ballot     encrypted ballots, their verification and openings  (§7)
    voting.tally      aggregation, decryption shares, the result          (§8)
    voting.shuffle    a verifiable shuffle of ciphertext rows             (§10)
    voting.chain      the tally chain's Merkle log, checkpoints, receipts (tally-chain.md)
    voting.board      the board's entries and rules                       (election-entries.md)
    voting.audit      the audit's checks and report                       (§9)
    voting.witness    a C2SP tlog-witness for any log                     (tally-chain.md §3)
    voting.errors     the package's error tree
    voting.testing    a seeded rng and an election builder, for tests only

The names here are loaded on first use, so that importing one sub-namespace (the wallet
imports `voting.chain` on its start-up path) does not load the audit.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    # The sub-namespaces, re-exported by name (PEP 484) so that `voting.group.Point` is typed.
    from voting import audit as audit
    from voting import ballot as ballot
    from voting import board as board
    from voting import chain as chain
    from voting import election as election
    from voting import errors as errors
    from voting import group as group
    from voting import proofs as proofs
    from voting import shuffle as shuffle
    from voting import tally as tally
    from voting import trustees as trustees
    from voting import witness as witness
    from voting.audit import (
        CHECKS,
        AuditReport,
        AuditStats,
        CheckResult,
        ContestCounts,
        Outcome,
        Progress,
        Reason,
        RecordSource,
        ResultTable,
        render_text,
        verify_record,
    )
    from voting.board import Record, load_record
    from voting.errors import AuditError, VotingError

# Where each top-level name is defined; `__getattr__` imports it from there on first use.
_HOMES = {
    "CHECKS": "voting.audit",
    "AuditReport": "voting.audit",
    "AuditStats": "voting.audit",
    "CheckResult": "voting.audit",
    "ContestCounts": "voting.audit",
    "Outcome": "voting.audit",
    "Progress": "voting.audit",
    "Reason": "voting.audit",
    "RecordSource": "voting.audit",
    "ResultTable": "voting.audit",
    "render_text": "voting.audit",
    "verify_record": "voting.audit",
    "Record": "voting.board",
    "load_record": "voting.board",
    "AuditError": "voting.errors",
    "VotingError": "voting.errors",
}

# The public sub-namespaces; `voting.testing` is left out on purpose: it is imported by name.
_SUBMODULES = frozenset(
    {
        "audit",
        "ballot",
        "board",
        "chain",
        "election",
        "errors",
        "group",
        "proofs",
        "shuffle",
        "tally",
        "trustees",
        "witness",
    }
)

__all__ = [
    "CHECKS",
    "AuditError",
    "AuditReport",
    "AuditStats",
    "CheckResult",
    "ContestCounts",
    "Outcome",
    "Progress",
    "Reason",
    "Record",
    "RecordSource",
    "ResultTable",
    "VotingError",
    "load_record",
    "render_text",
    "verify_record",
]


def __getattr__(name: str) -> object:
    home = _HOMES.get(name)
    if home is not None:
        value = getattr(importlib.import_module(home), name)
        globals()[name] = value
        return value
    if name in _SUBMODULES:
        return importlib.import_module(f"voting.{name}")
    raise AttributeError(f"module 'voting' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__, *_SUBMODULES})
