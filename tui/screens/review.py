"""Provides `ReviewScreen`: the ballot in full (election, choices, the identity that votes)
before it is cast or challenged, each only after an explicit confirmation."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, cast

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import Footer, Header, Label, ProgressBar, Select, Static

from tui.data import BallotChoices, Location, Session, shown_path
from tui.dialogs import ConfirmDialog
from tui.messages import BallotCast, ServiceFailed
from wallet.errors import BoardLocked
from wallet.services import ElectionSummary, Identity, VoteOutcome, vote

if TYPE_CHECKING:
    from tui.app import WalletApp


class ReviewScreen(Screen[VoteOutcome | None]):
    """`v` casts and `h` challenges, each after a yes in a dialog; Escape changes the choices.

    Dismissed with the board's outcome, or None when the voter goes back to the choices.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("v", "cast", "Cast vote…"),
        Binding("h", "challenge", "Challenge…"),
        Binding("escape", "back", "Change choices"),
    ]
    DEFAULT_CSS = """
    ReviewScreen #election, ReviewScreen #choices { padding: 0 1 1 1; }
    ReviewScreen Select { margin: 0 1; width: 1fr; max-width: 100; }
    ReviewScreen ProgressBar { padding: 0 1; }
    ReviewScreen #status { padding: 0 1; }
    ReviewScreen #problem { color: $error; text-style: bold; padding: 0 1; }
    """

    def __init__(
        self,
        session: Session,
        board: Location,
        summary: ElectionSummary,
        ballot: BallotChoices,
        identities: list[Identity],
        eligible: set[str] | None = None,
    ) -> None:
        super().__init__()
        self.eligible = eligible or set()
        self.session = session
        self.board = board
        self.summary = summary
        self.ballot = ballot
        self.identities = identities
        self.busy = False
        self.challenging = False

    @property
    def wallet_app(self) -> WalletApp:
        return cast("WalletApp", self.app)

    def compose(self) -> ComposeResult:
        summary = self.summary
        yield Header()
        total = len(self.ballot.contests) + 1
        yield Label(f"Review your ballot ({total} of {total})", classes="heading")
        about = Text()
        about.append("Election  ", style="bold")
        about.append(f"{summary.title or summary.election} ({summary.election})\n")
        about.append("Board     ", style="bold")
        about.append(f"{shown_path(self.board)}\n")
        about.append("Closes    ", style="bold")
        about.append(f"{summary.closes}   revoting: {summary.revoting}")
        yield Static(about, id="election", classes="clipped")
        choices = Text()
        for label, picked in self.ballot.review():
            choices.append(f"{label}: ", style="bold")
            choices.append(f"{picked}\n")
        choices.rstrip()
        yield Static(choices, id="choices")
        yield Label("Vote as", classes="hint")
        # Those holding a credential the election accepts come first, and say so; the DID
        # chosen is shown whole on its own line, which a narrow terminal cuts last.
        options = [
            (f"{i.label or i.did}{' (eligible)' if i.did in self.eligible else ''}", i.did)
            for i in self.identities
        ]
        first = options[0][1] if options else Select.BLANK
        yield Select(options, value=first, id="voter", allow_blank=not options)
        yield Static("" if first is Select.BLANK else str(first), id="did", classes="hint clipped")
        yield Static(
            "v casts it (encrypted, counted); h challenges it (opened and checked, never "
            "counted). Each asks first.",
            id="status",
            classes="hint",
        )
        yield ProgressBar(id="progress", show_eta=False, show_percentage=False)
        yield Static("", id="problem")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = "Ballot review"
        self.query_one(ProgressBar).display = False
        problems = self.ballot.problems()
        if problems:
            self.query_one("#problem", Static).update(" ".join(problems))
        self.query_one(Select).focus()

    def on_select_changed(self, event: Select.Changed) -> None:
        voter = event.value
        self.query_one("#did", Static).update(voter if isinstance(voter, str) else "")

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("cast", "challenge", "back"):
            return not self.busy
        return True

    def action_back(self) -> None:
        self.dismiss(None)

    def action_cast(self) -> None:
        self._confirm(challenge=False)

    def action_challenge(self) -> None:
        self._confirm(challenge=True)

    def _voter(self) -> str | None:
        voter = self.query_one(Select).value
        return voter if isinstance(voter, str) else None

    def _confirm(self, *, challenge: bool) -> None:
        if self.busy:
            return
        problems = self.ballot.problems()
        if problems:
            self.query_one("#problem", Static).update(" ".join(problems))
            return
        voter = self._voter()
        if voter is None:
            self.query_one("#problem", Static).update("Choose the identity that votes.")
            return
        body = Text()
        body.append(f"{self.summary.title or self.summary.election}\n", style="bold")
        for label, picked in self.ballot.review():
            body.append(f"  {label}: {picked}\n")
        body.append(f"as {voter}\n\n")
        if challenge:
            title, act = "Challenge this ballot?", "Challenge"
            body.append(
                "The encrypted ballot is opened and checked against your choices. It is "
                "posted as challenged and never counted; you then cast a fresh one."
            )
        else:
            title, act = "Cast this ballot?", "Cast"
            rule = (
                "A later ballot replaces it until the election closes."
                if self.summary.revoting == "last"
                else "It cannot be replaced."
            )
            body.append(f"It is encrypted, posted to the board and counted. {rule}")

        def answered(yes: bool | None) -> None:
            if yes:
                self.wallet_app.require_board_unlock(
                    self.board, lambda: self._post(voter, challenge)
                )

        self.app.push_screen(ConfirmDialog(title, body, act), answered)

    def _post(self, voter: str, challenge: bool) -> None:
        if self.busy:
            return
        self.busy = True
        self.challenging = challenge
        self.refresh_bindings()
        self.query_one("#problem", Static).update("")
        what = "Challenging" if challenge else "Casting"
        self.query_one("#status", Static).update(
            Text(f"{what} the ballot: encrypting, proving and posting to the board…", "bold")
        )
        bar = self.query_one(ProgressBar)
        bar.display = True
        bar.update(total=None)
        self.submit(voter, self.ballot.for_service(), challenge)

    @work(thread=True, exclusive=True, group="cast")
    def submit(self, voter: str, choices: dict[str, dict[str, int]], challenge: bool) -> None:
        """Encrypt, prove, present eligibility, sign and post; the board may refuse it."""
        action = "challenge the ballot" if challenge else "cast the ballot"
        try:
            with self.session.open() as wallet:
                outcome = vote(
                    wallet, self.board, self.summary.election, as_=voter, choices=choices,
                    challenge=challenge,
                )  # fmt: skip
        except Exception as exc:
            self.post_message(ServiceFailed.of(action, exc))
            return
        self.post_message(BallotCast(outcome))

    def _idle(self) -> None:
        self.busy = False
        self.query_one(ProgressBar).display = False
        self.query_one("#status", Static).update("")
        self.refresh_bindings()

    def on_service_failed(self, message: ServiceFailed) -> None:
        message.stop()
        self._idle()
        if issubclass(message.error, BoardLocked):
            # The board wanted its key's passphrase although the check before posting did not
            # ask (its sidecar changed in between, say): ask now, then post the ballot again.
            voter = self._voter()
            if voter is not None:
                retry = self.challenging
                self.wallet_app.ask_board_passphrase(self.board, lambda: self._post(voter, retry))
            return
        self.query_one("#problem", Static).update(message.reason)
        self.wallet_app.show_error(
            message.action, message.reason, error=message.error, details=message.details
        )

    def on_ballot_cast(self, message: BallotCast) -> None:
        self._idle()
        self.dismiss(message.outcome)
