"""Provides `wallet election …`: create, show, list, open, close, tally, result, export."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from wallet.cli._common import HomeOption, JsonOption, emit, environment, home_of, json_of, settings

if TYPE_CHECKING:
    from wallet.services import Posted

app = typer.Typer(
    rich_markup_mode=None,
    help="Run elections on a board: the authority's side.",
    no_args_is_help=True,
)

ElectionArg = Annotated[str, typer.Argument(metavar="ELECTION", help="The election id.")]
BoardOption = Annotated[
    Path, typer.Option("--board", help="The board file (created by the first election).")
]
AsOption = Annotated[str, typer.Option("--as", help="The wallet identity to sign as.")]


def _posted_line(item: dict[str, Any]) -> str:
    extra = "  launch code " + item["launchCode"] if "launchCode" in item else ""
    return f"{item['type']} posted to {item['election']} at index {item['index']}{extra}"


@app.command("create")
def create(
    ctx: typer.Context,
    manifest: Annotated[Path, typer.Option("--manifest", help="The manifest JSON file.")],
    board: BoardOption,
    as_: AsOption,
    trustee: Annotated[list[str], typer.Option("--trustee", help="A trustee's DID (repeat).")],
    threshold: Annotated[int | None, typer.Option("--threshold")] = None,
    issuer: Annotated[list[str] | None, typer.Option("--eligibility-issuer")] = None,
    credential_type: Annotated[str | None, typer.Option("--credential-type")] = None,
    opens: Annotated[str | None, typer.Option("--opens", help="Default: now.")] = None,
    closes: Annotated[str | None, typer.Option("--closes", help="Default: a day after.")] = None,
    revote: Annotated[str, typer.Option("--revote", help="last or first counts.")] = "last",
    weight_claim: Annotated[
        str | None,
        typer.Option(
            "--weight-claim",
            metavar="CLAIM",
            help="Weigh each ballot by this integer claim (1 to 2^32-1) of the voter's credential.",
        ),
    ] = None,
    home: HomeOption = None,
    json_: JsonOption = False,
) -> None:
    """Post the election entry (manifest, trustees, window, eligibility) to the board."""
    from wallet.services import Wallet, create_election, load_manifest, parse_time, read_text

    rules = load_manifest(
        read_text(manifest, "manifest"), trustees=trustee, threshold=threshold,
        issuers=issuer or [], credential_type=credential_type, weight_claim=weight_claim,
    )  # fmt: skip
    with Wallet.open(home_of(ctx, home), environment()) as wallet:
        posted = create_election(
            wallet, board, rules, as_=as_, trustees=trustee, revoting=revote,
            opens=parse_time(opens, "--opens") if opens else None,
            closes=parse_time(closes, "--closes") if closes else None,
            board_keystore=settings(ctx).keystore or "auto",
        )  # fmt: skip
    emit(posted.to_json(), json_of(ctx, json_), _posted_line)


@app.command("show")
def show(
    ctx: typer.Context,
    election: ElectionArg,
    board: BoardOption,
    home: HomeOption = None,
    json_: JsonOption = False,
) -> None:
    """Show an election's rules, phase and counts (no keys needed; --home is not used)."""
    from wallet.services import show_election

    emit(show_election(board, election, environment()).to_json(), True)


@app.command("list")
def list_(
    ctx: typer.Context,
    board: Annotated[Path | None, typer.Option("--board")] = None,
    home: HomeOption = None,
    json_: JsonOption = False,
) -> None:
    """List the elections on a board, or (without --board) those this wallet takes part in."""
    from wallet.services import Wallet, followed, list_elections

    if board is not None:
        listed = list_elections(board, environment())
        items = [e.to_json() for e in listed]
        lines = [f"{e.election}  {e.phase}" for e in listed]
    else:
        with Wallet.open(home_of(ctx, home), environment()) as wallet:
            known = followed(wallet)
        items = [e.to_json() for e in known]
        lines = [f"{e.election}  {e.role}" for e in known]
    emit(items, json_of(ctx, json_), lambda _rows: "\n".join(lines))


def _authority_step(
    name: str, help_text: str, service: Callable[[], Callable[..., Posted]]
) -> None:
    """Register `election NAME`, which posts one authority entry with `service()`."""

    def command(
        ctx: typer.Context,
        election: ElectionArg,
        board: BoardOption,
        as_: AsOption,
        home: HomeOption = None,
        json_: JsonOption = False,
    ) -> None:
        from wallet.services import Wallet

        step = service()
        with Wallet.open(home_of(ctx, home), environment()) as wallet:
            done = step(wallet, board, election, as_=as_)
        emit(done.to_json(), json_of(ctx, json_), _posted_line)

    command.__doc__ = help_text
    app.command(name)(command)


# The services are imported when a command runs, not when the command line starts.
def _open() -> Callable[..., Posted]:
    from wallet.services import open_election

    return open_election


def _close() -> Callable[..., Posted]:
    from wallet.services import close_election

    return close_election


def _tally() -> Callable[..., Posted]:
    from wallet.services import tally_election

    return tally_election


_authority_step(
    "open", "Post `open`: the joint key from the trustees' ceremony; voting may start.", _open
)
_authority_step(
    "close", "Post `close` after the window: freezes the status lists in force.", _close
)
_authority_step("tally", "Post `tally`: the encrypted sums of the counted ballots.", _tally)


@app.command("result")
def result(
    ctx: typer.Context,
    election: ElectionArg,
    board: BoardOption,
    as_: Annotated[str | None, typer.Option("--as", help="Authority: post it first.")] = None,
    home: HomeOption = None,
    json_: JsonOption = False,
) -> None:
    """Print the result; with --as the authority combines the decryption shares and posts it."""
    from wallet.cli._render import result_table
    from wallet.services import Wallet, election_result

    with Wallet.open(home_of(ctx, home), environment()) as wallet:
        table = election_result(wallet, board, election, as_=as_)
    emit(table.to_json(), json_of(ctx, json_), lambda _data: result_table(table))


@app.command("export")
def export(
    ctx: typer.Context,
    election: ElectionArg,
    board: BoardOption,
    out: Annotated[Path, typer.Option("-o", "--out", help="The record directory to write.")],
    home: HomeOption = None,
    json_: JsonOption = False,
) -> None:
    """Write the election record: entries.jsonl, checkpoint, board.vkey (no keys needed)."""
    from wallet.services import export_election

    done = export_election(board, election, out, environment())
    emit(done.to_json(), json_of(ctx, json_), lambda _data: str(done.record))
