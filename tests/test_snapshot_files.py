"""Checks that every committed TUI snapshot belongs to a snapshot test, and the reverse.

syrupy finds unused snapshots only in a run without pytest-xdist workers; the suite runs
with workers (scripts/test), so this static check keeps a stale SVG from lingering.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent
SNAPSHOT_DIRS = sorted(TESTS.rglob("__snapshots__/*/"))


def snapshot_tests(module: Path) -> set[str]:
    """The test functions of `module` that take the `snap_compare` fixture."""
    tree = ast.parse(module.read_text(encoding="utf-8"), filename=str(module))
    return {
        node.name
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        and node.name.startswith("test_")
        and any(arg.arg == "snap_compare" for arg in node.args.args)
    }


def test_there_are_snapshots_to_check() -> None:
    assert SNAPSHOT_DIRS, "no __snapshots__ folder found under tests/"


@pytest.mark.parametrize("folder", SNAPSHOT_DIRS, ids=lambda p: str(p.relative_to(TESTS)))
def test_every_snapshot_has_its_test_and_every_test_its_snapshot(folder: Path) -> None:
    module = folder.parent.parent / f"{folder.name}.py"
    assert module.is_file(), f"{folder} names no test module"
    # A parametrized test keeps one SVG per case, named `test_name[case id]`.
    files = {path.stem.split("[", 1)[0] for path in folder.glob("*.svg")}
    assert files == snapshot_tests(module)
