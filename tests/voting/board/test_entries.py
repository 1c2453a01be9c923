"""Tests the entry envelope and the ten typed bodies: parse, sign, verify, round-trip."""

from __future__ import annotations

import itertools
import json
from datetime import timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import did
from voting.ballot import encrypt_ballot
from voting.board import (
    ENTRY_TYPES,
    ZERO_HASH,
    BallotBody,
    ChallengedBody,
    CloseBody,
    DecryptionShareBody,
    ElectionBody,
    EligibilityRule,
    Entry,
    Head,
    OpenBody,
    ResultBody,
    TallyBody,
    TrusteeAckBody,
    TrusteeComplaintBody,
    TrusteeKeyBody,
    TrusteeSharesBody,
    ballot_challenge,
    ballot_hash,
    ballot_presentation,
    launch_code,
    next_head,
    sign_entry,
)
from voting.election import Election
from voting.errors import EncodingError, RejectedEntry
from voting.tally import aggregate, combine, partial_decrypt
from voting.testing import ELECTION_ID, T0, SeededRng, World

WORLD = World()


def _bodies() -> list[tuple[object, str]]:
    """One body of every type, made from real ceremony, ballot and tally objects."""
    w = WORLD
    manifest = w.manifest()
    rng = SeededRng(b"entries")
    trustees = w.trustee_objects(manifest)
    anns = [t.announce(rng) for t in trustees]
    election = Election.create(manifest, anns)
    shares = tuple(trustees[0].seal_share(a) for a in anns[1:])
    received = {
        i: [d.seal_share(anns[r.index - 1]) for d in trustees if d is not r]
        for i, r in enumerate(trustees)
    }
    keys = []
    for i, r in enumerate(trustees):
        got = {s.dealer: r.open_share(anns[s.dealer - 1], s) for s in received[i]}
        keys.append(r.decryption_key(got))
    voter = w.voters[0]
    ballot, opening = encrypt_ballot(election, "b-1", voter.did, {"mayor": {"ada": 1}}, rng)
    presentation = ballot_presentation(
        w.credential(voter, 1),
        ballot,
        election_id=ELECTION_ID,
        key=voter.key,
        verification_method=voter.vm,
        created=T0,
    )
    tally = aggregate(election, [ballot])
    dshares = [partial_decrypt(election, tally, k, rng) for k in keys[:2]]
    result = combine(election, tally, dshares)
    election_body = w.election_body(manifest)
    h = election.extended_hash
    return [
        (election_body, w.authority.vm),
        (TrusteeKeyBody(anns[0]), w.trustees[0].vm),
        (TrusteeSharesBody(shares), w.trustees[0].vm),
        (TrusteeAckBody((2, 3)), w.trustees[0].vm),
        (TrusteeComplaintBody(2, bytes(range(32))), w.trustees[0].vm),
        (OpenBody(election.joint_key.to_bytes(), h, launch_code(h)), w.authority.vm),
        (BallotBody(ballot, presentation), voter.vm),
        (ChallengedBody(ballot, opening), voter.vm),
        (CloseBody((w.status_list(),)), w.authority.vm),
        (TallyBody(tally), w.authority.vm),
        (DecryptionShareBody(dshares[0]), w.trustees[0].vm),
        (ResultBody(result), w.authority.vm),
    ]


BODIES = _bodies()
KEYS = {p.vm: p.key for p in [WORLD.authority, *WORLD.trustees, *WORLD.voters]}


def _chain() -> list[Entry]:
    head = Head.genesis(ELECTION_ID)
    entries = []
    for body, vm in BODIES:
        entry = sign_entry(body, head, author=vm, time=T0, key=KEYS[vm])  # type: ignore[arg-type]
        entries.append(entry)
        head = next_head(entry)
    return entries


CHAIN = _chain()


def test_every_type_is_covered() -> None:
    assert [e.type for e in CHAIN] == list(ENTRY_TYPES)


@pytest.mark.parametrize("entry", CHAIN, ids=lambda e: e.type)
def test_round_trip_bytes_and_json(entry: Entry) -> None:
    data = entry.to_bytes()
    assert Entry.from_bytes(data) == entry
    assert Entry.from_bytes(data).to_bytes() == data
    assert Entry.from_json(json.loads(data)) == entry
    assert Entry.from_bytes(data, check_canonical=False).to_bytes() == data
    # JCS escapes every control character, so canonical bytes never hold a newline.
    assert b"\n" not in data and b"\r" not in data


@pytest.mark.parametrize("entry", CHAIN, ids=lambda e: e.type)
def test_signature_verifies_and_binds_every_field(entry: Entry) -> None:
    resolver = did.Resolver()
    Entry.from_bytes(entry.to_bytes()).verify(resolver)
    later = Entry(
        entry.election, entry.seq, entry.prev, entry.author, entry.time + timedelta(seconds=1),
        entry.body, entry.signature,
    )  # fmt: skip
    with pytest.raises(RejectedEntry, match="signature"):
        later.verify(resolver)


def test_signing_input_is_the_entry_without_signature() -> None:
    entry = CHAIN[1]
    obj = json.loads(entry.to_bytes())
    del obj["signature"]
    assert entry.signing_input() == did.canonicalize(obj)
    did.verify_ed25519(WORLD.trustees[0].key.public_key, did.canonicalize(obj), entry.signature)


@pytest.mark.parametrize("entry", CHAIN, ids=lambda e: e.type)
def test_a_voters_entry_is_signed_without_its_place(entry: Entry) -> None:
    # §3.1: ballot and challenged omit seq and prev from the signing input; the rest sign them.
    obj = json.loads(entry.to_bytes())
    del obj["signature"]
    if entry.type in ("ballot", "challenged"):
        del obj["seq"], obj["prev"]
    assert entry.sequenced == (entry.type in ("ballot", "challenged"))
    assert entry.signing_input() == did.canonicalize(obj)


@pytest.mark.parametrize("entry", [e for e in CHAIN if e.sequenced], ids=lambda e: e.type)
@given(seq=st.integers(1, 2**53 - 1), prev=st.binary(min_size=32, max_size=32))
@settings(max_examples=25, deadline=None)
def test_placing_keeps_the_signature_and_gives_canonical_bytes(
    entry: Entry, seq: int, prev: bytes
) -> None:
    if prev == ZERO_HASH:
        prev = b"\x01" * 32
    sent = entry.submission_bytes()
    assert sent == did.canonicalize(entry.submission_json())
    assert b'"seq"' not in sent[-300:] and b'"prev"' not in sent[-300:]
    parsed = Entry.from_submission(sent)
    placed = parsed.place(Head(ELECTION_ID, seq, prev))
    assert (placed.seq, placed.prev) == (seq, prev)
    assert placed.to_bytes() == did.canonicalize(placed.to_json())
    assert Entry.from_bytes(placed.to_bytes()) == placed
    placed.verify(did.Resolver())
    # A place the writer sent along is not signed, so the board ignores it.
    assert Entry.from_submission(placed.to_bytes()).signing_input() == entry.signing_input()


def test_only_a_voters_entry_is_placed_by_the_board() -> None:
    with pytest.raises(EncodingError, match="signed over its head"):
        CHAIN[8].place(Head(ELECTION_ID, 9, b"\x01" * 32))


def test_hash_links() -> None:
    assert CHAIN[0].prev == ZERO_HASH and CHAIN[0].seq == 0
    for before, after in itertools.pairwise(CHAIN):
        assert after.prev == before.hash() and after.seq == before.seq + 1


def test_wrong_author_key_fails() -> None:
    entry = CHAIN[2]
    forged = sign_entry(
        entry.body, Head(entry.election, entry.seq, entry.prev),
        author=entry.author, time=T0, key=WORLD.trustees[1].key,
    )  # fmt: skip
    with pytest.raises(RejectedEntry, match="signature"):
        forged.verify(did.Resolver())


def test_non_canonical_bytes_are_refused() -> None:
    data = CHAIN[3].to_bytes()
    spaced = json.dumps(json.loads(data), indent=1).encode()
    with pytest.raises(EncodingError, match="canonical"):
        Entry.from_bytes(spaced)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("version", 2, "version"),
        ("version", True, "version"),
        ("type", "vote", "type"),
        ("seq", -1, "seq"),
        ("seq", 1.5, "seq"),
        ("prev", "00" * 31, "prev"),
        ("prev", "AB" * 32, "prev"),
        ("author", "did:key:z6Mk", "author"),
        ("time", "2030-05-01T09:00:00+00:00", "time"),
        ("time", "2030-13-01T09:00:00Z", "time"),
        ("signature", "00" * 63, "signature"),
        ("election", "bad id", "election"),
        ("extra", 1, "unknown"),
    ],
)
def test_malformed_envelope(field: str, value: object, message: str) -> None:
    obj = json.loads(CHAIN[1].to_bytes())
    obj[field] = value
    with pytest.raises(EncodingError, match=message):
        Entry.from_json(obj)


def test_missing_member() -> None:
    obj = json.loads(CHAIN[1].to_bytes())
    del obj["time"]
    with pytest.raises(EncodingError, match="missing"):
        Entry.from_json(obj)


def test_election_entry_comes_first_and_only_first() -> None:
    body, vm = BODIES[0]
    with pytest.raises(EncodingError, match="first"):
        Entry(ELECTION_ID, 1, b"\x01" * 32, vm, T0, body)  # type: ignore[arg-type]
    with pytest.raises(EncodingError, match="first"):
        Entry(ELECTION_ID, 0, ZERO_HASH, vm, T0, BODIES[1][0])  # type: ignore[arg-type]
    with pytest.raises(EncodingError, match="manifest"):
        Entry("other", 0, ZERO_HASH, vm, T0, body)  # type: ignore[arg-type]


def test_election_body_checks() -> None:
    body = BODIES[0][0]
    assert isinstance(body, ElectionBody)
    obj = body.to_json()
    bad = dict(obj, manifestHash="00" * 32)
    with pytest.raises(EncodingError, match="manifestHash"):
        ElectionBody.from_json(bad)
    bad = dict(obj, revoting="any")
    with pytest.raises(EncodingError, match="revoting"):
        ElectionBody.from_json(bad)
    bad = dict(obj, window={"opens": obj["window"]["closes"], "closes": obj["window"]["opens"]})
    with pytest.raises(EncodingError, match="window"):
        ElectionBody.from_json(bad)
    bad = dict(obj, trustees=obj["trustees"][:2])
    with pytest.raises(EncodingError, match="trustees"):
        ElectionBody.from_json(bad)
    assert body.eligibility == EligibilityRule((WORLD.authority.did,), "VoterCredential")
    assert body.trustee_index(WORLD.trustees[2].did) == 3
    assert body.trustee_index(WORLD.authority.did) is None


def test_open_body_launch_code_must_match() -> None:
    body = BODIES[5][0]
    assert isinstance(body, OpenBody)
    with pytest.raises(EncodingError, match="launchCode"):
        OpenBody(body.joint_key, body.election_hash, "0000-0000-0000-0000")
    assert len(body.launch_code) == 19


def test_ballot_challenge_binds_election_ballot_and_hash() -> None:
    body = BODIES[6][0]
    assert isinstance(body, BallotBody)
    h = ballot_hash(body.ballot)
    base = ballot_challenge(ELECTION_ID, "b-1", h)
    assert base == body.presentation["proof"]["challenge"]
    assert len(base) == 64
    assert ballot_challenge("other", "b-1", h) != base
    assert ballot_challenge(ELECTION_ID, "b-2", h) != base
    assert ballot_challenge(ELECTION_ID, "b-1", bytes(32)) != base


def test_eligibility_rule_round_trip_and_checks() -> None:
    rule = EligibilityRule(("did:example:a",), "T", {"district": "north"})
    assert EligibilityRule.from_json(rule.to_json()) == rule
    with pytest.raises(Exception, match="issuers"):
        EligibilityRule.from_json({"issuers": [], "credentialType": "T"})
    with pytest.raises(Exception, match="id"):
        EligibilityRule(("did:example:a",), "T", {"id": "x"})
    with pytest.raises(Exception, match="unknown"):
        EligibilityRule.from_json({"issuers": ["did:example:a"], "credentialType": "T", "x": 1})


@settings(max_examples=60, deadline=None)
@given(
    index=st.integers(min_value=0, max_value=10_000),
    bit=st.integers(min_value=0, max_value=7),
    which=st.integers(min_value=0, max_value=len(CHAIN) - 1),
)
def test_any_bit_flip_is_caught(index: int, bit: int, which: int) -> None:
    entry = CHAIN[which]
    data = bytearray(entry.to_bytes())
    data[index % len(data)] ^= 1 << bit
    try:
        parsed = Entry.from_bytes(bytes(data))
    except EncodingError:
        return
    # A flip that still parses must break the signature.
    with pytest.raises(RejectedEntry):
        parsed.verify(did.Resolver())


@settings(max_examples=60, deadline=None)
@given(st.binary(max_size=300))
def test_garbage_raises_encoding_error_only(data: bytes) -> None:
    with pytest.raises(EncodingError):
        Entry.from_bytes(data)
