"""Tests the IETF Token Status List: the draft's examples, tokens, and SD-JWT VC revocation."""

from __future__ import annotations

import contextlib
import zlib
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from did import (
    P256Key,
    Resolver,
    TrustAny,
    b64url_encode,
    did_key_from_public_key,
    issue_sd_jwt,
    public_key_jwk,
    verify_sd_jwt,
)
from did._token_status_list import (
    STATUS_INVALID,
    STATUS_SUSPENDED,
    TokenStatusList,
    read_status_list_token,
    status_list_token,
    token_status_claim,
)
from did.errors import (
    CredentialError,
    CryptographicError,
    MalformedValueError,
    ParsingError,
    RangeError,
)

# Examples of draft-ietf-oauth-status-list §4.1 and §4.2 (github.com/oauth-wg/
# draft-ietf-oauth-status-list, examples/status_list_encoding_json.md and
# status_list_encoding2_json.md): the byte arrays and their encoded `status_list` claims.
ONE_BIT = {"bits": 1, "lst": "eNrbuRgAAhcBXQ"}
ONE_BIT_BYTES = bytes([0xB9, 0xA3])
ONE_BIT_STATUSES = [1, 0, 0, 1, 1, 1, 0, 1, 1, 1, 0, 0, 0, 1, 0, 1]
TWO_BITS = {"bits": 2, "lst": "eNo76fITAAPfAgc"}
TWO_BITS_BYTES = bytes([0xC9, 0x44, 0xF9])
TWO_BITS_STATUSES = [1, 2, 0, 3, 0, 1, 0, 1, 1, 2, 3, 3]

NOW = datetime(2025, 6, 1, tzinfo=UTC)
ISSUER_KEY = P256Key.from_private_bytes(bytes(31) + b"\x33")
ISSUER = did_key_from_public_key(ISSUER_KEY.public_key, "P-256")
ISSUER_VM = f"{ISSUER}#{ISSUER.removeprefix('did:key:')}"
ISSUER_JWK = public_key_jwk(ISSUER_KEY.public_key, "P-256")
URI = "https://issuer.example/statuslists/1"


@pytest.mark.parametrize(
    ("claim", "data", "statuses"),
    [(ONE_BIT, ONE_BIT_BYTES, ONE_BIT_STATUSES), (TWO_BITS, TWO_BITS_BYTES, TWO_BITS_STATUSES)],
    ids=["1-bit", "2-bit"],
)
def test_draft_examples_decode_and_encode(
    claim: dict[str, Any], data: bytes, statuses: list[int]
) -> None:
    decoded = TokenStatusList.from_json(claim)
    assert decoded.data == data
    assert [decoded.get(i) for i in range(len(statuses))] == statuses
    built = TokenStatusList.new(len(statuses), claim["bits"])
    for index, status in enumerate(statuses):
        built = built.set(index, status)
    assert built.data == data
    # ZLIB at the best compression, as the draft's examples were made.
    assert built.to_json() == claim


def test_draft_status_list_token_payload_shape() -> None:
    # The shape of the draft's §5.1 example token, produced with this package's key.
    token = status_list_token(
        TokenStatusList.from_json(ONE_BIT), key=ISSUER_KEY, kid="12",
        uri="https://example.com/statuslists/1", issued_at=NOW,
        expires=NOW + timedelta(days=365), ttl=43200,
    )  # fmt: skip
    from did.sd_jwt import Jws

    jws = Jws.from_text(token)
    assert jws.header == {"alg": "ES256", "kid": "12", "typ": "statuslist+jwt"}
    assert set(jws.payload) == {"sub", "iat", "exp", "ttl", "status_list"}
    assert jws.payload["status_list"] == ONE_BIT


@settings(max_examples=50, deadline=None)
@given(st.sampled_from([1, 2, 4, 8]), st.data())
def test_set_then_get_touches_one_entry(bits: int, data: st.DataObject) -> None:
    size = data.draw(st.integers(1, 300))
    index = data.draw(st.integers(0, size - 1))
    value = data.draw(st.integers(0, (1 << bits) - 1))
    before = TokenStatusList.new(size, bits)
    after = before.set(index, value)
    assert after.get(index) == value
    assert all(after.get(i) == 0 for i in range(after.size) if i != index)
    assert TokenStatusList.from_json(after.to_json()) == after


@pytest.mark.parametrize(
    ("claim", "error", "match"),
    [
        ({"bits": 3, "lst": ONE_BIT["lst"]}, MalformedValueError, "bits"),
        ({"bits": True, "lst": ONE_BIT["lst"]}, MalformedValueError, "bits"),
        ({"bits": 1, "lst": "not zlib"}, MalformedValueError, "lst"),
        ({"bits": 1, "lst": b64url_encode(b"plain bytes")}, MalformedValueError, "ZLIB"),
        (
            {"bits": 1, "lst": b64url_encode(zlib.compress(bytes(8))[:-3])},
            MalformedValueError,
            "truncated",
        ),
        ({"bits": 1}, MalformedValueError, "lst"),
        ([ONE_BIT], ParsingError, "object"),
    ],
    ids=["bits-3", "bits-bool", "not-base64url", "not-zlib", "truncated", "no-lst", "array"],
)
def test_malformed_claims(claim: Any, error: type[CredentialError], match: str) -> None:
    with pytest.raises(error, match=match):
        TokenStatusList.from_json(claim)


def test_a_zlib_bomb_is_refused() -> None:
    bomb = {"bits": 1, "lst": b64url_encode(zlib.compress(bytes(1 << 20), 9))}
    with pytest.raises(MalformedValueError, match="expands beyond"):
        TokenStatusList.from_json(bomb, max_bytes=1 << 16)


def test_indexes_and_values_are_bounded() -> None:
    status_list = TokenStatusList.new(16)
    with pytest.raises(RangeError):
        status_list.get(16)
    with pytest.raises(RangeError):
        status_list.get(-1)
    with pytest.raises(RangeError):
        status_list.set(0, 2)


def token(status_list: TokenStatusList, **overrides: Any) -> str:
    arguments: dict[str, Any] = {"key": ISSUER_KEY, "kid": ISSUER_VM, "uri": URI,
                                 "issued_at": NOW - timedelta(hours=1)}  # fmt: skip
    arguments.update(overrides)
    return status_list_token(status_list, **arguments)


def test_tokens_are_verified_before_they_are_read() -> None:
    status_list = TokenStatusList.new(64).set(5, STATUS_INVALID)
    read = read_status_list_token(token(status_list), uri=URI, issuer_jwk=ISSUER_JWK, now=NOW)
    assert read == status_list
    with pytest.raises(CryptographicError, match="sub"):
        read_status_list_token(token(status_list), uri=URI + "x", issuer_jwk=ISSUER_JWK, now=NOW)
    expired = token(status_list, expires=NOW - timedelta(seconds=1))
    with pytest.raises(RangeError, match="expired"):
        read_status_list_token(expired, uri=URI, issuer_jwk=ISSUER_JWK, now=NOW)
    other = P256Key.from_private_bytes(bytes(31) + b"\x44")
    with pytest.raises(CryptographicError):
        read_status_list_token(token(status_list, key=other), uri=URI, issuer_jwk=ISSUER_JWK,
                               now=NOW)  # fmt: skip


def issue(index: int) -> str:
    return issue_sd_jwt(
        {"name": "Ada", "status": token_status_claim(URI, index)},
        key=ISSUER_KEY,
        verification_method=ISSUER_VM,
        vct="https://credentials.example/id",
        issued_at=NOW - timedelta(days=1),
    )


def status_check(sd_jwt: str, source: Any) -> tuple[str, str | None]:
    report = verify_sd_jwt(
        sd_jwt, now=NOW, audience=None, nonce=None, resolver=Resolver(),
        require_key_binding=False, trust=TrustAny(), status_lists=source,
    )  # fmt: skip
    check = report.check("status")
    return check.outcome, check.reason


def test_sd_jwt_vc_status_valid_revoked_suspended() -> None:
    status_list = TokenStatusList.new(128, bits=2).set(7, STATUS_INVALID).set(9, STATUS_SUSPENDED)
    published = {URI: token(status_list)}
    assert status_check(issue(3), published) == ("passed", None)
    assert status_check(issue(7), published) == ("failed", "revoked")
    assert status_check(issue(9), published) == ("failed", "suspended")
    assert status_check(issue(10), {URI: token(status_list.set(10, 3))}) == ("failed", "status_set")
    # A fetcher works as well as a mapping.
    assert status_check(issue(7), lambda uri: published[uri]) == ("failed", "revoked")


def test_sd_jwt_vc_status_failures_are_reported_not_raised() -> None:
    status_list = TokenStatusList.new(16)
    assert status_check(issue(3), {}) == ("failed", "status_list_unavailable")
    assert status_check(issue(99), {URI: token(status_list)}) == ("failed", "status_list_invalid")
    forged = token(status_list, key=P256Key.from_private_bytes(bytes(31) + b"\x55"))
    assert status_check(issue(3), {URI: forged}) == ("failed", "status_list_invalid")
    assert status_check(issue(3), None) == ("skipped", None)
    plain = issue_sd_jwt({"name": "Ada"}, key=ISSUER_KEY, verification_method=ISSUER_VM,
                         vct="https://credentials.example/id", issued_at=NOW)  # fmt: skip
    assert status_check(plain, {}) == ("skipped", None)


def test_status_claim_needs_a_uri_and_an_index() -> None:
    assert token_status_claim("urn:uuid:1#token", 0)["status_list"]["uri"] == "urn:uuid:1#token"
    with pytest.raises(MalformedValueError):
        token_status_claim("not a uri", 1)
    with pytest.raises(MalformedValueError):
        token_status_claim(URI, -1)


@settings(max_examples=100, deadline=None)
@given(st.one_of(st.none(), st.integers(), st.text(max_size=30),
                 st.dictionaries(st.sampled_from(["bits", "lst"]),
                                 st.integers(-2, 9) | st.text(max_size=30))))  # fmt: skip
def test_any_claim_is_read_or_refused_with_a_package_error(claim: Any) -> None:
    with contextlib.suppress(CredentialError):
        TokenStatusList.from_json(claim)


@settings(max_examples=50, deadline=None)
@given(st.text(max_size=200))
def test_any_text_is_a_token_or_a_package_error(text: str) -> None:
    with contextlib.suppress(CredentialError):
        read_status_list_token(text, uri=URI, issuer_jwk=ISSUER_JWK, now=NOW)
