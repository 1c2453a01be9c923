"""Provides the typed bodies of the ten election entry types (election-entries §4)."""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any, ClassVar

from voting._ballot import BallotOpening, EncryptedBallot
from voting._ceremony import SealedShare, TrusteeAnnouncement
from voting._json import JsonObject, array, hex_bytes, integer, keys, load, text
from voting._manifest import MAX_TRUSTEES
from voting._result import ElectionResult
from voting._tally import DecryptionShare, EncryptedTally
from voting.board._election import MAX_STATUS_LISTS, ElectionBody, obj_of
from voting.errors import EncodingError, VotingError


def _wrapped(data: object, what: str, key: str) -> Any:
    obj = obj_of(data, what)
    keys(obj, what, {key})
    return obj[key]


@dataclass(frozen=True)
class TrusteeKeyBody:
    """`trustee-key`: a trustee's ceremony announcement (§4.2)."""

    TYPE: ClassVar[str] = "trustee-key"
    announcement: TrusteeAnnouncement

    def to_json(self) -> JsonObject:
        """Return {"announcement": …}."""
        return {"announcement": self.announcement.to_json()}

    @classmethod
    def from_json(cls, data: object) -> TrusteeKeyBody:
        """Parse the body."""
        raw = _wrapped(data, "trustee-key", "announcement")
        return cls(TrusteeAnnouncement.from_json(obj_of(raw, "trustee-key.announcement")))


@dataclass(frozen=True)
class TrusteeSharesBody:
    """`trustee-shares`: one dealer's sealed shares, one per other trustee, by recipient."""

    TYPE: ClassVar[str] = "trustee-shares"
    shares: tuple[SealedShare, ...]

    def __post_init__(self) -> None:
        if not self.shares or len({s.dealer for s in self.shares}) != 1:
            raise EncodingError("trustee-shares: want shares from exactly one dealer")
        recipients = [s.recipient for s in self.shares]
        if recipients != sorted(set(recipients)) or self.shares[0].dealer in recipients:
            raise EncodingError("trustee-shares: recipients must ascend, once each, not the dealer")

    def to_json(self) -> JsonObject:
        """Return {"shares": [...]}."""
        return {"shares": [s.to_json() for s in self.shares]}

    @classmethod
    def from_json(cls, data: object) -> TrusteeSharesBody:
        """Parse the body."""
        obj = obj_of(data, "trustee-shares")
        keys(obj, "trustee-shares", {"shares"})
        items = array(obj, "shares", "trustee-shares", 1, MAX_TRUSTEES - 1)
        return cls(tuple(SealedShare.from_json(obj_of(s, "trustee-shares.shares")) for s in items))


@dataclass(frozen=True)
class TrusteeAckBody:
    """`trustee-ack`: the author checked the shares of these dealers and accepts them (§4.3a)."""

    TYPE: ClassVar[str] = "trustee-ack"
    dealers: tuple[int, ...]

    def __post_init__(self) -> None:
        if not self.dealers or list(self.dealers) != sorted(set(self.dealers)):
            raise EncodingError("trustee-ack.dealers: want ascending distinct indexes")
        if any(isinstance(d, bool) or not 1 <= d <= MAX_TRUSTEES for d in self.dealers):
            raise EncodingError(f"trustee-ack.dealers: want indexes 1..{MAX_TRUSTEES}")

    def to_json(self) -> JsonObject:
        """Return {"dealers": [...]}."""
        return {"dealers": list(self.dealers)}

    @classmethod
    def from_json(cls, data: object) -> TrusteeAckBody:
        """Parse the body."""
        obj = obj_of(data, "trustee-ack")
        keys(obj, "trustee-ack", {"dealers"})
        items = array(obj, "dealers", "trustee-ack", 1, MAX_TRUSTEES - 1)
        if any(not isinstance(d, int) or isinstance(d, bool) for d in items):
            raise EncodingError("trustee-ack.dealers: want integers")
        return cls(tuple(items))


@dataclass(frozen=True)
class TrusteeComplaintBody:
    """`trustee-complaint`: the author says a dealer's share to it is bad, and proves it (§4.3b).

    It reveals its own X25519 secret, so anyone can open the disputed sealed share and judge
    it (record spec §6.4). The ceremony is abandoned either way, so nothing of value leaks.
    """

    TYPE: ClassVar[str] = "trustee-complaint"
    dealer: int
    recipient_secret: bytes

    def __post_init__(self) -> None:
        if isinstance(self.dealer, bool) or not 1 <= self.dealer <= MAX_TRUSTEES:
            raise EncodingError(f"trustee-complaint.dealer: want 1..{MAX_TRUSTEES}")
        if len(self.recipient_secret) != 32:
            raise EncodingError("trustee-complaint.recipientSecret: want 32 bytes")

    def to_json(self) -> JsonObject:
        """Return {"dealer", "recipientSecret"}."""
        return {"dealer": self.dealer, "recipientSecret": self.recipient_secret.hex()}

    @classmethod
    def from_json(cls, data: object) -> TrusteeComplaintBody:
        """Parse the body."""
        obj = obj_of(data, "trustee-complaint")
        keys(obj, "trustee-complaint", {"dealer", "recipientSecret"})
        return cls(
            integer(obj, "dealer", "trustee-complaint", 1, MAX_TRUSTEES),
            hex_bytes(obj["recipientSecret"], "trustee-complaint.recipientSecret"),
        )


def launch_code(election_hash: bytes) -> str:
    """Return the short code voters compare out of band: H_E[0:8] as four hex groups (§4.4)."""
    digits = election_hash[:8].hex()
    return "-".join(digits[i : i + 4] for i in range(0, 16, 4))


@dataclass(frozen=True)
class OpenBody:
    """`open`: the joint key, the extended election hash and the launch code (§4.4)."""

    TYPE: ClassVar[str] = "open"
    joint_key: bytes
    election_hash: bytes
    launch_code: str

    def __post_init__(self) -> None:
        if len(self.joint_key) != 32 or len(self.election_hash) != 32:
            raise EncodingError("open: joint key and election hash are 32 bytes each")
        if self.launch_code != launch_code(self.election_hash):
            raise EncodingError("open.launchCode: does not match the election hash")

    def to_json(self) -> JsonObject:
        """Return {"jointKey", "electionHash", "launchCode"}."""
        return {
            "jointKey": self.joint_key.hex(),
            "electionHash": self.election_hash.hex(),
            "launchCode": self.launch_code,
        }

    @classmethod
    def from_json(cls, data: object) -> OpenBody:
        """Parse the body."""
        obj = obj_of(data, "open")
        keys(obj, "open", {"jointKey", "electionHash", "launchCode"})
        return cls(
            hex_bytes(obj["jointKey"], "open.jointKey"),
            hex_bytes(obj["electionHash"], "open.electionHash"),
            text(obj, "launchCode", "open", 19),
        )


@dataclass(frozen=True)
class BallotBody:
    """`ballot`: the encrypted ballot and the voter's eligibility presentation (§4.5)."""

    TYPE: ClassVar[str] = "ballot"
    ballot: EncryptedBallot
    presentation: dict[str, Any]

    def __post_init__(self) -> None:
        if not isinstance(self.presentation, dict):
            raise EncodingError("ballot.presentation: want an object")
        object.__setattr__(self, "presentation", copy.deepcopy(self.presentation))

    def to_json(self) -> JsonObject:
        """Return {"ballot", "presentation"}."""
        return {"ballot": self.ballot.to_json(), "presentation": copy.deepcopy(self.presentation)}

    @classmethod
    def from_json(cls, data: object) -> BallotBody:
        """Parse the body; the presentation is checked by the board, not here."""
        obj = obj_of(data, "ballot")
        keys(obj, "ballot", {"ballot", "presentation"})
        return cls(EncryptedBallot.from_json(obj_of(obj["ballot"], "ballot.ballot")),
                   obj_of(obj["presentation"], "ballot.presentation"))  # fmt: skip


@dataclass(frozen=True)
class ChallengedBody:
    """`challenged`: an encryption the voter audits instead of casting, with its opening (§4.6).

    The encryption and its opening are posted together, so a challenged ballot is never a
    cast ballot: its id is new on the chain and no `ballot` entry may use it afterwards.
    """

    TYPE: ClassVar[str] = "challenged"
    ballot: EncryptedBallot
    opening: BallotOpening

    def __post_init__(self) -> None:
        if self.opening.ballot_id != self.ballot.ballot_id:
            raise EncodingError("challenged: the opening is of another ballot id")

    def to_json(self) -> JsonObject:
        """Return {"ballot", "opening"}."""
        return {"ballot": self.ballot.to_json(), "opening": self.opening.to_json()}

    @classmethod
    def from_json(cls, data: object) -> ChallengedBody:
        """Parse the body."""
        obj = obj_of(data, "challenged")
        keys(obj, "challenged", {"ballot", "opening"})
        return cls(
            EncryptedBallot.from_json(obj_of(obj["ballot"], "challenged.ballot")),
            BallotOpening.from_json(obj_of(obj["opening"], "challenged.opening")),
        )


@dataclass(frozen=True)
class CloseBody:
    """`close`: the status list credentials in force, frozen onto the chain (§4.7)."""

    TYPE: ClassVar[str] = "close"
    status_lists: tuple[dict[str, Any], ...]

    def __post_init__(self) -> None:
        ids = []
        for c in self.status_lists:
            if not isinstance(c, dict) or not isinstance(c.get("id"), str):
                raise EncodingError("close.statusLists: each list credential needs an id")
            ids.append(c["id"])
        if len(set(ids)) != len(ids):
            raise EncodingError("close.statusLists: a list appears twice")
        object.__setattr__(self, "status_lists", copy.deepcopy(tuple(self.status_lists)))

    def by_id(self) -> dict[str, dict[str, Any]]:
        """Return the frozen lists keyed by their credential id."""
        return {str(c["id"]): c for c in self.status_lists}

    def to_json(self) -> JsonObject:
        """Return {"statusLists": [...]}."""
        return {"statusLists": [copy.deepcopy(c) for c in self.status_lists]}

    @classmethod
    def from_json(cls, data: object) -> CloseBody:
        """Parse the body."""
        obj = obj_of(data, "close")
        keys(obj, "close", {"statusLists"})
        return cls(tuple(array(obj, "statusLists", "close", 0, MAX_STATUS_LISTS)))


@dataclass(frozen=True)
class TallyBody:
    """`tally`: the encrypted sums over the counted ballots (§4.8)."""

    TYPE: ClassVar[str] = "tally"
    tally: EncryptedTally

    def to_json(self) -> JsonObject:
        """Return {"tally"}."""
        return {"tally": self.tally.to_json()}

    @classmethod
    def from_json(cls, data: object) -> TallyBody:
        """Parse the body."""
        return cls(EncryptedTally.from_json(obj_of(_wrapped(data, "tally", "tally"), "tally")))


@dataclass(frozen=True)
class DecryptionShareBody:
    """`decryption-share`: one trustee's partial decryption of the tally (§4.9)."""

    TYPE: ClassVar[str] = "decryption-share"
    share: DecryptionShare

    def to_json(self) -> JsonObject:
        """Return {"share"}."""
        return {"share": self.share.to_json()}

    @classmethod
    def from_json(cls, data: object) -> DecryptionShareBody:
        """Parse the body."""
        raw = _wrapped(data, "decryption-share", "share")
        return cls(DecryptionShare.from_json(obj_of(raw, "decryption-share.share")))


@dataclass(frozen=True)
class ResultBody:
    """`result`: the decrypted counts (§4.10)."""

    TYPE: ClassVar[str] = "result"
    result: ElectionResult

    def to_json(self) -> JsonObject:
        """Return {"result"}."""
        return {"result": self.result.to_json()}

    @classmethod
    def from_json(cls, data: object) -> ResultBody:
        """Parse the body."""
        return cls(ElectionResult.from_json(obj_of(_wrapped(data, "result", "result"), "result")))


EntryBody = (
    ElectionBody
    | TrusteeKeyBody
    | TrusteeSharesBody
    | TrusteeAckBody
    | TrusteeComplaintBody
    | OpenBody
    | BallotBody
    | ChallengedBody
    | CloseBody
    | TallyBody
    | DecryptionShareBody
    | ResultBody
)

BODY_TYPES: dict[str, Any] = {
    cls.TYPE: cls
    for cls in (
        ElectionBody,
        TrusteeKeyBody,
        TrusteeSharesBody,
        TrusteeAckBody,
        TrusteeComplaintBody,
        OpenBody,
        BallotBody,
        ChallengedBody,
        CloseBody,
        TallyBody,
        DecryptionShareBody,
        ResultBody,
    )
}
ENTRY_TYPES = tuple(BODY_TYPES)


def parse_body(entry_type: str, data: object) -> EntryBody:
    """Parse a body of the given type, mapping every failure to EncodingError."""
    cls = BODY_TYPES.get(entry_type)
    if cls is None:
        raise EncodingError(f"entry.type: got {entry_type[:40]!r}, want one of {ENTRY_TYPES}")
    try:
        body: EntryBody = cls.from_json(load(obj_of(data, "entry.body"), "entry.body"))
    except EncodingError:
        raise
    except VotingError as exc:
        raise EncodingError(f"entry.body: {exc}") from None
    return body
