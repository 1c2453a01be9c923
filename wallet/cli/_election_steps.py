"""Provides `election create`, `election new` and `election finish`: the authority's steps
that take the most typing, made short.

`create` takes the manifest as a file or as `election new`'s flags, the trustees one by one
or as a file of DIDs, window times as RFC 3339 or relative (`+2h`), and with `--open` waits
for the trustees' key ceremony and opens the election. `finish` does whatever is left after
the voting window: close, tally, wait for the trustees' decryption shares, publish the result.
"""

from __future__ import annotations

import json
import re
from datetime import datetime, timedelta
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
    json_of,
    message,
    read_input,
    settings,
)
from wallet.cli._config import acting_as, board_or_default
from wallet.cli._election_options import (
    AsOption,
    BoardOption,
    ElectionArg,
    _posted_line,
    explain_launch_code,
)
from wallet.cli._manifest_flags import (
    ContestOption,
    IdOption,
    QuestionOption,
    SelectOption,
    TitleOption,
    manifest_from_flags,
    new,
)

EveryOption = Annotated[
    float, typer.Option("--every", metavar="SECONDS", help="How often to look at the board.")
]
TimeoutOption = Annotated[
    float | None,
    typer.Option(
        "--timeout", metavar="SECONDS", help="Give up (exit 3) after waiting this long.",
        show_default=False,
    ),
]  # fmt: skip

_RELATIVE = re.compile(r"\+(\d+)([smhd])")
_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days"}


def when(text: str, option: str, start: datetime) -> datetime:
    """An RFC 3339 time, or `+N` seconds/minutes/hours/days (`+90m`, `+2d`) after `start`."""
    from wallet.services import parse_time

    relative = _RELATIVE.fullmatch(text.strip())
    if relative:
        return start + timedelta(**{_UNITS[relative[2]]: int(relative[1])})
    return parse_time(text, option)


def read_trustees(given: list[str], listed: Path | None) -> list[str]:
    """The trustees' DIDs, in trustee order: `--trustee` ones, then those of `--trustees`."""
    from wallet.cli._people import read_subjects

    dids = list(given)
    if listed is not None:
        dids += [did for _, did in read_subjects(read_input(listed, "trustees"), "--trustees")]
    return dids


def create(
    ctx: typer.Context,
    manifest: Annotated[
        Path | None,
        typer.Option(
            "--manifest",
            metavar="FILE",
            help="The manifest JSON file (- is stdin); or describe it with --id and --contest.",
        ),
    ] = None,
    election_id: IdOption = None,
    title: TitleOption = None,
    contest: ContestOption = None,
    select: SelectOption = None,
    question: QuestionOption = None,
    trustee: Annotated[
        list[str] | None, typer.Option("--trustee", metavar="DID", help="A trustee's DID (repeat).")
    ] = None,
    trustees: Annotated[
        Path | None,
        typer.Option(
            "--trustees",
            metavar="FILE",
            help="The trustees' DIDs, one a line in trustee order (`[NAME] DID`; - is stdin).",
        ),
    ] = None,
    threshold: Annotated[
        int | None,
        typer.Option("--threshold", metavar="T", help="Trustees needed to decrypt (default: all)."),
    ] = None,
    issuer: Annotated[
        list[str] | None,
        typer.Option(
            "--eligibility-issuer",
            metavar="DID",
            help="Accept voters' credentials it issued (repeat; default with --credential-type: "
            "the authority itself).",
        ),
    ] = None,
    credential_type: Annotated[
        str | None,
        typer.Option(
            "--credential-type", metavar="TYPE", help="The eligibility credential's type."
        ),
    ] = None,
    opens: Annotated[
        str | None,
        typer.Option(
            "--opens", metavar="TIME", help="RFC 3339, or +N[smhd] from now; default: now."
        ),
    ] = None,
    closes: Annotated[
        str | None,
        typer.Option(
            "--closes",
            metavar="TIME",
            help="RFC 3339, or +N[smhd] after opening; default: a day after opening.",
        ),
    ] = None,
    revote: Annotated[str, typer.Option("--revote", help="last or first counts.")] = "last",
    weight_claim: Annotated[
        str | None,
        typer.Option(
            "--weight-claim",
            metavar="CLAIM",
            help="Weigh each ballot by this integer claim (1 to 2^32-1) of the voter's credential.",
        ),
    ] = None,
    open_: Annotated[
        bool,
        typer.Option(
            "--open",
            help="Then wait for the trustees' key ceremony and open the election (prints the "
            "launch code).",
        ),
    ] = False,
    witness: Annotated[
        list[str] | None,
        typer.Option(
            "--witness",
            metavar="VKEY",
            help="A witness's cosignature key, as `wallet witness info` prints it (repeat).",
        ),
    ] = None,
    quorum: Annotated[
        int | None,
        typer.Option(
            "--quorum",
            metavar="K",
            help="Witnesses that must cosign each checkpoint (default: a majority; "
            "0 or no --witness: none, and no split-view protection).",
        ),
    ] = None,
    every: EveryOption = 2.0,
    timeout: TimeoutOption = None,
    board: BoardOption = None,
    as_: AsOption = None,
    home: HomeOption = None,
    json_: JsonOption = False,
) -> None:
    """Post the election entry (manifest, trustees, window, eligibility) to the board.

    The manifest is a file (--manifest) or the flags of `wallet election new` (--id,
    --contest, --select, --question). With --open the command stays until every trustee has
    done the key ceremony (each runs `wallet trustee follow ELECTION`), then opens voting.

    Examples:

    \b
      wallet election create --manifest mayor.json --board board.sqlite --as authority \\
          --trustee did:key:z6Mk… --trustee did:key:z6Mk… --threshold 2
      wallet election create --id mayor-2026 --contest "Mayor: ada, bob, cy" --select 1 \\
          --trustees trustees.txt --threshold 2 --credential-type VoterCredential \\
          --closes +2d --open
      wallet election create --manifest mayor.json --board https://board.example --as authority \\
          --trustee did:key:z6Mk… --witness w1+1a2b3c4d+BA… --witness w2+… --witness w3+… --quorum 2
    """
    from wallet.errors import UsageError
    from wallet.services import (
        Wallet,
        create_election,
        find_identity,
        load_manifest,
        witness_policy,
    )

    flags = election_id or contest or question or select or title
    if (manifest is None) == (not flags):
        raise UsageError("give the manifest: --manifest FILE, or --id and --contest (not both)")
    text = (
        read_input(manifest, "manifest")
        if manifest is not None
        else json.dumps(
            manifest_from_flags(election_id, title, contest or [], select or [], question or [])
        )
    )
    dids = read_trustees(trustee or [], trustees)
    if not dids:
        raise UsageError("name the trustees: --trustee DID (repeat) or --trustees FILE")
    witnesses = witness_policy(witness or [], quorum)
    env = environment()
    with Wallet.open(home_of(ctx, home), env) as wallet:
        authority = acting_as(wallet, as_)
        issuers = issuer or []
        if credential_type is not None and not issuers and '"issuers"' not in text:
            issuers = [find_identity(wallet, authority).did]
        rules = load_manifest(
            text, trustees=dids, threshold=threshold, issuers=issuers,
            credential_type=credential_type, weight_claim=weight_claim,
        )  # fmt: skip
        start = when(opens, "--opens", env.now()) if opens else env.now()
        where = board_or_default(ctx, board, home)
        posted = create_election(
            wallet, where, rules, as_=authority, trustees=dids, revoting=revote, opens=start,
            closes=when(closes, "--closes", start) if closes else None,
            board_keystore=settings(ctx).keystore or "auto", witnesses=witnesses,
        )  # fmt: skip
        name = rules.election_id
        if not open_ or not json_of(ctx, json_):
            emit(posted.to_json(), json_of(ctx, json_), _posted_line)
        if not open_:
            message(
                f"next: each trustee runs `wallet trustee follow {name}` (or keygen, then shares "
                f"twice); then `wallet election open {name}`"
            )
            return
        from wallet.cli._election_flow import open_when_ready
        from wallet.services import open_board

        with open_board(where, env) as client:
            opened = open_when_ready(
                wallet, client, name, as_=authority, every=every, timeout=timeout
            ).to_json()
    emit(posted.to_json() | {"opened": opened} if json_of(ctx, json_) else opened,
         json_of(ctx, json_), _posted_line)  # fmt: skip
    explain_launch_code(name)
    message(
        f"next: voters run `wallet vote {name} --choice CONTEST=OPTION`; after the window, "
        f"`wallet election finish {name}`"
    )


def finish(
    ctx: typer.Context,
    election: ElectionArg,
    board: BoardOption = None,
    as_: AsOption = None,
    yes: YesOption = False,
    every: EveryOption = 2.0,
    timeout: TimeoutOption = None,
    home: HomeOption = None,
    json_: JsonOption = False,
) -> None:
    """After the voting window: close, tally, wait for the trustees' decryption shares, and
    publish the result; each step only if it is not done yet. Final: asks first (or --yes).

    Examples:

    \b
      wallet election finish mayor-2026 --yes
      wallet election finish mayor-2026 --board https://board.example --as authority --json
    """
    from wallet.cli._election_flow import finish as run
    from wallet.cli._render import result_table
    from wallet.services import ElectionResult, Wallet, open_board

    env = environment()
    with Wallet.open(home_of(ctx, home), env) as wallet:
        authority = acting_as(wallet, as_)
        with open_board(board_or_default(ctx, board, home), env) as client:
            result = run(
                wallet, client, election, as_=authority, every=every, timeout=timeout,
                confirmed=lambda action: confirm(action, yes),
            )  # fmt: skip
    assert isinstance(result, ElectionResult)
    emit(result.to_json(), json_of(ctx, json_), lambda _data: result_table(result))
    message(
        f"next: anyone can audit it: `wallet audit BOARD --election {election}` "
        f"(or `wallet election export {election} -o DIR`, then `wallet audit DIR`)"
    )


def register(app: typer.Typer) -> None:
    app.command("new")(new)
    app.command("create")(create)
    app.command("finish")(finish)
