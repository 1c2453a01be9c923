"""Provides checks V9-V13 of record spec §9: aggregation, shares, result, challenged ballots."""

from __future__ import annotations

from collections.abc import Sequence

from nacl import bindings as _sodium

from voting._ballot import verify_ballot, verify_opening
from voting._elgamal import Ciphertext
from voting._group import Point
from voting._json import canonical
from voting._result import ElectionResult, combine
from voting._tally import DecryptionShare, EncryptedTally, verify_decryption_share
from voting.audit._chain import Scan
from voting.audit._findings import Findings
from voting.audit._report import ContestCounts, Reason, ResultTable
from voting.audit._setup import Setup
from voting.board import (
    ChallengedBody,
    DecryptionShareBody,
    ResultBody,
    TallyBody,
)
from voting.errors import ShareError, VotingError

V9, V10, V11, V12, V13 = 9, 10, 11, 12, 13
IDENTITY = b"\x01" + bytes(31)

Sums = list[list[tuple[bytes, bytes]]]


def empty_sums(shape: Sequence[int]) -> Sums:
    """Return the empty sum (O, O) for every option."""
    return [[(IDENTITY, IDENTITY) for _ in range(n)] for n in shape]


def add_ballot(
    sums: Sums, ciphertexts: Sequence[Sequence[bytes]], sign: int = 1, weight: int = 1
) -> None:
    """Add (or, with sign -1, remove) one ballot's `weight`·(alpha, beta) per option, in place.

    The points were validated when their ballot was verified, so libsodium's arithmetic is
    applied to the encodings directly. A weight below 2^32 times a point of the prime-order
    subgroup is never the identity, which libsodium's scalar multiplication would refuse.
    """
    op = _sodium.crypto_core_ed25519_add if sign > 0 else _sodium.crypto_core_ed25519_sub
    scale = None
    if weight != 1:
        factor = weight.to_bytes(32, "little")

        def scale(point: bytes) -> bytes:
            return bytes(_sodium.crypto_scalarmult_ed25519_noclamp(factor, point))

    for row, cts in zip(sums, ciphertexts, strict=True):
        for j, ct in enumerate(cts):
            a, b = row[j]
            alpha, beta = ct[:32], ct[32:]
            if scale is not None:
                alpha, beta = scale(alpha), scale(beta)
            row[j] = (op(a, alpha), op(b, beta))


def as_tally(setup: Setup, sums: Sums, count: int, total_weight: int) -> EncryptedTally:
    """Return the recomputed tally of `count` ballots holding `total_weight` (§8.1)."""
    assert setup.election is not None
    rows = tuple(
        tuple(
            Ciphertext(
                Point.from_bytes(a, allow_identity=True), Point.from_bytes(b, allow_identity=True)
            )
            for a, b in row
        )
        for row in sums
    )
    return EncryptedTally(setup.election.extended_hash, count, total_weight, rows)


def check_tally(
    scan: Scan, setup: Setup, recomputed: EncryptedTally, findings: Findings
) -> ResultTable | None:
    """Run V9-V12 against the recomputed tally; return the recomputed result table."""
    tallies = scan.of_type("tally")
    if not tallies:
        findings.not_yet_from(V9, V12, "not yet applicable: no tally has been published")
        return None
    i, entry = tallies[0]
    assert isinstance(entry.body, TallyBody)
    published = entry.body.tally
    # V9: byte for byte, counts included.
    if canonical(published.to_json()) != canonical(recomputed.to_json()):
        findings.fail(V9, Reason("tally-mismatch", _tally_diff(published, recomputed), i))
    findings.detail(V9, f"{recomputed.ballot_count} counted ballot(s) summed")
    shares = _shares(scan, setup, recomputed, findings)
    return _result(scan, setup, recomputed, shares, findings)


def _tally_diff(published: EncryptedTally, recomputed: EncryptedTally) -> str:
    if published.ballot_count != recomputed.ballot_count:
        return f"ballotCount {published.ballot_count}, recomputed {recomputed.ballot_count}"
    if published.total_weight != recomputed.total_weight:
        return f"totalWeight {published.total_weight}, recomputed {recomputed.total_weight}"
    for ci, (a, b) in enumerate(zip(published.contests, recomputed.contests, strict=False)):
        for oi, (x, y) in enumerate(zip(a, b, strict=False)):
            if x != y:
                return f"contest {ci} option {oi}: sum differs from the counted ballots"
    return "differs from the sum over the counted ballots"


def _shares(
    scan: Scan, setup: Setup, tally: EncryptedTally, findings: Findings
) -> dict[int, DecryptionShare]:
    assert setup.election is not None
    valid: dict[int, DecryptionShare] = {}
    entries = scan.of_type("decryption-share")
    # V10: each share against K_j and the recomputed tally; a failure names the trustee.
    for i, entry in entries:
        assert isinstance(entry.body, DecryptionShareBody)
        share = entry.body.share
        if share.trustee in valid:
            findings.fail(V10, Reason("duplicate", "a second share", i, trustee=share.trustee))
            continue
        try:
            verify_decryption_share(setup.election, tally, share)
        except ShareError as exc:
            findings.fail(V10, Reason("share-invalid", str(exc), i, trustee=exc.trustee))
            continue
        except VotingError as exc:
            findings.fail(V10, Reason("share-invalid", str(exc), i, trustee=share.trustee))
            continue
        valid[share.trustee] = share
    if not entries:
        findings.not_yet(V10, "not yet applicable: no decryption share has been published")
    else:
        findings.detail(V10, f"{len(valid)} share(s) verified: trustees {sorted(valid)}")
    return valid


def _result(
    scan: Scan,
    setup: Setup,
    tally: EncryptedTally,
    shares: dict[int, DecryptionShare],
    findings: Findings,
) -> ResultTable | None:
    assert setup.election is not None
    manifest = setup.election.manifest
    results = scan.of_type("result")
    if not results:
        findings.not_yet(V11, "not yet applicable: no result has been published")
        findings.not_yet(V12, "not yet applicable: no result has been published")
        return None
    i, entry = results[0]
    assert isinstance(entry.body, ResultBody)
    published = entry.body.result
    # V11: at least t distinct trustees with valid shares; recompute every count from them.
    named = list(published.trustees)
    t = manifest.threshold
    if len(set(named)) != len(named) or len(named) < t:
        findings.fail(V11, Reason("quorum", f"names trustees {named}, want {t} distinct", i))
    missing = [j for j in named if j not in shares]
    for j in missing:
        findings.fail(V11, Reason("no-valid-share", "named without a valid share", i, trustee=j))
    quorum = sorted(set(named) - set(missing))
    if len(quorum) < t:
        quorum = sorted(shares)[: max(t, len(quorum))]
    if len(quorum) < t:
        findings.skip(V12, "no-quorum", "too few valid shares to recompute the result")
        if not findings.failed(V11):
            findings.fail(V11, Reason("quorum", f"{len(shares)} valid share(s), want {t}", i))
        return None
    try:
        mine = combine(setup.election, tally, [shares[j] for j in quorum])
    except VotingError as exc:
        findings.fail(V11, Reason("combine", str(exc), i))
        return None
    findings.detail(V11, f"counts recomputed from trustees {quorum}")
    _compare(published, mine, i, manifest.contests, findings)
    return ResultTable(
        mine.ballot_count,
        mine.total_weight,
        tuple(ContestCounts(c.contest_id, c.counts) for c in mine.contests),
    )


def _compare(
    published: ElectionResult,
    mine: ElectionResult,
    i: int,
    contests: Sequence[object],
    findings: Findings,
) -> None:
    # V12: the manifest's contests and options, in order; every number equal.
    if [(c.contest_id, [o for o, _ in c.counts]) for c in published.contests] != [
        (c.contest_id, [o for o, _ in c.counts]) for c in mine.contests
    ]:
        findings.fail(V12, Reason("shape", "contests or options differ from the manifest", i))
        return
    if published.election_hash != mine.election_hash:
        findings.fail(V12, Reason("election-hash", "result of another election", i))
    for what, got, want in (
        ("ballotCount", published.ballot_count, mine.ballot_count),
        ("totalWeight", published.total_weight, mine.total_weight),
    ):
        if got != want:
            findings.fail(V12, Reason("count", f"{what} {got}, recomputed {want}", i))
    for pc, mc, contest in zip(published.contests, mine.contests, contests, strict=True):
        for (option, got), (_, want) in zip(pc.counts, mc.counts, strict=True):
            if got != want:
                findings.fail(
                    V12, Reason("count", f"{pc.contest_id}/{option}: {got}, recomputed {want}", i)
                )
        ceiling = published.total_weight * contest.max_selections  # type: ignore[attr-defined]
        if sum(n for _, n in pc.counts) > ceiling:
            findings.fail(V12, Reason("over-limit", f"{pc.contest_id}: total above {ceiling}", i))
    findings.detail(V12, "published result equals the recomputed one")


def check_challenged(scan: Scan, setup: Setup, counted_ids: set[str], findings: Findings) -> int:
    """Run V13 as soon as challenged ballots are posted: each opening verifies (§7.4).

    A challenged entry carries the encryption it opens, so it needs nothing else from the
    chain; the rules (replayed under V13) make sure its ballot id is never a cast ballot.
    """
    assert setup.election is not None
    challenged = scan.of_type("challenged")
    for i, entry in challenged:
        assert isinstance(entry.body, ChallengedBody)
        ballot_id = entry.body.ballot.ballot_id
        try:
            verify_ballot(setup.election, entry.body.ballot)
            verify_opening(setup.election, entry.body.ballot, entry.body.opening)
        except VotingError as exc:
            findings.fail(V13, Reason("opening", str(exc), i, ballot_id))
            continue
        if ballot_id in counted_ids:
            findings.fail(V13, Reason("counted", "a challenged ballot is counted", i, ballot_id))
    findings.detail(V13, f"{len(challenged)} challenged ballot(s) opened and verified")
    return len(challenged)
