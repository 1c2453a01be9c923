"""Provides `wallet board …`: create a board, serve it over HTTP(S), describe it.

A board's STORE is a SQLite file (the embedded default) or a `postgresql://` URL; several
`board serve` processes may serve one PostgreSQL board. The board's checkpoint key stays in
the board host's keystore; voters, trustees and the authority never need it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from wallet.cli._common import JsonOption, emit, environment, json_of, message

app = typer.Typer(
    rich_markup_mode=None, help="Run an election board as a network service.", no_args_is_help=True
)

StoreOption = Annotated[
    str,
    typer.Option("--store", metavar="STORE", help="A SQLite file, or a postgresql:// URL."),
]
KeyDirOption = Annotated[
    Path | None,
    typer.Option(
        "--key-dir",
        help="Folder of a PostgreSQL board's sealed key file (default: $WALLET_BOARD_KEYS, "
        "else the user data directory).",
        show_default=False,
    ),
]


@app.command("init")
def init(
    ctx: typer.Context,
    store: StoreOption,
    name: Annotated[
        str | None, typer.Option(help="The key name: the prefix of checkpoint origins.")
    ] = None,
    keystore: Annotated[
        str, typer.Option("--keystore", help="Where the checkpoint key goes: auto, os or file.")
    ] = "auto",
    key_dir: KeyDirOption = None,
    json_: JsonOption = False,
) -> None:
    """Create a board and its checkpoint key; print its verifier key (C2SP note vkey).

    Examples:

    \b
      wallet board init --store board.sqlite
      wallet board init --store postgresql://board@db/board
    """
    from wallet.board import BoardHost

    host = BoardHost.init(store, environment(), name=name, keystore=keystore, key_dir=key_dir)
    where = "the OS keyring" if host.info.keystore == "os" else "a sealed file"
    message(f"board {host.info.name}: created on {host.display}; its key is in {where}")
    emit(
        {"board": host.info.board_id, "name": host.info.name, "vkey": host.info.vkey},
        json_of(ctx, json_),
        lambda data: data["vkey"],
    )


@app.command("serve")
def serve(
    store: StoreOption,
    listen: Annotated[str, typer.Option(metavar="HOST:PORT", help="Where to listen.")],
    tls_cert: Annotated[
        Path | None, typer.Option("--tls-cert", help="PEM certificate chain for HTTPS.")
    ] = None,
    tls_key: Annotated[
        Path | None, typer.Option("--tls-key", help="PEM private key for HTTPS.")
    ] = None,
    key_dir: KeyDirOption = None,
    max_body: Annotated[int, typer.Option(help="Largest request body, in bytes.")] = 131072,
    deadline: Annotated[float, typer.Option(help="Seconds one request may take.")] = 30.0,
    workers: Annotated[int, typer.Option(help="Requests handled at once.")] = 32,
    witness: Annotated[
        list[str] | None,
        typer.Option(
            "--witness",
            metavar="NAME=URL",
            help="Where the witness an election names NAME is reachable (repeat).",
        ),
    ] = None,
    witness_deadline: Annotated[
        float, typer.Option(help="Seconds one witnessing round (all witnesses) may take.")
    ] = 5.0,
) -> None:
    """Serve a board over HTTPS (plain HTTP only on loopback) until SIGINT or SIGTERM.

    Checkpoints of an election that names witnesses are served, and receipts given, only
    once a quorum of them cosigned (docs/board-api.md, Witnessing).

    Examples:

    \b
      wallet board serve --store board.sqlite --listen 127.0.0.1:8443
      wallet board serve --store board.sqlite --listen 0.0.0.0:443 --tls-cert c.pem --tls-key k.pem
      wallet board serve --store board.sqlite --listen 127.0.0.1:8443 \\
          --witness w1=https://w1.example --witness w2=https://w2.example
    """
    import logging

    from wallet.board import BoardHost, board_app, board_service
    from wallet.errors import UsageError
    from wallet.server import Limits, Listen, Tls, serve

    if (tls_cert is None) != (tls_key is None):
        raise UsageError("give both --tls-cert and --tls-key, or neither")
    address = Listen.parse(listen)
    tls = Tls(tls_cert, tls_key) if tls_cert and tls_key else None
    address.check_plain_http(tls)
    env = environment()
    from wallet.board._witnessing import parse_witness_urls

    try:
        urls = parse_witness_urls(witness or [])
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    if witness_deadline <= 0:
        raise UsageError("--witness-deadline must be positive")
    host = BoardHost.open(store, env, key_dir=key_dir)
    # The sidecar's witnesses (`wallet board witness add`), overridden by --witness.
    urls = {**host.info.witnesses, **urls}
    # The board's clock is the environment's: the system clock, unless `main` was given one.
    service = board_service(
        host, host.signer(env), now=env.now, witnesses=urls, witness_deadline=witness_deadline
    )
    limits = Limits(max_body=max_body, deadline=deadline, active=workers)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    scheme = "https" if tls else "http"
    message(f"board {host.info.name}: serving {host.display} at {scheme}://{listen}")
    try:
        serve(board_app(service, limits), address, tls, limits)
    finally:
        service.close()


@app.command("info")
def info(
    ctx: typer.Context,
    board: Annotated[str, typer.Argument(metavar="STORE|URL", help="A board store or URL.")],
    key_dir: KeyDirOption = None,
    ca_file: Annotated[
        Path | None, typer.Option("--ca-file", help="CA certificates for a private CA.")
    ] = None,
    json_: JsonOption = False,
) -> None:
    """Print a board's location, verifier key and elections (with their phase).

    Examples:

    \b
      wallet board info board.sqlite
      wallet board info https://board.example --json
    """
    from wallet.board import BoardClient, BoardHost, board_service, is_board_url

    if is_board_url(board):
        with BoardClient(board, ca_file=ca_file) as client:
            identity = client.info()
            data = {
                "board": board,
                "name": identity["name"],
                "vkey": identity["vkey"],
                "elections": client.elections(),
            }
    else:
        env = environment()
        host = BoardHost.open(board, env, key_dir=key_dir)
        service = board_service(host, None, now=env.now, resolver=object())  # Needs no key.
        try:
            data = {
                "board": host.display,
                "name": host.info.name,
                "vkey": host.info.vkey,
                "elections": [e.to_json() for e in service.elections()],
            }
        finally:
            service.close()
    emit(data, json_of(ctx, json_), _human)


def _human(data: dict[str, object]) -> str:
    lines = [f"board     {data['board']}", f"name      {data['name']}", f"vkey      {data['vkey']}"]
    elections = data["elections"]
    assert isinstance(elections, list)
    for item in elections:
        lines.append(f"election  {item['id']}  {item['phase']}  {item['size']} entries")
    if not elections:
        lines.append("elections none yet")
    return "\n".join(lines)


witness_app = typer.Typer(
    rich_markup_mode=None,
    help="Where the witnesses the board's elections name are reachable.",
    no_args_is_help=True,
)
app.add_typer(witness_app, name="witness")


@witness_app.command("add")
def witness_add(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="The witness's name, as its vkey starts.")],
    url: Annotated[str, typer.Argument(help="Its tlog-witness base URL (…/add-checkpoint).")],
    store: StoreOption,
    json_: JsonOption = False,
) -> None:
    """Tell a board file where witness NAME is reachable (kept in its sidecar).

    Checkpoints of an election that names NAME are then sent there, by `wallet board serve`
    and by wallets that append to the board file directly.

    Examples:

    \b
      wallet board witness add w1.example https://w1.example --store board.sqlite
    """
    from wallet.services._witness_addresses import add_witness

    witnesses = add_witness(Path(store), name, url, environment())
    message(f"board {store}: witness {name} is reachable at {url}")
    emit(witnesses, json_of(ctx, json_), _witness_lines)


@witness_app.command("list")
def witness_list(ctx: typer.Context, store: StoreOption, json_: JsonOption = False) -> None:
    """List where a board file's witnesses are reachable.

    Examples:

    \b
      wallet board witness list --store board.sqlite
    """
    from wallet.services import LocalBoard

    with LocalBoard.open(Path(store), environment()) as board:
        witnesses = dict(board.sidecar.witnesses)
    emit(witnesses, json_of(ctx, json_), _witness_lines)


def _witness_lines(witnesses: dict[str, str]) -> str:
    return "\n".join(f"{name}\t{url}" for name, url in witnesses.items()) or "no witnesses"
