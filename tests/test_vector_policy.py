"""Tests the conformance-vector policy: absent vectors skip a test, or fail it in CI, and the
run ends with the count of the vector tests by outcome."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import VECTOR_MARK, pytest_terminal_summary, require_vectors


@pytest.fixture
def absent(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Point the suite at a vector directory that does not exist, outside CI."""
    monkeypatch.setenv("SSI_VECTORS_DIR", str(tmp_path / "absent"))
    monkeypatch.delenv("CI", raising=False)


@pytest.mark.usefixtures("absent")
def test_absent_vectors_skip_outside_ci() -> None:
    with pytest.raises(pytest.skip.Exception, match="conformance vectors not found"):
        require_vectors()


@pytest.mark.usefixtures("absent")
@pytest.mark.parametrize("flag", ["true", "TRUE", "1"])
def test_absent_vectors_fail_in_ci(monkeypatch: pytest.MonkeyPatch, flag: str) -> None:
    monkeypatch.setenv("CI", flag)
    with pytest.raises(pytest.fail.Exception, match="CI=true: the vector tests must run"):
        require_vectors()


@pytest.mark.usefixtures("absent")
@pytest.mark.parametrize("flag", ["", "false", "0"])
def test_ci_means_a_true_flag(monkeypatch: pytest.MonkeyPatch, flag: str) -> None:
    monkeypatch.setenv("CI", flag)
    with pytest.raises(pytest.skip.Exception):
        require_vectors()


def test_the_vector_tests_are_marked(request: pytest.FixtureRequest, vectors: Path) -> None:
    assert request.node.get_closest_marker(VECTOR_MARK) is not None
    assert require_vectors() == vectors


@dataclass
class _Report:
    nodeid: str
    keywords: dict[str, Any]


@dataclass
class _Reporter:
    stats: dict[str, list[_Report]]
    lines: list[str] = field(default_factory=list)

    def write_line(self, line: str) -> None:
        self.lines.append(line)


def test_the_summary_counts_each_vector_test_once_by_its_worst_outcome() -> None:
    vector, other = {VECTOR_MARK: 1}, {"other": 1}
    reporter = _Reporter(
        {
            "passed": [_Report("a", vector), _Report("b", vector), _Report("c", other)],
            # `b` passed its call but failed at teardown: it counts as an error.
            "error": [_Report("b", vector)],
            "skipped": [_Report("d", vector)],
        }
    )
    pytest_terminal_summary(reporter)  # type: ignore[arg-type]
    assert reporter.lines == ["conformance-vector tests: 1 error, 1 passed, 1 skipped"]


def test_no_counted_test_no_summary_line() -> None:
    reporter = _Reporter({"passed": [_Report("c", {})]})
    pytest_terminal_summary(reporter)  # type: ignore[arg-type]
    assert reporter.lines == []


def test_the_secret_service_tests_are_counted_too() -> None:
    reporter = _Reporter(
        {
            "passed": [_Report("k", {"secret_service": 1})],
            "skipped": [_Report("v", {VECTOR_MARK: 1})],
        }
    )
    pytest_terminal_summary(reporter)  # type: ignore[arg-type]
    assert reporter.lines == [
        "secret-service tests: 1 passed",
        "conformance-vector tests: 1 skipped",
    ]
