"""Tests that every JSON reader in `did` is the one strict parser (issue 14, finding 9).

Two parsers that disagree on one text read two documents out of it: a did:jwk, a did:web
document or a status list with a repeated member name is refused, as `did.parse_json`
refuses it, and so is nesting past its depth cap.
"""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest

from did import (
    Ed25519Key,
    Resolver,
    b64url_encode,
    fetch_status_list,
    read_public_key,
    web_did_document,
)
from did.errors import DidError, EncodingError, InvalidDid, InvalidDidDocument, ParsingError

KEY = Ed25519Key.from_seed(bytes([41]) * 32).public_key
X = b64url_encode(KEY)


def did_jwk(text: str) -> str:
    return "did:jwk:" + b64url_encode(text.encode("utf-8"))


def test_a_did_jwk_with_a_repeated_member_is_invalid() -> None:
    good = did_jwk(json.dumps({"kty": "OKP", "crv": "Ed25519", "x": X}))
    assert Resolver().resolve_document(good).verification_methods[0].public_key == KEY
    other = b64url_encode(Ed25519Key.from_seed(bytes([42]) * 32).public_key)
    twice = did_jwk(f'{{"kty":"OKP","crv":"Ed25519","x":"{other}","x":"{X}"}}')
    with pytest.raises(InvalidDid):
        Resolver().resolve_document(twice)


def test_a_did_jwk_nested_past_the_cap_is_invalid() -> None:
    with pytest.raises(InvalidDid):
        Resolver().resolve_document(did_jwk("[" * 100 + "]" * 100))


def serve(body: bytes) -> httpx.Client:
    return httpx.Client(transport=httpx.MockTransport(lambda _r: httpx.Response(200, content=body)))


def test_a_did_web_document_with_a_repeated_member_is_invalid() -> None:
    did = "did:web:example.com"
    text = json.dumps(web_did_document(did, KEY))
    # The same document with its id stated twice: which one a reader sees is up to the reader.
    twice = text.replace('"id": ', '"id": "did:web:evil.example", "id": ', 1).encode()
    with serve(text.encode()) as client:
        assert Resolver(client).resolve_document(did).id == did
    with serve(twice) as client, pytest.raises(InvalidDidDocument):
        Resolver(client).resolve_document(did)


def test_a_did_web_document_nested_past_the_cap_is_invalid() -> None:
    deep = b'{"id": "did:web:example.com", "x": ' + b"[" * 100 + b"]" * 100 + b"}"
    with serve(deep) as client, pytest.raises(InvalidDidDocument):
        Resolver(client).resolve_document("did:web:example.com")


def test_a_status_list_with_a_repeated_member_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "list.json"
    path.write_text('{"id": "https://a.example/1", "id": "https://b.example/1"}')
    with pytest.raises(ParsingError):
        fetch_status_list(str(path))


@pytest.mark.parametrize("body", [b"[" * 100_000, b'{"a": 1e999}', b"{NaN: 1}"])
def test_hostile_status_lists_raise_only_package_errors(tmp_path: Path, body: bytes) -> None:
    path = tmp_path / "list.json"
    path.write_bytes(body)
    with pytest.raises(DidError):
        fetch_status_list(str(path))


def test_a_jwk_key_file_with_a_repeated_member_is_refused() -> None:
    other = b64url_encode(Ed25519Key.from_seed(bytes([43]) * 32).public_key)
    good = json.dumps({"kty": "OKP", "crv": "Ed25519", "x": X})
    assert read_public_key(good) == ("Ed25519", KEY)
    with pytest.raises(EncodingError):
        read_public_key(f'{{"kty":"OKP","crv":"Ed25519","x":"{other}","x":"{X}"}}')
