"""Provides `wallet config set|get|unset|list`: the wallet's defaults, and using them.

Two defaults spare the election commands their most repeated options: `board` (the board
they use when `--board` is not given) and `as` (the identity they act as when `--as` is not
given; a wallet with a single identity needs neither). They live in the home's config.toml,
so reading them needs no passphrase.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import typer

from wallet.cli._common import (
    HomeOption,
    JsonOption,
    emit,
    environment,
    home_of,
    json_of,
    message,
    table,
)

if TYPE_CHECKING:
    from wallet._home import Home
    from wallet.services import Wallet

_Done = TypeVar("_Done")

app = typer.Typer(
    rich_markup_mode=None,
    help="The wallet's defaults: the board and the identity to act as.",
    no_args_is_help=True,
)

KeyArgument = Annotated[
    str, typer.Argument(metavar="KEY", help="board (a board file or URL) or as (an identity).")
]


def _home(ctx: typer.Context, home: Path | None) -> Home:
    from wallet._home import Home, resolve_home

    return Home.open(resolve_home(home_of(ctx, home), environment().environ))


def _check_key(key: str) -> None:
    from wallet._home import DEFAULT_KEYS
    from wallet.errors import UsageError

    if key not in DEFAULT_KEYS:
        raise UsageError(f"no setting {key!r}: choose one of {', '.join(DEFAULT_KEYS)}")


@app.command("set")
def set_(
    ctx: typer.Context,
    key: KeyArgument,
    value: Annotated[str, typer.Argument(metavar="VALUE", help="The new default.")],
    home: HomeOption = None,
) -> None:
    """Set a default: `board` or `as`.

    An identity must be one of this wallet's; a board file is kept as an absolute path.

    Examples:

    \b
      wallet config set board ~/elections/board.sqlite
      wallet config set as trustee-1
    """
    from wallet._home import write_config
    from wallet.services import Wallet, find_identity

    _check_key(key)
    if key == "as":
        with Wallet.open(home_of(ctx, home), environment()) as wallet:
            find_identity(wallet, value)
    elif "://" not in value:
        value = str(Path(value).expanduser().resolve())
    opened = _home(ctx, home)
    defaults = {**opened.config.defaults, key: value}
    write_config(opened.path, replace(opened.config, defaults=defaults))
    message(f"{key} = {value}")


@app.command("get")
def get(
    ctx: typer.Context, key: KeyArgument, home: HomeOption = None, json_: JsonOption = False
) -> None:
    """Print a default; exit 1 when it is not set.

    Examples:

    \b
      wallet config get board
      wallet config get as --json
    """
    _check_key(key)
    value = _home(ctx, home).config.defaults.get(key)
    if value is None:
        message(f"{key} is not set (set it with `wallet config set {key} VALUE`)")
        raise typer.Exit(1)
    emit({"key": key, "value": value}, json_of(ctx, json_), lambda data: str(data["value"]))


@app.command("unset")
def unset(ctx: typer.Context, key: KeyArgument, home: HomeOption = None) -> None:
    """Remove a default.

    Examples:

    \b
      wallet config unset as
    """
    from wallet._home import write_config

    _check_key(key)
    opened = _home(ctx, home)
    defaults = {k: v for k, v in opened.config.defaults.items() if k != key}
    write_config(opened.path, replace(opened.config, defaults=defaults))


@app.command("list")
def list_(ctx: typer.Context, home: HomeOption = None, json_: JsonOption = False) -> None:
    """List the defaults that are set.

    Examples:

    \b
      wallet config list
      wallet config list --json
    """
    data: dict[str, Any] = dict(_home(ctx, home).config.defaults)
    emit(
        data,
        json_of(ctx, json_),
        lambda rows: table(["KEY", "VALUE"], [[k, v] for k, v in rows.items()]),
    )


def board_or_default(ctx: typer.Context, board: str | None, home: Path | None = None) -> str:
    """The `--board` given (a file or a board server's URL), else the wallet's default board."""
    if board is not None:
        return board
    from wallet.errors import UsageError

    value = _home(ctx, home).config.defaults.get("board")
    if value is None:
        raise UsageError("which board? give --board B, or set one: wallet config set board B")
    return str(value)


def acting_as(wallet: Wallet, given: str | None) -> str:
    """The `--as` given, else the wallet's default identity, else its only one."""
    if given is not None:
        return given
    default = wallet.home.config.defaults.get("as")
    if default is not None:
        return default
    from wallet.errors import UsageError
    from wallet.services import list_identities

    identities = list_identities(wallet)
    if len(identities) == 1:
        return identities[0].did
    raise UsageError(
        f"which identity acts? this wallet has {len(identities)}: give --as DID|LABEL, or set "
        "a default: wallet config set as LABEL"
    )


def run_step(
    ctx: typer.Context,
    step: Callable[..., _Done],
    election: str,
    *,
    board: str | None,
    as_: str | None,
    home: Path | None,
) -> _Done:
    """Run one participant's election step: open the wallet, take the board and the identity
    given (or their defaults), and call `step(wallet, board, election, as_=identity)`."""
    from wallet.services import Wallet

    with Wallet.open(home_of(ctx, home), environment()) as wallet:
        where = board_or_default(ctx, board, home)
        return step(wallet, where, election, as_=acting_as(wallet, as_))
