"""Provides the election result and its verification from the published shares (§8.3)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from voting._election import Election
from voting._group import IDENTITY
from voting._hashing import RECORD_VERSION
from voting._json import JsonObject, array, integer, keys, load, text, version
from voting._tally import (
    BabySteps,
    DecryptionShare,
    EncryptedTally,
    _check_tally,
    _hash_field,
    lagrange,
    verify_decryption_share,
)
from voting.errors import EncodingError, TallyError


@dataclass(frozen=True, slots=True)
class ContestResult:
    """The count of every option of one contest, in manifest order."""

    contest_id: str
    counts: tuple[tuple[str, int], ...]


@dataclass(frozen=True, slots=True)
class ElectionResult:
    """Counts per option per contest, with the ballot count and total weight (§8.3)."""

    election_hash: bytes
    ballot_count: int
    total_weight: int
    trustees: tuple[int, ...]
    contests: tuple[ContestResult, ...]

    def counts(self) -> dict[str, dict[str, int]]:
        """Return {contest id: {option id: count}}."""
        return {c.contest_id: dict(c.counts) for c in self.contests}

    def to_json(self) -> JsonObject:
        """Return the wire form."""
        return {
            "version": RECORD_VERSION,
            "electionHash": self.election_hash.hex(),
            "ballotCount": self.ballot_count,
            "totalWeight": self.total_weight,
            "trustees": list(self.trustees),
            "contests": [
                {
                    "contest": c.contest_id,
                    "counts": [{"option": o, "count": n} for o, n in c.counts],
                }
                for c in self.contests
            ],
        }

    @classmethod
    def from_json(cls, data: str | bytes | JsonObject) -> ElectionResult:
        """Parse a result."""
        obj = load(data, "result")
        keys(
            obj,
            "result",
            {"version", "electionHash", "ballotCount", "totalWeight", "trustees", "contests"},
        )
        version(obj, "result")
        trustees = array(obj, "trustees", "result", 1, 64)
        if not all(isinstance(t, int) and not isinstance(t, bool) for t in trustees):
            raise EncodingError("result.trustees: want integers")
        contests = []
        for i, c in enumerate(array(obj, "contests", "result", 1, 64)):
            where = f"result.contests[{i}]"
            if not isinstance(c, dict):
                raise EncodingError(f"{where}: want an object")
            keys(c, where, {"contest", "counts"})
            counts = []
            for j, entry in enumerate(array(c, "counts", where, 1, 64)):
                at = f"{where}.counts[{j}]"
                if not isinstance(entry, dict):
                    raise EncodingError(f"{at}: want an object")
                keys(entry, at, {"option", "count"})
                counts.append(
                    (text(entry, "option", at, 64), integer(entry, "count", at, 0, 2**53))
                )
            contests.append(ContestResult(text(c, "contest", where, 64), tuple(counts)))
        return cls(
            _hash_field(obj, "result"),
            integer(obj, "ballotCount", "result", 0, 2**53),
            integer(obj, "totalWeight", "result", 0, 2**53),
            tuple(trustees),
            tuple(contests),
        )


def combine(
    election: Election, tally: EncryptedTally, shares: Sequence[DecryptionShare]
) -> ElectionResult:
    """Verify the shares, combine them by Lagrange interpolation and decode (§8.3, §8.4).

    Any t or more distinct trustees suffice; a bad share raises ShareError naming its
    trustee, and fewer than t shares raise TallyError.
    """
    _check_tally(election, tally)
    quorum = [s.trustee for s in shares]
    t = election.manifest.threshold
    if len(set(quorum)) != len(quorum):
        raise TallyError("decryption shares: a trustee appears twice")
    if len(quorum) < t:
        raise TallyError(f"decryption shares: got {len(quorum)}, want at least {t}")
    for share in shares:
        verify_decryption_share(election, tally, share)
    weights = {j: lagrange(j, quorum) for j in quorum}
    contests = []
    tables: dict[int, BabySteps] = {}
    for ci, (contest, row) in enumerate(
        zip(election.manifest.contests, tally.contests, strict=True)
    ):
        bound = tally.total_weight * contest.option_bound
        table = tables.setdefault(bound, BabySteps(bound))
        counts = []
        for oi, (option, ct) in enumerate(zip(contest.options, row, strict=True)):
            combined = IDENTITY
            for share in shares:
                combined = combined + share.contests[ci][oi].value * weights[share.trustee]
            try:
                counts.append((option.id, table.decode(ct.beta - combined)))
            except TallyError as exc:
                raise TallyError(f"contest {contest.id} option {option.id}: {exc}") from None
        contests.append(ContestResult(contest.id, tuple(counts)))
    return ElectionResult(
        election.extended_hash,
        tally.ballot_count,
        tally.total_weight,
        tuple(sorted(quorum)),
        tuple(contests),
    )


def verify_result(
    election: Election,
    tally: EncryptedTally,
    shares: Sequence[DecryptionShare],
    result: ElectionResult,
) -> None:
    """Recompute the result from the tally and the shares and compare (record spec V11, V12)."""
    used = {s.trustee: s for s in shares}
    if set(result.trustees) - set(used):
        raise TallyError("result: names a trustee whose share is not published")
    expected = combine(election, tally, [used[j] for j in result.trustees])
    if expected != result:
        raise TallyError("result: differs from the decryption of the tally")
