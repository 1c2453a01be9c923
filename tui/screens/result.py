"""Provides `ResultScreen`: a finished election's counts per option, the ballots kept out of
the count and why, and the audit's verdict on the whole record, with its progress."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import Footer, Header, Label, ProgressBar, Static

from tui.data import Location, Session, shown_path
from tui.messages import AuditFinished, AuditProgress, ResultLoaded, ServiceFailed
from tui.screens.base import WalletScreen
from tui.widgets import FittedTable, audit_verdict
from wallet.services import (
    ElectionResult,
    ElectionSummary,
    audit_record,
    election_result,
    show_election,
)

#: The widest a count's bar is drawn.
BAR = 20

#: Excluded ballots' reasons in words (the codes are voting.board's standing reasons).
_REASONS = {
    "revocation": "the voter's credential is revoked in the frozen status list",
    "suspension": "the voter's credential is suspended in the frozen status list",
    "failed-checks": "its checks failed",
    "not-frozen": "its status list was not frozen at the close",
    "unreadable": "its status list cannot be read for its credential",
    "no-credential": "it carries no credential to check against its status list",
}


class ResultScreen(WalletScreen):
    """The published result of one election, checked by a full audit of its record."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back"),
        Binding("r", "rerun", "Audit again"),
        Binding("a", "audit_details", "Audit details"),
    ]
    DEFAULT_CSS = """
    ResultScreen #counts { height: auto; max-height: 1fr; margin: 0 1; }
    ResultScreen #excluded { padding: 1 1 0 1; }
    ResultScreen ProgressBar { padding: 0 1; }
    ResultScreen #verdict { padding: 0 1; }
    """

    def __init__(self, session: Session, board: Location, election: str) -> None:
        super().__init__(session)
        self.board = board
        self.election = election

    def compose(self) -> ComposeResult:
        yield Header()
        yield Label(f"Result: {self.election}", id="title", classes="heading", markup=False)
        yield Static("", id="about", classes="hint")
        yield FittedTable(id="counts", cursor_type="row")
        yield Static("", id="excluded")
        yield Static("", id="verdict", classes="heading")
        yield ProgressBar(id="progress", show_eta=False)
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = "Result"
        self.query_one(FittedTable).add_columns("Contest", "Option", "Votes", "Share")
        self.query_one(FittedTable).loading = True
        self.load()
        self.action_rerun()

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_audit_details(self) -> None:
        self.wallet_app.audit_election(self.board, self.election)

    @work(thread=True, exclusive=True, group="result")
    def load(self) -> None:
        """The published result: read from the board, never recomputed here."""
        try:
            summary = show_election(self.board, self.election, self.session.env)
            with self.session.open() as wallet:
                result = election_result(wallet, self.board, self.election, as_=None)
        except Exception as exc:
            self.post_message(ServiceFailed.of("show the result", exc))
            return
        self.post_message(ResultLoaded(summary, result))

    def on_result_loaded(self, message: ResultLoaded) -> None:
        result = message.result
        title = result.title or result.election
        self.query_one("#title", Label).update(f"Result: {title}")
        weight = f", total weight {result.total_weight}" if result.weighted else ""
        self.query_one("#about", Static).update(
            Text(
                f"{result.election} on {shown_path(self.board)}: {result.ballots} ballot(s) "
                f"counted{weight}; decrypted by trustees {', '.join(map(str, result.trustees))}."
            )
        )
        table = self.query_one(FittedTable)
        table.loading = False
        table.fill(_count_rows(result, message.summary))
        self.query_one("#excluded", Static).update(_excluded(result))

    def on_service_failed(self, message: ServiceFailed) -> None:
        # Textual then runs WalletScreen's handler too, which opens the error dialog.
        self.query_one(FittedTable).loading = False

    def action_rerun(self) -> None:
        self.query_one("#verdict", Static).update("Auditing the whole record…")
        bar = self.query_one(ProgressBar)
        bar.display = True
        bar.update(total=None, progress=0)
        self.run_audit()

    @work(thread=True, exclusive=True, group="result-audit")
    def run_audit(self) -> None:
        """The same audit as `wallet audit`, on this election's record on the board."""

        def progress(done: int, total: int) -> None:
            self.post_message(AuditProgress(done, total))

        try:
            report = audit_record(
                self.board,
                election=self.election,
                progress=progress,
                ca_file=self.session.ca_file(),
            )
        except Exception as exc:
            self.post_message(ServiceFailed.of("audit the record", exc))
            return
        self.post_message(AuditFinished(report))

    def on_audit_progress(self, message: AuditProgress) -> None:
        self.query_one(ProgressBar).update(total=max(message.total, 1), progress=message.done)
        self.query_one("#verdict", Static).update(
            f"Auditing… ballot proofs verified: {message.done} of {message.total}"
        )

    def on_audit_finished(self, message: AuditFinished) -> None:
        self.query_one(ProgressBar).display = False
        self.query_one("#verdict", Static).update(audit_verdict(message.report))


def _count_rows(
    result: ElectionResult, summary: ElectionSummary
) -> list[tuple[list[Text], str | None]]:
    labels = {(c.id, o.id): o.label or o.id for c in summary.contests for o in c.options}
    rows: list[tuple[list[Text], str | None]] = []
    for contest in result.contests:
        total = sum(o.count for o in contest.counts) or 1
        top = max((o.count for o in contest.counts), default=0)
        for index, option in enumerate(contest.counts):
            share = option.count / total
            bar = "█" * round(BAR * share)
            style = "bold green" if option.count == top and top > 0 else ""
            name = labels.get((contest.contest, option.option), option.option)
            rows.append(
                (
                    [
                        Text(contest.label or contest.contest if index == 0 else ""),
                        Text(name, style=style),
                        Text(str(option.count), style=style, justify="right"),
                        Text(f"{bar:<{BAR}} {share:>4.0%}"),
                    ],
                    f"{contest.contest}/{option.option}",
                )
            )
    return rows


def _excluded(result: ElectionResult) -> Text:
    if not result.excluded:
        return Text("No ballot was excluded from the count.", style="dim")
    text = Text("Excluded from the count:\n", style="bold")
    for item in result.excluded:
        why = _REASONS.get(item.reason, item.reason or "excluded by the election's rules")
        where = f" (status list {item.status_list})" if item.status_list else ""
        text.append(f"  {item.count} ballot(s): {why}{where}\n")
    text.rstrip()
    return text
