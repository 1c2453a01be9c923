"""Tests weighted elections on the chain (finding 12): the weight comes from a credential claim."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from voting.audit import verify_record
from voting.board import EligibilityRule, export_record
from voting.chain import MemoryLogStore
from voting.election import Manifest
from voting.errors import ManifestError, RejectedEntry
from voting.testing import ELECTION_ID, Party, Run, World

SHARES = {0: 5, 1: 1, 2: 3}


class Cooperative(World):
    """Members vote with the number of shares their membership credential states."""

    def manifest(self, election_id: str = ELECTION_ID, **claims: Any) -> Manifest:
        m = super().manifest(election_id, **claims)
        assert m.eligibility is not None
        return replace(m, eligibility={**m.eligibility, "weightClaim": "shares"})

    def credential(self, voter: Party, index: int, **options: Any) -> dict[str, Any]:
        claims = {"shares": SHARES.get(index, 1), **(options.pop("claims", None) or {})}
        return super().credential(voter, index, claims=claims, **options)


def _run() -> tuple[Run, MemoryLogStore]:
    store = MemoryLogStore()
    world = Cooperative()
    run = world.run(store)
    run.setup()
    return run, store


def test_the_rule_names_a_weight_claim() -> None:
    rule = EligibilityRule.from_json(
        {"issuers": ["did:example:a"], "credentialType": "T", "weightClaim": "shares"}
    )
    assert rule.weight_claim == "shares"
    assert EligibilityRule.from_json(rule.to_json()) == rule
    with pytest.raises(ManifestError, match="weightClaim"):
        EligibilityRule.from_json({"issuers": ["did:example:a"], "credentialType": "T",
                                   "weightClaim": "id"})  # fmt: skip


def test_a_weighted_tally_on_the_chain_and_its_audit(tmp_path: Path) -> None:
    run, store = _run()
    voters = run.world.voters
    run.vote(voters[0], "b0", "ada")  # 5 shares
    run.vote(voters[1], "b1", "bob")  # 1 share
    run.vote(voters[2], "b2", "bob")  # 3 shares
    result = run.finish()
    assert result.counts()["mayor"] == {"ada": 5, "bob": 4}
    assert (result.ballot_count, result.total_weight) == (3, 9)
    report = verify_record(export_record(store, ELECTION_ID, tmp_path / "r"), workers=1)
    assert report.passed, report.to_text()
    assert report.result is not None and report.result.total_weight == 9
    assert report.result.counts()["mayor"] == {"ada": 5, "bob": 4}


@pytest.mark.parametrize("weight", [0, -1, 2**32, True, "3", 1.5])
def test_a_weight_outside_the_bounds_is_refused(weight: object) -> None:
    run, _ = _run()
    voter = run.world.voters[3]
    credential = run.world.credential(voter, 3, claims={"shares": weight})
    body = run.ballot_body(voter, "bad", "ada", credential=credential)
    with pytest.raises(RejectedEntry, match="weight"):
        run.post(body, voter)
