"""Checks signed notes, checkpoints and cosignatures against the published note vectors."""

from __future__ import annotations

import base64
import hashlib
import json
from typing import Any

import pytest

from voting.chain import (
    Checkpoint,
    Cosignature,
    CosignatureSigner,
    CosignatureVerifier,
    Ed25519Signer,
    Ed25519Verifier,
    Note,
    NoteSignature,
    key_id_for,
    open_checkpoint,
    open_note,
    sign_note,
)
from voting.errors import CheckpointError

from ._reference import vector_file

# Every test here reads the conformance vectors.
pytestmark = pytest.mark.usefixtures("vectors")


def _load(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(vector_file("signed-note", name).read_text(encoding="utf-8"))
    return data


def _note_of(case: dict[str, Any]) -> str | bytes:
    if "note_b64" in case:
        return base64.b64decode(case["note_b64"])
    note: str = case["note"]
    return note


def _check_open_case(case: dict[str, Any]) -> None:
    verifiers = [Ed25519Verifier.from_vkey(v) for v in case["vkeys"]]
    expect = case["expect"]
    if not expect["ok"]:
        with pytest.raises(CheckpointError):
            open_note(_note_of(case), verifiers)
        return
    opened = open_note(_note_of(case), verifiers)
    if "text" in expect:
        assert opened.text == expect["text"]
    assert [s.name for s in opened.verified] == expect["verified"]
    assert [s.name for s in opened.unverified] == expect["unverified"]


def test_go_sumdb_keys_round_trip_and_sign_reproduces_the_note() -> None:
    data = _load("go-sumdb-note.json")
    for key in data["keys"].values():
        assert Ed25519Verifier.from_vkey(key["vkey"]).to_vkey() == key["vkey"]
        if "skey" in key:
            signer = Ed25519Signer.from_skey(key["skey"])
            assert signer.to_skey() == key["skey"]
            assert signer.verifier().to_vkey() == key["vkey"]
            assert "PRIVATE" not in repr(signer)
            assert signer.seed.hex() not in repr(signer)
    signer = Ed25519Signer.from_skey(data["sign"]["skey"])
    note = sign_note(data["sign"]["text"], [signer])
    assert note.to_text() == data["sign"]["expected_note"]
    # EnochRoot's key comes from an all-zero seed in the upstream example.
    enoch = Ed25519Signer("EnochRoot", bytes(32))
    assert enoch.verifier().to_vkey() == data["keys"]["EnochRoot"]["vkey"]


@pytest.mark.parametrize("position", range(14))
def test_go_sumdb_open_cases(position: int) -> None:
    cases = _load("go-sumdb-note.json")["open_cases"]
    assert len(cases) == 14
    _check_open_case(cases[position])


def test_go_sumdb_invalid_vkeys_are_rejected() -> None:
    for case in _load("go-sumdb-note.json")["invalid_vkeys"]:
        with pytest.raises(CheckpointError):
            Ed25519Verifier.from_vkey(case["vkey"])


def test_c2sp_signed_note_example() -> None:
    example = _load("c2sp-spec-examples.json")["signed_note_example"]
    verifier = Ed25519Verifier.from_vkey(example["vkey"])
    parts = example["vkey_parts"]
    assert verifier.name == parts["name"]
    assert f"{verifier.key_id:08x}" == parts["key_id_hex"]
    assert verifier.public_key == base64.b64decode(parts["ed25519_public_key_b64"])
    _check_open_case({**example, "vkeys": [example["vkey"]]})
    assert Note.from_text(example["note"]).to_text() == example["note"]


def test_c2sp_checkpoint_and_cosignature_examples_parse() -> None:
    data = _load("c2sp-spec-examples.json")
    example = data["checkpoint_example_parse_only"]
    note = Note.from_text(example["note"])
    expect = example["expect"]
    assert note.text == expect["text"]
    assert note.to_text() == example["note"]
    body = Checkpoint.from_text(note.text)
    assert (body.origin, body.size) == (expect["origin"], expect["size"])
    assert body.root_hash == base64.b64decode(expect["root_b64"])
    assert list(body.extensions) == expect["extensions"]
    assert body.to_text() == note.text
    for sig, want in zip(note.signatures, expect["signatures"], strict=True):
        assert (sig.name, f"{sig.key_id:08x}", len(sig.signature)) == (
            want["name"],
            want["key_id_hex"],
            want["sig_len"],
        )
    cosig_case = data["cosignature_example_parse_only"]
    cosig = Cosignature.from_note_signature(NoteSignature.from_line(cosig_case["line"]))
    assert f"{cosig.key_id:08x}" == cosig_case["expect"]["key_id_hex"]
    assert cosig.timestamp == cosig_case["expect"]["timestamp"]
    assert len(cosig.signature) == cosig_case["expect"]["ed25519_signature_len"]
    assert cosig.to_note_signature().to_line() == cosig_case["line"] + "\n"


def test_sigstore_rekor_v2_checkpoints() -> None:
    cases = _load("sigstore-rekor-v2-checkpoints.json")["cases"]
    assert len(cases) == 2
    for case in cases:
        _check_open_case(case)
        log = [Ed25519Verifier.from_vkey(v) for v in case["vkeys"]]
        opened = open_checkpoint(case["note"], log, origin=case["expect"]["checkpoint"]["origin"])
        want = case["expect"]["checkpoint"]
        assert opened.checkpoint.size == want["size"]
        assert opened.checkpoint.root_hash == base64.b64decode(want["root_b64"])
        assert list(opened.checkpoint.extensions) == want["extensions"]
        assert opened.log_signers == tuple(case["expect"]["verified"])
        # The untruncated C2SP key hash is Rekor's log id.
        spki = base64.b64decode(case["log_public_key_spki_der_b64"])
        full = hashlib.sha256(want["origin"].encode() + b"\n\x01" + spki[-32:]).digest()
        assert full == base64.b64decode(case["trusted_root_logId_keyId_b64"])
        note = Note.from_text(case["note"])
        unknown = [s for s in note.signatures if s.name != want["origin"]]
        for sig, parsed in zip(unknown, case["unknown_cosignatures_parsed"], strict=True):
            cosig = Cosignature.from_note_signature(sig)
            assert (cosig.name, f"{cosig.key_id:08x}", cosig.timestamp) == (
                parsed["name"],
                parsed["key_id_hex"],
                parsed["timestamp"],
            )
            assert len(sig.signature) + 4 == parsed["signature_bytes_len"]


def test_derived_checkpoint_signature_and_cosignature_reproduce_exactly() -> None:
    data = _load("derived-checkpoint-cosignature.json")
    log = Ed25519Signer.from_skey(data["log"]["skey"])
    assert log.verifier().to_vkey() == data["log"]["vkey"]
    log_sig = log.sign(data["checkpoint_text"])
    assert f"{log_sig.key_id:08x}" == data["log_signature"]["key_id_hex"]
    assert log_sig.signature == base64.b64decode(data["log_signature"]["signature_b64"])
    seed = Ed25519Signer.from_skey(data["witness"]["skey_seed_from"]).seed
    witness = CosignatureSigner(data["witness"]["name"], seed)
    assert witness.verifier().to_vkey() == data["witness"]["vkey"]
    assert witness.verifier().key_id == key_id_for(
        data["witness"]["name"], 0x04, witness.verifier().public_key
    )
    cosig_line = witness.cosign(data["checkpoint_text"], data["cosignature"]["timestamp"])
    cosig = Cosignature.from_note_signature(cosig_line)
    assert f"{cosig.key_id:08x}" == data["cosignature"]["key_id_hex"]
    assert cosig.signature == base64.b64decode(data["cosignature"]["signature_b64"])
    note = Note(data["checkpoint_text"], (log_sig, cosig_line))
    assert note.to_text() == data["signed_note"]


@pytest.mark.parametrize("position", range(4))
def test_derived_checkpoint_cases(position: int) -> None:
    cases = _load("derived-checkpoint-cosignature.json")["cases"]
    assert len(cases) == 4
    case = cases[position]
    log = [Ed25519Verifier.from_vkey(v) for v in case["vkeys"]]
    witnesses = [CosignatureVerifier.from_vkey(v) for v in case.get("cosigner_vkeys", [])]
    expect = case["expect"]
    if not expect["ok"]:
        with pytest.raises(CheckpointError):
            open_checkpoint(case["note"], log, witnesses)
        return
    opened = open_checkpoint(case["note"], log, witnesses, origin="Log")
    names = list(opened.log_signers) + [c.name for c in opened.cosignatures]
    assert names == expect["verified"]
    unverified = [s.name for s in opened.note.signatures if s.name not in names]
    assert unverified == expect["unverified"]
    assert opened.checkpoint.size == 8
