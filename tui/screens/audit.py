"""Provides `AuditScreen`: pick an election record, audit it with live progress, see each check."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import Footer, Header, Label, ProgressBar, Static

from tui.data import describe_error, shown_path
from tui.dialogs import PathDialog
from tui.messages import AuditFinished, AuditProgress, ServiceFailed
from tui.screens.base import MainScreen
from tui.widgets import VerificationTable
from wallet.services import audit_record


class AuditScreen(MainScreen):
    """The same audit as `wallet audit`: every numbered check, then the verdict."""

    DEFAULT_CSS = """
    AuditScreen VerificationTable { height: 1fr; max-height: 100%; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("o", "open", "Audit a record"),
        Binding("r", "rerun", "Run again"),
    ]

    record: Path | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield Label("Audit", classes="heading")
        yield Static("No record chosen: press o and give an exported record directory.",
                     id="record", classes="hint", markup=False)  # fmt: skip
        yield ProgressBar(id="progress", show_eta=False)
        yield Static("", id="verdict", classes="heading")
        yield VerificationTable(id="checks")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = "Audit"
        # The bar appears with the first audit; an idle bar would only pulse.
        self.query_one(ProgressBar).display = False

    def action_open(self) -> None:
        dialog = PathDialog(
            "Audit an election record",
            "An exported record directory (entries.jsonl, checkpoint, board.vkey).",
            "Audit",
            value=str(self.record or ""),
        )
        self.app.push_screen(dialog, self._record_chosen)

    def _record_chosen(self, path: Path | None) -> None:
        if path is not None:
            self.record = path.expanduser()
            self.action_rerun()

    def action_rerun(self) -> None:
        if self.record is None:
            self.action_open()
            return
        self.query_one("#record", Static).update(f"Record {shown_path(self.record)}")
        self.query_one("#verdict", Static).update("Auditing…")
        self.query_one(VerificationTable).clear()
        bar = self.query_one(ProgressBar)
        bar.display = True
        bar.update(total=None, progress=0)
        self.run_audit(self.record)

    @work(thread=True, exclusive=True, group="audit")
    def run_audit(self, record: Path) -> None:
        """Verify the whole record; ballot proofs report their progress as they go."""

        def progress(done: int, total: int) -> None:
            self.post_message(AuditProgress(done, total))

        try:
            report = audit_record(record, progress=progress)
        except Exception as exc:
            self.post_message(ServiceFailed("audit the record", describe_error(exc)))
            return
        self.post_message(AuditFinished(report))

    def on_audit_progress(self, message: AuditProgress) -> None:
        self.query_one(ProgressBar).update(total=max(message.total, 1), progress=message.done)

    def on_audit_finished(self, message: AuditFinished) -> None:
        bar = self.query_one(ProgressBar)
        bar.update(total=bar.total or 1, progress=bar.total or 1)
        report = message.report
        if report.verified:
            verdict = Text(
                f"✓ Audit PASSED: {report.about}; no check failed (checks an unfinished election "
                "has not reached yet are not applicable).",
                style="bold green",
            )
        else:
            failed = ", ".join(c.label for c in report.failures()) or "none"
            verdict = Text(
                f"✗ Audit FAILED: {report.about}; failed {failed} (a skipped check is not a pass).",
                style="bold red",
            )
        self.query_one("#verdict", Static).update(verdict)
        table = self.query_one(VerificationTable)
        table.show(report)
        table.focus()

    def on_service_failed(self, message: ServiceFailed) -> None:
        # Textual then runs WalletScreen's handler too, which opens the error dialog.
        self.query_one("#verdict", Static).update("")
