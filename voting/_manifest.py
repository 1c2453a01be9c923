"""Provides the election manifest: contests, options, selection limits (record spec §4.1)."""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field
from typing import Any

from voting import _json
from voting._hashing import RECORD_VERSION, digest
from voting.errors import EncodingError, ManifestError

_ID = re.compile(r"[a-z0-9][a-z0-9._-]{0,63}\Z")

# Upper limits keep every disjunctive proof to at most 101 branches (record spec §4.1).
MAX_TRUSTEES = 64
MAX_CONTESTS = 64
MAX_OPTIONS = 64
MAX_OPTION_VALUE = 100
MAX_SELECTIONS = 100


def _ident(obj: _json.JsonObject, what: str) -> str:
    value = _json.text(obj, "id", what, 64, ManifestError)
    if not _ID.match(value):
        raise ManifestError(f"{what}.id: {value!r} is not [a-z0-9][a-z0-9._-]*")
    return value


@dataclass(frozen=True, slots=True)
class Option:
    """One choice in a contest."""

    id: str
    label: str


@dataclass(frozen=True, slots=True)
class Contest:
    """A question: its options, how many selections in total, and how many per option."""

    id: str
    label: str
    options: tuple[Option, ...]
    min_selections: int
    max_selections: int
    option_max: int = 1

    def __post_init__(self) -> None:
        # §4.1 rules, checked for contests built in code as well as parsed ones.
        if not 1 <= len(self.options) <= MAX_OPTIONS:
            raise ManifestError(f"contest {self.id}: want 1..{MAX_OPTIONS} options")
        ids = [o.id for o in self.options]
        for ident in (self.id, *ids):
            if not _ID.match(ident):
                raise ManifestError(f"id {ident!r} is not [a-z0-9][a-z0-9._-]*")
        if len(set(ids)) != len(ids):
            raise ManifestError(f"contest {self.id}: duplicate option id")
        if not 1 <= self.option_max <= MAX_OPTION_VALUE:
            raise ManifestError(f"contest {self.id}: optionMax must be 1..{MAX_OPTION_VALUE}")
        ceiling = min(MAX_SELECTIONS, len(self.options) * self.option_max)
        if not 1 <= self.max_selections <= ceiling:
            raise ManifestError(
                f"contest {self.id}: maxSelections got {self.max_selections}, want 1..{ceiling}"
            )
        if not 0 <= self.min_selections <= self.max_selections:
            raise ManifestError(f"contest {self.id}: minSelections must be 0..maxSelections")

    @property
    def option_bound(self) -> int:
        """The largest value one ballot can give one option."""
        return min(self.option_max, self.max_selections)


@dataclass(frozen=True, slots=True)
class Manifest:
    """An election's public definition; its hash is bound into every proof (§4.1)."""

    election_id: str
    title: str
    trustee_count: int
    threshold: int
    contests: tuple[Contest, ...]
    eligibility: dict[str, Any] | None = field(default=None, compare=True)

    def __post_init__(self) -> None:
        if not 1 <= self.threshold <= self.trustee_count <= MAX_TRUSTEES:
            raise ManifestError(f"trustees: want 1 <= threshold <= count <= {MAX_TRUSTEES}")
        if not 1 <= len(self.contests) <= MAX_CONTESTS:
            raise ManifestError(f"contests: want 1..{MAX_CONTESTS}")
        ids = [c.id for c in self.contests]
        if len(set(ids)) != len(ids):
            raise ManifestError("contests: duplicate contest id")
        if self.eligibility is not None:
            # A private deep copy keeps the frozen manifest from changing under its hash.
            object.__setattr__(self, "eligibility", copy.deepcopy(self.eligibility))

    @classmethod
    def from_json(cls, data: str | bytes | _json.JsonObject) -> Manifest:
        """Parse and check a manifest; unknown keys are refused because they are not hashed."""
        try:
            obj = _json.load(data, "manifest")
        except EncodingError as exc:
            raise ManifestError(str(exc)) from None
        _json.keys(
            obj,
            "manifest",
            {"version", "electionId", "title", "trustees", "contests"},
            frozenset({"eligibility"}),
            ManifestError,
        )
        if obj["version"] != RECORD_VERSION or isinstance(obj["version"], bool):
            raise ManifestError(f"manifest.version: got {obj['version']!r}, want 1")
        trustees = obj["trustees"]
        if not isinstance(trustees, dict):
            raise ManifestError("manifest.trustees: want an object")
        _json.keys(trustees, "trustees", {"count", "threshold"}, error=ManifestError)
        eligibility = obj.get("eligibility")
        if eligibility is not None and not isinstance(eligibility, dict):
            raise ManifestError("manifest.eligibility: want an object")
        contests = []
        for i, raw in enumerate(
            _json.array(obj, "contests", "manifest", 1, MAX_CONTESTS, ManifestError)
        ):
            contests.append(_contest(raw, f"contests[{i}]"))
        return cls(
            election_id=_json.text(obj, "electionId", "manifest", 128, ManifestError),
            title=_json.text(obj, "title", "manifest", 256, ManifestError),
            trustee_count=_json.integer(
                trustees, "count", "trustees", 1, MAX_TRUSTEES, ManifestError
            ),
            threshold=_json.integer(
                trustees, "threshold", "trustees", 1, MAX_TRUSTEES, ManifestError
            ),
            contests=tuple(contests),
            eligibility=eligibility,
        )

    def to_json(self) -> _json.JsonObject:
        """Return the normal form: every field present, optionMax included (§4.1)."""
        obj: _json.JsonObject = {
            "version": RECORD_VERSION,
            "electionId": self.election_id,
            "title": self.title,
            "trustees": {"count": self.trustee_count, "threshold": self.threshold},
            "contests": [
                {
                    "id": c.id,
                    "label": c.label,
                    "minSelections": c.min_selections,
                    "maxSelections": c.max_selections,
                    "optionMax": c.option_max,
                    "options": [{"id": o.id, "label": o.label} for o in c.options],
                }
                for c in self.contests
            ],
        }
        if self.eligibility is not None:
            obj["eligibility"] = copy.deepcopy(self.eligibility)
        return obj

    def canonical_bytes(self) -> bytes:
        """Return the JCS bytes of the normal form."""
        try:
            return _json.canonical(self.to_json())
        except EncodingError as exc:
            raise ManifestError(f"manifest: {exc}") from None

    def hash(self) -> bytes:
        """Return the manifest hash H_M (record spec §3.2)."""
        return digest("manifest", self.canonical_bytes())

    def contest_index(self, contest_id: str) -> int:
        """Return a contest's position, or raise ManifestError."""
        for i, c in enumerate(self.contests):
            if c.id == contest_id:
                return i
        raise ManifestError(f"no contest {contest_id!r}")


def _contest(raw: object, what: str) -> Contest:
    if not isinstance(raw, dict):
        raise ManifestError(f"{what}: want an object")
    _json.keys(
        raw,
        what,
        {"id", "label", "minSelections", "maxSelections", "options"},
        frozenset({"optionMax"}),
        ManifestError,
    )
    options = []
    for j, o in enumerate(_json.array(raw, "options", what, 1, MAX_OPTIONS, ManifestError)):
        where = f"{what}.options[{j}]"
        if not isinstance(o, dict):
            raise ManifestError(f"{where}: want an object")
        _json.keys(o, where, {"id", "label"}, error=ManifestError)
        options.append(Option(_ident(o, where), _json.text(o, "label", where, 256, ManifestError)))
    option_max = 1
    if "optionMax" in raw:
        option_max = _json.integer(raw, "optionMax", what, 1, MAX_OPTION_VALUE, ManifestError)
    return Contest(
        id=_ident(raw, what),
        label=_json.text(raw, "label", what, 256, ManifestError),
        options=tuple(options),
        min_selections=_json.integer(raw, "minSelections", what, 0, MAX_SELECTIONS, ManifestError),
        max_selections=_json.integer(raw, "maxSelections", what, 0, MAX_SELECTIONS, ManifestError),
        option_max=option_max,
    )
