"""Checks the RFC 9162 Merkle code against every published Merkle vector and probe."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

import pytest

from voting.chain import (
    EMPTY_ROOT,
    MemoryLogStore,
    compute_root,
    leaf_hash,
    node_hash,
    root_from_inclusion_proof,
    verify_consistency,
    verify_inclusion,
)
from voting.errors import MerkleError

from ._reference import vector_file, vector_params


def _b64(value: str | None) -> bytes:
    return base64.b64decode(value or "")


def _b64_list(values: list[str] | None) -> list[bytes]:
    return [_b64(v) for v in values or []]


def _load(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


@pytest.mark.usefixtures("vectors")
@pytest.mark.parametrize("path", vector_params("merkle", "transparency-dev", "inclusion"))
def test_transparency_dev_inclusion_probe(path: Path) -> None:
    probe = _load(path)
    args = (probe["leafIdx"], probe["treeSize"], _b64(probe["leafHash"]))
    proof, root = _b64_list(probe["proof"]), _b64(probe["root"])
    if probe["wantErr"]:
        with pytest.raises(MerkleError):
            verify_inclusion(*args, proof, root)
    else:
        verify_inclusion(*args, proof, root)


@pytest.mark.usefixtures("vectors")
@pytest.mark.parametrize("path", vector_params("merkle", "transparency-dev", "consistency"))
def test_transparency_dev_consistency_probe(path: Path) -> None:
    probe = _load(path)
    args = (probe["size1"], probe["size2"], _b64(probe["root1"]), _b64(probe["root2"]))
    proof = _b64_list(probe["proof"])
    if probe["wantErr"]:
        with pytest.raises(MerkleError):
            verify_consistency(*args, proof)
    else:
        verify_consistency(*args, proof)


@pytest.mark.usefixtures("vectors")
def test_probe_corpus_is_complete() -> None:
    """The README promises 98 + 98 probes; a missing directory must not pass silently."""
    base = vector_file("merkle", "transparency-dev")
    assert len(list((base / "inclusion").rglob("*.json"))) == 98
    assert len(list((base / "consistency").rglob("*.json"))) == 98


@pytest.mark.usefixtures("vectors")
def test_reference_tree_hashes_roots_and_store_nodes() -> None:
    ref = _load(vector_file("merkle", "rfc6962-reference-tree.json"))
    leaves = [bytes.fromhex(h) for h in ref["leaf_inputs_hex"]]
    hasher = ref["hasher_vectors"]
    assert EMPTY_ROOT.hex() == hasher["empty_tree_root_hex"]
    for case in hasher["leaf_hash"]:
        assert leaf_hash(bytes.fromhex(case["leaf_hex"])).hex() == case["hash_hex"]
    for case in hasher["node_hash"]:
        left, right = bytes.fromhex(case["left_hex"]), bytes.fromhex(case["right_hex"])
        assert node_hash(left, right).hex() == case["hash_hex"]
    store = MemoryLogStore()
    store.create_log("ref")
    store.append_many("ref", leaves)
    for size_text, root_hex in ref["root_hash_by_tree_size_hex"].items():
        size = int(size_text)
        assert compute_root(leaf_hash(x) for x in leaves[:size]).hex() == root_hex
        assert store.root("ref", size).hex() == root_hex
    # Every stored perfect subtree is the published node hash at (level, index).
    for level, row in enumerate(ref["node_hashes_by_level_hex"]):
        for index, value in enumerate(row):
            assert store._node("ref", level, index).hex() == value


@pytest.mark.usefixtures("vectors")
def test_reference_tree_proofs_from_store_verify_against_published_roots() -> None:
    ref = _load(vector_file("merkle", "rfc6962-reference-tree.json"))
    leaves = [bytes.fromhex(h) for h in ref["leaf_inputs_hex"]]
    roots = {int(k): bytes.fromhex(v) for k, v in ref["root_hash_by_tree_size_hex"].items()}
    store = MemoryLogStore()
    store.create_log("ref")
    store.append_many("ref", leaves)
    for size in range(1, 9):
        for index in range(size):
            proof = store.inclusion_proof("ref", index, size)
            verify_inclusion(index, size, leaf_hash(leaves[index]), proof, roots[size])
        for old in range(1, size + 1):
            proof = store.consistency_proof("ref", old, size)
            verify_consistency(old, size, roots[old], roots[size], proof)


@pytest.mark.usefixtures("vectors")
def test_ct_python_consistency_and_real_log_inclusion() -> None:
    data = _load(vector_file("merkle", "ct-python-vectors.json"))
    for case in data["consistency"]:
        args = (case["size1"], case["size2"])
        roots = (bytes.fromhex(case["root1"]), bytes.fromhex(case["root2"]))
        proof = [bytes.fromhex(h) for h in case["proof"]]
        if case["wantErr"]:
            with pytest.raises(MerkleError):
                verify_consistency(*args, *roots, proof)
        else:
            verify_consistency(*args, *roots, proof)
    for case in data["inclusion"]:
        hashed = bytes.fromhex(case["leafHash"])
        if "leaf_input_hex" in case:
            assert leaf_hash(bytes.fromhex(case["leaf_input_hex"])) == hashed
        proof = [bytes.fromhex(h) for h in case["proof"]]
        index, size, root = case["leafIdx"], case["treeSize"], bytes.fromhex(case["root"])
        if case["wantErr"]:
            with pytest.raises(MerkleError):
                verify_inclusion(index, size, hashed, proof, root)
        else:
            verify_inclusion(index, size, hashed, proof, root)


@pytest.mark.usefixtures("vectors")
def test_sigstore_rekor_v2_inclusion_proofs() -> None:
    data = _load(vector_file("merkle", "sigstore-rekor-v2-inclusion.json"))
    assert len(data["inclusion"]) == 2
    for case in data["inclusion"]:
        hashed = leaf_hash(_b64(case["leaf_input_b64"]))
        assert hashed == _b64(case["leafHash"])
        root = _b64(case["root"])
        proof = _b64_list(case["proof"])
        verify_inclusion(case["leafIdx"], case["treeSize"], hashed, proof, root)
        assert root_from_inclusion_proof(case["leafIdx"], case["treeSize"], hashed, proof) == root
        with pytest.raises(MerkleError):
            verify_inclusion(case["leafIdx"] - 1, case["treeSize"], hashed, proof, root)


@pytest.mark.usefixtures("vectors")
def test_go_sumdb_record_hash() -> None:
    data = _load(vector_file("merkle", "go-sumdb-tlog.json"))
    for case in data["record_hash"]:
        assert leaf_hash(case["data_utf8"].encode()) == _b64(case["leaf_hash_b64"])


def test_precondition_messages_name_the_check() -> None:
    leaf = leaf_hash(b"x")
    with pytest.raises(MerkleError, match="wrong proof size 3, want 2"):
        verify_inclusion(0, 4, leaf, [leaf] * 3, leaf)
    with pytest.raises(MerkleError, match="index 4 out of range for tree size 4"):
        verify_inclusion(4, 4, leaf, [leaf] * 2, leaf)
    with pytest.raises(MerkleError, match="leaf hash size 3, want 32"):
        verify_inclusion(0, 1, b"abc", [], leaf)
    with pytest.raises(MerkleError, match="root size 0, want 32"):
        verify_inclusion(0, 1, leaf, [], b"")
    with pytest.raises(MerkleError, match=r"proof\[1\] size 31, want 32"):
        verify_inclusion(0, 4, leaf, [leaf, leaf[:31]], leaf)
    with pytest.raises(MerkleError, match="empty tree"):
        verify_consistency(0, 3, EMPTY_ROOT, leaf, [])
    with pytest.raises(MerkleError, match="size2 2 is smaller than size1 3"):
        verify_consistency(3, 2, leaf, leaf, [])
    with pytest.raises(MerkleError, match="wrong proof size 1, want 0"):
        verify_consistency(2, 2, leaf, leaf, [leaf])
