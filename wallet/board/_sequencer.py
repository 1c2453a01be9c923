"""Provides `Sequencer`: the board places voters' entries in its log, in groups (DESIGN §5.5).

A voter's entry (`ballot`, `challenged`) is signed without `seq` and `prev`
(election-entries §3.1), so the board checks it completely — signature, proofs, eligibility —
before it takes any lock (`voting.board.check_unplaced`), and then hands it here to get a
place. Placing is group commit: every thread puts its entry in the election's queue and takes
the election's write lock; the thread that gets the lock places every entry waiting at that
moment, one after another on the log's head, checks each with the fast replayable rules
(`check_rules`: phase, window, time order, ballot id new, …), appends them all in one
compare-and-append transaction and publishes one checkpoint that covers them. The others
find their entry placed when they get the lock. If another server of the board appended
first, the group is placed again on the new head; no voter signs again.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from voting.board import Entry
    from voting.errors import RejectedEntry


@dataclass(eq=False)
class Waiting:
    """One voter's entry waiting for its place, and what became of it."""

    entry: Entry
    placed: Entry | None = None
    # False when the same signed entry was already in the log (its receipt is returned).
    created: bool = True
    refused: RejectedEntry | None = None
    error: BaseException | None = None
    done: bool = False
    # The checkpoint published after the group's commit, which covers the entry.
    note: str | None = None

    def reset(self) -> None:
        """Forget a placement that did not commit (the group is placed again)."""
        self.placed, self.created, self.refused = None, True, None


@dataclass(eq=False)
class Sequencer:
    """The queue and write lock of one election in one server process."""

    write_lock: threading.Lock = field(default_factory=threading.Lock)
    _queue: list[Waiting] = field(default_factory=list)
    _queue_lock: threading.Lock = field(default_factory=threading.Lock)

    def waiting(self) -> int:
        """How many entries wait for the next group."""
        with self._queue_lock:
            return len(self._queue)

    def place(self, item: Waiting, commit: Callable[[list[Waiting]], None]) -> Waiting:
        """Queue `item`; whoever holds the write lock commits the whole queue with `commit`.

        `commit` sets `placed` or `refused` on every item it was given; if it raises, every
        item of its group gets the error. Returns `item`, done.
        """
        with self._queue_lock:
            self._queue.append(item)
        with self.write_lock:
            if not item.done:
                with self._queue_lock:
                    group, self._queue = self._queue, []
                try:
                    commit(group)
                except BaseException as exc:
                    for waiting in group:
                        waiting.error = exc
                    raise
                finally:
                    for waiting in group:
                        waiting.done = True
        if item.error is not None:
            raise item.error
        return item
