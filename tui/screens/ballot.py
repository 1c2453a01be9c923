"""Provides `BallotScreen`: one step per contest within its limits, a review, then cast or
challenge (Benaloh)."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import Footer, Header, Label, Select, SelectionList, Static
from textual.widgets.selection_list import Selection

from tui.data import (
    BallotChoices,
    Session,
    contests_from_summary,
    describe_error,
)
from tui.dialogs.challenge import ChallengeDialog
from tui.messages import BallotCast, ServiceFailed
from tui.screens.base import WalletScreen
from tui.screens.receipt import ReceiptScreen
from wallet.errors import BoardLocked
from wallet.services import ElectionSummary, Identity, vote


class BallotScreen(WalletScreen):
    """Space toggles an option, n goes on only within the limits, c casts, h challenges."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("n", "next", "Next"),
        Binding("b", "previous", "Back"),
        Binding("c", "cast", "Cast"),
        Binding("h", "challenge", "Challenge"),
        Binding("escape", "leave", "Leave"),
    ]
    DEFAULT_CSS = """
    BallotScreen SelectionList { height: auto; max-height: 20; margin: 1 1; }
    BallotScreen #problem { color: $error; text-style: bold; padding: 0 1; }
    BallotScreen #review { padding: 1 1; }
    BallotScreen Select { margin: 0 1; width: 90; }
    """

    def __init__(
        self, session: Session, board: Path, summary: ElectionSummary, identities: list[Identity]
    ) -> None:
        super().__init__(session)
        self.board = board
        self.election = summary.election
        self.title_text = summary.title or self.election
        self.ballot = BallotChoices(contests_from_summary(summary))
        self.identities = identities
        self.step = 0
        self.busy = False
        self.challenging = False

    @property
    def reviewing(self) -> bool:
        return self.step == len(self.ballot.contests)

    def compose(self) -> ComposeResult:
        yield Header()
        yield Label(f"Ballot: {self.title_text}", classes="heading", markup=False)
        yield Static("", id="step", classes="heading")
        yield Static("", id="limits", classes="hint")
        yield SelectionList[str](id="options")
        yield Static("", id="chosen", classes="hint")
        yield Static("", id="review")
        yield Label("Vote as", id="voter-label", classes="hint")
        options = [(f"{i.label or '—'}  {i.did}", i.did) for i in self.identities]
        first = options[0][1] if options else Select.BLANK
        yield Select(options, value=first, id="voter", allow_blank=not options)
        yield Static("", id="problem")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = "Ballot"
        self._show_step()

    def _show_step(self) -> None:
        total = len(self.ballot.contests)
        review = self.reviewing
        self.query_one("#problem", Static).update("")
        for selector in ("#review", "#voter-label", "#voter"):
            self.query_one(selector).display = review
        self.query_one("#chosen").display = not review
        options = self.query_one(SelectionList)
        options.display = not review
        if review:
            self.query_one("#step", Static).update(f"Review ({total + 1} of {total + 1})")
            self.query_one("#limits", Static).update(
                "c casts the ballot (counted); h challenges it: it is opened, checked and "
                "never counted."
            )
            lines = [f"{label}: {picked}" for label, picked in self.ballot.review()]
            self.query_one("#review", Static).update(Text("\n".join(lines)))
            problems = self.ballot.problems()
            if problems:
                self.query_one("#problem", Static).update(" ".join(problems))
            self.query_one(Select).focus()
        else:
            contest = self.ballot.contests[self.step]
            self.query_one("#step", Static).update(
                Text(f"{contest.label} ({self.step + 1} of {total + 1})")
            )
            self.query_one("#limits", Static).update(contest.limits())
            chosen = set(self.ballot.chosen.get(contest.id, []))
            options.clear_options()
            options.add_options(
                [Selection(label, option, option in chosen) for option, label in contest.options]
            )
            # The cursor starts on the first option, so Space chooses it straight away.
            options.highlighted = 0
            options.focus()
            self._show_chosen(list(chosen))
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # Cast and challenge exist only on the review; Next only before it.
        if action in ("cast", "challenge"):
            return self.reviewing and not self.busy
        if action == "next":
            return not self.reviewing
        if action == "previous":
            return self.step > 0
        return True

    def _record_step(self) -> str | None:
        """Keep this step's choices; return why they break the contest's limits, if they do."""
        contest = self.ballot.contests[self.step]
        selected = self.query_one(SelectionList).selected
        # The form keeps the manifest's option order, whatever order they were picked in.
        self.ballot.chosen[contest.id] = [o for o, _ in contest.options if o in selected]
        return contest.problem(len(selected))

    def on_selection_list_selected_changed(self, event: SelectionList.SelectedChanged[str]) -> None:
        if self.reviewing:
            return
        selected = event.selection_list.selected
        self._show_chosen(selected)
        problem = self.ballot.contests[self.step].problem(len(selected))
        self.query_one("#problem", Static).update(problem or "")

    def _show_chosen(self, selected: list[str]) -> None:
        contest = self.ballot.contests[self.step]
        labels = [label for option, label in contest.options if option in selected]
        self.query_one("#chosen", Static).update(
            Text(f"Chosen: {', '.join(labels) or 'nothing yet'}. Space chooses, n goes on.")
        )

    def action_next(self) -> None:
        if self.reviewing:
            return
        problem = self._record_step()
        if problem is not None:
            self.query_one("#problem", Static).update(problem)
            return
        self.step += 1
        self._show_step()

    def action_previous(self) -> None:
        if self.step == 0:
            return
        if not self.reviewing:
            self._record_step()
        self.step -= 1
        self._show_step()

    def action_leave(self) -> None:
        self.app.pop_screen()

    def action_cast(self) -> None:
        self._submit(challenge=False)

    def action_challenge(self) -> None:
        self._submit(challenge=True)

    def _submit(self, *, challenge: bool) -> None:
        if not self.reviewing or self.busy:
            return
        problems = self.ballot.problems()
        if problems:
            self.query_one("#problem", Static).update(" ".join(problems))
            return
        voter = self.query_one(Select).value
        if not isinstance(voter, str):
            self.query_one("#problem", Static).update("Choose the identity that votes.")
            return
        # Posting signs a checkpoint with the board's key, which may need its passphrase.
        self.wallet_app.require_board_unlock(self.board, lambda: self._post(voter, challenge))

    def _post(self, voter: str, challenge: bool) -> None:
        if not self.reviewing or self.busy:
            return
        self.busy = True
        self.challenging = challenge
        self.refresh_bindings()
        what = "Challenging" if challenge else "Casting"
        self.query_one("#problem", Static).update(Text(f"{what} the ballot…", style="bold"))
        self.submit(voter, self.ballot.for_service(), challenge)

    @work(thread=True, exclusive=True, group="cast")
    def submit(self, voter: str, choices: dict[str, dict[str, int]], challenge: bool) -> None:
        """Encrypt, prove, present eligibility, sign and post; the board may refuse it."""
        action = "challenge the ballot" if challenge else "cast the ballot"
        try:
            with self.session.open() as wallet:
                outcome = vote(
                    wallet, self.board, self.election, as_=voter, choices=choices,
                    challenge=challenge,
                )  # fmt: skip
        except Exception as exc:
            self.post_message(ServiceFailed(action, describe_error(exc), type(exc)))
            return
        self.post_message(BallotCast(outcome))

    def on_service_failed(self, message: ServiceFailed) -> None:
        self.busy = False
        self.refresh_bindings()
        if issubclass(message.error, BoardLocked):
            # The board wanted its key's passphrase although the check before posting did not
            # ask (its sidecar changed in between, say): ask now, then post the ballot again.
            # prevent_default keeps WalletScreen's handler from opening the error dialog.
            message.prevent_default()
            message.stop()
            self.query_one("#problem", Static).update("")
            voter = self.query_one(Select).value
            if isinstance(voter, str):
                retry = self.challenging
                self.wallet_app.ask_board_passphrase(self.board, lambda: self._post(voter, retry))
            return
        # Textual then runs WalletScreen's handler too, which opens the error dialog.
        self.query_one("#problem", Static).update(message.reason)

    def on_ballot_cast(self, message: BallotCast) -> None:
        self.busy = False
        self.query_one("#problem", Static).update("")
        if message.outcome.counted:
            self.app.switch_screen(ReceiptScreen(self.session, message.outcome.receipt_id))
            return
        # A challenged ballot is spent; the voter goes back to the first step to cast anew.
        self.step = 0
        self.app.push_screen(
            ChallengeDialog(message.outcome.to_json()), lambda _: self._show_step()
        )
