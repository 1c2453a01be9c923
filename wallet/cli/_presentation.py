"""Provides `wallet presentation verify`: check a presentation as a verifier."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from wallet.cli._common import JsonOption, json_of, now
from wallet.cli._credential import StatusFileOption, TrustOption, finish_verification

app = typer.Typer(
    rich_markup_mode=None,
    help="Verify presentations; request one over OpenID4VP.",
    no_args_is_help=True,
)


@app.command("verify")
def verify(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="A presentation: JSON (di) or SD-JWT+KB text.")],
    challenge: Annotated[str, typer.Option(help="The challenge you gave the holder.")],
    domain: Annotated[
        str | None, typer.Option(help="Your domain (required for sd-jwt: the KB-JWT aud).")
    ] = None,
    trust: TrustOption = None,
    status_list_file: StatusFileOption = None,
    json_: JsonOption = False,
) -> None:
    """Verify a presentation and its credentials. Exit 0 only when all verified, else 1.

    Checks the holder's signature, that the challenge and domain are yours, that the holder
    is the subject of each credential, and each credential's proof, validity and status.
    """
    from wallet.services import read_text, verify_presentation_text

    report = verify_presentation_text(
        read_text(file, "presentation"),
        challenge=challenge,
        domain=domain,
        now=now(),
        trusted_issuers=trust or (),
        status_list_files=status_list_file or (),
    )
    finish_verification(report, json_of(ctx, json_))


# The OpenID4VP verifier joins this group; `wallet present` is the holder's side.
from wallet.cli._exchange import request as _request  # noqa: E402

app.command("request")(_request)
