"""Provides `ElectionsScreen`: the elections on the boards this wallet knows; vote, see results."""

from __future__ import annotations

from typing import ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import DataTable, Footer, Header, Label

from tui.data import Location, eligible_first, location_of
from tui.data.boards import known_elections
from tui.dialogs import LocationDialog
from tui.messages import BallotReady, ElectionsLoaded, ServiceFailed
from tui.screens.ballot import BallotScreen
from tui.screens.base import MainScreen, report_unlisted
from tui.screens.result import ResultScreen
from tui.widgets import ElectionTable, SectionBar
from wallet.services import list_credentials, list_identities, show_election

#: What Enter does in each phase, and the hint saying so.
_NEXT = {
    "open": "Enter opens the ballot.",
    "finished": "Enter shows the result and its audit.",
}


class ElectionsScreen(MainScreen):
    """Elections of the boards the wallet follows or that were added here.

    Enter opens an election for what its phase allows: the ballot while it is open, the
    result once it is finished. `a` audits it on the audit screen.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        # A priority binding: the table's own Enter would otherwise hide it from the footer.
        Binding("enter", "open_election", "Open", priority=True),
        Binding("o", "add_board", "Add board"),
        Binding("a", "audit", "Audit"),
        Binding("r", "refresh", "Refresh"),
    ]

    def compose(self) -> ComposeResult:
        yield Header()
        yield SectionBar("elections")
        yield Label("Elections", classes="heading")
        yield ElectionTable(id="elections")
        yield Label("", id="hint", classes="hint", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = "Elections"
        self.action_refresh()

    def on_screen_resume(self) -> None:
        # Back from a ballot or a result: the counts and this wallet's role may have changed.
        # The rows are replaced in place (no loading cover), the cursor kept where it was.
        if self.is_mounted and self.query_one(ElectionTable).row_count:
            self.load()

    def action_refresh(self) -> None:
        self.query_one(ElectionTable).loading = True
        self.load()

    @work(thread=True, exclusive=True, group="elections")
    def load(self) -> None:
        try:
            listed, known, unreadable = known_elections(self.session)
        except Exception as exc:
            self.post_message(ServiceFailed.of("list the elections", exc))
            return
        self.post_message(ElectionsLoaded(listed, known, unreadable))

    def on_elections_loaded(self, message: ElectionsLoaded) -> None:
        table = self.query_one(ElectionTable)
        table.loading = False
        roles = {(r.board, r.election): r.role for r in message.followed}
        table.show(
            [
                {**e.to_json(), "board": e.board, "role": roles.get((e.board, e.election))}
                for e in message.elections
            ]
        )
        self._show_hint()
        report_unlisted(self.wallet_app, message.unreadable)
        table.focus()

    def _show_hint(self) -> None:
        item = self.query_one(ElectionTable).selected
        if item is None:
            hint = "No elections known: press o to add a board (a file or a server's URL)."
        else:
            phase = str(item.get("phase"))
            hint = _NEXT.get(phase, f"This election is {phase}: a audits it so far.")
        self.query_one("#hint", Label).update(hint)

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._show_hint()

    def on_service_failed(self, message: ServiceFailed) -> None:
        # Textual then runs WalletScreen's handler too, which opens the error dialog.
        self.query_one(ElectionTable).loading = False

    def action_add_board(self) -> None:
        dialog = LocationDialog(
            "Add a board",
            "A board file (SQLite) the election authority named, or a board server's URL "
            "(https://…, or http:// on this machine).",
            "Add",
        )
        self.app.push_screen(dialog, self._board_chosen)

    def _board_chosen(self, board: Location | None) -> None:
        if board is not None:
            self.session.add_board(board)
            self.action_refresh()

    def action_open_election(self) -> None:
        item = self.query_one(ElectionTable).selected
        if item is None:
            self.notify("No election selected: press o to add a board.", severity="warning")
            return
        board, election = location_of(str(item["board"])), str(item["election"])
        phase = item.get("phase")
        if phase == "finished":
            self.app.push_screen(ResultScreen(self.session, board, election))
        elif phase == "open":
            self.wallet_app.require_unlock(lambda: self.prepare(board, election))
        else:
            self.notify(
                f"{election} is {phase}: there is no ballot to fill in and no result yet.",
                title="Nothing to open",
            )

    def action_audit(self) -> None:
        item = self.query_one(ElectionTable).selected
        if item is None:
            self.notify("No election selected.", severity="warning")
            return
        self.wallet_app.audit_election(location_of(str(item["board"])), str(item["election"]))

    @work(thread=True, exclusive=True, group="ballot")
    def prepare(self, board: Location, election: str) -> None:
        """Read the election's contests and the identities that may vote."""
        try:
            summary = show_election(board, election, self.session.env)
            with self.session.open() as wallet:
                identities, eligible = eligible_first(
                    list_identities(wallet),
                    list_credentials(wallet),
                    summary.manifest.eligibility,
                )
        except Exception as exc:
            self.post_message(ServiceFailed.of("open the ballot", exc))
            return
        self.post_message(BallotReady(board, summary, identities, eligible))

    def on_ballot_ready(self, message: BallotReady) -> None:
        self.app.push_screen(
            BallotScreen(
                self.session, message.board, message.summary, message.identities, message.eligible
            )
        )
