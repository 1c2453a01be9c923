"""Tests the tampered-record corpus: one record per audit reason code, named by what it triggers.

Acceptance: every reason code the audit can emit (`voting.audit.REASON_CODES`) is triggered
by the record named after it, and the audit names it; the clean records pass; regenerating
the corpus gives the committed index (no drift).
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from tests.vectors import generate_records
from voting.audit import REASON_CODES, Outcome


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    out = tmp_path_factory.mktemp("records")
    return out, generate_records.generate(out)


def test_regenerating_gives_the_committed_index(corpus: tuple[Path, dict[str, Any]]) -> None:
    _, index = corpus
    assert json.loads(generate_records.INDEX.read_text()) == index


def test_every_reason_code_has_a_record() -> None:
    named = {
        want
        for name in generate_records.CASES
        if (want := generate_records.expectation(name)) is not None
    }
    registry = {(f"V{n}", code) for n, codes in REASON_CODES.items() for code in codes}
    assert named == registry


@pytest.mark.parametrize("name", sorted(generate_records.CASES))
def test_each_record_triggers_its_reason(corpus: tuple[Path, dict[str, Any]], name: str) -> None:
    out, _ = corpus
    report = generate_records.audit_case(out / name)
    want = generate_records.expectation(name)
    if want is None:
        assert report.passed, report.to_text()
        return
    check, code = want
    result = report.check(check)
    assert result.outcome in (Outcome.FAILED, Outcome.SKIPPED), report.to_text()
    assert code in {r.code for r in result.reasons}, report.to_text()
    assert not report.passed


def test_the_audit_emits_no_code_outside_the_registry() -> None:
    # Every literal reason code in the audit's sources, and every step of the replayed rules
    # as `rule-<step>`, is registered (or is a skip, the exclusion `revoked`, or defensive).
    root = Path(__file__).resolve().parents[2] / "voting"
    sources = [*(root / "audit").glob("*.py"), root / "board" / "_frozen.py"]
    text = "\n".join(p.read_text() for p in sources)
    literal = set(re.findall(r'Reason\(\s*"([a-z0-9-]+)"', text))
    literal |= set(re.findall(r'\(V\d+, "([a-z0-9-]+)"', text))
    literal |= set(re.findall(r'\("(status-list-[a-z]+)"', text))
    literal |= set(re.findall(r'skip(?:_from)?\(\w+, "([a-z0-9-]+)"', text))
    registered = {code for codes in REASON_CODES.values() for code in codes}
    skips = {"no-election", "trustee-keys", "joint-key", "no-checkpoint", "no-quorum"}
    assert literal - registered <= skips | {"revoked", "combine", "counted"}
    steps = set(re.findall(r'refuse\("([a-z]+)"', (root / "board" / "_replay.py").read_text()))
    # `board` guards a board key that the election entry's parser already refused.
    assert {f"rule-{s}" for s in steps - {"board"}} <= registered
