"""Provides `MemoryLogStore`: the log store in memory, for tests and short-lived tools."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from voting.chain._merkle import CompactRange, leaf_hash
from voting.chain._storage import LogStore, _check_log_id, _check_not_older
from voting.errors import StorageError


@dataclass
class _MemoryLog:
    leaves: list[bytes] = field(default_factory=list)
    levels: list[list[bytes]] = field(default_factory=list)
    border: CompactRange = field(default_factory=CompactRange)
    checkpoints: list[tuple[int, str]] = field(default_factory=list)


class MemoryLogStore(LogStore):
    """A log store in memory, for tests and short-lived tools."""

    def __init__(self) -> None:
        self._logs: dict[str, _MemoryLog] = {}

    def _log(self, log_id: str) -> _MemoryLog:
        try:
            return self._logs[log_id]
        except KeyError:
            raise StorageError(f"unknown log {log_id!r}") from None

    def create_log(self, log_id: str) -> None:
        _check_log_id(log_id)
        if log_id in self._logs:
            raise StorageError(f"log {log_id!r} already exists")
        self._logs[log_id] = _MemoryLog()

    def logs(self) -> list[str]:
        return list(self._logs)

    def size(self, log_id: str) -> int:
        return len(self._log(log_id).leaves)

    def _node(self, log_id: str, level: int, index: int) -> bytes:
        levels = self._log(log_id).levels
        if level >= len(levels) or index >= len(levels[level]):
            raise StorageError(f"log {log_id!r}: node ({level}, {index}) is not stored")
        return levels[level][index]

    def _append_with(self, log_id: str, place: Callable[[int], list[bytes]]) -> range:
        log = self._log(log_id)
        start = len(log.leaves)
        items = place(start)
        # Build on a copy of the border so that a failure part-way changes nothing.
        border = log.border.copy()
        new_nodes = [node for data in items for node in border.append(leaf_hash(data))]
        for level, _index, value in new_nodes:
            while len(log.levels) <= level:
                log.levels.append([])
            log.levels[level].append(value)
        log.leaves.extend(items)
        log.border = border
        return range(start, start + len(items))

    def leaves(self, log_id: str, start: int, end: int) -> list[bytes]:
        log = self._log(log_id)
        if not 0 <= start <= end <= len(log.leaves):
            raise StorageError(f"leaf range [{start}, {end}) out of range")
        return log.leaves[start:end]

    def _store_checkpoint(self, log_id: str, size: int, note: str) -> None:
        log = self._log(log_id)
        if log.checkpoints:
            _check_not_older(size, log.checkpoints[-1][0])
        log.checkpoints.append((size, note))

    def checkpoints(self, log_id: str) -> list[str]:
        return [note for _size, note in self._log(log_id).checkpoints]
