"""Provides `python -m voting.audit`: the audit's command line.

Usage: `python -m voting.audit RECORD [--election E] [--json] [--state FILE] [--workers N]
[--receipt FILE …]`.
Exit codes (DESIGN §6): 0 no check failed (checks of an unfinished election may be "not yet
applicable"); 1 a check failed or could not run; 2 usage; 3 the record, a receipt or the
state file cannot be read. The report goes to stdout; progress and
messages go to stderr. `rich` draws the progress bar and is imported only here, and only
when stderr is a terminal.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

from voting.audit._text import render_text
from voting.errors import AuditError, VotingError

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2
EXIT_UNREADABLE = 3

# Without a terminal, progress is a handful of plain lines: at each quarter of the work.
_PLAIN_STEPS = 4


@contextmanager
def progress_reporter(stream: IO[str]) -> Iterator[Callable[[int, int], None]]:
    """Yield a progress callback: a rich bar on a terminal, sparse plain lines otherwise."""
    if stream.isatty():
        # Imported here so that library users and the test suite never load rich.
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

        bar = Progress(
            "verifying ballots",
            BarColumn(),
            MofNCompleteColumn(),
            TimeRemainingColumn(),
            console=Console(file=stream),
            transient=True,
        )
        task = bar.add_task("ballots", total=None)
        with bar:

            def update(done: int, total: int) -> None:
                bar.update(task, completed=done, total=total)

            yield update
        return
    printed = [0]

    def plain(done: int, total: int) -> None:
        step = done * _PLAIN_STEPS // total if total > 0 else 0
        if step > printed[0]:
            printed[0] = step
            print(f"verified {done}/{total} ballots", file=stream, flush=True)

    yield plain


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m voting.audit",
        description="Audit an election record: a board file or an exported record directory.",
    )
    parser.add_argument("record", help="the board file or the exported record directory")
    parser.add_argument(
        "--election", metavar="E", help="which election of a board file holding several"
    )
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    parser.add_argument(
        "--state",
        metavar="FILE",
        help="saved audit state: verify only what was appended since it was written",
    )
    parser.add_argument(
        "--workers", type=int, metavar="N", help="processes that verify ballots (default: all)"
    )
    parser.add_argument(
        "--receipt",
        action="append",
        default=[],
        metavar="FILE",
        help="a voter's receipt (tlog-proof) to check against the record (V8); repeatable",
    )
    return parser


def main(
    argv: Sequence[str] | None = None,
    *,
    stdout: IO[str] | None = None,
    stderr: IO[str] | None = None,
) -> int:
    """Run the audit from the command line and return the exit code."""
    out = stdout or sys.stdout
    err = stderr or sys.stderr
    try:
        args = _parser().parse_args(argv)
    except SystemExit as exc:
        return EXIT_OK if exc.code == 0 else EXIT_USAGE
    if args.workers is not None and args.workers < 1:
        print("error: --workers must be at least 1", file=err)
        return EXIT_USAGE
    # The import is deferred so that `--help` and usage errors stay fast.
    from voting.audit._runner import verify_record

    try:
        with progress_reporter(err) as progress:
            report = verify_record(
                args.record,
                election=args.election,
                state=args.state,
                workers=args.workers,
                progress=progress,
                receipts=[Path(r) for r in args.receipt],
            )
    except AuditError as exc:
        print(f"error: {exc}", file=err)
        return EXIT_UNREADABLE
    except VotingError as exc:
        # Anything else from the library means the record could not be taken in at all.
        print(f"error: cannot read the record: {exc}", file=err)
        return EXIT_UNREADABLE
    except (OSError, RecursionError, MemoryError) as exc:
        # The readers refuse hostile input with typed errors; this is the last line, so that
        # the command line never shows a traceback whatever the files hold.
        print(f"error: cannot read the record: {type(exc).__name__}", file=err)
        return EXIT_UNREADABLE
    out.write(report.to_text() if args.json else render_text(report))
    return EXIT_OK if report.passed else EXIT_FAILED


def run() -> Any:
    """Entry point for `python -m voting.audit`."""
    raise SystemExit(main())
