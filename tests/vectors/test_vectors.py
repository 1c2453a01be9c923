"""Tests the committed voting vectors: each holds, and regenerating them changes no byte."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.vectors import generate

HERE = Path(__file__).resolve().parent

FILES = sorted(p for p in (HERE / "voting").rglob("*.json") if p.name != "context.json")
CONTEXT = json.loads((HERE / "voting" / "context.json").read_text())


def test_regenerating_changes_no_byte(tmp_path: Path) -> None:
    subprocess.run(
        [sys.executable, str(HERE / "generate.py"), str(tmp_path)], check=True, capture_output=True
    )
    fresh = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*.json"))
    committed = sorted(p.relative_to(HERE / "voting") for p in (HERE / "voting").rglob("*.json"))
    assert fresh == committed
    for rel in fresh:
        assert (tmp_path / rel).read_bytes() == (HERE / "voting" / rel).read_bytes(), rel


def test_every_check_has_a_positive_and_negative_vector() -> None:
    seen: dict[str, set[bool]] = {}
    for path in FILES:
        vector = json.loads(path.read_text())
        seen.setdefault(vector["check"], set()).add(vector["expect"] == "ok")
    assert seen == {name: {True, False} for name in generate.CHECKS}


@pytest.mark.parametrize("path", FILES, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_vector_expectation_holds(path: Path) -> None:
    vector = json.loads(path.read_text())
    assert generate.run(CONTEXT, vector) == vector["expect"]
    if vector["expect"] == "ok":
        assert path.name.startswith("happy-path")
