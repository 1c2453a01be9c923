"""Provides check V14 of record spec §9: the record's checkpoint carries a quorum of the
cosignatures of the witnesses the election names (election-entries §4.1, tally-chain §3.2).

A checkpoint only a quorum of independent witnesses cosigned is one the board cannot have
shown in a different version to someone else (each honest witness cosigns one tree per
size). An election that names no witnesses has no such defence; V14 says so and is not
applicable.
"""

from __future__ import annotations

from voting.audit._findings import Findings
from voting.audit._log import LogFindings
from voting.audit._report import Reason
from voting.chain import WitnessPolicy, verify_quorum
from voting.errors import ChainError, QuorumError

V14 = 14


def check_witnesses(
    policy: WitnessPolicy | None, checkpoint: str, log: LogFindings, findings: Findings
) -> None:
    """Run V14 on the record's checkpoint note (its board signature is V4's)."""
    if policy is None:
        findings.not_applicable(
            V14, "the election names no witnesses (quorum 0): no split-view protection"
        )
        return
    if log.checkpoint is None:
        findings.skip(V14, "no-checkpoint", "the record's checkpoint did not verify")
        return
    try:
        quorum = verify_quorum(checkpoint, policy)
    except QuorumError as exc:
        findings.fail(
            V14, Reason("witness-quorum", f"checkpoint of size {log.checkpoint.size}: {exc}")
        )
        return
    except ChainError as exc:
        findings.fail(V14, Reason("witness-quorum", f"checkpoint: {exc}"))
        return
    findings.detail(
        V14,
        f"{len(quorum.cosignatures)} of {len(policy.witnesses)} witnesses cosigned "
        f"(quorum {policy.quorum}): {', '.join(quorum.witnesses)}",
    )
