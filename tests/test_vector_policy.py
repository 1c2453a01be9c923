"""Tests the conformance-vector policy: absent vectors skip a test, or fail it in CI."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# One small test that reads the vectors through the `vectors` fixture.
VECTOR_TEST = "tests/did/test_jcs.py::test_bundled_cases_agree_with_files"


def _pytest(tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    environ = {k: v for k, v in os.environ.items() if k not in {"CI", "SSI_VECTORS_DIR"}}
    environ.update(env)
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", VECTOR_TEST],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
        env=environ,
    )


def test_absent_vectors_skip_outside_ci(tmp_path: Path) -> None:
    done = _pytest(tmp_path, SSI_VECTORS_DIR=str(tmp_path / "absent"))
    assert done.returncode == 0, done.stdout
    assert "conformance vectors not found" in done.stdout
    assert "conformance-vector tests: 1 skipped" in done.stdout


def test_absent_vectors_fail_the_run_in_ci(tmp_path: Path) -> None:
    # With the vectors present, the suite's own last lines show the count of those that ran.
    done = _pytest(tmp_path, CI="true", SSI_VECTORS_DIR=str(tmp_path / "absent"))
    assert done.returncode == 1, done.stdout
    assert "CI=true: the vector tests must run" in done.stdout
    assert "conformance-vector tests: 1 error" in done.stdout
