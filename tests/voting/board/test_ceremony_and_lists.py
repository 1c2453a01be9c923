"""Tests the accountable key ceremony (finding 2) and the frozen status lists (finding 3)."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

import did
from voting.audit import verify_record
from voting.board import (
    CloseBody,
    OpenBody,
    TrusteeAckBody,
    TrusteeComplaintBody,
    TrusteeKeyBody,
    TrusteeSharesBody,
    export_record,
    launch_code,
)
from voting.chain import MemoryLogStore
from voting.election import Election
from voting.errors import RejectedEntry
from voting.testing import CLOSES, ELECTION_ID, OPENS, STATUS_URL, Run, World
from voting.trustees import Trustee


def _keys(r: Run) -> None:
    r.post(r.election_body(), r.world.authority)
    r.announcements = [t.announce(r.rng) for t in r.trustees]
    for party, ann in zip(r.world.trustees, r.announcements, strict=True):
        r.post(TrusteeKeyBody(ann), party)


def _shares(r: Run, dealers: dict[int, Trustee]) -> None:
    for party, honest in zip(r.world.trustees, r.trustees, strict=True):
        trustee = dealers.get(honest.index, honest)
        sealed = tuple(trustee.seal_share(a) for a in r.announcements if a.trustee != honest.index)
        r.post(TrusteeSharesBody(sealed), party)


def _open_body(r: Run) -> OpenBody:
    election = Election.create(r.manifest, r.announcements)
    h = election.extended_hash
    return OpenBody(election.joint_key.to_bytes(), h, launch_code(h))


def _refused(r: Run, body: object, party: object, match: str) -> None:
    size = r.board.state(ELECTION_ID).size
    with pytest.raises(RejectedEntry, match=match):
        r.post(body, party)  # type: ignore[arg-type]
    assert r.board.state(ELECTION_ID).size == size


def test_open_needs_every_trustees_acknowledgement() -> None:
    world = World()
    clock = world.clock
    r = world.run(MemoryLogStore())
    _keys(r)
    t1, t2, t3 = world.trustees
    _refused(r, TrusteeAckBody((2, 3)), t1, "every trustee's shares")
    _shares(r, {})
    r.post(TrusteeAckBody((2, 3)), t1)
    _refused(r, TrusteeAckBody((2, 3)), t1, "already acknowledged")
    _refused(r, TrusteeAckBody((1,)), t2, "every other dealer")
    r.post(TrusteeAckBody((1, 3)), t2)
    clock.now = OPENS
    _refused(r, _open_body(r), world.authority, r"missing \[3\]")
    r.post(TrusteeAckBody((1, 2)), t3)
    r.post(_open_body(r), world.authority)


def test_a_dealer_with_bad_shares_is_named_and_blocks_the_opening(tmp_path: Path) -> None:
    # Finding 2: trustee 2 announces one polynomial and deals shares of another.
    world = World()
    clock = world.clock
    store = MemoryLogStore()
    r = world.run(store)
    _keys(r)
    honest = r.trustees[1]
    cheat = Trustee(r.manifest, 2, (5, 7), honest.complaint_secret())
    _shares(r, {2: cheat})
    t1, _, t3 = world.trustees
    with pytest.raises(Exception, match="does not match"):
        r.trustees[0].open_share(r.announcements[1], cheat.seal_share(r.announcements[0]))
    r.post(TrusteeComplaintBody(2, r.trustees[0].complaint_secret()), t1)
    # A complaint must reveal the complainant's own secret, or it proves nothing.
    _refused(r, TrusteeComplaintBody(2, r.trustees[0].complaint_secret()), t3, "not its key")
    r.post(TrusteeAckBody((1, 2)), t3)
    clock.now = OPENS
    _refused(r, _open_body(r), world.authority, r"complaints about trustees \[2\]")
    report = verify_record(export_record(store, ELECTION_ID, tmp_path / "r"), workers=1)
    assert not report.passed
    [reason] = report.check("V2").reasons
    assert (reason.code, reason.trustee) == ("complaint-justified", 2)


def test_an_unfounded_complaint_names_the_complainant(tmp_path: Path) -> None:
    world = World()
    store = MemoryLogStore()
    r = world.run(store)
    _keys(r)
    _shares(r, {})
    r.post(TrusteeComplaintBody(3, r.trustees[0].complaint_secret()), world.trustees[0])
    report = verify_record(export_record(store, ELECTION_ID, tmp_path / "r"), workers=1)
    [reason] = report.check("V2").reasons
    assert (reason.code, reason.trustee) == ("complaint-unfounded", 1)


@pytest.mark.parametrize("key", [bytes(32), bytes([1]) + bytes(31)])
def test_a_low_order_encryption_key_is_refused(key: bytes) -> None:
    # Finding 2: the all-zero X25519 key made every honest trustee's `shares` crash.
    world = World()
    r = world.run(MemoryLogStore())
    r.post(r.election_body(), world.authority)
    announcement = replace(r.trustees[0].announce(r.rng), encryption_key=key)
    _refused(r, TrusteeKeyBody(announcement), world.trustees[0], "low-order")


def _voted(world: World) -> Run:
    clock = world.clock
    r = world.run(MemoryLogStore())
    r.setup()
    r.vote(world.voters[0], "b0", "ada")
    clock.now = OPENS + timedelta(hours=1)
    r.vote(world.voters[1], "b1", "bob")
    clock.now = CLOSES
    return r


def test_a_frozen_list_must_be_current() -> None:
    # Finding 3: a list signed before the last ballot may predate a revocation.
    world = World()
    r = _voted(world)
    world.revoked.add(0)
    stale = world.status_list(OPENS)
    _refused(r, CloseBody((stale,)), world.authority, "status-list-stale")
    r.post(CloseBody((world.status_list(CLOSES),)), world.authority)


def test_a_frozen_list_must_come_from_the_credentials_issuer() -> None:
    # Finding 3: with two issuers, a list signed by one cannot judge the other's voters.
    class TwoIssuers(World):
        def manifest(self, election_id: str = ELECTION_ID, **claims: object) -> object:  # type: ignore[override]
            m = super().manifest(election_id, **claims)
            rule = {**m.eligibility, "issuers": [self.authority.did, self.outsider.did]}  # type: ignore[dict-item]
            return replace(m, eligibility=rule)

        def status_source(self) -> Any:
            # The second issuer publishes the list its credentials name.
            bits = did.StatusList()
            unsigned = did.status_list_credential(
                STATUS_URL, self.outsider.did, "revocation", bits, OPENS
            )
            signed = did.add_proof(unsigned, self.outsider.key, self.outsider.vm, created=OPENS)
            return lambda url: signed

    world = TwoIssuers()
    clock = world.clock
    r = world.run(MemoryLogStore())
    r.setup()
    credential = world.credential(world.voters[0], 0, issuer=world.outsider)
    r.post(r.ballot_body(world.voters[0], "b0", "ada", credential=credential), world.voters[0])
    clock.now = CLOSES
    _refused(r, CloseBody((world.status_list(CLOSES),)), world.authority, "status-list-issuer")
