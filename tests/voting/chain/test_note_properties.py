"""Property tests for signed notes and checkpoints: round trips, tampering, bad input."""

from __future__ import annotations

import contextlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from voting.chain import (
    EMPTY_ROOT,
    Checkpoint,
    CosignatureSigner,
    Ed25519Signer,
    Ed25519Verifier,
    MemoryLogStore,
    Note,
    NoteSignature,
    add_cosignature,
    open_checkpoint,
    open_note,
    sign_checkpoint,
    sign_note,
    verify_checkpoint_consistency,
)
from voting.errors import CheckpointError, MerkleError

SIGNER = Ed25519Signer("board.example/log", bytes(32))
OTHER = Ed25519Signer("board.example/other", bytes([7]) * 32)
WITNESS = CosignatureSigner("witness.example/w", bytes([9]) * 32)

_line = st.text(
    alphabet=st.characters(min_codepoint=0x20, max_codepoint=0x2FF), min_size=1, max_size=30
)
texts = st.lists(_line | st.just(""), min_size=1, max_size=6).map(
    lambda lines: "".join(line + "\n" for line in lines)
)
names = st.text(alphabet="abcdefghijklmnopqrstuvwxyz./-0123456789", min_size=1, max_size=20)
checkpoints = st.builds(
    Checkpoint,
    origin=names,
    size=st.integers(1, 2**64 - 1),
    root_hash=st.binary(min_size=32, max_size=32),
    extensions=st.lists(_line, max_size=3).map(tuple),
)


@settings(max_examples=60, deadline=None)
@given(text=texts)
def test_signed_notes_round_trip_and_verify(text: str) -> None:
    note = sign_note(text, [SIGNER, OTHER])
    wire = note.to_text()
    assert Note.from_text(wire) == note
    assert Note.from_text(wire.encode()) == note
    opened = open_note(wire, [SIGNER.verifier()])
    assert opened.text == text
    assert [s.name for s in opened.unverified] == [OTHER.name]


@settings(max_examples=60, deadline=None)
@given(text=texts, position=st.integers(0, 10_000), bit=st.integers(0, 7))
def test_any_flipped_bit_of_a_signed_note_fails(text: str, position: int, bit: int) -> None:
    raw = bytearray(sign_note(text, [SIGNER]).to_bytes())
    raw[position % len(raw)] ^= 1 << bit
    with pytest.raises(CheckpointError):
        open_note(bytes(raw), [SIGNER.verifier()])


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=200) | st.text(max_size=200))
def test_note_parser_raises_only_checkpoint_errors(raw: bytes | str) -> None:
    with contextlib.suppress(CheckpointError):
        Note.from_text(raw)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=120))
def test_checkpoint_and_vkey_parsers_raise_only_checkpoint_errors(raw: str) -> None:
    for parse in (Checkpoint.from_text, Ed25519Verifier.from_vkey, Ed25519Signer.from_skey):
        with contextlib.suppress(CheckpointError):
            parse(raw)


@settings(max_examples=60, deadline=None)
@given(body=checkpoints, timestamp=st.integers(0, 2**63 - 1))
def test_checkpoints_round_trip_signed_and_cosigned(body: Checkpoint, timestamp: int) -> None:
    assert Checkpoint.from_text(body.to_text()) == body
    note = add_cosignature(sign_checkpoint(body, SIGNER), WITNESS, timestamp)
    assert Note.from_text(note.to_text()) == note
    opened = open_checkpoint(note.to_text(), [SIGNER.verifier()], [WITNESS.verifier()])
    assert opened.checkpoint == body
    assert opened.cosignatures[0].timestamp == timestamp


@pytest.mark.parametrize(
    "text",
    [
        "origin\n1\n",
        "origin\n01\n" + "A" * 43 + "=\n",
        "origin\n-1\n" + "A" * 43 + "=\n",
        "origin\n\u0661\n" + "A" * 43 + "=\n",
        "origin\n1\n" + "A" * 42 + "==\n",
        "origin\n1\n" + "A" * 43 + "=",
        "origin\n1\n" + "A" * 43 + "=\n\n",
        "\n1\n" + "A" * 43 + "=\n",
        "origin\n0\n" + "A" * 43 + "=\n",
        "origin\n18446744073709551616\n" + "A" * 43 + "=\n",
    ],
)
def test_malformed_checkpoints_are_rejected(text: str) -> None:
    with pytest.raises(CheckpointError):
        Checkpoint.from_text(text)


def test_known_key_with_bad_signature_rejects_even_when_another_verifies() -> None:
    good = SIGNER.sign("hello\n")
    forged = NoteSignature(OTHER.name, OTHER.verifier().key_id, bytes(64))
    note = Note("hello\n", (good, forged))
    with pytest.raises(CheckpointError, match=r"invalid signature for key board\.example/other"):
        open_note(note, [SIGNER.verifier(), OTHER.verifier()])
    # Same name with a different key ID is a different, unknown key: ignored.
    renamed = NoteSignature(SIGNER.name, SIGNER.verifier().key_id ^ 1, bytes(64))
    opened = open_note(Note("hello\n", (good, renamed)), [SIGNER.verifier()])
    assert opened.unverified == (renamed,)


def test_witness_signature_alone_is_not_enough() -> None:
    body = Checkpoint("log", 1, bytes(32))
    note = add_cosignature(sign_checkpoint(body, SIGNER), WITNESS, 5)
    with pytest.raises(CheckpointError, match="no log signature"):
        open_checkpoint(note, [], [WITNESS.verifier()])
    with pytest.raises(CheckpointError, match="invalid cosignature"):
        bad = add_cosignature(sign_checkpoint(body, SIGNER), WITNESS, 5)
        shifted = bad.signatures[1]
        moved = NoteSignature(
            shifted.name, shifted.key_id, (6).to_bytes(8, "big") + shifted.signature[8:]
        )
        open_checkpoint(
            Note(bad.text, (bad.signatures[0], moved)), [SIGNER.verifier()], [WITNESS.verifier()]
        )


def test_signer_repr_hides_the_seed() -> None:
    for signer in (SIGNER, WITNESS, Ed25519Signer("n", bytes([0xAB]) * 32)):
        assert "redacted" in repr(signer)
        assert "abab" not in repr(signer).lower()


def test_checkpoint_consistency_between_signed_checkpoints() -> None:
    store = MemoryLogStore()
    store.create_log("e")
    store.append_many("e", [bytes([i]) for i in range(13)])
    old = Checkpoint("e", 5, store.root("e", 5))
    new = Checkpoint("e", 13, store.root("e"))
    verify_checkpoint_consistency(old, new, store.consistency_proof("e", 5, 13))
    verify_checkpoint_consistency(Checkpoint("e", 0, EMPTY_ROOT), new, [])
    with pytest.raises(CheckpointError, match="origin"):
        verify_checkpoint_consistency(Checkpoint("x", 5, old.root_hash), new, [])
    forked = Checkpoint("e", 13, bytes(32))
    with pytest.raises(MerkleError, match="root2 mismatch"):
        verify_checkpoint_consistency(old, forked, store.consistency_proof("e", 5, 13))
