"""Tests the sealed keystore file: format, failures that write nothing, rekey, concurrency."""

from __future__ import annotations

import base64
import os
import struct
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable
from pathlib import Path

import nacl.hash
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from nacl.encoding import RawEncoder
from nacl.pwhash import argon2id

from tests.wallet.conftest import CHEAP, TEST_PASSPHRASE
from wallet.errors import FileProblem, KeystoreCorrupted, KeystoreLocked, UsageError
from wallet.keystore import FileKeystore, KdfParams, Passphrase, SealedFile

ROOT = Path(__file__).resolve().parents[2]
SEED = bytes(range(1, 33))

# Offsets of the documented version-1 layout (see wallet/keystore/_sealed.py).
HEADER_FIELDS = struct.Struct(">8sBBIQ16s32s")
HEADER_SIZE = HEADER_FIELDS.size + 16


def make_store(path: Path, passphrase: str = TEST_PASSPHRASE) -> FileKeystore:
    return FileKeystore(path, wallet_id="w", passphrase=Passphrase(passphrase), **CHEAP)


@pytest.fixture
def store_file(tmp_path: Path) -> Path:
    """A keystore file holding two entries."""
    path = tmp_path / "keystore.sealed"
    store = make_store(path)
    store.put("did-key-1", SEED)
    store.put("data-key", bytes(32))
    return path


def test_round_trip_and_listing(tmp_path: Path) -> None:
    store = make_store(tmp_path / "keystore.sealed")
    assert store.get("k") is None
    assert store.ids() == []
    store.put("k", SEED)
    store.put("a", b"\x00" * 32)
    again = make_store(tmp_path / "keystore.sealed")
    assert again.get("k") == SEED
    assert again.ids() == ["a", "k"]
    again.delete("a")
    assert make_store(tmp_path / "keystore.sealed").ids() == ["k"]
    assert again.info().entries == 1
    assert again.info().path == tmp_path / "keystore.sealed"


def test_file_is_private_and_leaves_no_temporaries(store_file: Path) -> None:
    assert store_file.stat().st_mode & 0o777 == 0o600
    assert sorted(p.name for p in store_file.parent.iterdir()) == [
        "keystore.sealed",
        "keystore.sealed.lock",
    ]


def test_secrets_never_in_clear(store_file: Path) -> None:
    secret = os.urandom(32)
    make_store(store_file).put("fresh", secret)
    raw = store_file.read_bytes()
    encodings = [
        secret,
        secret.hex().encode(),
        secret.hex().upper().encode(),
        base64.b64encode(secret),
        base64.b64encode(secret).rstrip(b"="),
        base64.urlsafe_b64encode(secret).rstrip(b"="),
    ]
    for encoded in encodings:
        assert encoded not in raw
    assert b"fresh" not in raw, "key ids are sealed too"
    assert TEST_PASSPHRASE.encode() not in raw


def test_header_records_default_costs(tmp_path: Path) -> None:
    sealed = SealedFile(tmp_path / "k.sealed", Passphrase("p"))
    sealed.update(lambda entries: entries.setdefault("s", {}).update(u="v"))
    assert sealed.params() == KdfParams(
        argon2id.OPSLIMIT_INTERACTIVE, argon2id.MEMLIMIT_INTERACTIVE
    )
    magic, version, kdf, ops, mem, _salt, _check = HEADER_FIELDS.unpack(
        sealed.path.read_bytes()[: HEADER_FIELDS.size]
    )
    assert (magic, version, kdf) == (b"SSIWKEYS", 1, 1)
    assert (ops, mem) == (argon2id.OPSLIMIT_INTERACTIVE, argon2id.MEMLIMIT_INTERACTIVE)


def test_costs_out_of_bounds_are_refused(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="opslimit 99"):
        SealedFile(tmp_path / "k", Passphrase("p"), opslimit=99, memlimit=argon2id.MEMLIMIT_MIN)
    with pytest.raises(UsageError, match="memlimit 1"):
        SealedFile(tmp_path / "k", Passphrase("p"), opslimit=argon2id.OPSLIMIT_MIN, memlimit=1)


def assert_untouched(path: Path, before: bytes) -> None:
    assert path.read_bytes() == before
    assert [p.name for p in path.parent.iterdir() if p.name.endswith(".tmp")] == []


def test_wrong_passphrase_is_locked_and_writes_nothing(store_file: Path) -> None:
    before = store_file.read_bytes()
    wrong = make_store(store_file, "wrong passphrase")
    with pytest.raises(KeystoreLocked, match="wrong passphrase"):
        wrong.get("did-key-1")
    with pytest.raises(KeystoreLocked):
        wrong.put("other", SEED)
    with pytest.raises(KeystoreLocked):
        wrong.delete("did-key-1")
    assert_untouched(store_file, before)


def reheader(blob: bytes, **changes: int) -> bytes:
    """Rewrite header fields and recompute the header digest, as a careful forger would."""
    fields = list(HEADER_FIELDS.unpack(blob[: HEADER_FIELDS.size]))
    names = ["magic", "version", "kdf", "opslimit", "memlimit", "salt", "check"]
    for name, value in changes.items():
        fields[names.index(name)] = value
    header = HEADER_FIELDS.pack(*fields)
    digest = nacl.hash.blake2b(header, digest_size=16, encoder=RawEncoder)
    return header + digest + blob[HEADER_SIZE:]


MUTATIONS: dict[str, Callable[[bytes], bytes]] = {
    "empty": lambda b: b"",
    "truncated-header": lambda b: b[:40],
    "truncated-box": lambda b: b[:-1],
    "garbage": lambda b: os.urandom(len(b)),
    "text": lambda b: b"not a keystore at all\n" * 10,
    "bad-magic": lambda b: b"XXXXXXXX" + b[8:],
    "flipped-version-byte": lambda b: b[:8] + bytes([b[8] ^ 1]) + b[9:],
    "flipped-salt-byte": lambda b: b[:22] + bytes([b[22] ^ 0x80]) + b[23:],
    "flipped-digest-byte": lambda b: b[:75] + bytes([b[75] ^ 1]) + b[76:],
    "flipped-nonce-byte": lambda b: b[:90] + bytes([b[90] ^ 1]) + b[91:],
    "flipped-last-byte": lambda b: b[:-1] + bytes([b[-1] ^ 1]),
    "future-version-with-digest": lambda b: reheader(b, version=2),
    "huge-memlimit-with-digest": lambda b: reheader(b, memlimit=2**60),
    "huge-opslimit-with-digest": lambda b: reheader(b, opslimit=2**31),
}


@pytest.mark.parametrize("mutation", sorted(MUTATIONS))
def test_damaged_file_is_corrupted_and_writes_nothing(store_file: Path, mutation: str) -> None:
    store_file.write_bytes(MUTATIONS[mutation](store_file.read_bytes()))
    before = store_file.read_bytes()
    store = make_store(store_file)
    with pytest.raises(KeystoreCorrupted):
        store.get("did-key-1")
    with pytest.raises(KeystoreCorrupted):
        store.put("new", SEED)
    with pytest.raises(KeystoreCorrupted):
        store.rekey(Passphrase("new"))
    assert_untouched(store_file, before)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_any_single_bit_flip_is_detected(store_file: Path, data: st.DataObject) -> None:
    original = store_file.read_bytes()
    position = data.draw(st.integers(0, len(original) - 1), label="byte")
    bit = data.draw(st.integers(0, 7), label="bit")
    flipped = bytearray(original)
    flipped[position] ^= 1 << bit
    store_file.write_bytes(bytes(flipped))
    try:
        with pytest.raises(KeystoreCorrupted):
            make_store(store_file).get("did-key-1")
    finally:
        store_file.write_bytes(original)


def test_readable_by_others_is_refused(store_file: Path) -> None:
    before = store_file.read_bytes()
    store_file.chmod(0o644)
    store = make_store(store_file)
    with pytest.raises(KeystoreCorrupted, match=r"readable by others \(mode 0644\); run chmod 600"):
        store.get("did-key-1")
    with pytest.raises(KeystoreCorrupted):
        store.put("new", SEED)
    assert_untouched(store_file, before)
    assert store_file.stat().st_mode & 0o777 == 0o644
    store_file.chmod(0o600)
    assert store.get("did-key-1") == SEED


def test_group_readable_is_refused(store_file: Path) -> None:
    store_file.chmod(0o640)
    with pytest.raises(KeystoreCorrupted, match="mode 0640"):
        make_store(store_file).get("did-key-1")


def test_directory_in_place_of_file(tmp_path: Path) -> None:
    (tmp_path / "keystore.sealed").mkdir(mode=0o700)
    with pytest.raises((KeystoreCorrupted, FileProblem)):
        make_store(tmp_path / "keystore.sealed").get("x")


def test_rekey(store_file: Path) -> None:
    old_salt = store_file.read_bytes()[22:38]
    store = make_store(store_file)
    store.rekey(Passphrase("a new passphrase"), opslimit=argon2id.OPSLIMIT_MIN + 1)
    assert store_file.read_bytes()[22:38] != old_salt
    assert store.sealed.params() == KdfParams(argon2id.OPSLIMIT_MIN + 1, argon2id.MEMLIMIT_MIN)
    with pytest.raises(KeystoreLocked):
        make_store(store_file).get("did-key-1")
    reopened = make_store(store_file, "a new passphrase")
    assert reopened.get("did-key-1") == SEED
    assert reopened.ids() == ["data-key", "did-key-1"]
    # The rekeyed instance keeps working under the new key.
    store.put("after", SEED)
    assert reopened.get("after") == SEED


def test_rekey_with_wrong_current_passphrase_writes_nothing(store_file: Path) -> None:
    before = store_file.read_bytes()
    with pytest.raises(KeystoreLocked):
        make_store(store_file, "wrong").rekey(Passphrase("new"))
    assert_untouched(store_file, before)


def test_empty_new_passphrase_is_refused(store_file: Path) -> None:
    before = store_file.read_bytes()
    with pytest.raises(KeystoreLocked, match="empty"):
        make_store(store_file).rekey(Passphrase(""))
    assert_untouched(store_file, before)


def test_a_failing_change_writes_nothing(sealed: SealedFile) -> None:
    sealed.update(lambda entries: entries.setdefault("s", {}).update(u="v"))
    before = sealed.path.read_bytes()

    def change(entries: dict[str, dict[str, str]]) -> None:
        entries["s"]["u"] = "changed"
        raise RuntimeError("interrupted")

    with pytest.raises(RuntimeError):
        sealed.update(change)
    assert_untouched(sealed.path, before)


def test_writer_rereads_under_the_lock(tmp_path: Path) -> None:
    # Two handles on one file, as two processes would have: each write keeps the other's.
    first, second = make_store(tmp_path / "k.sealed"), make_store(tmp_path / "k.sealed")
    first.put("one", SEED)
    assert second.ids() == ["one"]
    second.put("two", SEED)
    first.put("three", SEED)
    assert make_store(tmp_path / "k.sealed").ids() == ["one", "three", "two"]


WRITER = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from nacl.pwhash import argon2id
    from wallet.keystore import FileKeystore, Passphrase

    path, prefix, go = Path(sys.argv[1]), sys.argv[2], Path(sys.argv[3])
    store = FileKeystore(path, wallet_id="w", passphrase=Passphrase(sys.argv[4]),
                         opslimit=argon2id.OPSLIMIT_MIN, memlimit=argon2id.MEMLIMIT_MIN)
    (go.parent / (prefix + ".ready")).touch()
    while not go.exists():
        time.sleep(0.001)
    for i in range(20):
        store.put(f"{prefix}-{i:02d}", bytes([i]) * 32)
    """
)


def test_two_processes_writing_at_once_lose_nothing(tmp_path: Path) -> None:
    path, go = tmp_path / "keystore.sealed", tmp_path / "go"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    writers = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, str(path), prefix, str(go), TEST_PASSPHRASE],
            env=env,
            cwd=ROOT,
        )
        for prefix in ("alpha", "beta")
    ]
    deadline = time.monotonic() + 30
    while not all((tmp_path / f"{p}.ready").exists() for p in ("alpha", "beta")):
        assert time.monotonic() < deadline, "writers did not start"
        time.sleep(0.01)
    go.touch()
    assert [w.wait(timeout=60) for w in writers] == [0, 0]
    store = make_store(path)
    ids = store.ids()
    assert len(ids) == 40
    assert ids == sorted(f"{p}-{i:02d}" for p in ("alpha", "beta") for i in range(20))
    assert store.get("beta-07") == bytes([7]) * 32
