"""Provides `wallet credential …`: issue, verify, import, list, show, delete and present."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from wallet.cli._common import (
    HomeOption,
    JsonOption,
    emit,
    environment,
    home_of,
    json_of,
    message,
    now,
)

if TYPE_CHECKING:
    from wallet.services import Verification

app = typer.Typer(
    rich_markup_mode=None,
    help="Issue, hold, present and verify W3C Verifiable Credentials.",
    no_args_is_help=True,
)

OutputOption = Annotated[
    Path | None, typer.Option("--output", "-o", help="Write to FILE instead of stdout.")
]
TrustOption = Annotated[
    list[str] | None,
    typer.Option("--trust", metavar="DID", help="Accept only these issuers (repeatable)."),
]
StatusFileOption = Annotated[
    list[Path] | None,
    typer.Option(
        "--status-list-file",
        metavar="FILE",
        help="A published status list credential (repeatable); without one, lists are "
        "fetched from their https:// URL, else the status check fails.",
    ),
]


def write_output(text: str, output: Path | None) -> None:
    """Write a document to `output`, or to stdout when none is given."""
    if output is None:
        typer.echo(text)
        return
    from wallet.errors import FileProblem

    try:
        output.write_text(text + "\n", encoding="utf-8")
    except OSError as exc:
        raise FileProblem(f"cannot write {output}: {exc.strerror}") from None
    message(f"written to {output}")


def finish_verification(verification: Verification, as_json: bool) -> None:
    """Print a verification and exit 1 unless it verified."""
    from wallet.cli._render import render_verification

    emit(verification.to_json(), as_json, lambda _data: render_verification(verification))
    if not verification.verified:
        failed = ", ".join(check.label for check in verification.failures())
        message(f"verification failed: {failed}")
        raise typer.Exit(1)


@app.command("issue")
def issue(
    ctx: typer.Context,
    issuer: Annotated[str, typer.Option(metavar="DID|LABEL", help="Your identity that signs.")],
    subject: Annotated[str, typer.Option(metavar="DID", help="Whom the credential is about.")],
    type_: Annotated[list[str], typer.Option("--type", help="Credential type (repeatable).")],
    claim: Annotated[
        list[str] | None, typer.Option(metavar="KEY=VALUE", help="A claim; JSON values parse.")
    ] = None,
    claims: Annotated[Path | None, typer.Option(help="A JSON object of claims.")] = None,
    valid_from: Annotated[str | None, typer.Option(help="RFC 3339 start (default now).")] = None,
    valid_until: Annotated[str | None, typer.Option(help="RFC 3339 end.")] = None,
    format_: Annotated[str, typer.Option("--format", help="di or sd-jwt.")] = "di",
    disclosable: Annotated[
        list[str] | None, typer.Option(metavar="CLAIM", help="Selectively disclosable (sd-jwt).")
    ] = None,
    status_list: Annotated[
        str | None,
        typer.Option(metavar="NAME", help="Add revocation and suspension entries (di only)."),
    ] = None,
    output: OutputOption = None,
    home: HomeOption = None,
    json_: JsonOption = False,
) -> None:
    """Issue a credential signed by one of your identities."""
    from wallet.errors import UsageError
    from wallet.services import Wallet, claims_from_json, claims_from_pairs, parse_time, read_text
    from wallet.services import issue_credential as issue_service

    if (claims is None) == (not claim):
        raise UsageError("give the claims with --claim KEY=VALUE … or with --claims FILE")
    given = (
        claims_from_pairs(claim or []) if claims is None else claims_from_json(read_text(claims))
    )
    with Wallet.open(home_of(ctx, home), environment()) as wallet:
        document = issue_service(
            wallet,
            issuer=issuer,
            subject=subject,
            types=type_,
            claims=given,
            now=now(),
            valid_from=parse_time(valid_from, "--valid-from") if valid_from else None,
            valid_until=parse_time(valid_until, "--valid-until") if valid_until else None,
            fmt=format_,
            disclosable=disclosable or (),
            status_list=status_list,
        )
    if document.status is not None:
        message(f"issued {document.id} (status list {status_list}, index {document.status.index})")
    if json_of(ctx, json_) and output is None:
        emit(document.to_json(), True)
    else:
        write_output(document.text(), output)


@app.command("verify")
def verify(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="A credential: JSON (di) or SD-JWT text.")],
    trust: TrustOption = None,
    status_list_file: StatusFileOption = None,
    json_: JsonOption = False,
) -> None:
    """Verify a credential; print every check. Exit 0 only when it verified, else 1."""
    from wallet.services import read_text, verify_credential_text

    report = verify_credential_text(
        read_text(file, "credential"),
        now=now(),
        trusted_issuers=trust or (),
        status_list_files=status_list_file or (),
        allow_private_network=environment().allow_private_network,
    )
    finish_verification(report, json_of(ctx, json_))


@app.command("import")
def import_(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="A credential: JSON (di) or SD-JWT text.")],
    home: HomeOption = None,
    json_: JsonOption = False,
) -> None:
    """Store a credential whose signature verifies, sealed in the wallet; print its id."""
    from wallet.services import Wallet, import_credential, read_text

    with Wallet.open(home_of(ctx, home), environment()) as wallet:
        summary = import_credential(wallet, read_text(file, "credential"), now=now())
    message(f"imported {', '.join(summary.types)} from {summary.issuer}")
    emit(summary.to_json(), json_of(ctx, json_), lambda item: item["id"])


def _line(item: dict[str, Any]) -> str:
    window = f"{item['validFrom'] or '…'} .. {item['validUntil'] or '…'}"
    return (
        f"{item['id']}  {item['format']:<6}  {','.join(item['types'])}  "
        f"{item['issuer']} -> {item['subject'] or '?'}  {window}"
    )


@app.command("list")
def list_(ctx: typer.Context, home: HomeOption = None, json_: JsonOption = False) -> None:
    """List held credentials: id, format, types, issuer -> subject, validity."""
    from wallet.services import Wallet, list_credentials

    with Wallet.open(home_of(ctx, home), environment()) as wallet:
        items = [summary.to_json() for summary in list_credentials(wallet)]
    emit(items, json_of(ctx, json_), lambda rows: "\n".join(map(_line, rows)))


@app.command("show")
def show(
    ctx: typer.Context,
    credential_id: Annotated[str, typer.Argument(metavar="ID", help="Its id, or a prefix.")],
    home: HomeOption = None,
) -> None:
    """Print a held credential with its summary (JSON)."""
    from wallet.services import Wallet, show_credential

    with Wallet.open(home_of(ctx, home), environment()) as wallet:
        held = show_credential(wallet, credential_id)
    emit(held.to_json(), True)


@app.command("delete")
def delete(
    ctx: typer.Context,
    credential_id: Annotated[str, typer.Argument(metavar="ID", help="Its id, or a prefix.")],
    home: HomeOption = None,
) -> None:
    """Delete a held credential."""
    from wallet.services import Wallet, delete_credential

    with Wallet.open(home_of(ctx, home), environment()) as wallet:
        deleted = delete_credential(wallet, credential_id)
    message(f"deleted {deleted}")


@app.command("present")
def present(
    ctx: typer.Context,
    credential_id: Annotated[str, typer.Argument(metavar="ID", help="A held credential.")],
    holder: Annotated[str, typer.Option(metavar="DID|LABEL", help="Your identity that signs.")],
    challenge: Annotated[str, typer.Option(help="The verifier's challenge (nonce).")],
    domain: Annotated[
        str | None, typer.Option(help="The verifier's domain (required for sd-jwt: its aud).")
    ] = None,
    disclose: Annotated[
        list[str] | None, typer.Option(metavar="CLAIM", help="Reveal this claim (sd-jwt).")
    ] = None,
    output: OutputOption = None,
    home: HomeOption = None,
) -> None:
    """Present a held credential to a verifier, bound to its challenge and domain."""
    from wallet.services import Wallet, present_credential

    with Wallet.open(home_of(ctx, home), environment()) as wallet:
        document = present_credential(
            wallet,
            credential_id,
            holder=holder,
            challenge=challenge,
            now=now(),
            domain=domain,
            disclose=disclose or (),
        )
    write_output(document.text(), output)


# The OpenID4VCI commands live with the other exchange commands; they join this group here.
from wallet.cli._exchange import offer as _offer  # noqa: E402
from wallet.cli._exchange import receive as _receive  # noqa: E402

app.command("receive")(_receive)
app.command("offer")(_offer)
