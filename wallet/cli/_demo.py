"""Provides `wallet demo`: a whole election in throwaway homes, ending with the audit."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from wallet.cli._common import JsonOption, emit, json_of, message


def demo(
    ctx: typer.Context,
    out: Annotated[
        Path | None,
        typer.Option("--out", help="Keep the homes, the board and the record in this directory."),
    ] = None,
    json_: JsonOption = False,
) -> None:
    """Run an election end to end: result table and audit verdict on stdout.

    Exits 0 only when the audit of the exported record passes.
    """
    from wallet.services import render_report, result_table, run_demo

    report = run_demo(out, message)
    message(f"demo finished in {report.seconds:.1f} s")
    if json_of(ctx, json_):
        emit(report.to_json(), True)
    else:
        # The audit's checks, then the published result table, then the verdict.
        checks, _, verdict = render_report(report.audit, with_result=False).rpartition("\n")
        table = result_table(report.result or {"contests": []})
        emit(None, False, lambda _data: f"{checks}\n{table}\n{verdict}")
    if not report.passed:
        raise typer.Exit(1)
