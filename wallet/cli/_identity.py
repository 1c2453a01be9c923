"""Provides `wallet did …`: create, list, show and resolve DIDs."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from wallet.cli._common import HomeOption, JsonOption, emit, environment, home_of, json_of, table

app = typer.Typer(
    rich_markup_mode=None, help="Create, list, show and resolve DIDs.", no_args_is_help=True
)


@app.command("create")
def create(
    ctx: typer.Context,
    method: Annotated[str, typer.Option("--method", help="DID method: key or jwk.")] = "key",
    label: Annotated[str | None, typer.Option("--label", help="A short name for it.")] = None,
    key: Annotated[str, typer.Option("--key", help="Key type: ed25519 or p256.")] = "ed25519",
    home: HomeOption = None,
    json_: JsonOption = False,
) -> None:
    """Create a new key (Ed25519 or P-256) in the keystore and print its DID.

    Examples:

    \b
      wallet did create --label alice
      wallet did create --method jwk --json
      wallet did create --key p256 --label work
    """
    from wallet.services import Wallet, create_identity

    with Wallet.open(home_of(ctx, home), environment()) as wallet:
        identity = create_identity(wallet, method=method, label=label, key=key)
    emit(identity.to_json(), json_of(ctx, json_), lambda item: item["did"])


@app.command("list")
def list_(ctx: typer.Context, home: HomeOption = None, json_: JsonOption = False) -> None:
    """List the wallet's identities.

    Examples:

    \b
      wallet did list
      wallet did list --json
    """
    from wallet.services import Wallet, list_identities

    with Wallet.open(home_of(ctx, home), environment()) as wallet:
        items = [identity.to_json() for identity in list_identities(wallet)]
    emit(items, json_of(ctx, json_), lambda rows: table(
        ["DID", "LABEL"], [[r["did"], r.get("label") or ""] for r in rows]
    ))  # fmt: skip


@app.command("show")
def show(
    ctx: typer.Context,
    did_or_label: Annotated[
        str, typer.Argument(metavar="DID|LABEL", help="One of your identities.")
    ],
    home: HomeOption = None,
    json_: JsonOption = False,
) -> None:
    """Print the DID document of one of the wallet's identities.

    Examples:

    \b
      wallet did show alice
    """
    from wallet.services import Wallet, identity_document

    with Wallet.open(home_of(ctx, home), environment()) as wallet:
        document = identity_document(wallet, did_or_label)
    emit(document.to_json(), True)


@app.command("resolve")
def resolve(
    ctx: typer.Context,
    did: Annotated[str, typer.Argument(help="Any did:key, did:jwk or did:web.")],
    timeout: Annotated[float, typer.Option(help="Seconds to wait for did:web.")] = 5.0,
    json_: JsonOption = False,
) -> None:
    """Resolve a DID: the DID document, or with --json the whole W3C resolution result.

    Exits 1 when the DID is invalid, of an unsupported method, or not found.

    Examples:

    \b
      wallet did resolve did:key:z6Mk…
      wallet did resolve did:web:example.org --json
    """
    from wallet.cli._common import environment, message
    from wallet.services import resolve_did

    allowed = environment().allow_private_network
    result = resolve_did(did, timeout=timeout, allow_private_network=allowed).to_json()
    error = result["didResolutionMetadata"].get("error")
    if json_of(ctx, json_):
        emit(result, True)
    elif error is None:
        emit(result["didDocument"], True)
    if error is not None:
        detail = result["didResolutionMetadata"].get("errorMessage", "")
        message(f"error: {error}" + (f": {detail}" if detail else ""))
        raise typer.Exit(1)


@app.command("web-document")
def web_document(
    ctx: typer.Context,
    did_or_label: Annotated[
        str, typer.Argument(metavar="DID|LABEL", help="One of your identities.")
    ],
    domain: Annotated[
        str, typer.Option(help="host, host:port or host/path of the did:web to publish.")
    ],
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            metavar="FILE",
            help="Write did.json to FILE, not stdout (- is stdout).",
        ),
    ] = None,
    home: HomeOption = None,
    json_: JsonOption = False,
) -> None:
    """Write the did.json that makes did:web:DOMAIN resolve to one of your keys.

    Serve the file at the URL printed on stderr (https://DOMAIN/.well-known/did.json, or
    https://HOST/PATH/did.json for the path form).

    Examples:

    \b
      wallet did web-document alice --domain example.org -o did.json
      wallet did web-document alice --domain example.org -o -
    """
    from wallet.cli._common import message
    from wallet.cli._output import write_output
    from wallet.services import Wallet
    from wallet.services import web_document as make_document

    with Wallet.open(home_of(ctx, home), environment()) as wallet:
        made = make_document(wallet, did_or_label, domain)
    message(f"{made.did}: serve this document at {made.url}")
    if json_of(ctx, json_) and output is None:
        emit(made.to_json(), True)
    else:
        write_output(json.dumps(made.document, indent=2), output)
