"""Provides the `election` entry body and the value forms of every entry (election-entries §4.1)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import ClassVar

from voting._json import JsonObject, array, keys, text
from voting._manifest import MAX_TRUSTEES, Manifest
from voting.board._eligibility import EligibilityRule
from voting.chain import Ed25519Verifier, WitnessPolicy
from voting.errors import CheckpointError, EncodingError, VotingError

_TIME = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z\Z")
_ELECTION_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,127}\Z")
REVOTING_RULES = ("last", "first")
MAX_STATUS_LISTS = 64


def format_time(moment: datetime) -> str:
    """Return `YYYY-MM-DDTHH:MM:SSZ` in UTC, whole seconds (election-entries §1)."""
    if not isinstance(moment, datetime) or moment.tzinfo is None:
        raise EncodingError("time: want a timezone-aware datetime")
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_time(value: object, what: str) -> datetime:
    """Parse the one time form entries use; anything else is an EncodingError."""
    if not isinstance(value, str) or not _TIME.match(value):
        raise EncodingError(f"{what}: want YYYY-MM-DDTHH:MM:SSZ")
    try:
        return datetime.strptime(value, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    except ValueError:
        raise EncodingError(f"{what}: {value!r} is not a valid time") from None


def whole_seconds(moment: datetime) -> datetime:
    """Return the moment in UTC truncated to whole seconds, as entries carry it."""
    return parse_time(format_time(moment), "time")


def check_election_id(value: object) -> str:
    """Election ids are also log ids, origins and file names: `[A-Za-z0-9][A-Za-z0-9._-]*`."""
    if not isinstance(value, str) or not _ELECTION_ID.match(value):
        raise EncodingError(f"election id {str(value)[:80]!r}: want [A-Za-z0-9][A-Za-z0-9._-]*")
    return value


def check_did(value: object, what: str, *, url: bool = False) -> str:
    """A DID (or, with `url`, a DID URL with a fragment): printable, at most 2048 chars."""
    did = text({"v": value}, "v", what, 2048)
    if not did.startswith("did:") or ("#" in did) != url:
        want = "a DID URL with a fragment" if url else "a DID without a fragment"
        raise EncodingError(f"{what}: {did[:80]!r} is not {want}")
    return did


def obj_of(data: object, what: str) -> JsonObject:
    """Return `data` if it is a JSON object, else raise EncodingError naming `what`."""
    if not isinstance(data, dict):
        raise EncodingError(f"{what}: want an object")
    return data


@dataclass(frozen=True)
class ElectionBody:
    """`election`: the manifest and the rules the board enforces (§4.1)."""

    TYPE: ClassVar[str] = "election"
    manifest: Manifest
    authority: str
    trustees: tuple[str, ...]
    opens: datetime
    closes: datetime
    revoting: str
    origin: str
    vkey: str
    # The witnesses that must cosign the election's checkpoints and their quorum k (§4.1,
    # version 3); None: no witness is required, and the election has no split-view defence.
    witnesses: WitnessPolicy | None = None

    def __post_init__(self) -> None:
        check_election_id(self.manifest.election_id)
        check_did(self.authority, "election.authority")
        if len(self.trustees) != self.manifest.trustee_count:
            raise EncodingError(
                f"election.trustees: got {len(self.trustees)}, want {self.manifest.trustee_count}"
            )
        for did in self.trustees:
            check_did(did, "election.trustees")
        if len(set(self.trustees)) != len(self.trustees):
            raise EncodingError("election.trustees: a DID appears twice")
        if self.opens.tzinfo is None or self.closes.tzinfo is None:
            raise EncodingError("election.window: want timezone-aware times")
        object.__setattr__(self, "opens", whole_seconds(self.opens))
        object.__setattr__(self, "closes", whole_seconds(self.closes))
        if not self.opens < self.closes:
            raise EncodingError("election.window: opens must be before closes")
        if self.revoting not in REVOTING_RULES:
            raise EncodingError(f"election.revoting: got {self.revoting!r}, want last or first")
        if self.manifest.eligibility is None:
            raise EncodingError("election.manifest: an election needs an eligibility rule")
        try:
            EligibilityRule.from_json(self.manifest.eligibility)
            Ed25519Verifier.from_vkey(self.vkey)
        except (VotingError, CheckpointError) as exc:
            raise EncodingError(f"election: {exc}") from None
        text({"o": self.origin}, "o", "election.board.origin", 256)
        if self.witnesses is not None:
            _check_witnesses(self.witnesses, self.vkey)

    @property
    def eligibility(self) -> EligibilityRule:
        """The manifest's eligibility rule, parsed."""
        return EligibilityRule.from_json(self.manifest.eligibility)

    @property
    def verifier(self) -> Ed25519Verifier:
        """The board's checkpoint verifier named in the election."""
        return Ed25519Verifier.from_vkey(self.vkey)

    def trustee_index(self, did: str) -> int | None:
        """Return the 1-based index of a trustee's DID, or None."""
        return self.trustees.index(did) + 1 if did in self.trustees else None

    def to_json(self) -> JsonObject:
        """Return the body object."""
        return {
            "manifest": self.manifest.to_json(),
            "manifestHash": self.manifest.hash().hex(),
            "authority": self.authority,
            "trustees": [{"index": i, "did": d} for i, d in enumerate(self.trustees, 1)],
            "window": {"opens": format_time(self.opens), "closes": format_time(self.closes)},
            "revoting": self.revoting,
            "board": {"origin": self.origin, "vkey": self.vkey},
        } | ({} if self.witnesses is None else {"witnesses": self.witnesses.to_json()})

    @classmethod
    def from_json(cls, data: object) -> ElectionBody:
        """Parse and check the body; the manifest hash must match the manifest."""
        obj = obj_of(data, "election")
        keys(
            obj,
            "election",
            {"manifest", "manifestHash", "authority", "trustees", "window", "revoting", "board"},
            frozenset({"witnesses"}),
        )
        try:
            manifest = Manifest.from_json(obj["manifest"])
        except VotingError as exc:
            raise EncodingError(f"election.manifest: {exc}") from None
        if obj["manifestHash"] != manifest.hash().hex():
            raise EncodingError("election.manifestHash: does not match the manifest")
        trustees = []
        for i, item in enumerate(array(obj, "trustees", "election", 1, MAX_TRUSTEES), 1):
            item = obj_of(item, f"election.trustees[{i - 1}]")
            keys(item, f"election.trustees[{i - 1}]", {"index", "did"})
            if item["index"] != i or isinstance(item["index"], bool):
                raise EncodingError(f"election.trustees[{i - 1}].index: want {i}")
            trustees.append(check_did(item["did"], f"election.trustees[{i - 1}].did"))
        window = obj_of(obj["window"], "election.window")
        keys(window, "election.window", {"opens", "closes"})
        board = obj_of(obj["board"], "election.board")
        keys(board, "election.board", {"origin", "vkey"})
        vkey = board["vkey"]
        if not isinstance(vkey, str):
            raise EncodingError("election.board.vkey: want a string")
        return cls(
            manifest,
            check_did(obj["authority"], "election.authority"),
            tuple(trustees),
            parse_time(window["opens"], "election.window.opens"),
            parse_time(window["closes"], "election.window.closes"),
            str(obj["revoting"]),
            text(board, "origin", "election.board", 256),
            vkey,
            None if "witnesses" not in obj else _parse_witnesses(obj["witnesses"]),
        )


def _parse_witnesses(data: object) -> WitnessPolicy:
    try:
        return WitnessPolicy.from_json(data)
    except CheckpointError as exc:
        raise EncodingError(f"election.witnesses: {exc}") from None


def _check_witnesses(policy: WitnessPolicy, board_vkey: str) -> None:
    """A witness is someone other than the board: its key is not the board's checkpoint key."""
    board = Ed25519Verifier.from_vkey(board_vkey)
    for witness in policy.witnesses:
        if witness.public_key == board.public_key:
            raise EncodingError(f"election.witnesses: witness {witness.name!r} is the board itself")
