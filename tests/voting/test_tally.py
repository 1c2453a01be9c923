"""Tests the tally: aggregation, threshold decryption with every quorum, attribution."""

from __future__ import annotations

import dataclasses
import itertools

import pytest

from voting.ballot import EncryptedBallot, encrypt_ballot
from voting.election import Election
from voting.errors import ShareError, TallyError
from voting.group import G
from voting.tally import (
    DecryptionShare,
    ElectionResult,
    EncryptedTally,
    aggregate,
    combine,
    decode,
    partial_decrypt,
    verify_decryption_share,
    verify_result,
)
from voting.testing import SeededRng, ceremony, small_manifest

CHOICES = ["o0", "o1", "o1", "o2", "o1", None]


def _ballots(election: Election, count: int = 6) -> list[EncryptedBallot]:
    rng = SeededRng(b"voters")
    out = []
    for i in range(count):
        choice = CHOICES[i % len(CHOICES)]
        sel = {"mayor": {choice: 1} if choice else {}, "measure": {"yes" if i % 2 else "no": 1}}
        out.append(encrypt_ballot(election, f"b{i}", f"did:example:{i}", sel, rng)[0])
    return out


@pytest.mark.parametrize(("n", "t"), [(3, 2), (5, 3)])
def test_every_quorum_decrypts_correctly(n: int, t: int) -> None:
    election, keys = ceremony(small_manifest(n, t))
    tally = aggregate(election, _ballots(election))
    assert EncryptedTally.from_json(tally.to_json()) == tally
    shares = [partial_decrypt(election, tally, k, SeededRng(b"d")) for k in keys]
    want = {"mayor": {"o0": 1, "o1": 3, "o2": 1}, "measure": {"yes": 3, "no": 3}}
    for size in range(t, n + 1):
        for quorum in itertools.combinations(shares, size):
            result = combine(election, tally, list(quorum))
            assert result.counts() == want
            verify_result(election, tally, shares, result)
    assert ElectionResult.from_json(result.to_json()) == result
    assert DecryptionShare.from_json(shares[0].to_json()) == shares[0]


def test_wrong_share_is_attributed_to_its_trustee() -> None:
    election, keys = ceremony(small_manifest(3, 2))
    tally = aggregate(election, _ballots(election))
    shares = [partial_decrypt(election, tally, k, SeededRng(b"d")) for k in keys]
    part = shares[1].contests[0][2]
    bad = dataclasses.replace(part, value=part.value + G)
    rows = ((*shares[1].contests[0][:2], bad), shares[1].contests[1])
    forged = dataclasses.replace(shares[1], contests=rows)
    with pytest.raises(ShareError) as info:
        verify_decryption_share(election, tally, forged)
    assert info.value.trustee == 2
    with pytest.raises(ShareError) as info:
        combine(election, tally, [shares[0], forged])
    assert info.value.trustee == 2
    # A share presented as another trustee's fails, blaming the claimed trustee.
    with pytest.raises(ShareError):
        verify_decryption_share(election, tally, dataclasses.replace(shares[0], trustee=3))


def test_fewer_than_threshold_is_a_clear_error() -> None:
    election, keys = ceremony(small_manifest(5, 3))
    tally = aggregate(election, _ballots(election, 2))
    shares = [partial_decrypt(election, tally, k) for k in keys[:2]]
    with pytest.raises(TallyError, match="got 2, want at least 3"):
        combine(election, tally, shares)
    with pytest.raises(TallyError, match="twice"):
        combine(election, tally, [shares[0], shares[0], shares[1]])


def test_weights_and_empty_tally() -> None:
    election, keys = ceremony(small_manifest(3, 2))
    ballots = _ballots(election, 3)
    weights = {"b0": 5, "b1": 2, "b2": 1}
    tally = aggregate(election, ballots, weights)
    result = combine(election, tally, [partial_decrypt(election, tally, k) for k in keys[:2]])
    assert result.counts()["mayor"] == {"o0": 5, "o1": 3, "o2": 0}
    assert result.total_weight == 8
    with pytest.raises(TallyError, match="no weight"):
        aggregate(election, ballots, {"b0": 1})
    with pytest.raises(TallyError, match="counted twice"):
        aggregate(election, [ballots[0], ballots[0]])
    empty = aggregate(election, [])
    again = EncryptedTally.from_json(empty.to_json())
    shares = [partial_decrypt(election, again, k) for k in keys[1:]]
    result = combine(election, again, shares)
    assert result.counts()["measure"] == {"yes": 0, "no": 0}


def test_result_not_matching_the_tally_is_rejected() -> None:
    election, keys = ceremony(small_manifest(3, 2))
    tally = aggregate(election, _ballots(election))
    shares = [partial_decrypt(election, tally, k) for k in keys]
    result = combine(election, tally, shares[:2])
    mayor = result.contests[0]
    changed = dataclasses.replace(mayor, counts=(("o0", 2), *mayor.counts[1:]))
    with pytest.raises(TallyError, match="differs"):
        verify_result(
            election,
            tally,
            shares,
            dataclasses.replace(result, contests=(changed, result.contests[1])),
        )


def test_decode_within_and_outside_the_bound() -> None:
    for x in (0, 1, 99, 100, 1000):
        assert decode(G * x, 1000) == x
    with pytest.raises(TallyError, match=r"outside 0\.\.100"):
        decode(G * 101, 100)
    with pytest.raises(TallyError):
        decode(G * 5000, 1000)
