"""Provides encrypted ballots, their proofs and the Benaloh challenge (record spec §7)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from voting._election import Election
from voting._elgamal import ZERO, Ciphertext, encrypt
from voting._group import Rng, parse_scalar, random_scalar, scalar_hex
from voting._hashing import RECORD_VERSION, ProofContext
from voting._json import JsonObject, array, keys, load, text, version
from voting._manifest import MAX_CONTESTS, MAX_OPTIONS, Contest
from voting._proofs import RangeProof, prove_range, verify_range
from voting.errors import BallotError, EncodingError, VotingError

Selections = Mapping[str, Mapping[str, int]]


def _check_ids(ballot_id: str, voter: str) -> None:
    probe = {"ballotId": ballot_id, "voter": voter}
    text(probe, "ballotId", "ballot", 128, BallotError)
    text(probe, "voter", "ballot", 2048, BallotError)
    if not voter.startswith("did:"):
        raise BallotError("ballot.voter: want a DID")


@dataclass(frozen=True, slots=True)
class EncryptedOption:
    """One option's ciphertext and its range proof."""

    ciphertext: Ciphertext
    proof: RangeProof


@dataclass(frozen=True, slots=True)
class EncryptedContest:
    """One contest: an encrypted option per manifest option and a selection-limit proof."""

    contest_id: str
    options: tuple[EncryptedOption, ...]
    limit_proof: RangeProof

    def total(self) -> Ciphertext:
        """Return the encryption of the contest's number of selections."""
        total = ZERO
        for o in self.options:
            total = total + o.ciphertext
        return total


@dataclass(frozen=True, slots=True)
class EncryptedBallot:
    """A cast or challengeable ballot (record spec §7.1)."""

    ballot_id: str
    voter: str
    election_hash: bytes
    contests: tuple[EncryptedContest, ...]

    def to_json(self) -> JsonObject:
        """Return the wire form."""
        return {
            "version": RECORD_VERSION,
            "ballotId": self.ballot_id,
            "voter": self.voter,
            "electionHash": self.election_hash.hex(),
            "contests": [
                {
                    "contest": c.contest_id,
                    "options": [
                        {"ciphertext": o.ciphertext.to_json(), "proof": o.proof.to_json()}
                        for o in c.options
                    ],
                    "limitProof": c.limit_proof.to_json(),
                }
                for c in self.contests
            ],
        }

    @classmethod
    def from_json(cls, data: str | bytes | JsonObject) -> EncryptedBallot:
        """Parse a ballot, validating every point and scalar; proofs are checked by verify."""
        obj = load(data, "ballot")
        keys(obj, "ballot", {"version", "ballotId", "voter", "electionHash", "contests"})
        version(obj, "ballot")
        ballot_id = text(obj, "ballotId", "ballot", 128)
        voter = text(obj, "voter", "ballot", 2048)
        raw_hash = obj["electionHash"]
        if not isinstance(raw_hash, str) or len(raw_hash) != 64 or raw_hash.lower() != raw_hash:
            raise EncodingError("ballot.electionHash: want 64 lowercase hex digits")
        try:
            election_hash = bytes.fromhex(raw_hash)
        except ValueError:
            raise EncodingError("ballot.electionHash: not hex") from None
        contests = []
        for i, c in enumerate(array(obj, "contests", "ballot", 1, MAX_CONTESTS)):
            where = f"ballot.contests[{i}]"
            if not isinstance(c, dict):
                raise EncodingError(f"{where}: want an object")
            keys(c, where, {"contest", "options", "limitProof"})
            options = []
            for j, o in enumerate(array(c, "options", where, 1, MAX_OPTIONS)):
                at = f"{where}.options[{j}]"
                if not isinstance(o, dict):
                    raise EncodingError(f"{at}: want an object")
                keys(o, at, {"ciphertext", "proof"})
                options.append(
                    EncryptedOption(
                        Ciphertext.from_json(o["ciphertext"], f"{at}.ciphertext"),
                        RangeProof.from_json(o["proof"], f"{at}.proof"),
                    )
                )
            contests.append(
                EncryptedContest(
                    text(c, "contest", where, 64),
                    tuple(options),
                    RangeProof.from_json(c["limitProof"], f"{where}.limitProof"),
                )
            )
        return cls(ballot_id, voter, election_hash, tuple(contests))


@dataclass(frozen=True, slots=True)
class BallotOpening:
    """The secrets of one ballot: every value and nonce. Published only when challenged."""

    ballot_id: str
    selections: tuple[tuple[int, ...], ...]
    nonces: tuple[tuple[int, ...], ...]

    def __repr__(self) -> str:
        return f"BallotOpening(ballot_id={self.ballot_id!r}, <redacted>)"

    def to_json(self) -> JsonObject:
        """Return the wire form of a challenged ballot's opening (§7.4)."""
        return {
            "version": RECORD_VERSION,
            "ballotId": self.ballot_id,
            "selections": [list(s) for s in self.selections],
            "nonces": [[scalar_hex(x) for x in ns] for ns in self.nonces],
        }

    @classmethod
    def from_json(cls, data: str | bytes | JsonObject) -> BallotOpening:
        """Parse an opening; its agreement with the ballot is checked by verify_opening."""
        obj = load(data, "opening")
        keys(obj, "opening", {"version", "ballotId", "selections", "nonces"})
        version(obj, "opening")
        sels = array(obj, "selections", "opening", 1, MAX_CONTESTS)
        nonces = array(obj, "nonces", "opening", 1, MAX_CONTESTS)
        parsed_sels = []
        for i, row in enumerate(sels):
            if not isinstance(row, list) or not all(
                isinstance(v, int) and not isinstance(v, bool) and 0 <= v <= 100 for v in row
            ):
                raise EncodingError(f"opening.selections[{i}]: want integers 0..100")
            parsed_sels.append(tuple(row))
        parsed_nonces = []
        for i, row in enumerate(nonces):
            if not isinstance(row, list):
                raise EncodingError(f"opening.nonces[{i}]: want an array")
            parsed_nonces.append(tuple(parse_scalar(x, f"opening.nonces[{i}]") for x in row))
        return cls(text(obj, "ballotId", "opening", 128), tuple(parsed_sels), tuple(parsed_nonces))


def _normalise(contest: Contest, chosen: Mapping[str, int]) -> tuple[int, ...]:
    # §7.2: the honest API refuses any ballot that the proofs would reject.
    known = {o.id for o in contest.options}
    unknown = set(chosen) - known
    if unknown:
        raise BallotError(f"contest {contest.id}: unknown options {sorted(unknown)}")
    values = []
    for o in contest.options:
        v = chosen.get(o.id, 0)
        if isinstance(v, bool) or not isinstance(v, int) or not 0 <= v <= contest.option_max:
            raise BallotError(
                f"contest {contest.id} option {o.id}: got {v!r}, want 0..{contest.option_max}"
            )
        values.append(v)
    total = sum(values)
    if not contest.min_selections <= total <= contest.max_selections:
        raise BallotError(
            f"contest {contest.id}: got {total} selections, want "
            f"{contest.min_selections}..{contest.max_selections}"
        )
    return tuple(values)


def encrypt_ballot(
    election: Election,
    ballot_id: str,
    voter: str,
    selections: Selections,
    rng: Rng | None = None,
) -> tuple[EncryptedBallot, BallotOpening]:
    """Encrypt a voter's choices and prove them well-formed (§7.2).

    Returns the ballot and its opening; keep the opening secret unless the voter challenges
    the ballot, in which case publish it and never cast that ballot.
    """
    _check_ids(ballot_id, voter)
    manifest = election.manifest
    unknown = set(selections) - {c.id for c in manifest.contests}
    if unknown:
        raise BallotError(f"unknown contests {sorted(unknown)}")
    key, h = election.joint_key, election.extended_hash
    contests, all_values, all_nonces = [], [], []
    for ci, contest in enumerate(manifest.contests):
        values = _normalise(contest, selections.get(contest.id, {}))
        nonces = tuple(random_scalar(rng) for _ in values)
        options = []
        for oi, (v, xi) in enumerate(zip(values, nonces, strict=True)):
            ct = encrypt(v, xi, key)
            proof = prove_range(
                "range",
                v,
                xi,
                key,
                ct,
                0,
                contest.option_max,
                h,
                ProofContext(ballot_id, voter, ci, oi).encode(),
                rng,
            )
            options.append(EncryptedOption(ct, proof))
        partial = EncryptedContest(contest.id, tuple(options), RangeProof((), ()))
        limit = prove_range(
            "limit",
            sum(values),
            sum(nonces),
            key,
            partial.total(),
            contest.min_selections,
            contest.max_selections,
            h,
            ProofContext(ballot_id, voter, ci).encode(),
            rng,
        )
        contests.append(EncryptedContest(contest.id, tuple(options), limit))
        all_values.append(values)
        all_nonces.append(nonces)
    ballot = EncryptedBallot(ballot_id, voter, h, tuple(contests))
    return ballot, BallotOpening(ballot_id, tuple(all_values), tuple(all_nonces))


def _check_shape(election: Election, ballot: EncryptedBallot) -> None:
    if ballot.election_hash != election.extended_hash:
        raise BallotError("ballot: election hash does not match this election")
    _check_ids(ballot.ballot_id, ballot.voter)
    contests = election.manifest.contests
    if [c.contest_id for c in ballot.contests] != [c.id for c in contests]:
        raise BallotError("ballot: contests differ from the manifest")
    for c, m in zip(ballot.contests, contests, strict=True):
        if len(c.options) != len(m.options):
            raise BallotError(
                f"contest {m.id}: got {len(c.options)} options, want {len(m.options)}"
            )


@dataclass(frozen=True, slots=True)
class BallotProblem:
    """One failed check of a ballot: its shape, an option's range proof, or a contest's limit."""

    check: Literal["shape", "range", "limit"]
    where: str
    error: VotingError

    def __str__(self) -> str:
        return f"{self.where}: {self.error}"


def ballot_problems(election: Election, ballot: EncryptedBallot) -> list[BallotProblem]:
    """Check a ballot's shape and every proof (record spec V6, V7); return every failure.

    An empty list means the ballot is sound. `verify_ballot` raises the first problem; the
    audit reports them all. A ballot of the wrong shape is not checked further.
    """
    try:
        _check_shape(election, ballot)
    except BallotError as exc:
        return [BallotProblem("shape", "ballot", exc)]
    problems: list[BallotProblem] = []
    key, h = election.joint_key, election.extended_hash
    for ci, (c, m) in enumerate(zip(ballot.contests, election.manifest.contests, strict=True)):
        # V6: each option's range proof, bound to its own ballot, voter, contest and option.
        for oi, o in enumerate(c.options):
            context = ProofContext(ballot.ballot_id, ballot.voter, ci, oi).encode()
            try:
                verify_range("range", o.proof, key, o.ciphertext, 0, m.option_max, h, context)
            except VotingError as exc:
                problems.append(
                    BallotProblem("range", f"contest {m.id} option {m.options[oi].id}", exc)
                )
        # V7: the selection-limit proof over the recomputed sum of the contest.
        context = ProofContext(ballot.ballot_id, ballot.voter, ci).encode()
        try:
            verify_range(
                "limit",
                c.limit_proof,
                key,
                c.total(),
                m.min_selections,
                m.max_selections,
                h,
                context,
            )
        except VotingError as exc:
            problems.append(BallotProblem("limit", f"contest {m.id} selection limit", exc))
    return problems


def verify_ballot(election: Election, ballot: EncryptedBallot) -> None:
    """Check a ballot's shape and every proof (record spec checks V6, V7); raise if bad."""
    problems = ballot_problems(election, ballot)
    if not problems:
        return
    first = problems[0]
    if first.check == "shape":
        raise first.error
    raise type(first.error)(str(first)) from None


def verify_opening(
    election: Election, ballot: EncryptedBallot, opening: BallotOpening
) -> dict[str, dict[str, int]]:
    """Check a challenged ballot's opening and return the choices it encrypted (§7.4)."""
    _check_shape(election, ballot)
    if opening.ballot_id != ballot.ballot_id:
        raise BallotError("opening: ballot id differs")
    manifest = election.manifest
    if len(opening.selections) != len(manifest.contests) or len(opening.nonces) != len(
        manifest.contests
    ):
        raise BallotError("opening: wrong number of contests")
    result: dict[str, dict[str, int]] = {}
    for c, m, values, nonces in zip(
        ballot.contests, manifest.contests, opening.selections, opening.nonces, strict=True
    ):
        if len(values) != len(m.options) or len(nonces) != len(m.options):
            raise BallotError(f"opening: contest {m.id} has the wrong number of options")
        for o, v, xi, opt in zip(c.options, values, nonces, m.options, strict=True):
            if xi == 0 or encrypt(v, xi, election.joint_key) != o.ciphertext:
                raise BallotError(f"opening: contest {m.id} option {opt.id} does not re-encrypt")
        _normalise(m, dict(zip((o.id for o in m.options), values, strict=True)))
        result[m.id] = {opt.id: v for opt, v in zip(m.options, values, strict=True)}
    return result
