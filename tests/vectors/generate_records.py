#!/usr/bin/env python3
"""Provides the tampered-record corpus: one election record per reason code of the audit.

Run `python tests/vectors/generate_records.py OUTDIR` to write the corpus: one record
directory (`entries.jsonl`, `checkpoint`, `board.vkey`, and where a case needs them a saved
audit `state.json` and voters' `receipts/*.tlog`) per case. A case is named
`V<n>-<code>`: auditing it must report reason `<code>` under check V<n> (failed or skipped).
`clean-open` and `clean-finished` must pass. `OUTDIR/index.json` lists every case with the
SHA-256 of its files; with no argument the script rewrites the committed index
`tests/vectors/records.json`, which the drift test compares with a fresh generation. Every
record is built from `voting.testing`'s seeded election, then changed, and (unless the case
is about the signatures or links themselves) re-signed by every author and by the board's
key, so that only the check named can tell it from an honest one.
"""

from __future__ import annotations

import hashlib
import json
import sys
import tempfile
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.vectors import (  # noqa: F401  (importing them registers their cases)
    record_cases_setup,
    record_cases_tally,
    record_cases_votes,
)
from tests.vectors.record_tools import CASES, INDEX, Base
from voting.audit import verify_record

__all__ = ["CASES", "INDEX", "audit_case", "expectation", "generate"]


# -- driver -----------------------------------------------------------------------------


def expectation(name: str) -> tuple[str, str] | None:
    """(check, code) a case must trigger, or None for a clean record."""
    if name.startswith("clean-"):
        return None
    check, _, code = name.partition("-")
    return check, code


def generate(outdir: Path) -> dict[str, Any]:
    """Write every case under `outdir`; return the index."""
    base = Base.build()
    index: dict[str, Any] = {}
    for name, build in sorted(CASES.items()):
        target = outdir / name
        build(base, target)
        want = expectation(name)
        files = sorted(p for p in target.rglob("*") if p.is_file())
        index[name] = {
            "expect": "passed" if want is None else {"check": want[0], "code": want[1]},
            "files": {
                str(p.relative_to(target)): hashlib.sha256(p.read_bytes()).hexdigest()
                for p in files
            },
        }
    (outdir / "index.json").write_text(json.dumps(index, indent=1, sort_keys=True) + "\n")
    return index


def audit_case(directory: Path) -> Any:
    """Audit one corpus record as the corpus test does: with its receipts and saved state."""
    import shutil

    receipts = sorted((directory / "receipts").glob("*.tlog"))
    saved = directory / "state.json"
    if not saved.exists():
        return verify_record(directory, workers=1, receipts=receipts)
    with tempfile.TemporaryDirectory() as tmp:
        state = Path(tmp) / "state.json"
        shutil.copyfile(saved, state)
        return verify_record(directory, workers=1, receipts=receipts, state=state)


def main(argv: list[str]) -> int:
    if len(argv) > 1:
        generate(Path(argv[1]))
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        index = generate(Path(tmp))
    INDEX.write_text(json.dumps(index, indent=1, sort_keys=True) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
