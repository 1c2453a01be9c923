"""Provides `wallet witness …`: make a witness, name the logs it witnesses, serve it."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from wallet.cli._common import HomeOption, JsonOption, emit, environment, home_of, json_of

app = typer.Typer(
    rich_markup_mode=None,
    help="A C2SP tlog-witness: cosign checkpoints of logs, only ever consistent ones.",
    no_args_is_help=True,
)

DirOption = Annotated[
    Path | None,
    typer.Option(
        "--dir", help="The witness folder (default: <wallet home>/witness).", show_default=False
    ),
]


def _folder(ctx: typer.Context, home: Path | None, folder: Path | None) -> Path:
    import os

    from wallet.witness import default_folder

    return folder if folder is not None else default_folder(home_of(ctx, home), os.environ)


@app.command("init")
def init(
    ctx: typer.Context,
    name: Annotated[
        str | None, typer.Option("--name", help="Key name, e.g. witness.example.org/w1.")
    ] = None,
    keystore: Annotated[
        str, typer.Option("--keystore", help="Where the cosigning key lives: auto, os or file.")
    ] = "auto",
    folder: DirOption = None,
    home: HomeOption = None,
    json_: JsonOption = False,
) -> None:
    """Create a witness and print its verifier key (give it to the logs and their clients).

    Example: wallet witness init --name witness.example.org/w1
    """
    from wallet.witness import WitnessHome

    with WitnessHome.create(
        _folder(ctx, home, folder), environment(), name=name, keystore=keystore
    ) as witness:
        data = {"name": witness.info.name, "vkey": witness.info.vkey, "dir": str(witness.folder)}
    emit(data, json_of(ctx, json_), lambda d: d["vkey"])


@app.command("add-log")
def add_log(
    ctx: typer.Context,
    origin: Annotated[str, typer.Argument(help="The log's checkpoint origin line.")],
    vkey: Annotated[str, typer.Argument(help="The log's Ed25519 note verifier key.")],
    folder: DirOption = None,
    home: HomeOption = None,
    json_: JsonOption = False,
) -> None:
    """Witness a log: cosign its checkpoints that this key signs (run again to add a key).

    Example: wallet witness add-log example.com/log 'example.com/log+1a2b3c4d+AZ…'
    """
    from wallet.witness import WitnessHome

    with WitnessHome.open(_folder(ctx, home, folder), environment()) as witness:
        verifier = witness.add_log(origin, vkey)
    data = {"origin": origin, "vkey": verifier.to_vkey()}
    emit(data, json_of(ctx, json_), lambda d: f"witnessing {d['origin']} under {d['vkey']}")


def _info_text(data: dict[str, Any]) -> str:
    lines = [f"{data['name']}  {data['vkey']}"]
    lines += [
        f"{log['origin']}\tsize {log['size']}\t{' '.join(log['vkeys'])}" for log in data["logs"]
    ]
    return "\n".join(lines)


@app.command("info")
def info(
    ctx: typer.Context, folder: DirOption = None, home: HomeOption = None, json_: JsonOption = False
) -> None:
    """Show the witness's key, its logs, the latest size it cosigned for each, and how many
    log-signed but inconsistent checkpoints it kept as evidence.

    Example: wallet witness info --json
    """
    from wallet.witness import WitnessHome

    with WitnessHome.open(_folder(ctx, home, folder), environment()) as witness:
        logs = [
            {
                "origin": o,
                "vkeys": list(k),
                "size": witness.state.head(o).size,
                "refusedInconsistent": len(witness.state.evidence(o)),
            }
            for o, k in witness.state.logs().items()
        ]
        data = {"name": witness.info.name, "vkey": witness.info.vkey, "logs": logs}
    emit(data, json_of(ctx, json_), _info_text)


@app.command("serve")
def serve(
    ctx: typer.Context,
    listen: Annotated[str, typer.Option("--listen", help="HOST:PORT to listen on.")],
    tls_cert: Annotated[Path | None, typer.Option("--tls-cert", help="PEM chain.")] = None,
    tls_key: Annotated[Path | None, typer.Option("--tls-key", help="PEM key.")] = None,
    folder: DirOption = None,
    home: HomeOption = None,
) -> None:
    """Serve C2SP tlog-witness add-checkpoint until interrupted (plain HTTP on loopback only).

    Example: wallet witness serve --listen 127.0.0.1:7380
    """
    from wallet.cli._common import message
    from wallet.errors import UsageError
    from wallet.server import Listen, Tls
    from wallet.server import serve as run
    from wallet.witness import WitnessHome, witness_app

    if (tls_cert is None) != (tls_key is None):
        raise UsageError("give both --tls-cert and --tls-key, or neither")
    address = Listen.parse(listen)
    tls = Tls(tls_cert, tls_key) if tls_cert is not None and tls_key is not None else None
    address.check_plain_http(tls)
    env = environment()
    with WitnessHome.open(_folder(ctx, home, folder), env) as witness:
        # The key is read before listening, so a locked keystore fails now, not per request.
        cosigner = witness.witness(lambda: int(env.now().timestamp()))
        scheme = "https" if tls else "http"
        message(f"witness {witness.info.name}: serving on {scheme}://{listen}")
        served = witness_app(cosigner)
        run(served, address, tls, served.limits)
