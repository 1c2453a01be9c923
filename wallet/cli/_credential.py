"""Provides `wallet credential …`: issue, verify, import, list, show, delete and present."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from wallet.cli._common import (
    HomeOption,
    JsonOption,
    YesOption,
    confirm,
    emit,
    environment,
    home_of,
    json_of,
    message,
    now,
    read_input,
    stdin_as_files,
    table,
)
from wallet.cli._output import write_document

if TYPE_CHECKING:
    from wallet.services import TrustDecision, Verification

app = typer.Typer(
    rich_markup_mode=None,
    help="Issue, hold, present and verify W3C Verifiable Credentials.",
    no_args_is_help=True,
)

OutputOption = Annotated[
    Path | None,
    typer.Option(
        "--output", "-o", metavar="FILE", help="Write to FILE instead of stdout (- is stdout)."
    ),
]
TrustOption = Annotated[
    list[str] | None,
    typer.Option(
        "--trust",
        metavar="DID|URL|FILE",
        help="Trust this issuer: a DID, an https issuer URL, or a public key file (JWK, PEM, "
        "Multikey; - is stdin); repeatable.",
    ),
]
TrustAnyOption = Annotated[
    bool,
    typer.Option(
        "--trust-any", help="Accept any issuer whose signature verifies (unsafe: it warns)."
    ),
]
IssuerKeyOption = Annotated[
    Path | None,
    typer.Option(
        "--issuer-key",
        metavar="FILE",
        help="The issuer's public key (JWK, PEM or Multikey; - is stdin): verify an SD-JWT "
        "with it, and trust it.",
    ),
]
StatusFileOption = Annotated[
    list[Path] | None,
    typer.Option(
        "--status-list-file",
        metavar="FILE",
        help="A published status list credential (repeatable; - is stdin); without one, "
        "lists are fetched from their https:// URL, else the status check fails.",
    ),
]


@dataclass(frozen=True)
class VerifierInputs:
    """What a verify command read: the document's text, the trust decision and the status
    list files (the last two as the services take them)."""

    text: str
    trust: TrustDecision | None
    status_list_files: list[Path]


@contextmanager
def verifier_inputs(
    file: Path,
    what: str,
    *,
    trust: list[str] | None,
    trust_any: bool,
    issuer_key: Path | None,
    status_list_file: list[Path] | None,
) -> Iterator[VerifierInputs]:
    """Read a verify command's document and trust options; any one of its files may be `-`.

    The files stay readable until the block ends, as a status list or key spooled from
    stdin is read by the verification itself.
    """
    from wallet.services import trust_decision

    lists = status_list_file or []
    # A trusted key file may come on stdin too (`--trust -`); it goes last.
    trusted = [t for t in trust or [] if t != "-"]
    piped = [Path("-")] if len(trusted) < len(trust or []) else []
    with stdin_as_files(file, issuer_key, *lists, *piped) as (source, key, *files):
        assert source is not None  # `file` is required.
        if piped:
            trusted.append(str(files.pop()))
        yield VerifierInputs(
            read_input(source, what),
            trust_decision(trusted, trust_any=trust_any, issuer_key=key),
            [f for f in files if f is not None],
        )


def finish_verification(verification: Verification, as_json: bool) -> None:
    """Print a verification and exit 1 unless it verified; warnings go to stderr."""
    from did import NO_TRUST_DECISION
    from wallet.cli._render import render_verification

    emit(verification.to_json(), as_json, lambda _data: render_verification(verification))
    for warning in verification.warnings:
        message(f"warning: {warning}")
    if not verification.verified:
        failed = ", ".join(check.label for check in verification.failures())
        message(f"verification failed: {failed}")
        if any(check.reason == NO_TRUST_DECISION for check in verification.failures()):
            message(
                "no trust decision: name whom you trust with --trust DID|URL|FILE (or "
                "--issuer-key FILE), or accept any issuer with --trust-any"
            )
        raise typer.Exit(1)


@app.command("verify")
def verify(
    ctx: typer.Context,
    file: Annotated[
        Path,
        typer.Argument(metavar="FILE", help="A credential: JSON (di) or SD-JWT text; - is stdin."),
    ],
    trust: TrustOption = None,
    trust_any: TrustAnyOption = False,
    issuer_key: IssuerKeyOption = None,
    status_list_file: StatusFileOption = None,
    json_: JsonOption = False,
) -> None:
    """Verify a credential; print every check. Exit 0 only when it verified, else 1.

    Trust is a decision: give --trust (or --issuer-key), or --trust-any; with neither the
    trust check fails.

    Examples:

    \b
      wallet credential verify bob.json --trust did:key:z6Mk…
      curl -s https://issuer.example/bob.json | wallet credential verify - --trust-any
      cat bob.json | wallet --json credential verify - --issuer-key issuer.jwk
    """
    from wallet.services import verify_credential_text

    with verifier_inputs(
        file, "credential", trust=trust, trust_any=trust_any, issuer_key=issuer_key,
        status_list_file=status_list_file,
    ) as read:  # fmt: skip
        report = verify_credential_text(
            read.text,
            now=now(),
            trust=read.trust,
            status_list_files=read.status_list_files,
            allow_private_network=environment().allow_private_network,
        )
    finish_verification(report, json_of(ctx, json_))


@app.command("import")
def import_(
    ctx: typer.Context,
    file: Annotated[
        Path,
        typer.Argument(metavar="FILE", help="A credential: JSON (di) or SD-JWT text; - is stdin."),
    ],
    home: HomeOption = None,
    json_: JsonOption = False,
) -> None:
    """Store a credential whose signature verifies, sealed in the wallet; print its id.

    Examples:

    \b
      wallet credential import bob.json
      wallet credential issue --issuer alice --subject did:key:z6Mk… --type T \\
          --claim a=1 | wallet credential import -
    """
    from wallet.services import Wallet, import_credential

    text = read_input(file, "credential")
    with Wallet.open(home_of(ctx, home), environment()) as wallet:
        summary = import_credential(wallet, text, now=now())
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
    """List held credentials: id, format, types, issuer -> subject, validity.

    Examples:

    \b
      wallet credential list
      wallet --json credential list
    """
    from wallet.services import Wallet, list_credentials

    with Wallet.open(home_of(ctx, home), environment()) as wallet:
        items = [summary.to_json() for summary in list_credentials(wallet)]
    emit(items, json_of(ctx, json_), _listing)


def _listing(items: list[dict[str, Any]]) -> str:
    headers = ["ID", "FORMAT", "TYPES", "ISSUER -> SUBJECT", "VALID"]
    rows = [
        [
            item["id"],
            item["format"],
            ",".join(item["types"]),
            f"{item['issuer']} -> {item['subject'] or '?'}",
            f"{item['validFrom'] or '…'} .. {item['validUntil'] or '…'}",
        ]
        for item in items
    ]
    return table(headers, rows)


@app.command("show")
def show(
    ctx: typer.Context,
    credential_id: Annotated[str, typer.Argument(metavar="ID", help="Its id, or a prefix.")],
    home: HomeOption = None,
    json_: JsonOption = False,
) -> None:
    """Print a held credential: its summary, then the credential itself.

    Examples:

    \b
      wallet credential show 3f2a
      wallet credential show 3f2a --json
    """
    from wallet.services import Wallet, show_credential

    with Wallet.open(home_of(ctx, home), environment()) as wallet:
        held = show_credential(wallet, credential_id)
    emit(held.to_json(), json_of(ctx, json_), _shown)


def _shown(data: dict[str, Any]) -> str:
    body = data["credential"]
    text = body if isinstance(body, str) else json.dumps(body, indent=2, ensure_ascii=False)
    return _line(data) + "\n" + text


@app.command("delete")
def delete(
    ctx: typer.Context,
    credential_id: Annotated[str, typer.Argument(metavar="ID", help="Its id, or a prefix.")],
    yes: YesOption = False,
    home: HomeOption = None,
    json_: JsonOption = False,
) -> None:
    """Delete a held credential (asks first; --yes does not ask).

    Examples:

    \b
      wallet credential delete 3f2a
      wallet credential delete 3f2a --yes --json
    """
    from wallet.services import Wallet, delete_credential

    confirm(f"delete credential {credential_id}", yes)
    with Wallet.open(home_of(ctx, home), environment()) as wallet:
        deleted = delete_credential(wallet, credential_id)
    message(f"deleted {deleted}")
    emit({"deleted": deleted}, json_of(ctx, json_), lambda data: data["deleted"])


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
    json_: JsonOption = False,
) -> None:
    """Present a held credential to a verifier, bound to its challenge and domain.

    Examples:

    \b
      wallet credential present 3f2a --holder bob --challenge n1 -o vp.json
      wallet credential present 3f2a --holder bob --challenge n1 --domain v.example \\
          --disclose age -o - | wallet presentation verify - --challenge n1 --domain v.example
    """
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
    write_document(document, output, json_of(ctx, json_))


# The OpenID4VCI commands live with the other exchange commands; they join this group here.
from wallet.cli._exchange import offer as _offer  # noqa: E402
from wallet.cli._exchange import receive as _receive  # noqa: E402

app.command("receive")(_receive)
app.command("offer")(_offer)


# `issue` lives in its own module (it also issues to many subjects at once).
from wallet.cli._issue import issue  # noqa: E402

app.command("issue")(issue)
