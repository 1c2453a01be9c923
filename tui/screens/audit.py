"""Provides `AuditScreen`: choose an election (on a known board, a board file or URL, or an
exported record), audit it with live progress, and see each check."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.coordinate import Coordinate
from textual.widgets import Footer, Header, Label, ProgressBar, Static

from tui.data import Location, location_of, shown_path
from tui.data.boards import known_elections
from tui.dialogs import LocationDialog
from tui.messages import AuditFinished, AuditProgress, ElectionsLoaded, ServiceFailed
from tui.screens.base import MainScreen, report_unlisted
from tui.widgets import FittedTable, SectionBar, VerificationTable, audit_verdict
from wallet.services import audit_record

#: What is audited: an exported record directory, or one election of a board.
Target = tuple[Location, str | None]


class AuditScreen(MainScreen):
    """The same audit as `wallet audit`: every numbered check, then the verdict.

    The elections of every known board are listed; Enter audits the one under the cursor,
    so a board holding several elections is never a dead end.
    """

    DEFAULT_CSS = """
    AuditScreen #elections { height: auto; max-height: 7; }
    AuditScreen VerificationTable { height: 1fr; max-height: 100%; }
    AuditScreen ProgressBar { padding: 0 1; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        # A priority binding: the table's own Enter would otherwise hide it from the footer.
        Binding("enter", "audit_selected", "Audit", priority=True),
        Binding("o", "open", "Open record/board"),
        Binding("r", "rerun", "Run again"),
    ]

    target: Target | None = None
    # A board just opened: its elections are offered once the list arrives.
    _offer: Location | None = None
    # How many elections the board just opened holds (the hint says so).
    _offered = 0

    def compose(self) -> ComposeResult:
        yield Header()
        yield SectionBar("audit")
        yield Label("Audit", classes="heading")
        yield Static(
            "Choose an election and press Enter, or press o for a record, board file or URL.",
            id="record", classes="hint", markup=False,
        )  # fmt: skip
        yield FittedTable(id="elections", cursor_type="row", zebra_stripes=True)
        yield ProgressBar(id="progress", show_eta=False)
        yield Static("", id="verdict", classes="heading")
        yield VerificationTable(id="checks")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = "Audit"
        self.query_one("#elections", FittedTable).add_columns("Election", "Title", "Phase", "Board")
        # The bar and the checks appear with the first audit; an idle bar would only pulse.
        self.query_one(ProgressBar).display = False
        self.query_one(VerificationTable).display = False
        self.load()

    def on_screen_resume(self) -> None:
        if self.is_mounted:
            self.load()

    @work(thread=True, exclusive=True, group="audit-elections")
    def load(self) -> None:
        try:
            listed, known, unreadable = known_elections(self.session)
        except Exception as exc:
            self.post_message(ServiceFailed.of("list the elections", exc))
            return
        self.post_message(ElectionsLoaded(listed, known, unreadable))

    def on_elections_loaded(self, message: ElectionsLoaded) -> None:
        message.stop()
        table = self.query_one("#elections", FittedTable)
        table.fill(
            ([
                Text(e.election),
                Text(e.title),
                Text(e.phase),
                Text(shown_path(e.board)),
            ], f"{e.board}#{e.election}")
            for e in message.elections
        )  # fmt: skip
        report_unlisted(self.wallet_app, message.unreadable)
        offer, self._offer = self._offer, None
        if offer is None:
            return
        mine = [e for e in message.elections if location_of(e.board) == offer]
        if len(mine) == 1:
            self.audit_election(offer, mine[0].election)
            return
        self._offered = len(mine)
        self.query_one("#record", Static).update(
            Text(f"{shown_path(offer)} holds no election yet." if not mine else "")
        )
        if mine:
            first = message.elections.index(mine[0])
            table.move_cursor(row=first)
            table.focus()
            self._hint(first)

    def on_data_table_row_highlighted(self, event: FittedTable.RowHighlighted) -> None:
        if event.data_table.id == "elections":
            self._hint(event.cursor_row)

    def _hint(self, row: int) -> None:
        """Until an audit runs, the line above the list says what Enter will audit."""
        table = self.query_one("#elections", FittedTable)
        if self.target is not None or not 0 <= row < table.row_count:
            return
        key = table.coordinate_to_cell_key(Coordinate(row, 0)).row_key.value or ""
        board, _, election = key.rpartition("#")
        choose = (
            f"{shown_path(board)} holds {self._offered} elections: choose one. "
            if self._offered > 1
            else ""
        )
        self.query_one("#record", Static).update(
            Text(f"{choose}Enter audits {election}; o opens another.")
        )

    def action_open(self) -> None:
        current = "" if self.target is None else str(self.target[0])
        dialog = LocationDialog(
            "Audit an election",
            "An exported record directory (entries.jsonl, checkpoint, board.vkey), a board "
            "file, or a board server's URL.",
            "Open",
            value=current,
            placeholder="path/to/record or board.sqlite or https://…",
        )
        self.app.push_screen(dialog, self._chosen)

    def _chosen(self, location: Location | None) -> None:
        if location is None:
            return
        if isinstance(location, Path) and location.is_dir():
            self._run((location, None))
            return
        # A board: its elections join the list, and the person picks one.
        self.session.add_board(location)
        self._offer = location
        self.load()

    def action_audit_selected(self) -> None:
        table = self.query_one("#elections", FittedTable)
        if table.row_count == 0:
            self.action_open()
            return
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value or ""
        board, _, election = key.rpartition("#")
        self.audit_election(location_of(board), election)

    def audit_election(self, board: Location, election: str) -> None:
        """Audit one election of a board (from here, or from the elections and result)."""
        self._run((board, election))

    def action_rerun(self) -> None:
        if self.target is None:
            self.action_audit_selected()
            return
        self._run(self.target)

    def _run(self, target: Target) -> None:
        self.target = target
        where, election = target
        what = f"Record {shown_path(where)}" if election is None else (
            f"Election {election} on {shown_path(where)}"
        )  # fmt: skip
        self.query_one("#record", Static).update(Text(what))
        self.query_one("#verdict", Static).update("Auditing…")
        checks = self.query_one(VerificationTable)
        checks.clear()
        checks.display = True
        bar = self.query_one(ProgressBar)
        bar.display = True
        bar.update(total=None, progress=0)
        self.run_audit(where, election)

    @work(thread=True, exclusive=True, group="audit")
    def run_audit(self, record: Location, election: str | None) -> None:
        """Verify the whole record; ballot proofs report their progress as they go."""

        def progress(done: int, total: int) -> None:
            self.post_message(AuditProgress(done, total))

        try:
            report = audit_record(
                record, election=election, progress=progress, ca_file=self.session.ca_file()
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
        bar = self.query_one(ProgressBar)
        bar.update(total=bar.total or 1, progress=bar.total or 1)
        self.query_one("#verdict", Static).update(audit_verdict(message.report))
        table = self.query_one(VerificationTable)
        table.show(message.report)
        table.focus()

    def on_service_failed(self, message: ServiceFailed) -> None:
        # Textual then runs WalletScreen's handler too, which opens the error dialog.
        self.query_one("#verdict", Static).update("")
        self.query_one(ProgressBar).display = False
