"""Provides `wallet election new`: an election manifest from flags, or from a few questions.

The manifest (record spec §4.1) is JSON that nobody should have to write by hand for an
ordinary election: `--contest "Mayor: ada, bob, cy" --select 1` is a contest whose id and
options' ids are made from their labels (`mayor`; `ada`, `bob`, `cy`), `--question "Fund the
park?"` is a yes/no contest. `election create` takes the same flags, so a manifest file is
needed only for what the flags cannot say.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Annotated, Any

import typer

from wallet.cli._common import environment, is_stdio, message, settings

IdOption = Annotated[
    str | None,
    typer.Option("--id", metavar="ELECTION", help="The election id, e.g. mayor-2026."),
]
TitleOption = Annotated[
    str | None,
    typer.Option("--title", metavar="TEXT", help="The election's title (default: its id)."),
]
ContestOption = Annotated[
    list[str] | None,
    typer.Option(
        "--contest",
        metavar="'LABEL: OPTION, OPTION, …'",
        help="A contest and its options (repeat for more contests).",
    ),
]
SelectOption = Annotated[
    list[str] | None,
    typer.Option(
        "--select",
        metavar="N|MIN-MAX",
        help="How many options a voter may pick: up to N, or MIN to MAX; one for all contests "
        "or one per --contest, in order (default: 1).",
    ),
]
QuestionOption = Annotated[
    list[str] | None,
    typer.Option(
        "--question",
        metavar="TEXT",
        help="A yes/no question (options yes and no; a voter may leave it blank). Repeatable.",
    ),
]


def slug(label: str, what: str) -> str:
    """An id (`[a-z0-9][a-z0-9._-]*`) made from a label: `Park budget?` -> `park-budget`."""
    from wallet.errors import UsageError

    made = re.sub(r"[^a-z0-9._-]+", "-", label.strip().lower()).strip("-._")[:64]
    if not made:
        raise UsageError(f"{what} {label!r}: want a label with a letter or a digit in it")
    return made


def _limits(text: str, options: int) -> tuple[int, int]:
    from wallet.errors import UsageError

    low, dash, high = text.partition("-")
    try:
        span = (int(low), int(high)) if dash else (0, int(low))
    except ValueError:
        raise UsageError(f"--select {text!r}: want N or MIN-MAX") from None
    if not 0 <= span[0] <= span[1] or not 1 <= span[1] <= options:
        raise UsageError(f"--select {text!r}: want 1 to {options} (the contest's options)")
    return span


def contest_json(spec: str, select: str) -> dict[str, Any]:
    """`LABEL: OPTION, OPTION, …` with its selection limits, as a manifest contest."""
    from wallet.errors import UsageError

    label, colon, rest = spec.partition(":")
    names = [name.strip() for name in rest.split(",") if name.strip()]
    if not colon or not label.strip() or len(names) < 2:
        raise UsageError(f"--contest {spec!r}: want 'LABEL: OPTION, OPTION, …' (two or more)")
    options = [{"id": slug(name, "option"), "label": name} for name in names]
    if len({o["id"] for o in options}) != len(options):
        raise UsageError(f"--contest {spec!r}: two options make the same id")
    low, high = _limits(select, len(options))
    return {
        "id": slug(label, "contest"),
        "label": label.strip(),
        "minSelections": low,
        "maxSelections": high,
        "options": options,
    }


def question_json(text: str) -> dict[str, Any]:
    """A yes/no question as a manifest contest (a voter may leave it blank)."""
    options = [{"id": "yes", "label": "Yes"}, {"id": "no", "label": "No"}]
    return {
        "id": slug(text, "question"),
        "label": text.strip(),
        "minSelections": 0,
        "maxSelections": 1,
        "options": options,
    }


def manifest_from_flags(
    election_id: str | None,
    title: str | None,
    contests: list[str],
    selects: list[str],
    questions: list[str],
) -> dict[str, Any]:
    """The manifest JSON the flags describe; a usage error names what is missing or wrong."""
    from wallet.errors import UsageError

    if election_id is None:
        raise UsageError("give the election's id with --id")
    if not contests and not questions:
        raise UsageError("give at least one --contest 'LABEL: OPTION, OPTION' or --question")
    if len(selects) > 1 and len(selects) != len(contests):
        raise UsageError(
            f"give one --select for all contests, or one per --contest ({len(contests)})"
        )
    chosen = selects * len(contests) if len(selects) == 1 else selects or ["1"] * len(contests)
    built = [contest_json(spec, select) for spec, select in zip(contests, chosen, strict=True)]
    built += [question_json(text) for text in questions]
    ids = [c["id"] for c in built]
    if len(set(ids)) != len(ids):
        raise UsageError("two contests make the same id; give them different labels")
    return {"electionId": election_id, "title": title or election_id, "contests": built}


def _ask(text: str, default: str | None = None) -> str:
    answer = typer.prompt(text, default=default, show_default=bool(default), err=True)
    return str(answer).strip()


def ask_manifest() -> dict[str, Any]:
    """Ask on the terminal for the election's id, title and contests (`new` without flags)."""
    message("A new election: answer a few questions (Ctrl-C to stop; nothing is written).")
    election_id = _ask("Election id (e.g. mayor-2026)")
    title = _ask("Title", election_id)
    contests: list[str] = []
    selects: list[str] = []
    while True:
        label = _ask("Contest or question (empty when done)", "")
        if not label:
            if contests:
                break
            message("an election needs at least one contest")
            continue
        options = _ask("  Options, separated by commas (empty: yes/no)", "")
        select = _ask("  How many may a voter pick (N or MIN-MAX)", "1")
        contests.append(f"{label}: {options or 'yes, no'}")
        selects.append(select)
    return manifest_from_flags(election_id, title, contests, selects, [])


def new(
    ctx: typer.Context,
    election_id: IdOption = None,
    title: TitleOption = None,
    contest: ContestOption = None,
    select: SelectOption = None,
    question: QuestionOption = None,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output", "-o", metavar="FILE", help="Write to FILE (default, or -: stdout)."
        ),
    ] = None,
    weight_claim: Annotated[
        str | None,
        typer.Option(
            "--weight-claim",
            metavar="CLAIM",
            help="Weigh each ballot by this integer claim of the voter's credential (shares, "
            "tokens); `election create` adds who issues it.",
        ),
    ] = None,
    json_: Annotated[
        bool, typer.Option("--json", help="The manifest is JSON already; with -o FILE, a summary.")
    ] = False,
) -> None:
    """Write an election manifest from flags, or by asking on a terminal.

    Ids are made from the labels: `--contest "Mayor: ada, bob, cy"` is contest `mayor` with
    options `ada`, `bob` and `cy`, voted as `--choice mayor=ada`. The trustees and the
    eligibility rule are added by `election create` (which also takes these flags itself).

    Examples:

    \b
      wallet election new --id mayor-2026 --title "Mayor 2026" \\
          --contest "Mayor: ada, bob, cy" --select 1 --question "Fund the park?" -o mayor.json
      wallet election new --id board-2026 --contest "Board: ann, ben, cat, dan" --select 1-2 -o -
      wallet election new --id coop-2026 --question "Merge with the bakery?" \
          --weight-claim shares -o coop.json
      wallet election new -o mayor.json        # asks, on a terminal
    """
    from wallet.errors import UsageError

    json_ = json_ or settings(ctx).json
    flags = election_id or contest or question or select or title
    if not flags:
        if not environment().interactive:
            raise UsageError("give --id and --contest (or --question); or run it on a terminal")
        data = ask_manifest()
    else:
        data = manifest_from_flags(election_id, title, contest or [], select or [], question or [])
    if weight_claim is not None:
        data["eligibility"] = {"weightClaim": weight_claim}
    _check(data)
    text = json.dumps(data, indent=2, ensure_ascii=False)
    if output is None or is_stdio(output):
        typer.echo(text)
        return
    from wallet.errors import FileProblem

    if output.exists():
        raise UsageError(f"{output} exists already; choose another file (or -o -)")
    try:
        output.write_text(text + "\n", encoding="utf-8")
    except OSError as exc:
        raise FileProblem(f"cannot write {output}: {exc.strerror}") from None
    contests = ", ".join(c["id"] for c in data["contests"])
    if json_:
        typer.echo(json.dumps({"path": str(output), "electionId": data["electionId"]}))
    message(
        f"manifest written to {output} (contests: {contests}); next: `wallet election create "
        f"--manifest {output} --trustee DID …`"
    )


def _check(data: dict[str, Any]) -> None:
    """Refuse now what the manifest parser would refuse at `create` (counts filled in)."""
    from voting.election import Manifest
    from voting.errors import ManifestError
    from wallet.errors import UsageError

    probe = {**data, "version": 1, "trustees": {"count": 1, "threshold": 1}}
    try:
        Manifest.from_json(probe)
    except ManifestError as exc:
        raise UsageError(f"manifest: {exc}") from None
