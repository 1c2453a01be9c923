"""Tests the board's group commit (`wallet.board._sequencer`): entries that wait while a group
is being committed are committed together by the next thread that gets the write lock, and
a failed commit fails every entry of its group."""

from __future__ import annotations

import threading
from typing import Any, cast

import pytest

from wallet.board._sequencer import Sequencer, Waiting


def _item(name: str) -> Waiting:
    # The sequencer never looks into the entry; a name tells the items apart here.
    return Waiting(cast(Any, name))


def _wait_until(condition: Any) -> None:
    pause = threading.Event()
    while not condition():
        pause.wait(0.001)


def test_entries_waiting_during_a_commit_are_committed_as_one_group() -> None:
    sequencer = Sequencer()
    groups: list[list[str]] = []
    first_in = threading.Event()
    release = threading.Event()

    def commit(group: list[Waiting]) -> None:
        groups.append([str(item.entry) for item in group])
        if len(groups) == 1:
            first_in.set()
            release.wait(30)

    items = {name: _item(name) for name in ("a", "b", "c", "d")}
    threads = [threading.Thread(target=sequencer.place, args=(items["a"], commit))]
    threads[0].start()
    assert first_in.wait(30)
    for name in ("b", "c", "d"):
        thread = threading.Thread(target=sequencer.place, args=(items[name], commit))
        thread.start()
        threads.append(thread)
    _wait_until(lambda: sequencer.waiting() == 3)
    release.set()
    for thread in threads:
        thread.join(30)
    assert groups[0] == ["a"]
    assert sorted(groups[1]) == ["b", "c", "d"] and len(groups) == 2
    assert all(item.done and item.error is None for item in items.values())


def test_a_failed_commit_fails_its_whole_group() -> None:
    sequencer = Sequencer()

    def commit(group: list[Waiting]) -> None:
        raise OSError("the store is gone")

    item = _item("a")
    with pytest.raises(OSError, match="the store is gone"):
        sequencer.place(item, commit)
    assert item.done and isinstance(item.error, OSError)
