"""Checks that `wallet demo` prints the result table and verdict it printed before the rework.

`data/demo-stdout.txt` is the demo's stdout as printed by the code without the services
rework (captured again when the election protocol itself changed: acknowledgements, one
`challenged` entry, V8 without receipts), with each 16-hex-digit prefix (hashes, roots)
masked: those are random per run.
"""

from __future__ import annotations

import io
import re
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

from tests.wallet.fakes import fixed_environment
from wallet.cli import main

BEFORE = Path(__file__).parent / "data" / "demo-stdout.txt"


def test_the_demo_prints_what_it_printed_before() -> None:
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = main(["demo"], env=fixed_environment({}))
    assert code == 0, err.getvalue()
    masked = re.sub(r"[0-9a-f]{16}…", "<hex>…", out.getvalue())
    # The cosigned checkpoint's keys, root and signatures are random per run: its lines are
    # masked down to the signers' roles.
    masked = re.sub(r"ssi-wallet-board-[0-9a-f]+", "<board>", masked)
    masked = re.sub(r"(?m)^(  (?:\u2014 \S+ )?)[A-Za-z0-9+/=]{40,}$", r"\1<base64>", masked)
    assert masked == BEFORE.read_text(encoding="utf-8")
