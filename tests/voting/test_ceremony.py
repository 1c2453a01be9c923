"""Tests the key ceremony: proofs, sealed shares, complaints and derived public keys."""

from __future__ import annotations

import dataclasses

import pytest
from nacl.public import PrivateKey, SealedBox

from voting.election import Election
from voting.errors import CeremonyError, GroupError
from voting.group import G
from voting.testing import SeededRng, ceremony, small_manifest
from voting.trustees import (
    Complaint,
    ComplaintAnswer,
    Fault,
    SealedShare,
    Trustee,
    TrusteeAnnouncement,
    resolve_complaint,
    verify_announcement,
)

M = small_manifest(3, 2)
RNG = SeededRng(b"trustees")
TRUSTEES = [Trustee.generate(M, i, RNG) for i in (1, 2, 3)]
ANNS = [t.announce(RNG) for t in TRUSTEES]


def test_announcements_verify_and_round_trip() -> None:
    for a in ANNS:
        verify_announcement(M, a)
        assert TrusteeAnnouncement.from_json(a.to_json()) == a


def test_tampered_coefficient_proof_is_rejected() -> None:
    a = ANNS[0]
    bad = dataclasses.replace(a, proofs=(a.proofs[1], a.proofs[0]))
    with pytest.raises(CeremonyError, match="trustee 1 coefficient 0"):
        verify_announcement(M, bad)
    with pytest.raises(CeremonyError):
        verify_announcement(small_manifest(3, 2, max_sel=2), a)
    with pytest.raises(CeremonyError, match="want 2 commitments"):
        verify_announcement(
            M, dataclasses.replace(a, commitments=a.commitments[:1], proofs=a.proofs[:1])
        )


def test_identity_commitment_is_rejected_at_parse_time() -> None:
    wire = ANNS[0].to_json()
    wire["commitments"][0] = "01" + "00" * 31
    with pytest.raises(GroupError, match="identity"):
        TrusteeAnnouncement.from_json(wire)


def test_public_shares_match_the_trustees_keys() -> None:
    election, keys = ceremony(M)
    for key in keys:
        assert G * key.secret == election.public_share(key.trustee)
        assert "redacted" in repr(key)
    assert len({election.extended_hash, ceremony(M, b"other")[0].extended_hash}) == 2


def test_election_needs_every_trustee_once() -> None:
    with pytest.raises(CeremonyError, match=r"1\.\.3"):
        Election.create(M, ANNS[:2])
    with pytest.raises(CeremonyError):
        Election.create(M, [ANNS[0], ANNS[0], ANNS[2]])


def test_sealed_share_is_a_libsodium_sealed_box() -> None:
    sealed = TRUSTEES[0].seal_share(ANNS[1])
    assert SealedShare.from_json(sealed.to_json()) == sealed
    assert TRUSTEES[1].open_share(ANNS[0], sealed) == TRUSTEES[0].evaluate(2)
    with pytest.raises(Exception):  # noqa: B017 - any libsodium failure: wrong key
        SealedBox(PrivateKey(b"\x01" * 32)).decrypt(sealed.sealed)


def test_wrong_recipient_or_tampered_share_is_refused() -> None:
    sealed = TRUSTEES[0].seal_share(ANNS[1])
    with pytest.raises(CeremonyError):
        TRUSTEES[2].open_share(ANNS[0], sealed)
    flipped = dataclasses.replace(
        sealed, sealed=sealed.sealed[:-1] + bytes([sealed.sealed[-1] ^ 1])
    )
    with pytest.raises(CeremonyError, match="does not unseal"):
        TRUSTEES[1].open_share(ANNS[0], flipped)


class _Cheat(Trustee):
    """A dealer whose polynomial differs from its commitments at one point."""

    def evaluate(self, x: int) -> int:
        return super().evaluate(x) + (1 if x == 2 else 0)


def _cheat() -> _Cheat:
    secret = TRUSTEES[0].export_secret()
    honest = Trustee.import_secret(M, secret)
    return _Cheat(M, 1, honest._coefficients, honest._encryption_seed)


def test_bad_share_is_caught_and_the_complaint_blames_the_dealer() -> None:
    cheat = _cheat()
    assert cheat.announce(SeededRng(b"a")).commitments == ANNS[0].commitments
    sealed = cheat.seal_share(ANNS[1])
    with pytest.raises(CeremonyError, match="does not match"):
        TRUSTEES[1].open_share(ANNS[0], sealed)
    complaint = Complaint.from_json(Complaint(1, 2).to_json())
    answer = cheat.answer_complaint(complaint, ANNS[1])
    assert ComplaintAnswer.from_json(answer.to_json()) == answer
    assert "redacted" in repr(answer)
    assert resolve_complaint(M, ANNS[0], ANNS[1], sealed, answer) is Fault.DEALER


def test_unfounded_complaint_blames_the_complainant() -> None:
    sealed = TRUSTEES[0].seal_share(ANNS[1])
    answer = TRUSTEES[0].answer_complaint(Complaint(1, 2), ANNS[1])
    assert resolve_complaint(M, ANNS[0], ANNS[1], sealed, answer) is Fault.COMPLAINANT


def test_unanswered_or_mismatched_answer_blames_the_dealer() -> None:
    sealed = TRUSTEES[0].seal_share(ANNS[1])
    assert resolve_complaint(M, ANNS[0], ANNS[1], sealed, None) is Fault.DEALER
    answer = TRUSTEES[0].answer_complaint(Complaint(1, 2), ANNS[1])
    # A dealer revealing a different (valid-looking) share cannot reproduce the sealed bytes.
    other = dataclasses.replace(answer, seal_key=bytes(32))
    assert resolve_complaint(M, ANNS[0], ANNS[1], sealed, other) is Fault.DEALER


def test_secret_export_round_trips_and_is_redacted() -> None:
    again = Trustee.import_secret(M, TRUSTEES[2].export_secret())
    assert again.announce(SeededRng(b"z")).commitments == ANNS[2].commitments
    assert "redacted" in repr(TRUSTEES[2])
    with pytest.raises(CeremonyError):
        Trustee.import_secret(M, b"{}")
