"""Tests Bitstring Status List v1.0: the spec's vectors, encoding, entries and status checks."""

from __future__ import annotations

import base64
import gzip
import json
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from did import (
    StatusList,
    b64url_encode,
    check_status,
    fetch_status_list,
    status_entry,
    status_list_credential,
)
from did.errors import (
    CredentialError,
    MalformedValueError,
    ParsingError,
    RangeError,
    StatusListLengthError,
    StatusRetrievalError,
)

from .conftest import HttpsServer, load_json

LIST_ID = "https://example.com/status/3"
ISSUER = "did:key:z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp"
VALID_FROM = datetime(2025, 1, 1, 12, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def status_vectors(vectors: Path) -> dict[str, Any]:
    data: dict[str, Any] = load_json(vectors / "bitstring-status-list" / "vectors.json")
    return data


def encoded(raw: bytes) -> str:
    return "u" + b64url_encode(raw)


# --- Vectors (§3.1): decode, read the bits, re-encode. ---


@pytest.mark.parametrize("name", ["spec_example", "with_bits_set"])
def test_vector_decodes_to_the_stated_bits(status_vectors: dict[str, Any], name: str) -> None:
    vector = status_vectors[name]
    status_list = StatusList.from_encoded(vector["encodedList"])
    assert status_list.size == vector["decodedLengthBits"] == 131_072
    if "decodedLengthBytes" in vector:
        assert len(status_list.to_bytes()) == vector["decodedLengthBytes"]
    assert status_list.set_indices() == vector["setIndices"]
    for index in vector["setIndices"]:
        assert status_list.get(index)
    # GZIP output is not canonical across implementations, so the round trip is by value.
    again = StatusList.from_encoded(status_list.encode())
    assert again == status_list
    assert again.encode() == status_list.encode()


def test_building_the_vector_list_gives_its_bits(status_vectors: dict[str, Any]) -> None:
    vector = status_vectors["with_bits_set"]
    ours = StatusList()
    for index in vector["setIndices"]:
        ours.set(index, True)
    assert ours.to_bytes() == StatusList.from_encoded(vector["encodedList"]).to_bytes()
    assert ours.encode().startswith("uH4sI")  # "u" + base64url of the GZIP magic 1f 8b 08.


def test_index_zero_is_the_most_significant_bit() -> None:
    status_list = StatusList()
    status_list.set(0, True)
    status_list.set(15, True)
    assert status_list.to_bytes()[:2] == b"\x80\x01"
    status_list.set(0, False)
    assert status_list.to_bytes()[:2] == b"\x00\x01"
    assert not status_list.get(0) and status_list.get(15)


def test_size_and_index_limits() -> None:
    assert StatusList().size == 131_072
    assert StatusList(262_144).size == 262_144
    with pytest.raises(StatusListLengthError):
        StatusList(131_064)
    with pytest.raises(StatusListLengthError):
        StatusList(131_073)
    with pytest.raises(MalformedValueError):
        StatusList(True)
    status_list = StatusList()
    for bad in (-1, 131_072):
        with pytest.raises(RangeError):
            status_list.get(bad)
    with pytest.raises(MalformedValueError):
        status_list.set(1, 1)  # type: ignore[arg-type]
    with pytest.raises(MalformedValueError):
        status_list.get("1")  # type: ignore[arg-type]


@settings(max_examples=40, deadline=None)
@given(st.sets(st.integers(0, 131_071), max_size=50))
def test_any_set_of_bits_round_trips(indices: set[int]) -> None:
    status_list = StatusList()
    for index in indices:
        status_list.set(index, True)
    decoded = StatusList.from_encoded(status_list.encode())
    assert decoded.set_indices() == sorted(indices)


# --- Malformed encodedList values raise the package's errors. ---

ZEROS = bytes(16_384)


@pytest.mark.parametrize(
    ("value", "error", "message"),
    [
        ("z" + "1" * 20, MalformedValueError, "want base64url"),
        ("H4sIAAAA", MalformedValueError, "prefix"),
        ("", MalformedValueError, "empty"),
        ("uH4sI+AAA", MalformedValueError, "base64url"),
        ("uH4sIAA==", MalformedValueError, "base64url"),
        (encoded(b"not gzip at all"), MalformedValueError, "not GZIP"),
        (encoded(gzip.compress(ZEROS)[:-9]), MalformedValueError, "truncated"),
        (encoded(gzip.compress(ZEROS) + b"junk"), MalformedValueError, "after the GZIP"),
        (encoded(gzip.compress(ZEROS) * 2), MalformedValueError, "after the GZIP"),
        (encoded(gzip.compress(bytes(100))), StatusListLengthError, "at least 131072"),
        (encoded(gzip.compress(b"")), StatusListLengthError, "at least 131072"),
        (encoded(gzip.compress(bytes(40_000))), MalformedValueError, "more than 32768"),
    ],
    ids=[
        "base58-prefix",
        "no-prefix",
        "empty",
        "standard-base64",
        "padding",
        "not-gzip",
        "truncated-gzip",
        "trailing-bytes",
        "two-members",
        "too-short",
        "empty-list",
        "over-cap",
    ],
)
def test_malformed_encoded_lists(value: str, error: type[CredentialError], message: str) -> None:
    with pytest.raises(error, match=message):
        StatusList.from_encoded(value, max_bytes=32_768)


def test_gzip_bomb_is_refused_at_the_default_cap() -> None:
    # About 17 KB of GZIP that would inflate to 17 MB, just above the 16 MiB cap.
    bomb = gzip.compress(bytes(17 * 1024 * 1024), compresslevel=9)
    assert len(bomb) < 20_000
    with pytest.raises(MalformedValueError, match="decompresses to more than"):
        StatusList.from_encoded(encoded(bomb))


def test_non_text_encoded_list() -> None:
    with pytest.raises(MalformedValueError):
        StatusList.from_encoded(b"uH4sI")  # type: ignore[arg-type]


@settings(max_examples=200)
@given(st.text(max_size=80) | st.binary(max_size=80).map(encoded))
def test_arbitrary_encoded_lists_raise_only_credential_errors(value: str) -> None:
    with pytest.raises(CredentialError):
        StatusList.from_encoded(value)


@settings(max_examples=100)
@given(st.data())
def test_corrupted_valid_lists_raise_only_credential_errors(data: st.DataObject) -> None:
    raw = bytearray(gzip.compress(ZEROS, mtime=0))
    position = data.draw(st.integers(0, len(raw) - 1))
    raw[position] ^= data.draw(st.integers(1, 255))
    try:
        decoded = StatusList.from_encoded(encoded(bytes(raw)))
    except CredentialError:
        return
    # GZIP's CRC-32 catches payload changes; only header bytes it does not cover may change.
    assert decoded == StatusList()


# --- The credential, its entries and the status check (§2.1, §2.2, §3.2). ---


def make_list(*indices: int, purpose: str = "revocation") -> dict[str, Any]:
    status_list = StatusList()
    for index in indices:
        status_list.set(index, True)
    return status_list_credential(LIST_ID, ISSUER, purpose, status_list, VALID_FROM)


def test_status_list_credential_shape() -> None:
    credential = make_list(5)
    assert credential == {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "id": LIST_ID,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": ISSUER,
        "validFrom": "2025-01-01T12:00:00Z",
        "credentialSubject": {
            "id": LIST_ID + "#list",
            "type": "BitstringStatusList",
            "statusPurpose": "revocation",
            "encodedList": credential["credentialSubject"]["encodedList"],
        },
    }
    assert StatusList.from_encoded(
        credential["credentialSubject"]["encodedList"]
    ).set_indices() == [5]
    other_zone = datetime(2025, 1, 1, 14, 0, tzinfo=timezone(timedelta(hours=2)))
    until = status_list_credential(
        LIST_ID, ISSUER, "suspension", StatusList(), other_zone, other_zone
    )
    assert until["validFrom"] == until["validUntil"] == "2025-01-01T12:00:00Z"
    with pytest.raises(MalformedValueError, match="timezone-aware"):
        status_list_credential(LIST_ID, ISSUER, "revocation", StatusList(), datetime(2025, 1, 1))
    with pytest.raises(MalformedValueError, match="statusPurpose"):
        status_list_credential(LIST_ID, ISSUER, "refresh", StatusList(), VALID_FROM)


def test_status_entry_shape() -> None:
    assert status_entry(LIST_ID, 94567, "revocation") == {
        "id": LIST_ID + "#94567",
        "type": "BitstringStatusListEntry",
        "statusPurpose": "revocation",
        "statusListIndex": "94567",
        "statusListCredential": LIST_ID,
    }
    for bad in (-1, True, 1.0):
        with pytest.raises(RangeError):
            status_entry(LIST_ID, bad, "revocation")  # type: ignore[arg-type]


def test_check_status_reads_the_bit() -> None:
    credential = make_list(0, 42, 131_071)
    for index in (0, 42, 131_071):
        assert check_status(status_entry(LIST_ID, index, "revocation"), credential) is True
    for index in (1, 41, 131_070):
        assert check_status(status_entry(LIST_ID, index, "revocation"), credential) is False
    suspended = make_list(7, purpose="suspension")
    assert check_status(status_entry(LIST_ID, 7, "suspension"), suspended) is True


def _entry_with(**changes: object) -> dict[str, object]:
    entry: dict[str, object] = dict(status_entry(LIST_ID, 3, "revocation"))
    entry.update(changes)
    return {name: value for name, value in entry.items() if value is not None}


def _list_with(path: str, value: object) -> dict[str, Any]:
    credential: dict[str, Any] = json.loads(json.dumps(make_list()))
    target: Any = credential
    *parents, last = path.split(".")
    for part in parents:
        target = target[part]
    target[last] = value
    return credential


@pytest.mark.parametrize(
    ("entry", "credential", "error", "message"),
    [
        ([], make_list(), MalformedValueError, "JSON object"),
        (_entry_with(type="StatusList2021Entry"), make_list(), MalformedValueError, "type"),
        (_entry_with(statusPurpose="suspension"), make_list(), MalformedValueError, "mismatch"),
        (_entry_with(statusPurpose="other"), make_list(), MalformedValueError, "statusPurpose"),
        (_entry_with(statusListIndex=3), make_list(), MalformedValueError, "statusListIndex"),
        (_entry_with(statusListIndex="-1"), make_list(), MalformedValueError, "statusListIndex"),
        (_entry_with(statusListIndex="03"), make_list(), MalformedValueError, "statusListIndex"),
        (_entry_with(statusListIndex="1e3"), make_list(), MalformedValueError, "statusListIndex"),
        (_entry_with(statusListIndex="131072"), make_list(), RangeError, "outside"),
        (_entry_with(statusSize=2), make_list(), MalformedValueError, "statusSize"),
        (
            _entry_with(statusListCredential=None),
            make_list(),
            MalformedValueError,
            "statusListCredential",
        ),
        (_entry_with(), "nope", MalformedValueError, "JSON object"),
        (_entry_with(), _list_with("type", ["VerifiableCredential"]), MalformedValueError, "type"),
        (_entry_with(), _list_with("id", "https://example.com/other"), MalformedValueError, "want"),
        (
            _entry_with(),
            _list_with("credentialSubject", []),
            MalformedValueError,
            "credentialSubject",
        ),
        (
            _entry_with(),
            _list_with("credentialSubject.encodedList", 5),
            MalformedValueError,
            "text",
        ),
        (
            _entry_with(),
            _list_with("credentialSubject.encodedList", encoded(gzip.compress(bytes(10)))),
            StatusListLengthError,
            "at least",
        ),
    ],
)
def test_check_status_rejects_malformed_input(
    entry: object, credential: object, error: type[CredentialError], message: str
) -> None:
    with pytest.raises(error, match=message):
        check_status(entry, credential)


# --- Fetching a list credential from a file or over HTTPS. ---


def test_fetch_from_a_file(tmp_path: Path) -> None:
    credential = make_list(9)
    path = tmp_path / "list.json"
    path.write_text(json.dumps(credential), encoding="utf-8")
    assert fetch_status_list(str(path)) == credential
    assert fetch_status_list(path.as_uri()) == credential
    with pytest.raises(StatusRetrievalError):
        fetch_status_list(str(tmp_path / "missing.json"))
    path.write_text("[1, 2]", encoding="utf-8")
    with pytest.raises(ParsingError, match="not a JSON object"):
        fetch_status_list(str(path))
    path.write_bytes(b"\xff")
    with pytest.raises(ParsingError, match="not UTF-8 JSON"):
        fetch_status_list(str(path))
    path.write_text(json.dumps(credential), encoding="utf-8")
    with pytest.raises(StatusRetrievalError, match="larger than"):
        fetch_status_list(str(path), max_bytes=100)


def test_fetch_over_https(https_server: HttpsServer) -> None:
    credential = make_list(11)
    url = https_server.serve("/status/1", credential)
    with https_server.client() as client:
        fetched = fetch_status_list(url, client, allow_private_network=True)
        assert fetched == credential
        assert check_status(status_entry(LIST_ID, 11, "revocation"), fetched)
        with pytest.raises(StatusRetrievalError, match="HTTP 404"):
            fetch_status_list(https_server.url("/status/none"), client, allow_private_network=True)
        https_server.serve("/status/slow", credential, stall=True)
        with pytest.raises(StatusRetrievalError, match="timed out"):
            fetch_status_list(
                https_server.url("/status/slow"), client, timeout=0.3, allow_private_network=True
            )
    # Without trusting the test CA, TLS verification fails.
    with pytest.raises(StatusRetrievalError, match=r"SSL|certificate"):
        fetch_status_list(url, allow_private_network=True)


def test_fetch_stays_off_this_machine_unless_allowed(https_server: HttpsServer) -> None:
    # A status list URL is chosen by the credential's issuer: like a did:web host, it must not
    # reach the verifier's own machine or network (the rule of did.web_transport).
    url = https_server.serve("/status/2", make_list(3))
    before = https_server.hits
    for target in (url, url.replace("localhost", "127.0.0.1")):
        with pytest.raises(StatusRetrievalError, match="allow_private_network"):
            fetch_status_list(target)
    with https_server.client() as client, pytest.raises(StatusRetrievalError):
        fetch_status_list(url, client)
    assert https_server.hits == before


@pytest.mark.parametrize("url", ["http://example.com/list", "ftp://example.com/list", ""])
def test_fetch_refuses_other_schemes(url: str) -> None:
    with pytest.raises(MalformedValueError):
        fetch_status_list(url)


def test_base64url_helper_matches_the_standard_library() -> None:
    raw = gzip.compress(ZEROS, mtime=0)
    assert encoded(raw)[1:] == base64.urlsafe_b64encode(raw).decode().rstrip("=")
