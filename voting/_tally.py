"""Provides the tally: aggregation, decryption shares, Lagrange combination, decoding (§8)."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from voting._ballot import EncryptedBallot
from voting._ceremony import DecryptionKey
from voting._election import Election
from voting._elgamal import ZERO, Ciphertext
from voting._group import IDENTITY, G, Point, Q, Rng
from voting._hashing import RECORD_VERSION, fields, u32
from voting._json import JsonObject, array, hex_bytes, integer, keys, load, version
from voting._proofs import CompactProof, prove_dleq, verify_dleq
from voting.errors import EncodingError, ProofError, ShareError, TallyError

MAX_WEIGHT = 2**32 - 1


def _hash_field(obj: JsonObject, what: str) -> bytes:
    return hex_bytes(obj.get("electionHash"), f"{what}.electionHash")


@dataclass(frozen=True, slots=True)
class EncryptedTally:
    """The encrypted sums per option, and how many ballots and how much weight they hold."""

    election_hash: bytes
    ballot_count: int
    total_weight: int
    contests: tuple[tuple[Ciphertext, ...], ...]

    def to_json(self) -> JsonObject:
        """Return the wire form (§8.1)."""
        return {
            "version": RECORD_VERSION,
            "electionHash": self.election_hash.hex(),
            "ballotCount": self.ballot_count,
            "totalWeight": self.total_weight,
            "contests": [[ct.to_json() for ct in row] for row in self.contests],
        }

    @classmethod
    def from_json(cls, data: str | bytes | JsonObject) -> EncryptedTally:
        """Parse a tally; the identity is allowed because an empty sum is the identity."""
        obj = load(data, "tally")
        keys(obj, "tally", {"version", "electionHash", "ballotCount", "totalWeight", "contests"})
        version(obj, "tally")
        rows = []
        for i, row in enumerate(array(obj, "contests", "tally", 1, 64)):
            if not isinstance(row, list) or not 1 <= len(row) <= 64:
                raise EncodingError(f"tally.contests[{i}]: want 1..64 ciphertexts")
            rows.append(
                tuple(
                    Ciphertext.from_json(ct, f"tally.contests[{i}][{j}]", allow_identity=True)
                    for j, ct in enumerate(row)
                )
            )
        return cls(
            _hash_field(obj, "tally"),
            integer(obj, "ballotCount", "tally", 0, 2**53),
            integer(obj, "totalWeight", "tally", 0, 2**53),
            tuple(rows),
        )


def aggregate(
    election: Election, ballots: Iterable[EncryptedBallot], weights: Mapping[str, int] | None = None
) -> EncryptedTally:
    """Sum the ballots' ciphertexts per option, each scaled by its weight (§8.1).

    The ballots must already be verified; this checks only that they belong to the election
    and that no ballot id repeats.
    """
    manifest = election.manifest
    sums = [[ZERO] * len(c.options) for c in manifest.contests]
    seen: set[str] = set()
    total_weight = 0
    for ballot in ballots:
        if ballot.election_hash != election.extended_hash:
            raise TallyError(f"ballot {ballot.ballot_id}: belongs to another election")
        if ballot.ballot_id in seen:
            raise TallyError(f"ballot {ballot.ballot_id}: counted twice")
        seen.add(ballot.ballot_id)
        weight = 1
        if weights is not None:
            if ballot.ballot_id not in weights:
                raise TallyError(f"ballot {ballot.ballot_id}: no weight given")
            weight = weights[ballot.ballot_id]
            if (
                isinstance(weight, bool)
                or not isinstance(weight, int)
                or not (1 <= weight <= MAX_WEIGHT)
            ):
                raise TallyError(f"ballot {ballot.ballot_id}: weight must be 1..{MAX_WEIGHT}")
        total_weight += weight
        if len(ballot.contests) != len(sums):
            raise TallyError(f"ballot {ballot.ballot_id}: wrong number of contests")
        for row, contest in zip(sums, ballot.contests, strict=True):
            if len(contest.options) != len(row):
                raise TallyError(f"ballot {ballot.ballot_id}: wrong number of options")
            for j, option in enumerate(contest.options):
                row[j] = row[j] + option.ciphertext.scale(weight)
    return EncryptedTally(
        election.extended_hash, len(seen), total_weight, tuple(tuple(row) for row in sums)
    )


def share_context(trustee: int, contest: int, option: int) -> bytes:
    """Return the context of a decryption-share proof (§3.4)."""
    return fields(u32(trustee), u32(contest), u32(option))


@dataclass(frozen=True, slots=True)
class PartialDecryption:
    """M = s_j·A for one option, with its Chaum-Pedersen proof."""

    value: Point
    proof: CompactProof


@dataclass(frozen=True, slots=True)
class DecryptionShare:
    """One trustee's partial decryption of a whole tally (§8.2)."""

    trustee: int
    election_hash: bytes
    contests: tuple[tuple[PartialDecryption, ...], ...]

    def to_json(self) -> JsonObject:
        """Return the wire form."""
        return {
            "version": RECORD_VERSION,
            "trustee": self.trustee,
            "electionHash": self.election_hash.hex(),
            "contests": [
                [{"value": p.value.hex(), "proof": p.proof.to_json()} for p in row]
                for row in self.contests
            ],
        }

    @classmethod
    def from_json(cls, data: str | bytes | JsonObject) -> DecryptionShare:
        """Parse a decryption share."""
        obj = load(data, "share")
        keys(obj, "share", {"version", "trustee", "electionHash", "contests"})
        version(obj, "share")
        rows = []
        for i, row in enumerate(array(obj, "contests", "share", 1, 64)):
            if not isinstance(row, list) or not 1 <= len(row) <= 64:
                raise EncodingError(f"share.contests[{i}]: want 1..64 entries")
            parsed = []
            for j, p in enumerate(row):
                at = f"share.contests[{i}][{j}]"
                if not isinstance(p, dict):
                    raise EncodingError(f"{at}: want an object")
                keys(p, at, {"value", "proof"})
                parsed.append(
                    PartialDecryption(
                        Point.from_hex(p["value"], what=f"{at}.value", allow_identity=True),
                        CompactProof.from_json(p["proof"], f"{at}.proof"),
                    )
                )
            rows.append(tuple(parsed))
        return cls(integer(obj, "trustee", "share", 1, 64), _hash_field(obj, "share"), tuple(rows))


def partial_decrypt(
    election: Election, tally: EncryptedTally, key: DecryptionKey, rng: Rng | None = None
) -> DecryptionShare:
    """Compute this trustee's M = s_j·A for every option, each with a proof (§8.2)."""
    _check_tally(election, tally)
    public = election.public_share(key.trustee)
    if G * key.secret != public:
        raise TallyError(f"trustee {key.trustee}: key does not match its public share")
    rows = []
    for ci, row in enumerate(tally.contests):
        parts = []
        for oi, ct in enumerate(row):
            m = ct.alpha * key.secret
            proof = prove_dleq(
                key.secret,
                ct.alpha,
                public,
                m,
                election.extended_hash,
                share_context(key.trustee, ci, oi),
                rng,
            )
            parts.append(PartialDecryption(m, proof))
        rows.append(tuple(parts))
    return DecryptionShare(key.trustee, election.extended_hash, tuple(rows))


def _check_tally(election: Election, tally: EncryptedTally) -> None:
    if tally.election_hash != election.extended_hash:
        raise TallyError("tally: belongs to another election")
    shape = [len(c.options) for c in election.manifest.contests]
    if [len(row) for row in tally.contests] != shape:
        raise TallyError("tally: shape differs from the manifest")


def verify_decryption_share(
    election: Election, tally: EncryptedTally, share: DecryptionShare
) -> None:
    """Check every proof of one trustee's share; raise ShareError naming the trustee (§8.2)."""
    _check_tally(election, tally)
    j = share.trustee
    if not 1 <= j <= election.manifest.trustee_count:
        raise ShareError(j, "no such trustee")
    if share.election_hash != election.extended_hash:
        raise ShareError(j, "belongs to another election")
    if [len(r) for r in share.contests] != [len(r) for r in tally.contests]:
        raise ShareError(j, "shape differs from the tally")
    public = election.public_share(j)
    for ci, (row, parts) in enumerate(zip(tally.contests, share.contests, strict=True)):
        for oi, (ct, part) in enumerate(zip(row, parts, strict=True)):
            try:
                verify_dleq(
                    ct.alpha,
                    public,
                    part.value,
                    part.proof,
                    election.extended_hash,
                    share_context(j, ci, oi),
                )
            except ProofError as exc:
                raise ShareError(j, f"contest {ci} option {oi}: {exc}") from None


def lagrange(trustee: int, quorum: Sequence[int]) -> int:
    """Return lambda_j = Π_{m≠j} m/(m-j) mod q, the weight of trustee j at x = 0."""
    num, den = 1, 1
    for m in quorum:
        if m != trustee:
            num = num * m % Q
            den = den * (m - trustee) % Q
    return num * pow(den, -1, Q) % Q


class BabySteps:
    """A baby-step table for decoding x·G with 0 ≤ x ≤ bound (§8.4)."""

    def __init__(self, bound: int) -> None:
        if bound < 0:
            raise TallyError("decode bound must be non-negative")
        self.bound = bound
        self.width = math.isqrt(bound) + 1
        self.table: dict[bytes, int] = {}
        point = IDENTITY
        for i in range(self.width):
            self.table[point.to_bytes()] = i
            point = point + G
        self.giant = point  # width·G

    def decode(self, target: Point) -> int:
        """Return x with x·G = target, or raise TallyError when x is outside [0, bound]."""
        point = target
        for k in range(self.width + 1):
            hit = self.table.get(point.to_bytes())
            if hit is not None:
                x = k * self.width + hit
                if x <= self.bound:
                    return x
                break
            point = point - self.giant
        raise TallyError(f"decoded value outside 0..{self.bound}")


def decode(target: Point, bound: int) -> int:
    """Return x in [0, bound] with x·G = target, or raise TallyError."""
    return BabySteps(bound).decode(target)
