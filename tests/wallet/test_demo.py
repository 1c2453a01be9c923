"""Tests of `wallet demo`: a whole election end to end, through the real command line."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from tests.wallet.cli_helpers import ROOT, file_env, wallet


def _voting_audit(*args: str | Path) -> subprocess.CompletedProcess[str]:
    """Run `python -m voting.audit ARGS`, the auditor's own command line."""
    return subprocess.run(
        [sys.executable, "-m", "voting.audit", *map(str, args)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
        timeout=120,
    )


def test_demo_prints_the_result_and_the_audit_verdict() -> None:
    run = wallet("demo", env=file_env())
    assert run.code == 0, run.stderr
    lines = run.stdout.rstrip("\n").splitlines()
    assert lines[-1] == "audit PASSED"
    table = "\n".join(lines[-9:-1])
    assert "result: 5 ballots counted" in table
    assert "Mayor" in table and "Build the new library?" in table
    # Every numbered check of the audit is shown, and all of them passed; V8 has no
    # receipts to check here.
    # (A check's line is "  V<n> …"; the printed checkpoint's root hash may also start with V.)
    checks = [line for line in lines if re.match(r"  V\d+ ", line)]
    assert len(checks) == 14
    assert all("  ok  " in line for line in checks if not line.startswith("  V8"))
    assert "  n/a " in checks[7]
    # Three witnesses, quorum 2: the final checkpoint is shown with their cosignatures.
    assert "V14  Witness cosignatures" in checks[13] and "(quorum 2)" in checks[13]
    signed = next(line for line in lines if line.startswith("checkpoint, signed by "))
    assert signed.endswith(", demo-witness-1, demo-witness-2, demo-witness-3:")
    assert sum(line.startswith("  \u2014 demo-witness-") for line in lines) == 3
    # The story is on stderr: the refusal with the board's reason, the challenge, the revote.
    assert "outsider was refused by the board: eligibility: credential type" in run.stderr
    assert "challenged a ballot" in run.stderr and "voted again" in run.stderr


def test_demo_out_keeps_homes_board_and_a_record_that_audits(tmp_path: Path) -> None:
    out = tmp_path / "demo"
    run = wallet("demo", "--out", out, "--json", env=file_env())
    assert run.code == 0, run.stderr
    report = run.json()
    assert report["audit"]["passed"] is True
    # The record's checkpoint is the one the witnesses cosigned, and so is the JSON's.
    assert report["checkpoint"] == (out / "record" / "checkpoint").read_text(encoding="utf-8")
    assert report["checkpoint"].count("\n\u2014 demo-witness-") == 3
    counts = {c["contest"]: {r["option"]: r["count"] for r in c["counts"]}
              for c in report["result"]["contests"]}  # fmt: skip
    assert counts == {"mayor": {"ada": 4, "bob": 0, "cy": 1}, "library": {"yes": 4, "no": 1}}
    for name in ("authority", "trustee-1", "voter-5", "outsider"):
        assert (out / name / "config.toml").is_file()
    assert (out / "board.sqlite").is_file() and (out / "board.sqlite.keys").is_file()
    # README.md names each home's role and passphrase; a voter's home opens with it.
    readme = (out / "README.md").read_text(encoding="utf-8")
    passphrases = dict(re.findall(r"^\| `([\w-]+)/` \| [^|]+ \| `([^`]+)` \|$", readme, re.M))
    assert set(passphrases) >= {"authority", "trustee-1", "voter-1", "voter-5", "outsider"}
    receipts = wallet(
        "--home", out / "voter-2", "receipt", "list", "--json",
        env=file_env(WALLET_PASSPHRASE=passphrases["voter-2"]),
    )  # fmt: skip
    assert receipts.code == 0, receipts.stderr
    assert len(receipts.json()) == 2  # voter-2 voted twice
    wrong = wallet("--home", out / "voter-2", "receipt", "list", env=file_env())
    assert wrong.code == 3
    again = wallet("demo", "--out", out, env=file_env())
    assert again.code == 2 and "not an empty directory" in again.stderr
    audited = wallet("audit", out / "record", env=file_env())
    assert audited.code == 0, audited.stderr
    assert audited.stdout.rstrip().endswith("audit PASSED")
    # The board file itself is a record too, and gives the same verdict.
    assert wallet("audit", out / "board.sqlite", "--json", env=file_env()).json()["passed"]
    # `wallet audit` and `python -m voting.audit` print the same, as text and as JSON.
    for args in ((), ("--json",), ("--election", "demo-election")):
        for target in (out / "record", out / "board.sqlite"):
            ours = wallet("audit", target, *args, env=file_env())
            theirs = _voting_audit(target, *args)
            assert ours.code == theirs.returncode == 0, ours.stderr + theirs.stderr
            assert ours.stdout == theirs.stdout
    # An election the board file does not hold is an unreadable record (exit 3), named.
    missing = wallet("audit", out / "board.sqlite", "--election", "nope", env=file_env())
    assert missing.code == 3 and "no election 'nope'" in missing.stderr
    assert "demo-election" in missing.stderr


def test_audit_of_a_tampered_record_exits_1_naming_the_check(tmp_path: Path) -> None:
    out = tmp_path / "demo"
    assert wallet("demo", "--out", out, env=file_env()).code == 0
    entries = out / "record" / "entries.jsonl"
    lines = entries.read_bytes().split(b"\n")
    lines[12], lines[13] = lines[13], lines[12]
    entries.write_bytes(b"\n".join(lines))
    run = wallet("audit", out / "record", env=file_env())
    assert run.code == 1
    assert "audit FAILED" in run.stdout and "V4" in run.stdout


def test_demo_refuses_a_non_empty_directory_before_doing_anything(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("mine", encoding="utf-8")
    run = wallet("demo", "--out", tmp_path, env=file_env())
    assert run.code == 2 and "not an empty directory" in run.stderr
    assert "setting up" not in run.stderr
    assert [p.name for p in tmp_path.iterdir()] == ["notes.txt"]
