"""`watch`, the loop behind the commands that wait for others: it acts on each new state at
once, says once per reason what it waits for, and gives up at its deadline. Driven here with
an injected sleep and clock: nothing waits for real time."""

from __future__ import annotations

import io
from contextlib import redirect_stderr
from dataclasses import dataclass, field
from typing import Any

import pytest

from wallet.cli._election_flow import watch
from wallet.errors import EnvironmentProblem, NotFound


@dataclass
class _Note:
    text: str


@dataclass
class _Board:
    """A board whose checkpoint follows a script: None (no election), then sizes."""

    script: list[int | None]
    states: list[str] = field(default_factory=list)

    def checkpoint(self, election: str) -> _Note | None:
        size = self.script.pop(0) if len(self.script) > 1 else self.script[0]
        if size is None:
            raise NotFound(f"no election {election}")
        return _Note(f"size {size}")

    def state(self, election: str) -> Any:
        self.states.append(election)
        return f"state {len(self.states)}"


def test_watch_yields_each_new_state_and_says_once_what_it_waits_for() -> None:
    board = _Board([None, None, 1, 1, 1, 2, 2])
    slept: list[float] = []
    seen: list[object] = []
    err = io.StringIO()
    with redirect_stderr(err):
        for state in watch(board, "e", lambda s: f"more than {s}", every=1.5,  # type: ignore[arg-type]
                           timeout=None, sleep=slept.append, clock=lambda: 0.0):  # fmt: skip
            seen.append(state)
            if len(seen) == 2:
                break
    assert seen == ["state 1", "state 2"]
    # Two looks before the election existed, two at size 1; never a sleep right after a yield.
    assert slept == [1.5, 1.5, 1.5, 1.5]
    said = err.getvalue().splitlines()
    assert said == [
        "waiting: more than None (looking every 1.5 s; Ctrl-C stops, nothing is lost)",
        "waiting: more than state 1 (looking every 1.5 s; Ctrl-C stops, nothing is lost)",
    ]


def test_watch_gives_up_at_its_deadline_with_the_reason() -> None:
    board = _Board([3])
    now = [100.0]

    def sleep(seconds: float) -> None:
        now[0] += seconds

    with redirect_stderr(io.StringIO()), pytest.raises(EnvironmentProblem) as caught:
        for _ in watch(board, "e", lambda s: "the tally", every=2,  # type: ignore[arg-type]
                       timeout=5, sleep=sleep, clock=lambda: now[0]):  # fmt: skip
            pass
    assert "gave up waiting after 5 s: the tally" in str(caught.value)
    assert now[0] == 106.0  # Three looks of 2 s after the first state, then the deadline.
    assert caught.value.exit_code == 3
