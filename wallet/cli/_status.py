"""Provides `wallet status …`: the issuer's revocation and suspension lists.

A status list NAME is one index space with two published lists (Bitstring Status List
v1.0): every credential issued with `--status-list NAME` carries two entries at the same
random index, one in the revocation list and one in the suspension list. With `--url URL`
the lists are `URL/revocation` and `URL/suspension` (serve each published file there);
without it they get `urn:uuid:` ids and verifiers need the files (`--status-list-file`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from wallet.cli._common import (
    HomeOption,
    JsonOption,
    YesOption,
    confirm,
    emit,
    environment,
    home_of,
    is_stdio,
    json_of,
    message,
    now,
)
from wallet.cli._output import write_output

app = typer.Typer(
    rich_markup_mode=None,
    help="Revocation and suspension lists for the credentials you issue.\n\n"
    "A status list NAME holds two Bitstring Status Lists: each credential issued with "
    "--status-list NAME gets an entry in both, at one random index. Publish both purposes "
    "(`status publish NAME --purpose revocation|suspension -o FILE`); verifiers need both. "
    "With `create --url URL` they are URL/revocation and URL/suspension, else urn:uuid ids "
    "that verifiers are given as --status-list-file.",
    no_args_is_help=True,
)
CredentialArgument = Annotated[
    str, typer.Argument(metavar="CREDENTIAL-ID", help="The id of a credential you issued.")
]


@app.command("create")
def create(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="A short name for the list.")],
    issuer: Annotated[str, typer.Option(metavar="DID|LABEL", help="Your issuing identity.")],
    url: Annotated[
        str | None, typer.Option(help="https:// base: lists at URL/revocation, URL/suspension.")
    ] = None,
    home: HomeOption = None,
    json_: JsonOption = False,
) -> None:
    """Create a status list (one revocation and one suspension list) for an issuer.

    Examples:

    \b
      wallet status create staff --issuer alice
      wallet status create staff --issuer alice --url https://issuer.example/status/staff
    """
    from wallet.services import Wallet, create_status_list

    with Wallet.open(home_of(ctx, home), environment()) as wallet:
        info = create_status_list(wallet, name, issuer=issuer, now=now(), url=url)
    message(f"status list {name}: revocation {info.revocation_id}, suspension {info.suspension_id}")
    emit(info.to_json(), json_of(ctx, json_), lambda data: data["name"])


def _change(
    ctx: typer.Context, credential_id: str, action: str, home: Path | None, as_json: bool
) -> None:
    from wallet.services import Wallet, change_status

    with Wallet.open(home_of(ctx, home), environment()) as wallet:
        change = change_status(wallet, credential_id, action)
    message(
        f"{credential_id}: revoked={change.revoked}, suspended={change.suspended}; "
        f"publish list {change.list_name} for verifiers to see it"
    )
    emit(change.to_json(), json_of(ctx, as_json), lambda data: data["credential"])


@app.command("revoke")
def revoke(
    ctx: typer.Context,
    credential_id: CredentialArgument,
    yes: YesOption = False,
    home: HomeOption = None,
    json_: JsonOption = False,
) -> None:
    """Revoke a credential you issued. Revocation is final (asks first; --yes does not ask).

    Examples:

    \b
      wallet status revoke urn:uuid:5b1c…
      wallet status revoke urn:uuid:5b1c… --yes --json
    """
    confirm(f"revoke {credential_id} (final: it cannot be undone)", yes)
    _change(ctx, credential_id, "revoke", home, json_)


@app.command("suspend")
def suspend(
    ctx: typer.Context,
    credential_id: CredentialArgument,
    home: HomeOption = None,
    json_: JsonOption = False,
) -> None:
    """Suspend a credential you issued (undo with `reinstate`).

    Examples:

    \b
      wallet status suspend urn:uuid:5b1c…
    """
    _change(ctx, credential_id, "suspend", home, json_)


@app.command("reinstate")
def reinstate(
    ctx: typer.Context,
    credential_id: CredentialArgument,
    home: HomeOption = None,
    json_: JsonOption = False,
) -> None:
    """Lift the suspension of a credential you issued.

    Examples:

    \b
      wallet status reinstate urn:uuid:5b1c…
    """
    _change(ctx, credential_id, "reinstate", home, json_)


@app.command("publish")
def publish(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="The status list's name.")],
    output: Annotated[
        Path,
        typer.Option("--output", "-o", metavar="FILE", help="The file to write; - is stdout."),
    ],
    purpose: Annotated[
        str, typer.Option(help="Which of the two lists: revocation or suspension.")
    ] = "revocation",
    format_: Annotated[
        str,
        typer.Option(
            "--format",
            help="bitstring (a W3C status list credential, for di credentials) or token (an "
            "IETF Status List Token, for sd-jwt credentials).",
        ),
    ] = "bitstring",
    home: HomeOption = None,
    json_: JsonOption = False,
) -> None:
    """Sign the current status list and write it to FILE.

    For di credentials publish both purposes (a verifier needs both lists to check a
    credential's status); for sd-jwt credentials one token carries both.

    Examples:

    \b
      wallet status publish staff -o revocation.json
      wallet status publish staff --purpose suspension -o - > suspension.json
      wallet status publish staff --format token -o status.jwt
    """
    import json

    from wallet.errors import UsageError
    from wallet.services import Wallet, publish_status_list, publish_token_status_list

    if format_ not in ("bitstring", "token"):
        raise UsageError(f"--format {format_!r}: choose bitstring or token")
    with Wallet.open(home_of(ctx, home), environment()) as wallet:
        if format_ == "token":
            write_output(publish_token_status_list(wallet, name, now=now()), output)
            return
        credential = publish_status_list(wallet, name, purpose=purpose, now=now())
    write_output(json.dumps(credential, indent=2), output)
    if json_of(ctx, json_) and not is_stdio(output):
        emit({"name": name, "purpose": purpose, "path": str(output)}, True)
