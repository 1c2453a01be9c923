"""Tests that the audit reports exactly the entries the board's rules refuse (one rule engine).

Random reorderings, deletions and repetitions of an honest record's entries, re-signed by
their authors: the entries `check_rules` refuses, replayed directly, are exactly the entries
the audit reports with a `rule-*` reason, in a full audit and in an incremental one.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from voting.audit import AuditReport, verify_record
from voting.board import Entry, RuleState, check_rules, facts_of
from voting.chain import MemoryLogStore
from voting.errors import RejectedEntry
from voting.testing import ELECTION_ID, Run, honest_run

from .records import export, parsed, resign, rewrite


@pytest.fixture(scope="module", params=[False, True], ids=["open", "finished"])
def honest(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Run, Path]:
    store = MemoryLogStore()
    run = honest_run(store, finish=request.param)
    return run, export(store, tmp_path_factory.mktemp("honest") / "record")


def _refused(entries: list[Entry]) -> set[int]:
    state = RuleState(ELECTION_ID)
    refused = set()
    for i, entry in enumerate(entries):
        facts = replace(facts_of(entry), seq=i)
        try:
            check_rules(state, facts)
        except RejectedEntry:
            refused.add(i)
        state.apply(facts)
    return refused


def _reported(report: AuditReport) -> set[int]:
    return {
        r.entry
        for c in report.checks
        for r in c.reasons
        if r.code.startswith("rule-") and r.entry is not None
    }


def _mutate(entries: list[Entry], data: st.DataObject) -> list[Entry]:
    out = list(entries)
    for _ in range(data.draw(st.integers(1, 3), label="changes")):
        kind = data.draw(st.sampled_from(["swap", "drop", "repeat"]), label="kind")
        i = data.draw(st.integers(1, len(out) - 1), label="at")
        if kind == "swap":
            j = data.draw(st.integers(1, len(out) - 1), label="with")
            out[i], out[j] = out[j], out[i]
        elif kind == "drop" and len(out) > 3:
            del out[i]
        else:
            out.insert(i, out[i])
    return out


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(data=st.data())
def test_the_audit_reports_exactly_what_the_rules_refuse(
    honest: tuple[Run, Path], tmp_path_factory: pytest.TempPathFactory, data: st.DataObject
) -> None:
    run, record = honest
    entries = _mutate(parsed(record), data)
    target = rewrite(run, record, tmp_path_factory.mktemp("m") / "r", entries)
    refused = _refused(entries)
    assert _reported(verify_record(target, workers=1)) == refused
    # Incrementally: a state saved over a prefix, then the whole; the same rule reasons.
    cut = data.draw(st.integers(1, len(entries) - 1), label="cut")
    prefix = tmp_path_factory.mktemp("p") / "r"
    rewrite(run, record, prefix, entries[:cut])
    state = tmp_path_factory.mktemp("s") / "state.json"
    verify_record(prefix, workers=1, state=state)
    assert _reported(verify_record(target, workers=1, state=state)) == refused
    assert resign(run, entries)  # the record is the re-signed entries, byte for byte
