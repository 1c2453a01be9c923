"""Provides helpers for driving the TUI under Pilot: settling workers, reading the screen."""

from __future__ import annotations

from typing import Any

from textual.pilot import Pilot
from textual.widgets import DataTable, Static

from tui.app import WalletApp


async def settle(pilot: Pilot[Any]) -> None:
    """Wait until no worker runs, every message they posted has been handled, and the
    tables on the screen have measured their rows.

    A handled message may start another worker (creating reloads the list), so this loops
    until a pass finds nothing running. A DataTable sizes its columns when it next falls
    idle, so a snapshot taken before that would show them at their headings' width.
    """
    for _ in range(50):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        if not any(worker.is_running for worker in pilot.app.workers):
            await pilot.pause()
            break
    else:
        raise AssertionError("workers never settled")
    for _ in range(50):
        if not _unmeasured_tables(pilot.app):
            return
        await pilot.pause(0.01)
    raise AssertionError(f"tables never measured their rows: {_unmeasured_tables(pilot.app)}")


def _unmeasured_tables(app: Any) -> list[str]:
    """The shown tables whose size does not yet count every row (one line each)."""
    late = []
    for table in app.screen.query(DataTable):
        if not table.display:
            continue
        want = table.row_count + (1 if table.show_header else 0)
        if table.virtual_size.height != want:
            late.append(f"{table.id}: {table.virtual_size.height} lines for {want}")
    return late


async def type_text(pilot: Pilot[Any], text: str) -> None:
    await pilot.press(*text)


def static_text(app: WalletApp, selector: str) -> str:
    """The plain text a Static (or Label) at `selector` on the top screen shows."""
    return str(app.screen.query_one(selector, Static).render())
