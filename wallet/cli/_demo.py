"""Provides `wallet demo`: the walk-through in throwaway homes."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from wallet.cli._common import JsonOption, emit, json_of, message


def demo(
    ctx: typer.Context,
    out: Annotated[
        Path | None, typer.Option("--out", help="Keep the homes and records in this directory.")
    ] = None,
    json_: JsonOption = False,
) -> None:
    """Run the walk-through end to end in fresh temporary homes, printing each step."""
    from wallet.services import run_demo

    report = run_demo(out, message)
    if json_of(ctx, json_):
        emit(report.to_json(), True)
