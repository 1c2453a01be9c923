"""Tests `python -m voting.audit`: output, exit codes and progress."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from voting.audit import AuditReport, render_text, verify_record
from voting.audit._cli import main, progress_reporter
from voting.chain import MemoryLogStore
from voting.testing import honest_run

from .records import export, read_entries

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture(scope="module")
def record(tmp_path_factory: pytest.TempPathFactory) -> Path:
    store = MemoryLogStore()
    honest_run(store)
    return export(store, tmp_path_factory.mktemp("cli") / "record")


def _run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


def test_honest_record_exits_0_with_a_table(record: Path) -> None:
    code, out, _ = _run(str(record), "--workers", "1")
    assert code == 0
    assert "V13  Challenged ballots" in out and out.rstrip().endswith("audit PASSED")
    assert "bob" in out


def test_json_output_is_the_report(record: Path) -> None:
    code, out, _ = _run(str(record), "--json", "--workers", "1")
    assert code == 0
    report = AuditReport.from_json(json.loads(out))
    assert report.passed and report.result is not None


def test_failed_check_exits_1(record: Path, tmp_path: Path) -> None:
    entries = read_entries(record)
    del entries[-1]
    target = tmp_path / "r"
    target.mkdir()
    for name in ("checkpoint", "board.vkey"):
        (target / name).write_bytes((record / name).read_bytes())
    (target / "entries.jsonl").write_bytes(b"".join(e + b"\n" for e in entries))
    code, out, _ = _run(str(target), "--workers", "1")
    assert code == 1 and "audit FAILED: V4" in out


def test_unreadable_record_exits_3(tmp_path: Path) -> None:
    code, out, err = _run(str(tmp_path / "missing"))
    assert (code, out) == (3, "") and "does not exist" in err
    (tmp_path / "empty").mkdir()
    code, _, err = _run(str(tmp_path / "empty"))
    assert code == 3 and "entries.jsonl is missing" in err


def test_usage_errors_exit_2(record: Path) -> None:
    assert _run()[0] == 2
    assert _run(str(record), "--workers", "0")[0] == 2


def test_plain_progress_is_sparse() -> None:
    stream = io.StringIO()
    with progress_reporter(stream) as progress:
        for done in range(0, 1001):
            progress(done, 1000)
    lines = stream.getvalue().splitlines()
    assert lines == [f"verified {n}/1000 ballots" for n in (250, 500, 750, 1000)]


def test_module_entry_point(record: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "voting.audit", str(record), "--json", "--workers", "1"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["passed"] is True
    # Library users never load rich; the CLI loads it only for a terminal.
    assert "rich" not in proc.stderr


def test_text_is_the_exported_renderer(record: Path) -> None:
    code, out, _ = _run(str(record), "--workers", "1")
    assert code == 0
    assert out == render_text(verify_record(record, workers=1))
    # Without the result the verdict is still the last line, and no count is shown.
    short = render_text(verify_record(record, workers=1), with_result=False)
    assert short.endswith("audit PASSED\n") and "result:" not in short


def test_election_option_chooses_and_refuses(record: Path) -> None:
    code, out, _ = _run(str(record), "--election", "city-2030", "--workers", "1")
    assert code == 0 and out.rstrip().endswith("audit PASSED")
    code, out, err = _run(str(record), "--election", "nope", "--workers", "1")
    assert (code, out) == (3, "") and "of election 'city-2030', not 'nope'" in err
