"""Provides the ballot form's model: each contest's options and limits, and the choices made.

The contests come from the election summary the services give (`show_election`), with their
selection limits, so the form checks them at each step.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from wallet.services import CredentialSummary, ElectionSummary, Identity


@dataclass(frozen=True)
class ContestSpec:
    """One contest as the ballot form shows it."""

    id: str
    label: str
    options: tuple[tuple[str, str], ...]
    minimum: int | None = None
    maximum: int | None = None

    @property
    def radio(self) -> bool:
        """Whether at most one option may be chosen: radio buttons rather than checkboxes."""
        return self.maximum == 1

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


def contests_from_summary(summary: ElectionSummary) -> list[ContestSpec]:
    """The contests of an election summary, in manifest order, with their limits."""
    return [
        ContestSpec(
            id=contest.id,
            label=contest.label or contest.id,
            options=tuple((option.id, option.label or option.id) for option in contest.options),
            minimum=contest.min_selections,
            maximum=contest.max_selections,
        )
        for contest in summary.contests
    ]


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


def eligible_first(
    identities: list[Identity],
    credentials: list[CredentialSummary],
    eligibility: Mapping[str, Any] | None,
) -> tuple[list[Identity], set[str]]:
    """The identities, those holding a credential the election accepts first, and their DIDs.

    A credential is accepted when one of the election's issuers gave it, of its credential
    type (record spec's eligibility rule); the board checks it again, this only orders the
    form so that the identity most likely to vote is the one offered.
    """
    rule = eligibility or {}
    issuers = set(rule.get("issuers") or ())
    wanted = rule.get("credentialType")
    holders = {
        c.subject
        for c in credentials
        if c.subject and (not issuers or c.issuer in issuers) and (not wanted or wanted in c.types)
    }
    ordered = sorted(identities, key=lambda i: i.did not in holders)
    return ordered, holders & {i.did for i in identities}
