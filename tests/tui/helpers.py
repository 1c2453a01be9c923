"""Provides helpers for driving the TUI under Pilot: settling workers, reading the screen."""

from __future__ import annotations

from typing import Any

from textual.pilot import Pilot
from textual.widgets import Static

from tui.app import WalletApp


async def settle(pilot: Pilot[Any]) -> None:
    """Wait until no worker runs and every message they posted has been handled.

    A handled message may start another worker (creating reloads the list), so this loops
    until a pass finds nothing running.
    """
    for _ in range(50):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        if not any(worker.is_running for worker in pilot.app.workers):
            await pilot.pause()
            return
    raise AssertionError("workers never settled")


async def type_text(pilot: Pilot[Any], text: str) -> None:
    await pilot.press(*text)


def static_text(app: WalletApp, selector: str) -> str:
    """The plain text a Static (or Label) at `selector` on the top screen shows."""
    return str(app.screen.query_one(selector, Static).render())
