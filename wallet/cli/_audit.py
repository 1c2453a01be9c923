"""Provides `wallet audit`: the record audit (the one in `voting.audit`), exit 0 only on pass.

It prints what `python -m voting.audit` prints: the audit's own text, or with `--json` its
report as JSON.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated

import typer

from wallet.cli._common import HomeOption, JsonOption, emit, environment, json_of, message


def _progress() -> Callable[[int, int], None]:
    """Ballot progress on stderr: a line at each quarter of the work."""
    printed = [-1]

    def update(done: int, total: int) -> None:
        quarter = 4 * done // total if total else 4
        if quarter > printed[0]:
            printed[0] = quarter
            print(f"verifying ballots: {done}/{total}", file=sys.stderr)

    return update


def audit(
    ctx: typer.Context,
    record: Annotated[
        str,
        typer.Argument(help="An exported record directory, a board file, or a board server's URL."),
    ],
    election: Annotated[
        str | None, typer.Option("--election", help="Which election of a board file.")
    ] = None,
    state: Annotated[
        Path | None, typer.Option("--state", help="Save progress; next time verify only new.")
    ] = None,
    ca_file: Annotated[
        Path | None,
        typer.Option(
            "--ca-file", help="CA certificates of a board's private CA (default: $WALLET_CA_FILE)."
        ),
    ] = None,
    home: HomeOption = None,
    json_: JsonOption = False,
) -> None:
    """Audit an election record: every numbered check, the result; exit 0 only if all pass.

    Examples:

    \b
      wallet audit record/
      wallet audit board.sqlite --election mayor-2026 --state audit.state
      wallet --json audit record/ | jq .verdict
    """
    from wallet.cli._render import render_verification
    from wallet.services import audit_record

    report = audit_record(
        record, election=election, state=state, progress=_progress(),
        ca_file=ca_file or environment().ca_file(),
    )  # fmt: skip
    emit(report.to_json(), json_of(ctx, json_), lambda _data: render_verification(report))
    if not report.verified:
        message("audit failed: " + ", ".join(c.label for c in report.failures()))
        raise typer.Exit(1)
