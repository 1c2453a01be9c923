"""Checks tlog-proof receipts: the derived vector, round trips, and receipts from a store."""

from __future__ import annotations

import base64
import contextlib
import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from voting.chain import (
    Checkpoint,
    CosignatureSigner,
    CosignatureVerifier,
    Ed25519Signer,
    Ed25519Verifier,
    MemoryLogStore,
    Receipt,
    add_cosignature,
    leaf_hash,
    sign_checkpoint,
    verify_receipt,
)
from voting.errors import ChainError, CheckpointError, MerkleError

from ._reference import vector_file

LOG = Ed25519Signer("board.example/election-1", bytes(range(32)))
WITNESS = CosignatureSigner("witness.example/w1", bytes(range(32, 64)))
FIXED_TIME = 1_700_000_000


def _derived() -> dict[str, Any]:
    path = vector_file("signed-note", "derived-checkpoint-cosignature.json")
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


@pytest.mark.usefixtures("vectors")
def test_derived_tlog_proof_parses_verifies_and_round_trips() -> None:
    case = _derived()["tlog_proof"]
    receipt = Receipt.from_text(case["text"])
    assert receipt.to_text() == case["text"]
    assert receipt.index == case["index"]
    assert [h.hex() for h in receipt.proof] == case["inclusion_proof_hex"]
    assert receipt.checkpoint.root_hash.hex() == case["root_hex"]
    hashed = leaf_hash(bytes.fromhex(case["leaf_input_hex"]))
    assert hashed.hex() == case["leaf_hash_hex"]
    keys = case["expect"]["ok_with"]
    log = [Ed25519Verifier.from_vkey(v) for v in keys["vkeys"]]
    witnesses = [CosignatureVerifier.from_vkey(v) for v in keys["cosigner_vkeys"]]
    opened = verify_receipt(receipt, hashed, log, witnesses, origin="Log")
    assert [c.name for c in opened.cosignatures] == ["witness.example/known"]
    with pytest.raises(MerkleError):
        verify_receipt(receipt, leaf_hash(b"\x11"), log, witnesses)
    with pytest.raises(CheckpointError):
        verify_receipt(receipt, hashed, [], witnesses)
    with pytest.raises(CheckpointError):
        verify_receipt(receipt, hashed, log, witnesses, origin="Other")


def _receipt_for(leaves: list[bytes], index: int, extra: bytes | None = None) -> Receipt:
    store = MemoryLogStore()
    store.create_log("e")
    store.append_many("e", leaves)
    body = Checkpoint(LOG.name, store.size("e"), store.root("e"))
    note = add_cosignature(sign_checkpoint(body, LOG), WITNESS, FIXED_TIME)
    return Receipt(index, tuple(store.inclusion_proof("e", index)), note, extra)


@settings(max_examples=40, deadline=None)
@given(
    leaves=st.lists(st.binary(max_size=20), min_size=1, max_size=40),
    data=st.data(),
    extra=st.none() | st.binary(max_size=30),
)
def test_store_receipts_round_trip_and_verify(
    leaves: list[bytes], data: st.DataObject, extra: bytes | None
) -> None:
    index = data.draw(st.integers(0, len(leaves) - 1))
    receipt = _receipt_for(leaves, index, extra)
    text = receipt.to_text()
    again = Receipt.from_text(text)
    assert again == receipt
    assert again.to_text() == text
    assert Receipt.from_text(text.encode()) == receipt
    opened = verify_receipt(again, leaf_hash(leaves[index]), [LOG.verifier()], [WITNESS.verifier()])
    assert opened.cosignatures[0].timestamp == FIXED_TIME
    assert opened.checkpoint.size == len(leaves)


@settings(max_examples=80, deadline=None)
@given(position=st.integers(0, 10_000), bit=st.integers(0, 7))
def test_any_flipped_bit_of_a_receipt_fails_or_drops_the_cosignature(
    position: int, bit: int
) -> None:
    receipt = _receipt_for([b"a", b"b", b"c", b"d", b"e"], 2)
    raw = bytearray(receipt.to_text().encode())
    raw[position % len(raw)] ^= 1 << bit
    try:
        tampered = Receipt.from_text(bytes(raw))
        opened = verify_receipt(tampered, leaf_hash(b"c"), [LOG.verifier()], [WITNESS.verifier()])
    except ChainError:
        return
    # A flip in the witness's name or key ID turns its line into an unknown signature,
    # which the signed-note rules ignore: the receipt still verifies, without the cosignature.
    assert opened.cosignatures == ()
    line = tampered.note.signatures[1]
    assert (line.name, line.key_id) != (WITNESS.name, WITNESS.verifier().key_id)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "c2sp.org/tlog-proof@v2\nindex 0\n\nx\n",
        "c2sp.org/tlog-proof@v1\nindex 01\n\nLog\n1\nAAAA\n\n— Log AAAAAA==\n",
        "c2sp.org/tlog-proof@v1\n\nLog\n",
        "c2sp.org/tlog-proof@v1\nindex 0\nnot-base64!\n\nLog\n",
        "c2sp.org/tlog-proof@v1\nextra\nindex 0\n\nLog\n",
    ],
)
def test_malformed_receipts_raise_checkpoint_error(text: str) -> None:
    with pytest.raises(CheckpointError):
        Receipt.from_text(text)


def test_receipt_index_must_lie_inside_the_checkpoint() -> None:
    receipt = _receipt_for([b"a", b"b"], 1)
    with pytest.raises(CheckpointError, match="beyond checkpoint size 2"):
        Receipt(2, receipt.proof, receipt.note)


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=300) | st.text(max_size=300))
def test_receipt_parser_raises_only_checkpoint_errors(raw: bytes | str) -> None:
    with contextlib.suppress(CheckpointError):
        Receipt.from_text(raw)


def test_extra_line_is_carried_verbatim() -> None:
    receipt = _receipt_for([b"x"], 0, b"opaque")
    assert f"extra {base64.b64encode(b'opaque').decode()}\n" in receipt.to_text()
