"""Provides the parallel ballot-verification pool: chunked work over all cores, with progress.

The unit of work is one ballot entry's canonical bytes and its index, so what crosses the
process boundary is small and cheap to pickle; the election context (manifest, keys,
eligibility rule) is sent once per worker process through the pool's initializer.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from typing import Any, Generic, TypeVar

from voting.errors import AuditError

C = TypeVar("C")
R = TypeVar("R")

Progress = Callable[[int, int], None]
"""Called as `progress(done, total)` in the calling process while ballots are verified."""

# A chunk big enough to amortise the round trip, small enough to keep both cores busy
# until the end and the progress bar moving.
DEFAULT_CHUNK = 64

# Below this many ballots a process pool costs more to start than it saves.
SERIAL_BELOW = 48

# The per-process state set by the initializer: the verifying function and its context.
_worker: tuple[Callable[[Any, int, bytes], Any], Any] | None = None


def _init(fn: Callable[[Any, int, bytes], Any], context: Any) -> None:
    global _worker
    _worker = (fn, context)


def _run_chunk(items: Sequence[tuple[int, bytes]]) -> list[Any]:
    if _worker is None:
        raise AuditError("worker process was not initialised")
    fn, context = _worker
    return [fn(context, index, data) for index, data in items]


def default_workers() -> int:
    """Return the number of cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - platforms without sched_getaffinity.
        return max(1, os.cpu_count() or 1)


class BallotPool(Generic[C, R]):
    """Maps `fn(context, index, data)` over ballot entries, in parallel, in input order.

    `fn` must be a module-level function (it is pickled by reference) and `context`
    picklable. With one worker, or few ballots, it runs in this process.
    """

    def __init__(
        self,
        fn: Callable[[C, int, bytes], R],
        context: C,
        *,
        workers: int | None = None,
        chunk: int = DEFAULT_CHUNK,
    ) -> None:
        if workers is not None and workers < 1:
            raise AuditError(f"workers: got {workers}, want at least 1")
        if chunk < 1:
            raise AuditError(f"chunk: got {chunk}, want at least 1")
        self._fn = fn
        self._context = context
        self._workers = workers or default_workers()
        self._chunk = chunk

    @property
    def workers(self) -> int:
        """How many processes verify ballots."""
        return self._workers

    def map(self, items: Sequence[tuple[int, bytes]], progress: Progress | None = None) -> list[R]:
        """Return `fn` applied to every (index, data) pair, in the order given."""
        total = len(items)
        if progress is not None:
            progress(0, total)
        if self._workers == 1 or total < SERIAL_BELOW:
            return self._serial(items, progress)
        return self._parallel(items, progress)

    def _serial(self, items: Sequence[tuple[int, bytes]], progress: Progress | None) -> list[R]:
        results = []
        for n, (index, data) in enumerate(items, start=1):
            results.append(self._fn(self._context, index, data))
            if progress is not None and (n % self._chunk == 0 or n == len(items)):
                progress(n, len(items))
        return results

    def _parallel(self, items: Sequence[tuple[int, bytes]], progress: Progress | None) -> list[R]:
        total = len(items)
        # Keep each worker's chunks small enough that the last ones finish together.
        size = max(1, min(self._chunk, -(-total // (self._workers * 4))))
        chunks = [items[i : i + size] for i in range(0, total, size)]
        results: list[list[R] | None] = [None] * len(chunks)
        done = 0
        with ProcessPoolExecutor(
            max_workers=self._workers, initializer=_init, initargs=(self._fn, self._context)
        ) as pool:
            pending: dict[Future[list[R]], int] = {
                pool.submit(_run_chunk, chunk): n for n, chunk in enumerate(chunks)
            }
            while pending:
                finished, _ = wait(pending, return_when=FIRST_COMPLETED)
                for future in finished:
                    n = pending.pop(future)
                    results[n] = future.result()
                    done += len(chunks[n])
                    if progress is not None:
                        progress(done, total)
        return [r for chunk_results in results if chunk_results is not None for r in chunk_results]
