"""Provides `BallotScreen`: one step per contest, choices checked against its limits, then the
review (`ReviewScreen`) where the ballot is cast or challenged."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import Footer, Header, Label, Static

from tui.data import BallotChoices, Location, Session, contests_from_summary
from tui.dialogs.challenge import ChallengeDialog
from tui.screens.base import WalletScreen
from tui.screens.receipt import ReceiptScreen
from tui.screens.review import ReviewScreen
from tui.widgets import ChoiceList
from wallet.services import ElectionSummary, Identity, VoteOutcome


class BallotScreen(WalletScreen):
    """↑↓ move, Space chooses, Enter goes on within the limits, Escape goes back.

    A vote-for-one contest shows radio buttons, any other checkboxes. No letter is bound
    here, so an option's initial can never be taken for a command.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "next", "Next"),
        Binding("escape", "previous", "Back"),
    ]
    DEFAULT_CSS = """
    BallotScreen ChoiceList { height: auto; max-height: 12; margin: 0 1; }
    BallotScreen #problem { color: $error; text-style: bold; padding: 0 1; }
    """

    def __init__(
        self,
        session: Session,
        board: Location,
        summary: ElectionSummary,
        identities: list[Identity],
        eligible: set[str] | None = None,
    ) -> None:
        super().__init__(session)
        self.eligible = eligible or set()
        self.board = board
        self.summary = summary
        self.title_text = summary.title or summary.election
        self.ballot = BallotChoices(contests_from_summary(summary))
        self.identities = identities
        self.step = 0

    def compose(self) -> ComposeResult:
        yield Header()
        yield Label(f"Ballot: {self.title_text}", classes="heading", markup=False)
        yield Static("", id="step", classes="heading")
        yield Static("", id="limits", classes="hint")
        yield ChoiceList(id="options")
        yield Static("", id="chosen", classes="hint")
        yield Static("", id="problem")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = "Ballot"
        self._show_step()

    def _show_step(self) -> None:
        total = len(self.ballot.contests)
        contest = self.ballot.contests[self.step]
        self.query_one("#problem", Static).update("")
        self.query_one("#step", Static).update(
            Text(f"{contest.label} ({self.step + 1} of {total + 1})")
        )
        self.query_one("#limits", Static).update(contest.limits())
        options = self.query_one(ChoiceList)
        options.show_options(
            list(contest.options), self.ballot.chosen.get(contest.id, []), radio=contest.radio
        )
        options.focus()
        self._show_chosen(options.chosen)

    def on_choice_list_changed(self, event: ChoiceList.Changed) -> None:
        contest = self.ballot.contests[self.step]
        self.ballot.chosen[contest.id] = event.chosen
        self._show_chosen(event.chosen)
        self.query_one("#problem", Static).update(contest.problem(len(event.chosen)) or "")

    def _show_chosen(self, selected: list[str]) -> None:
        contest = self.ballot.contests[self.step]
        labels = [label for option, label in contest.options if option in selected]
        self.query_one("#chosen", Static).update(
            Text(f"Chosen: {', '.join(labels) or 'nothing yet'}. Space chooses, Enter goes on.")
        )

    def on_choice_list_submitted(self, event: ChoiceList.Submitted) -> None:
        event.stop()
        self.action_next()

    def _record(self) -> None:
        """Keep this contest's choices, as the list shows them now."""
        contest = self.ballot.contests[self.step]
        self.ballot.chosen[contest.id] = self.query_one(ChoiceList).chosen

    def action_next(self) -> None:
        self._record()
        contest = self.ballot.contests[self.step]
        problem = contest.problem(len(self.ballot.chosen.get(contest.id, [])))
        if problem is not None:
            self.query_one("#problem", Static).update(problem)
            return
        if self.step + 1 < len(self.ballot.contests):
            self.step += 1
            self._show_step()
            return
        review = ReviewScreen(
            self.session, self.board, self.summary, self.ballot, self.identities, self.eligible
        )
        self.app.push_screen(review, self._reviewed)

    def action_previous(self) -> None:
        self._record()
        if self.step == 0:
            self.app.pop_screen()
            return
        self.step -= 1
        self._show_step()

    def _reviewed(self, outcome: VoteOutcome | None) -> None:
        """Back from the review: a receipt once cast, the opening once challenged."""
        if outcome is None:
            return  # "Change choices": the last contest is shown again.
        if outcome.counted:
            self.app.switch_screen(ReceiptScreen(self.session, outcome.receipt_id))
            return
        # A challenged ballot is spent; the voter starts again from the first step, the
        # choices kept, to cast a fresh encryption.
        self.step = 0
        self._show_step()
        labels = {c.id: (c.label, dict(c.options)) for c in self.ballot.contests}
        self.app.push_screen(ChallengeDialog(outcome.to_json(), labels))
