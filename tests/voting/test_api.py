"""Tests the shape of `voting`'s public API: the auditor's top level and the sub-namespaces."""

from __future__ import annotations

import importlib
import inspect
import json
import subprocess
import sys
from pathlib import Path

import pytest

import voting

ROOT = Path(__file__).resolve().parents[2]
NAMESPACES = [
    "voting.audit",
    "voting.ballot",
    "voting.board",
    "voting.chain",
    "voting.election",
    "voting.group",
    "voting.proofs",
    "voting.shuffle",
    "voting.tally",
    "voting.testing",
    "voting.trustees",
    "voting.witness",
]


def test_the_top_level_is_what_an_auditor_needs() -> None:
    assert {"verify_record", "AuditReport", "Outcome", "load_record", "render_text"} <= set(
        voting.__all__
    )
    # Test doubles and the group arithmetic are not at the top any more.
    assert "SeededRng" not in voting.__all__
    assert "Point" not in voting.__all__
    with pytest.raises(AttributeError, match="SeededRng"):
        getattr(voting, "SeededRng")  # noqa: B009


def test_every_top_level_name_resolves_to_its_home() -> None:
    from voting.audit import AuditReport, verify_record
    from voting.board import load_record

    for name in voting.__all__:
        assert getattr(voting, name) is not None, name
    assert voting.verify_record is verify_record
    assert voting.AuditReport is AuditReport
    assert voting.load_record is load_record
    assert voting.group.Point.__name__ == "Point"
    assert set(voting.__all__) <= set(dir(voting))


@pytest.mark.parametrize("namespace", NAMESPACES)
def test_every_namespace_exports_exactly_what_it_lists(namespace: str) -> None:
    module = importlib.import_module(namespace)
    exported = module.__all__
    assert exported == sorted(set(exported), key=exported.index)  # no duplicates
    for name in exported:
        value = getattr(module, name)
        assert not name.startswith("_")
        if inspect.isclass(value) or inspect.isfunction(value):
            assert value.__module__.startswith(namespace.split(".")[0] + "."), name


def test_one_namespace_does_not_load_the_audit() -> None:
    # The wallet imports `voting.chain` on its start-up path; the top level must not drag the
    # audit (and its worker pool) in with it.
    probe = "import sys, json, voting.chain; print(json.dumps(sorted(sys.modules)))"
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, cwd=ROOT
    )
    modules = set(json.loads(done.stdout))
    assert "voting.chain" in modules
    assert not {"voting.audit", "voting.board", "voting.testing"} & modules
