"""Provides writing a document the user asked for: to a file, or to stdout for none or `-`."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import typer

from wallet.cli._common import emit, is_stdio, message

if TYPE_CHECKING:
    from wallet.services import Document


def write_output(text: str, output: Path | None) -> None:
    """Write a document to `output`, or to stdout when none is given or it is `-`."""
    if output is None or is_stdio(output):
        typer.echo(text)
        return
    from wallet.errors import FileProblem

    try:
        output.write_text(text + "\n", encoding="utf-8")
    except OSError as exc:
        raise FileProblem(f"cannot write {output}: {exc.strerror}") from None
    message(f"written to {output}")


def write_document(document: Document, output: Path | None, as_json: bool) -> None:
    """A document to stdout (as JSON with `--json`), or to a file and its summary as JSON."""
    if output is None or is_stdio(output):
        if as_json:
            emit(document.to_json(), True)
        else:
            write_output(document.text(), None)
        return
    write_output(document.text(), output)
    if as_json:
        summary = {k: v for k, v in document.to_json().items() if k != "credential"}
        emit(summary | {"path": str(output)}, True)
