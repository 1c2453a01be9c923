"""Provides `Turns`: a first-come, first-served queue per election for writers that ask for
a turn before signing their entry on the head.

Entries are signed over the head (`seq`, `prev`), so writers who sign on the same head race
and all but one must sign again. A writer that asks `GET …/head?turn=1` waits in line and
gets the head when it is its turn; its submission then meets no race in this process, and
writers are served in the order they came. The turn ends when its holder's submission is
answered, or after a short lease, so a writer who never submits delays the line by at most
the lease. A turn is a scheduling courtesy, not a lock: it guards nothing, the store's
compare-and-append still decides, and a writer without a turn is served as before.
"""

from __future__ import annotations

import asyncio
import secrets
from collections import deque
from typing import Any

# A turn's token, and the head when the previous turn's entry was just committed.
Grant = tuple[str, dict[str, Any] | None]


class Turns:
    """Turns per election, in one server process (one event loop)."""

    def __init__(self, lease: float = 1.0) -> None:
        self.lease = lease
        self._holders: dict[str, tuple[str, asyncio.TimerHandle]] = {}
        self._waiting: dict[str, deque[asyncio.Future[Grant]]] = {}

    async def acquire(self, election: str) -> Grant:
        """Wait for the election's turn; return its token, and the head when the previous
        holder's entry just made it (cancelled waiters leave the line)."""
        if election not in self._holders:
            return self._grant(election), None
        future: asyncio.Future[Grant] = asyncio.get_running_loop().create_future()
        self._waiting.setdefault(election, deque()).append(future)
        try:
            return await future
        except asyncio.CancelledError:
            if future.done() and not future.cancelled():
                self.release(election, future.result()[0])
            raise

    def release(self, election: str, token: str, head: dict[str, Any] | None = None) -> None:
        """End a turn (a stale or unknown token does nothing) and grant the next one,
        handing it `head` when the ending turn appended an entry."""
        held = self._holders.get(election)
        if held is None or held[0] != token:
            return
        held[1].cancel()
        del self._holders[election]
        queue = self._waiting.get(election)
        while queue:
            future = queue.popleft()
            if not future.done():
                future.set_result((self._grant(election), head))
                return
        self._waiting.pop(election, None)

    def renew(self, election: str, token: str) -> None:
        """Give the holder of a turn a fresh lease (its entry lost a race to another server)."""
        held = self._holders.get(election)
        if held is None or held[0] != token:
            return
        held[1].cancel()
        expiry = asyncio.get_running_loop().call_later(self.lease, self.release, election, token)
        self._holders[election] = (token, expiry)

    def waiting(self, election: str) -> int:
        return len(self._waiting.get(election, ()))

    def _grant(self, election: str) -> str:
        token = secrets.token_hex(8)
        expiry = asyncio.get_running_loop().call_later(self.lease, self.release, election, token)
        self._holders[election] = (token, expiry)
        return token
