"""Provides `wallet presentation verify`: check a presentation as a verifier."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from wallet.cli._common import JsonOption, json_of, now
from wallet.cli._credential import (
    IssuerKeyOption,
    StatusFileOption,
    TrustAnyOption,
    TrustOption,
    finish_verification,
    verifier_inputs,
)

app = typer.Typer(
    rich_markup_mode=None,
    help="Verify presentations; request one over OpenID4VP.",
    no_args_is_help=True,
)


@app.command("verify")
def verify(
    ctx: typer.Context,
    file: Annotated[
        Path,
        typer.Argument(
            metavar="FILE", help="A presentation: JSON (di) or SD-JWT+KB text; - is stdin."
        ),
    ],
    challenge: Annotated[str, typer.Option(help="The challenge you gave the holder.")],
    domain: Annotated[
        str | None, typer.Option(help="Your domain (required for sd-jwt: the KB-JWT aud).")
    ] = None,
    trust: TrustOption = None,
    trust_any: TrustAnyOption = False,
    issuer_key: IssuerKeyOption = None,
    status_list_file: StatusFileOption = None,
    json_: JsonOption = False,
) -> None:
    """Verify a presentation and its credentials. Exit 0 only when all verified, else 1.

    Checks the holder's signature, that the challenge and domain are yours, that the holder
    is the subject of each credential, and each credential's proof, validity and status.

    Trust is a decision: give --trust (or --issuer-key), or --trust-any.

    Examples:

    \b
      wallet presentation verify vp.json --challenge n1 --trust did:key:z6Mk…
      wallet credential present 3f2a --holder bob --challenge n1 -o - | \\
          wallet presentation verify - --challenge n1 --trust-any --json
    """
    from wallet.services import verify_presentation_text

    with verifier_inputs(
        file, "presentation", trust=trust, trust_any=trust_any, issuer_key=issuer_key,
        status_list_file=status_list_file,
    ) as read:  # fmt: skip
        report = verify_presentation_text(
            read.text,
            challenge=challenge,
            domain=domain,
            now=now(),
            trust=read.trust,
            status_list_files=read.status_list_files,
        )
    finish_verification(report, json_of(ctx, json_))


# The OpenID4VP verifier joins this group; `wallet present` is the holder's side.
from wallet.cli._exchange import request as _request  # noqa: E402

app.command("request")(_request)
