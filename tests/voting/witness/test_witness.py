"""Checks the witness core against C2SP tlog-witness §add-checkpoint, rule by rule."""

from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.voting.chain._reference import vector_file
from voting.chain import (
    EMPTY_ROOT,
    CosignatureSigner,
    CosignatureVerifier,
    Ed25519Signer,
    Note,
    NoteSignature,
    merge_cosignatures,
    open_checkpoint,
    sign_checkpoint,
)
from voting.errors import (
    InconsistentCheckpoint,
    MalformedRequest,
    SizeConflict,
    UnknownLog,
    UntrustedCheckpoint,
    WitnessError,
)
from voting.witness import AddCheckpoint, TreeHead, Witness, WitnessState, parse_size_body

from .logs import TestLog, new_witness, seed


@pytest.fixture
def log() -> TestLog:
    return TestLog().grow(8)


@pytest.fixture
def witness(tmp_path: Path, log: TestLog) -> Witness:
    witness = new_witness(str(tmp_path / "witness.db"))
    witness.state.add_log(log.origin, log.signer.verifier())
    return witness


def _cosigned(witness: Witness, log: TestLog, note: Note, body: bytes) -> Note:
    """The note with the witness's response appended, after checking it verifies."""
    merged = merge_cosignatures(note, body.decode())
    opened = open_checkpoint(merged, [log.signer.verifier()], [witness.verifier])
    assert [c.name for c in opened.cosignatures] == [witness.signer.name]
    return merged


def test_cosignature_matches_the_derived_vector(tmp_path: Path) -> None:
    data: dict[str, Any] = json.loads(
        vector_file("signed-note", "derived-checkpoint-cosignature.json").read_text("utf-8")
    )
    log_signer = Ed25519Signer.from_skey(data["log"]["skey"])
    known = Ed25519Signer.from_skey(data["witness"]["skey_seed_from"])
    stamp = data["cosignature"]["timestamp"]
    witness = Witness(
        CosignatureSigner(data["witness"]["name"], known.seed),
        WitnessState(tmp_path / "w.db"),
        lambda: stamp,
    )
    assert witness.verifier.to_vkey() == data["witness"]["vkey"]
    witness.state.add_log("Log", log_signer.verifier())
    note = Note.from_text(data["signed_note"])
    log_only = Note(note.text, note.signatures[:1])
    done = witness.add_checkpoint(AddCheckpoint(0, (), log_only).to_bytes())
    # Ed25519 is deterministic: the witness must reproduce the vector's line byte for byte.
    assert done.response_body().decode() == note.signatures[1].to_line()


def test_first_checkpoint_then_a_consistent_extension(witness: Witness, log: TestLog) -> None:
    first = witness.add_checkpoint(log.request(0).to_bytes())
    _cosigned(witness, log, log.note(), first.response_body())
    assert witness.state.head(log.origin).size == 8
    log.grow(13)
    second = witness.add_checkpoint(log.request(8).to_bytes())
    assert second.checkpoint.size == 13
    _cosigned(witness, log, log.note(), second.response_body())
    # The same tree again (old size = size, same root) is cosigned again.
    witness.add_checkpoint(log.request(13).to_bytes())


def test_monitoring_checkpoint_keeps_log_and_witness_signatures(
    witness: Witness, log: TestLog
) -> None:
    with pytest.raises(UnknownLog):
        witness.latest(log.origin)
    witness.add_checkpoint(log.request(0))
    kept = witness.latest(log.origin)
    opened = open_checkpoint(kept, [log.signer.verifier()], [witness.verifier])
    assert opened.checkpoint == log.checkpoint()
    assert len(opened.cosignatures) == 1


def test_state_survives_reopening(tmp_path: Path, log: TestLog) -> None:
    path = str(tmp_path / "witness.db")
    first = new_witness(path)
    first.state.add_log(log.origin, log.signer.verifier())
    first.add_checkpoint(log.request(0))
    first.state.close()
    again = new_witness(path)
    assert again.state.head(log.origin).size == 8
    with pytest.raises(SizeConflict) as conflict:
        again.add_checkpoint(log.request(0))
    assert conflict.value.current_size == 8


def test_unknown_origin_is_404(witness: Witness) -> None:
    other = TestLog("other.example/log").grow(3)
    with pytest.raises(UnknownLog) as err:
        witness.add_checkpoint(other.request(0).to_bytes())
    assert err.value.status == 404


def test_bad_log_signature_is_403(witness: Witness, log: TestLog) -> None:
    note = log.note()
    sig = note.signatures[0]
    flipped = bytes([sig.signature[0] ^ 1]) + sig.signature[1:]
    bad = Note(note.text, (NoteSignature(sig.name, sig.key_id, flipped),))
    with pytest.raises(UntrustedCheckpoint) as err:
        witness.add_checkpoint(AddCheckpoint(0, (), bad).to_bytes())
    assert err.value.status == 403


def test_only_unknown_keys_is_403_and_unknown_lines_are_ignored(
    witness: Witness, log: TestLog
) -> None:
    stranger = Ed25519Signer(log.origin, seed("stranger"))
    only_stranger = sign_checkpoint(log.checkpoint(), stranger)
    with pytest.raises(UntrustedCheckpoint):
        witness.add_checkpoint(AddCheckpoint(0, (), only_stranger))
    both = log.note().with_signature(only_stranger.signatures[0])
    witness.add_checkpoint(AddCheckpoint(0, (), both))


def test_old_size_above_checkpoint_size_is_400(witness: Witness, log: TestLog) -> None:
    with pytest.raises(MalformedRequest) as err:
        witness.add_checkpoint(AddCheckpoint(9, (), log.note(8)))
    assert err.value.status == 400


def test_wrong_old_size_is_409_with_the_witness_size(witness: Witness, log: TestLog) -> None:
    with pytest.raises(SizeConflict) as err:
        witness.add_checkpoint(log.request(4).to_bytes())
    assert (err.value.status, err.value.current_size) == (409, 0)
    witness.add_checkpoint(log.request(0))
    log.grow(10)
    with pytest.raises(SizeConflict) as err:
        witness.add_checkpoint(log.request(5))
    assert err.value.current_size == 8
    assert parse_size_body(b"8\n") == 8


def test_proof_that_does_not_verify_is_422(witness: Witness, log: TestLog) -> None:
    witness.add_checkpoint(log.request(0))
    log.grow(12)
    good = log.request(8)
    broken = (bytes([good.proof[0][0] ^ 1]) + good.proof[0][1:], *good.proof[1:])
    with pytest.raises(InconsistentCheckpoint) as err:
        witness.add_checkpoint(AddCheckpoint(8, broken, good.note))
    assert err.value.status == 422
    with pytest.raises(InconsistentCheckpoint):
        witness.add_checkpoint(AddCheckpoint(8, good.proof[:-1], good.note))
    assert witness.state.head(log.origin).size == 8


def test_proof_with_old_size_zero_is_422(witness: Witness, log: TestLog) -> None:
    with pytest.raises(InconsistentCheckpoint):
        witness.add_checkpoint(AddCheckpoint(0, (b"\x00" * 32,), log.note()))


def test_size_zero_with_a_non_empty_root_is_422(witness: Witness, log: TestLog) -> None:
    text = f"{log.origin}\n0\n{'A' * 43}=\n"
    note = Note(text, (log.signer.sign(text),))
    with pytest.raises(InconsistentCheckpoint):
        witness.add_checkpoint(AddCheckpoint(0, (), note).to_bytes())
    witness.add_checkpoint(log.request(0, 0))


def test_never_two_trees_of_one_size(witness: Witness, log: TestLog) -> None:
    """A fork sharing a prefix gets 409 (stale old size) or 422 (same size), never a cosignature."""
    prefix = TestLog().grow(4)
    honest, fork = prefix.fork("honest").grow(8, "honest"), prefix.fork("evil").grow(8, "evil")
    witness.add_checkpoint(prefix.request(0))
    witness.add_checkpoint(honest.request(4))
    with pytest.raises(SizeConflict):
        witness.add_checkpoint(fork.request(4))
    with pytest.raises(InconsistentCheckpoint):
        witness.add_checkpoint(AddCheckpoint(8, (), fork.note()))
    with pytest.raises(InconsistentCheckpoint):
        witness.add_checkpoint(fork.grow(11, "evil").request(8))
    assert witness.state.head(log.origin).root_hash == honest.checkpoint().root_hash
    # Both refusals with a valid log signature are kept as possible evidence of the fork.
    kept = witness.state.evidence(log.origin)
    assert [Note.from_text(note).text for note, _ in kept] == [
        fork.note(8).text,
        fork.note(11).text,
    ]


def test_compare_and_swap_refuses_a_stale_head(witness: Witness, log: TestLog) -> None:
    state, note = witness.state, log.note().to_text()
    empty = TreeHead(0, EMPTY_ROOT)
    eight = TreeHead(8, log.checkpoint().root_hash, note)
    assert state.head(log.origin) == empty
    assert state.advance(log.origin, empty, eight)
    # A second request checked against the empty tree must not roll the head back.
    assert not state.advance(log.origin, empty, TreeHead(3, log.checkpoint(3).root_hash, note))
    assert state.head(log.origin).size == 8


@pytest.mark.parametrize(
    ("body", "why"),
    [
        (b"", "empty"),
        (b"old 0\n", "no checkpoint"),
        (b"old 01\n\n", "leading zero"),
        (b"old -1\n\n", "sign"),
        (b"old 1 \n\n", "trailing space"),
        (b"Old 0\n\n", "case"),
        (b"old 0\nnot base64!\n\n", "proof line"),
        (b"old 0\nAAAA\n\n", "short hash"),
        (b"old 18446744073709551616\n\n", "beyond u64"),
        (b"\xff\xfe", "not UTF-8"),
    ],
)
def test_malformed_bodies_are_400(witness: Witness, log: TestLog, body: bytes, why: str) -> None:
    # Bodies whose head is complete get a valid checkpoint after them, so only the head is bad.
    rest = log.note().to_bytes() if body.endswith(b"\n\n") else b""
    with pytest.raises(MalformedRequest):
        witness.add_checkpoint(body + rest)


def test_more_than_63_proof_lines_is_400(witness: Witness, log: TestLog) -> None:
    body = b"old 1\n" + (b"A" * 43 + b"=\n") * 64 + b"\n" + log.note().to_bytes()
    with pytest.raises(MalformedRequest):
        witness.add_checkpoint(body)


def test_request_round_trips(log: TestLog) -> None:
    request = TestLog().grow(11).request(5)
    assert AddCheckpoint.from_bytes(request.to_bytes()) == request


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_any_altered_body_gets_a_witness_error_or_a_valid_cosignature(data: st.DataObject) -> None:
    log = TestLog().grow(6)
    witness = Witness(
        CosignatureSigner("witness.example/fuzz", seed("fuzz")), WitnessState(":memory:"), lambda: 1
    )
    witness.state.add_log(log.origin, log.signer.verifier())
    witness.add_checkpoint(log.request(0, 3))
    body = bytearray(log.request(3).to_bytes())
    index = data.draw(st.integers(0, len(body) - 1))
    body[index] ^= 1 << data.draw(st.integers(0, 7))
    try:
        done = witness.add_checkpoint(bytes(body))
    except WitnessError as exc:
        assert exc.status in (400, 403, 404, 409, 422)
        assert witness.state.head(log.origin).size == 3
        return
    # Only a flip outside what is signed and proved (an unknown signature line) may pass,
    # and then the tree cosigned is exactly the log's.
    assert done.checkpoint == log.checkpoint()


def test_verifier_key_round_trips(witness: Witness) -> None:
    assert CosignatureVerifier.from_vkey(witness.verifier.to_vkey()) == witness.verifier


def test_concurrent_requests_from_one_old_size_cosign_once(tmp_path: Path) -> None:
    """The race in tlog-witness §add-checkpoint: many requests from size 8, on separate
    connections to one state file; exactly one may move the head, the others get 409."""
    path = str(tmp_path / "witness.db")
    log = TestLog().grow(8)
    first = new_witness(path)
    first.state.add_log(log.origin, log.signer.verifier())
    first.add_checkpoint(log.request(0))
    log.grow(16)
    requests = [log.request(8, size) for size in range(9, 17)]
    witnesses = [new_witness(path) for _ in requests]
    outcomes: list[int] = []
    barrier = threading.Barrier(len(requests))

    def submit(witness: Witness, request: AddCheckpoint) -> None:
        barrier.wait()
        try:
            witness.add_checkpoint(request)
            outcomes.append(200)
        except SizeConflict:
            outcomes.append(409)

    threads = [
        threading.Thread(target=submit, args=pair) for pair in zip(witnesses, requests, strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == [200] + [409] * (len(requests) - 1)
    head = first.state.head(log.origin)
    assert head.root_hash == log.checkpoint(head.size).root_hash


@settings(max_examples=100, deadline=None)
@given(
    st.integers(0, (1 << 64) - 1),
    st.lists(st.binary(min_size=32, max_size=32), max_size=63),
    st.integers(0, 40),
)
def test_any_request_round_trips(old: int, proof: list[bytes], size: int) -> None:
    request = AddCheckpoint(old, tuple(proof), TestLog().grow(size).note())
    assert AddCheckpoint.from_bytes(request.to_bytes()) == request
