"""Provides `wallet demo`: a whole election in throwaway homes, ending with the audit."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from wallet.cli._common import JsonOption, emit, environment, json_of, message


def demo(
    ctx: typer.Context,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            metavar="DIR",
            help="Keep the homes, the board and the record in DIR (new or empty), with a "
            "README.md naming each home's role and passphrase.",
        ),
    ] = None,
    json_: JsonOption = False,
) -> None:
    """Run an election end to end: result table and audit verdict on stdout.

    Exits 0 only when the audit of the exported record passes.

    Examples:

    \b
      wallet demo
      wallet demo --out demo/   # then read demo/README.md
    """
    import time

    from wallet.cli._render import render_verification, result_table
    from wallet.services import run_demo

    began = time.perf_counter()
    report = run_demo(out, environment())
    seconds = time.perf_counter() - began
    message(f"demo finished in {seconds:.1f} s")
    if json_of(ctx, json_):
        emit(report.to_json() | {"seconds": round(seconds, 2)}, True)
    elif report.audit is not None:
        # The audit's checks, then the published result table, then the verdict.
        checks, _, verdict = render_verification(report.audit, with_result=False).rpartition("\n")
        table = "" if report.result is None else result_table(report.result) + "\n"
        note = "" if report.checkpoint is None else _cosigned(report.checkpoint)
        emit(None, False, lambda _data: f"{checks}\n{note}{table}{verdict}")
    if not report.passed:
        raise typer.Exit(1)


def _cosigned(note: str) -> str:
    """The final checkpoint as the witnesses cosigned it, indented, with who signed."""
    signers = [line.split(" ")[1] for line in note.splitlines() if line.startswith("\u2014 ")]
    body = "\n".join(("  " + line).rstrip() for line in note.rstrip("\n").splitlines())
    return f"checkpoint, signed by {', '.join(signers)}:\n{body}\n"
