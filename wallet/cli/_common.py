"""Provides what every command shares: the common options, output, and the service context.

Data goes to stdout (JSON with `--json`), human messages to stderr. Nothing here imports the
cryptography or keyring packages, so `wallet --help` stays fast.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

if TYPE_CHECKING:
    from wallet.services import Environment

HomeOption = Annotated[
    Path | None,
    typer.Option(
        "--home",
        help="Wallet home directory (default: $WALLET_HOME, else the user data directory).",
        show_default=False,
    ),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print machine-readable JSON on stdout.")]


class Settings:
    """Global options given before the command, as `wallet --home H --json did list`."""

    home: Path | None = None
    json: bool = False
    keystore: str | None = None


def settings(ctx: typer.Context) -> Settings:
    root = ctx.find_root()
    if not isinstance(root.obj, Settings):
        root.obj = Settings()
    return root.obj


def home_of(ctx: typer.Context, home: Path | None) -> Path | None:
    """The command's own `--home`, else the global one."""
    return home if home is not None else settings(ctx).home


def json_of(ctx: typer.Context, flag: bool) -> bool:
    return flag or settings(ctx).json


# The environment `main(argv, env=...)` was given, for the commands it runs; None means the
# process's own (its variables, the system clock, the operating system's random source).
GIVEN_ENVIRONMENT: ContextVar[Environment | None] = ContextVar("environment", default=None)
# `--allow-private-network`, given before the command.
ALLOW_PRIVATE_NETWORK: ContextVar[bool] = ContextVar("allow_private_network", default=False)
# `wallet --ca-file FILE`: the CA certificates every HTTPS client of this run trusts; it is
# passed on as the environment's WALLET_CA_FILE, which the board and exchange clients read.
CA_FILE: ContextVar[Path | None] = ContextVar("ca_file", default=None)


def environment() -> Environment:
    """The services' environment: the one given to `main`, else this process's.

    Notices go to stderr either way.
    """
    given = GIVEN_ENVIRONMENT.get()
    allowed = ALLOW_PRIVATE_NETWORK.get()
    ca_file = CA_FILE.get()
    if given is not None:
        environ = given.environ
        if ca_file is not None:
            environ = {**environ, "WALLET_CA_FILE": str(ca_file)}
        return replace(given, notify=message, allow_private_network=allowed, environ=environ)
    from wallet.services import Environment

    return Environment(
        environ=dict(os.environ) | ({} if ca_file is None else {"WALLET_CA_FILE": str(ca_file)}),
        notify=message,
        interactive=sys.stdin.isatty(),
        allow_private_network=allowed,
    )


def now() -> datetime:
    """The time by the services' clock (the command line reads no other)."""
    return environment().now()


def message(text: str) -> None:
    """A human message, on stderr."""
    typer.echo(text, err=True)


def emit(data: Any, as_json: bool, human: Callable[[Any], str] | None = None) -> None:
    """Print data: JSON when asked for (or when no human form exists), else the human form."""
    if as_json or human is None:
        typer.echo(json.dumps(data, indent=2, ensure_ascii=False))
    else:
        typer.echo(human(data))


def is_stdio(path: Path | None) -> bool:
    """Whether a file argument is `-`: stdin where a file is read, stdout where written."""
    return path is not None and str(path) == "-"


def read_input(path: Path, what: str = "file") -> str:
    """The text of a file the user named, or of stdin for `-`."""
    if is_stdio(path):
        return sys.stdin.read()
    from wallet.services import read_text

    return read_text(path, what)


@contextmanager
def stdin_as_files(*given: Path | None) -> Iterator[list[Path | None]]:
    """The paths given, with `-` replaced by a private temporary file holding stdin.

    For options whose file is read by a library that wants a path (a status list, a key, a
    receipt). stdin can be read once: naming it twice is a usage error. An error that names
    the temporary file names `-` (stdin) instead: the user never saw that path.
    """
    if sum(is_stdio(path) for path in given) > 1:
        from wallet.errors import UsageError

        raise UsageError("only one file can be - (stdin)")
    if not any(is_stdio(path) for path in given):
        yield list(given)
        return
    import tempfile

    with tempfile.TemporaryDirectory(prefix="wallet-stdin-") as folder:
        kept = Path(folder) / "stdin"
        kept.write_text(sys.stdin.read(), encoding="utf-8")
        with spooled_stdin(kept):
            yield [kept if is_stdio(path) else path for path in given]


@contextmanager
def spooled_stdin(kept: Path) -> Iterator[None]:
    """Errors raised inside name `- (stdin)` where they name `kept`, the file stdin was
    spooled to: the user never saw that path.

    The error keeps its type (and so its exit code); only the path in its text changes.
    """
    try:
        yield
    except Exception as exc:
        if exc.args and isinstance(exc.args[0], str) and str(kept) in exc.args[0]:
            exc.args = (exc.args[0].replace(str(kept), "- (stdin)"), *exc.args[1:])
        raise


def confirm(action: str, yes: bool) -> None:
    """Go on only if the user agrees to `action` (a destructive or final step).

    `--yes` agrees in advance. On a terminal the user is asked; otherwise (a script, a pipe)
    nothing is done and the usage error says to pass `--yes`, so that no script acts by
    accident on a prompt it cannot see.
    """
    if yes:
        return
    from wallet.errors import UsageError

    if not environment().interactive:
        raise UsageError(f"{action}: pass --yes to confirm (stdin is not a terminal)")
    if not typer.confirm(f"{action}?", default=False, err=True):
        message("cancelled; nothing changed")
        raise typer.Exit(1)


YesOption = Annotated[
    bool, typer.Option("--yes", "-y", help="Do it without asking for confirmation.")
]


_COLOURS = {"green": "32", "red": "31", "yellow": "33", "bold": "1"}


def colour_on() -> bool:
    """Whether stdout gets colour: only on a terminal, and never with NO_COLOR set
    (no-color.org: any non-empty value)."""
    return sys.stdout.isatty() and not environment().environ.get("NO_COLOR")


def paint(text: str, colour: str) -> str:
    """`text` in `colour` (green, red, yellow, bold) when stdout takes colour, else as is."""
    return f"\x1b[{_COLOURS[colour]}m{text}\x1b[0m" if colour_on() else text


def table(headers: list[str], rows: list[list[str]]) -> str:
    """Rows for people on a terminal, for programs in a pipe.

    On a terminal: a header, aligned columns, and lines cut to the terminal's width with an
    ellipsis. Piped: tab-separated values without a header, whole, one row a line (`cut -f`).
    """
    if not sys.stdout.isatty():
        return "\n".join("\t".join(row) for row in rows)
    import shutil

    width = shutil.get_terminal_size().columns
    shown = [headers, *rows]
    sizes = [max(len(row[i]) for row in shown) for i in range(len(headers))]
    lines = []
    for row in shown:
        line = "  ".join(cell.ljust(size) for cell, size in zip(row, sizes, strict=True))
        line = line.rstrip()
        lines.append(line if len(line) <= width else line[: width - 1] + "…")
    return "\n".join(lines)
