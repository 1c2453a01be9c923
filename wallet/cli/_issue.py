"""Provides `wallet credential issue`: one credential, or one each for a list of subjects.

An authority that admits voters, a university that graduates a class: `--subjects FILE`
issues the same credential to every DID of a list (`[NAME] DID` a line) and writes each to
`DIR/NAME.json`, so that each holder can be sent their own file.
"""

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
    is_stdio,
    json_of,
    message,
    now,
    read_input,
)
from wallet.cli._people import read_subjects

if TYPE_CHECKING:
    from wallet.services import Document


def issue(
    ctx: typer.Context,
    issuer: Annotated[str, typer.Option(metavar="DID|LABEL", help="Your identity that signs.")],
    type_: Annotated[list[str], typer.Option("--type", help="Credential type (repeatable).")],
    subject: Annotated[
        str | None, typer.Option(metavar="DID", help="Whom the credential is about.")
    ] = None,
    subjects: Annotated[
        Path | None,
        typer.Option(
            metavar="FILE",
            help="Issue one credential to each DID of FILE (`[NAME] DID` a line; - is stdin) "
            "into -o DIR, as DIR/NAME.json.",
        ),
    ] = None,
    claim: Annotated[
        list[str] | None, typer.Option(metavar="KEY=VALUE", help="A claim; JSON values parse.")
    ] = None,
    claims: Annotated[
        Path | None,
        typer.Option(metavar="FILE", help="A file holding a JSON object of claims (- is stdin)."),
    ] = None,
    valid_from: Annotated[str | None, typer.Option(help="RFC 3339 start (default now).")] = None,
    valid_until: Annotated[str | None, typer.Option(help="RFC 3339 end.")] = None,
    format_: Annotated[str, typer.Option("--format", help="di or sd-jwt.")] = "di",
    disclosable: Annotated[
        list[str] | None, typer.Option(metavar="CLAIM", help="Selectively disclosable (sd-jwt).")
    ] = None,
    status_list: Annotated[
        str | None,
        typer.Option(
            metavar="NAME",
            help="Add revocation and suspension entries (a Bitstring Status List for di, a "
            "Token Status List for sd-jwt).",
        ),
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            metavar="FILE|DIR",
            help="Write to FILE instead of stdout (- is stdout); with --subjects, into DIR.",
        ),
    ] = None,
    home: HomeOption = None,
    json_: JsonOption = False,
) -> None:
    """Issue a credential signed by one of your identities (or one to each of many subjects).

    Examples:

    \b
      wallet credential issue --issuer alice --subject did:key:z6Mk… --type EmailCredential \\
          --claim email=bob@example.org -o bob.json
      echo '{"age": 21}' | wallet credential issue --issuer alice --subject did:key:z6Mk… \\
          --type AgeCredential --claims - --format sd-jwt --disclosable age
      wallet credential issue --issuer authority --subjects voters.txt \\
          --type VoterCredential --claim role=voter -o credentials/
    """
    from wallet.cli._output import write_document, write_output
    from wallet.errors import UsageError
    from wallet.services import Wallet, claims_from_json, claims_from_pairs, parse_time
    from wallet.services import issue_credential as issue_service

    if (subject is None) == (subjects is None):
        raise UsageError("give whom it is about: --subject DID, or --subjects FILE")
    if (claims is not None and is_stdio(claims)) and (subjects is not None and is_stdio(subjects)):
        raise UsageError("--claims - and --subjects - cannot both read stdin")
    if (claims is None) == (not claim):
        raise UsageError("give the claims with --claim KEY=VALUE … or with --claims FILE")
    given = (
        claims_from_json(read_input(claims, "claims"))
        if claims is not None
        else claims_from_pairs(claim or [])
    )
    if subjects is not None:
        folder = _folder(output)
        pairs = read_subjects(read_input(subjects, "subjects"), "--subjects")
        _refuse_existing(folder, [name for name, _ in pairs])
    else:
        assert subject is not None
        pairs = [("", subject)]
    documents: list[tuple[str, Document]] = []
    with Wallet.open(home_of(ctx, home), environment()) as wallet:
        for name, did in pairs:
            document = issue_service(
                wallet,
                issuer=issuer,
                subject=did,
                types=type_,
                claims=given,
                now=now(),
                valid_from=parse_time(valid_from, "--valid-from") if valid_from else None,
                valid_until=parse_time(valid_until, "--valid-until") if valid_until else None,
                fmt=format_,
                disclosable=disclosable or (),
                status_list=status_list,
            )
            documents.append((name, document))
            if document.status is not None:
                message(
                    f"issued {document.id} (status list {status_list}, "
                    f"index {document.status.index})"
                )
    if subjects is None:
        write_document(documents[0][1], output, json_of(ctx, json_))
        return
    written: list[dict[str, Any]] = []
    for name, document in documents:
        path = folder / f"{name}.json"
        write_output(document.text(), path)
        summary = {k: v for k, v in document.to_json().items() if k != "credential"}
        written.append(summary | {"name": name, "path": str(path)})
    message(
        f"issued {len(written)} credentials into {folder}: send each holder their own file; "
        "they import it with `wallet credential import FILE` (or vote with `--credential FILE`)"
    )
    emit(written, json_of(ctx, json_), lambda rows: "\n".join(r["path"] for r in rows))


def _folder(output: Path | None) -> Path:
    """The folder `-o DIR` names for many credentials, created when missing."""
    from wallet.errors import FileProblem, UsageError

    if output is None or is_stdio(output):
        raise UsageError("--subjects writes one file per subject: give -o DIR")
    try:
        output.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise FileProblem(f"cannot create {output}: {exc.strerror}") from None
    return output


def _refuse_existing(folder: Path, names: list[str]) -> None:
    # Checked before anything is issued: nothing half-written, no credential overwritten.
    from wallet.errors import UsageError

    taken = [name for name in names if (folder / f"{name}.json").exists()]
    if taken:
        raise UsageError(f"{folder / (taken[0] + '.json')} exists already; choose another -o DIR")
