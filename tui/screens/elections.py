"""Provides `ElectionsScreen`: the elections on the boards this wallet knows; vote in one."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import DataTable, Footer, Header, Label

from tui.data import describe_error
from tui.dialogs import PathDialog
from tui.messages import BallotReady, ElectionsLoaded, ServiceFailed
from tui.screens.ballot import BallotScreen
from tui.screens.base import MainScreen
from tui.widgets import ElectionTable
from wallet.services import followed, list_elections, list_identities, show_election


class ElectionsScreen(MainScreen):
    """Elections of the boards the wallet follows or that were opened here; Enter votes."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("o", "open_board", "Open board"),
        Binding("enter", "vote", "Vote", show=False),
        Binding("r", "refresh", "Refresh"),
    ]

    def compose(self) -> ComposeResult:
        yield Header()
        yield Label("Elections", classes="heading")
        yield ElectionTable(id="elections")
        yield Label("", id="hint", classes="hint")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = "Elections"
        self.action_refresh()

    def action_refresh(self) -> None:
        self.query_one(ElectionTable).loading = True
        self.load()

    @work(thread=True, exclusive=True, group="elections")
    def load(self) -> None:
        try:
            with self.session.open() as wallet:
                known = followed(wallet)
            boards = list(dict.fromkeys([*(Path(r.board) for r in known), *self.session.boards]))
            listed = []
            for board in boards:
                listed += list_elections(board, self.session.env)
        except Exception as exc:
            self.post_message(ServiceFailed("list the elections", describe_error(exc)))
            return
        self.post_message(ElectionsLoaded(listed, known))

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
        self.query_one("#hint", Label).update(
            "No elections known: press o to open a board file."
            if not message.elections
            else "Enter on an open election starts the ballot."
        )
        table.focus()

    def on_service_failed(self, message: ServiceFailed) -> None:
        # Textual then runs WalletScreen's handler too, which opens the error dialog.
        self.query_one(ElectionTable).loading = False

    def action_open_board(self) -> None:
        dialog = PathDialog(
            "Open a board", "The board file (SQLite) the election authority named.", "Open"
        )
        self.app.push_screen(dialog, self._board_chosen)

    def _board_chosen(self, path: Path | None) -> None:
        if path is not None:
            board = path.expanduser().resolve()
            if board not in self.session.boards:
                self.session.boards.append(board)
            self.action_refresh()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_vote()

    def action_vote(self) -> None:
        item = self.query_one(ElectionTable).selected
        if item is None:
            self.notify("No election selected.", severity="warning")
            return
        if item.get("phase") != "open":
            self.notify(f"{item['election']} is {item.get('phase')}: voting is not open.")
            return
        board, election = Path(item["board"]), str(item["election"])
        self.wallet_app.require_unlock(lambda: self.prepare(board, election))

    @work(thread=True, exclusive=True, group="ballot")
    def prepare(self, board: Path, election: str) -> None:
        """Read the election's contests and the identities that may vote."""
        try:
            summary = show_election(board, election, self.session.env)
            with self.session.open() as wallet:
                identities = list_identities(wallet)
        except Exception as exc:
            self.post_message(ServiceFailed("open the ballot", describe_error(exc)))
            return
        self.post_message(BallotReady(board, summary, identities))

    def on_ballot_ready(self, message: BallotReady) -> None:
        self.app.push_screen(
            BallotScreen(self.session, message.board, message.summary, message.identities)
        )
