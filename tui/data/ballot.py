"""Provides the ballot form's model: each contest's options and limits, and the choices made.

The contests come from the election summary the services give (`show_election`). Limits are
used when the summary carries them (`minSelections`, `maxSelections`); otherwise the form
cannot check them and the service's own check, before anything is posted, says why.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class ContestSpec:
    """One contest as the ballot form shows it."""

    id: str
    label: str
    options: tuple[tuple[str, str], ...]
    minimum: int | None = None
    maximum: int | None = None

    def limits(self) -> str:
        """The rule in words, for the step's heading."""
        if self.minimum is None or self.maximum is None:
            return "Choose your options (the limits are checked when you cast)."
        if self.minimum == self.maximum:
            return f"Choose exactly {_options(self.minimum)}."
        if self.minimum == 0:
            return f"Choose up to {_options(self.maximum)} (or none)."
        return f"Choose between {self.minimum} and {self.maximum} options."

    def problem(self, chosen: int) -> str | None:
        """Why `chosen` selections break this contest's limits, or None when they are fine."""
        if self.minimum is not None and chosen < self.minimum:
            return f"{self.label}: choose at least {_options(self.minimum)} (you chose {chosen})."
        if self.maximum is not None and chosen > self.maximum:
            return f"{self.label}: choose at most {_options(self.maximum)} (you chose {chosen})."
        return None


def _options(n: int) -> str:
    return "1 option" if n == 1 else f"{n} options"


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def contests_from_summary(summary: dict[str, Any]) -> list[ContestSpec]:
    """The contests of an election summary, in manifest order."""
    specs = []
    for contest in summary.get("contests", []):
        options = []
        for option in contest.get("options", []):
            if isinstance(option, dict):
                options.append((str(option["id"]), str(option.get("label") or option["id"])))
            else:
                options.append((str(option), str(option)))
        specs.append(
            ContestSpec(
                id=str(contest["id"]),
                label=str(contest.get("label") or contest["id"]),
                options=tuple(options),
                minimum=_int(contest.get("minSelections")),
                maximum=_int(contest.get("maxSelections")),
            )
        )
    return specs


@dataclass
class BallotChoices:
    """The options chosen so far, per contest id, in the order the form shows them."""

    contests: list[ContestSpec]
    chosen: dict[str, list[str]] = field(default_factory=dict)

    def problems(self) -> list[str]:
        """Every contest whose choices break its limits, in words."""
        found = (c.problem(len(self.chosen.get(c.id, []))) for c in self.contests)
        return [problem for problem in found if problem is not None]

    def for_service(self) -> dict[str, dict[str, int]]:
        """The choices as `vote` takes them: contest → option → 1."""
        return {c: {o: 1 for o in options} for c, options in self.chosen.items() if options}

    def review(self) -> list[tuple[str, str]]:
        """(contest label, chosen option labels) for the review step."""
        rows = []
        for contest in self.contests:
            labels = dict(contest.options)
            picked = [labels.get(o, o) for o in self.chosen.get(contest.id, [])]
            rows.append((contest.label, ", ".join(picked) or "(no choice)"))
        return rows
