"""Provides Bitstring Status List v1.0 (W3C Recommendation): lists, entries and status checks.

§2.1 defines the `BitstringStatusListEntry` a credential carries, §2.2 the
`BitstringStatusListCredential` that publishes the list, §3.1 the bitstring encoding (GZIP,
then multibase base64url without padding, prefix `u`; at least 131,072 entries; index 0 is
the most significant bit of the first byte) and §3.2 the validation algorithm. Entries of
one bit (`statusSize` 1) are supported, which covers revocation and suspension.
"""

from __future__ import annotations

import gzip
import re
import zlib
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from did._jcs import parse_json
from did._multibase import multibase_decode, multibase_encode
from did.errors import (
    EncodingError,
    MalformedValueError,
    ParsingError,
    RangeError,
    ResolutionError,
    StatusListLengthError,
    StatusRetrievalError,
)

if TYPE_CHECKING:
    import httpx

__all__ = [
    "MIN_STATUS_LIST_SIZE",
    "StatusList",
    "check_status",
    "fetch_status_list",
    "status_entry",
    "status_list_credential",
]

# §3.1: the minimum bitstring length is 16 KB, which keeps any one holder in a large crowd.
MIN_STATUS_LIST_SIZE = 131_072
# Decompressed lists larger than this are refused: GZIP reaches ratios near 1000:1, so without
# a cap a few kilobytes of encodedList could demand gigabytes of memory.
MAX_STATUS_LIST_BYTES = 16 * 1024 * 1024
PURPOSES = ("revocation", "suspension")
CREDENTIALS_V2 = "https://www.w3.org/ns/credentials/v2"
_INDEX_RE = re.compile(r"0|[1-9][0-9]{0,17}", re.ASCII)


class StatusList:
    """A bitstring of status bits; `True` means the status (revoked, suspended) is set."""

    __slots__ = ("_bits",)

    def __init__(self, size: int = MIN_STATUS_LIST_SIZE) -> None:
        if isinstance(size, bool) or not isinstance(size, int):
            raise MalformedValueError(f"status list size must be an integer, got {size!r}")
        if size < MIN_STATUS_LIST_SIZE or size % 8:
            raise StatusListLengthError(
                f"status list size {size}: want a multiple of 8, at least {MIN_STATUS_LIST_SIZE}"
            )
        self._bits = bytearray(size // 8)

    @property
    def size(self) -> int:
        """The number of entries (bits)."""
        return len(self._bits) * 8

    def get(self, index: int) -> bool:
        """Return the bit at `index` (§3.1: bit 0 is the high bit of byte 0)."""
        self._check_index(index)
        return bool(self._bits[index >> 3] & (0x80 >> (index & 7)))

    def set(self, index: int, value: bool) -> None:
        """Set or clear the bit at `index`."""
        self._check_index(index)
        if not isinstance(value, bool):
            raise MalformedValueError(f"status value must be a bool, got {type(value).__name__}")
        mask = 0x80 >> (index & 7)
        if value:
            self._bits[index >> 3] |= mask
        else:
            self._bits[index >> 3] &= ~mask & 0xFF

    def set_indices(self) -> list[int]:
        """Every index whose bit is set, in ascending order."""
        return [
            (position << 3) + bit
            for position, byte in enumerate(self._bits)
            if byte
            for bit in range(8)
            if byte & (0x80 >> bit)
        ]

    def to_bytes(self) -> bytes:
        """The raw, uncompressed bitstring."""
        return bytes(self._bits)

    def encode(self) -> str:
        """Return the `encodedList`: `u` + base64url(GZIP(bitstring)) (§3.1 Generate).

        The GZIP header's time is zero so the same bits always give the same text.
        """
        return multibase_encode(gzip.compress(bytes(self._bits), mtime=0), "base64url")

    @classmethod
    def from_encoded(
        cls, encoded_list: str, *, max_bytes: int = MAX_STATUS_LIST_BYTES
    ) -> StatusList:
        """Decode an `encodedList` (§3.2, steps 8-9); raise MalformedValueError or RangeError."""
        if not isinstance(encoded_list, str):
            raise MalformedValueError(
                f"encodedList must be text, got {type(encoded_list).__name__}"
            )
        try:
            compressed = multibase_decode(encoded_list, expect="base64url")
        except EncodingError as exc:
            raise MalformedValueError(f"encodedList: {exc}") from None
        bits = _gunzip(compressed, max_bytes)
        # §3.2 step 9: a list shorter than the minimum is a STATUS_LIST_LENGTH_ERROR.
        if len(bits) * 8 < MIN_STATUS_LIST_SIZE:
            raise StatusListLengthError(
                f"encodedList holds {len(bits) * 8} entries, want at least {MIN_STATUS_LIST_SIZE}"
            )
        status_list = cls.__new__(cls)
        status_list._bits = bytearray(bits)
        return status_list

    @classmethod
    def from_bytes(cls, bits: bytes) -> StatusList:
        """Build a list over a raw bitstring of at least 16 KB."""
        if len(bits) * 8 < MIN_STATUS_LIST_SIZE:
            raise StatusListLengthError(f"bitstring is {len(bits)} bytes, want at least 16384")
        status_list = cls.__new__(cls)
        status_list._bits = bytearray(bits)
        return status_list

    def _check_index(self, index: int) -> None:
        if isinstance(index, bool) or not isinstance(index, int):
            raise MalformedValueError(f"status index must be an integer, got {index!r}")
        if not 0 <= index < self.size:
            raise RangeError(f"status index {index} is outside 0..{self.size - 1}")

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, StatusList):
            return NotImplemented
        return self._bits == other._bits

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"StatusList(size={self.size}, set={len(self.set_indices())})"


def _gunzip(data: bytes, max_bytes: int) -> bytes:
    """Decompress exactly one GZIP member (RFC 1952), refusing output above `max_bytes`."""
    decompressor = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
    try:
        out = decompressor.decompress(data, max_bytes + 1)
    except zlib.error as exc:
        raise MalformedValueError(f"encodedList is not GZIP data: {exc}") from None
    if len(out) > max_bytes or decompressor.unconsumed_tail:
        raise MalformedValueError(f"encodedList decompresses to more than {max_bytes} bytes")
    if not decompressor.eof:
        raise MalformedValueError("encodedList GZIP data is truncated")
    if decompressor.unused_data:
        raise MalformedValueError("encodedList has bytes after the GZIP member")
    return out


def _utc_text(moment: datetime) -> str:
    if not isinstance(moment, datetime) or moment.tzinfo is None:
        raise MalformedValueError("valid_from must be a timezone-aware datetime")
    return moment.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def _check_purpose(purpose: object) -> str:
    if purpose not in PURPOSES:
        raise MalformedValueError(f"statusPurpose {purpose!r}, want one of {', '.join(PURPOSES)}")
    return str(purpose)


def status_list_credential(
    id: str,
    issuer: str,
    purpose: str,
    bits: StatusList,
    valid_from: datetime,
    valid_until: datetime | None = None,
) -> dict[str, Any]:
    """Return the unsigned `BitstringStatusListCredential` publishing `bits` (§2.2)."""
    if not isinstance(id, str) or not id or not isinstance(issuer, str) or not issuer:
        raise MalformedValueError("status list credential needs a non-empty id and issuer")
    if not isinstance(bits, StatusList):
        raise MalformedValueError(f"bits must be a StatusList, got {type(bits).__name__}")
    credential: dict[str, Any] = {
        "@context": [CREDENTIALS_V2],
        "id": id,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": issuer,
        "validFrom": _utc_text(valid_from),
    }
    if valid_until is not None:
        credential["validUntil"] = _utc_text(valid_until)
    credential["credentialSubject"] = {
        "id": f"{id}#list",
        "type": "BitstringStatusList",
        "statusPurpose": _check_purpose(purpose),
        "encodedList": bits.encode(),
    }
    return credential


def status_entry(list_credential_id: str, index: int, purpose: str) -> dict[str, str]:
    """Return the `credentialStatus` entry for bit `index` of a list (§2.1)."""
    if not isinstance(list_credential_id, str) or not list_credential_id:
        raise MalformedValueError("statusListCredential must be a non-empty URL")
    if isinstance(index, bool) or not isinstance(index, int) or index < 0:
        raise RangeError(f"statusListIndex must be a non-negative integer, got {index!r}")
    return {
        "id": f"{list_credential_id}#{index}",
        "type": "BitstringStatusListEntry",
        "statusPurpose": _check_purpose(purpose),
        "statusListIndex": str(index),
        "statusListCredential": list_credential_id,
    }


def check_status(credential_status: object, list_credential: object) -> bool:
    """Return True when the entry's bit is set in the list (§3.2 Validate Algorithm).

    Signature and validity checks of the list credential belong to credential verification;
    this checks the entry, the list's purpose and length, and reads the bit.
    """
    # Step 1 (§2.1): the entry must be a well-formed BitstringStatusListEntry.
    if not isinstance(credential_status, dict):
        raise MalformedValueError("credentialStatus entry must be a JSON object")
    if credential_status.get("type") != "BitstringStatusListEntry":
        raise MalformedValueError(
            f"credentialStatus type {credential_status.get('type')!r}, "
            "want 'BitstringStatusListEntry'"
        )
    purpose = _check_purpose(credential_status.get("statusPurpose"))
    raw_index = credential_status.get("statusListIndex")
    if not isinstance(raw_index, str) or _INDEX_RE.fullmatch(raw_index) is None:
        raise MalformedValueError(
            f"statusListIndex {raw_index!r} must be a string of a non-negative integer"
        )
    if credential_status.get("statusSize", 1) != 1:
        raise MalformedValueError("only statusSize 1 is supported")
    url = credential_status.get("statusListCredential")
    if not isinstance(url, str) or not url:
        raise MalformedValueError("statusListCredential must be a non-empty URL")
    # Steps 3-6: the list credential is a BitstringStatusListCredential for the same purpose.
    if not isinstance(list_credential, dict):
        raise MalformedValueError("status list credential must be a JSON object")
    types = list_credential.get("type")
    if not isinstance(types, list) or "BitstringStatusListCredential" not in types:
        raise MalformedValueError(
            "status list credential type must include BitstringStatusListCredential"
        )
    if "id" in list_credential and list_credential["id"] != url:
        raise MalformedValueError(
            f"status list credential id {str(list_credential['id'])[:80]!r}, want {url[:80]!r}"
        )
    subject = list_credential.get("credentialSubject")
    if not isinstance(subject, dict) or subject.get("type") != "BitstringStatusList":
        raise MalformedValueError("credentialSubject must be a BitstringStatusList object")
    if subject.get("statusPurpose") != purpose:
        raise MalformedValueError(
            f"statusPurpose mismatch: list is {subject.get('statusPurpose')!r}, entry {purpose!r}"
        )
    # Steps 8-10: decode the bitstring, check the index, read the bit.
    status_list = StatusList.from_encoded(subject.get("encodedList"))  # type: ignore[arg-type]
    index = int(raw_index)
    if index >= status_list.size:
        raise RangeError(f"statusListIndex {index} is outside 0..{status_list.size - 1}")
    return status_list.get(index)


def fetch_status_list(
    url: str,
    http_client: httpx.Client | None = None,
    *,
    timeout: float = 5.0,
    max_bytes: int = 4 * 1024 * 1024,
    allow_private_network: bool = False,
) -> dict[str, Any]:
    """Fetch a status list credential from an `https://` URL or a local file (path or `file:`).

    Raises StatusRetrievalError when it cannot be read and ParsingError when it is not a
    JSON object. Plain `http://` is refused: a network attacker could then un-revoke. The URL
    is the issuer's choice, so a host on this machine or a private network is refused unless
    `allow_private_network` (by name always, by address when the client is made here: the
    rule of `did.web_transport`).
    """
    if not isinstance(url, str) or not url:
        raise MalformedValueError("status list location must be a non-empty string")
    if url.startswith("https://"):
        body = _fetch_https(url, http_client, timeout, max_bytes, allow_private_network)
    elif "://" in url and not url.startswith("file://"):
        raise MalformedValueError(f"status list URL {url[:80]!r}: want https:// or a file")
    else:
        path = Path(url.removeprefix("file://"))
        try:
            with path.open("rb") as handle:
                body = handle.read(max_bytes + 1)
        except OSError as exc:
            raise StatusRetrievalError(f"status list {url[:80]!r}: {exc.strerror}") from None
        if len(body) > max_bytes:
            raise StatusRetrievalError(f"status list {url[:80]!r} is larger than {max_bytes} bytes")
    try:
        credential = parse_json(body)
    except ParsingError:
        raise ParsingError(f"status list {url[:80]!r} is not UTF-8 JSON") from None
    except MalformedValueError as exc:
        raise ParsingError(f"status list {url[:80]!r}: {exc}") from None
    if not isinstance(credential, dict):
        raise ParsingError(f"status list {url[:80]!r} is not a JSON object")
    return credential


def _fetch_https(
    url: str, client: httpx.Client | None, timeout: float, max_bytes: int, allowed: bool
) -> bytes:
    import httpx

    from did._network import check_public_name, web_transport

    def get(session: httpx.Client) -> bytes:
        with session.stream("GET", url, timeout=timeout, follow_redirects=False) as response:
            if response.status_code != 200:
                raise StatusRetrievalError(f"{url[:80]}: HTTP {response.status_code}, want 200")
            chunks, size = [], 0
            for chunk in response.iter_bytes():
                size += len(chunk)
                if size > max_bytes:
                    raise StatusRetrievalError(f"{url[:80]}: larger than {max_bytes} bytes")
                chunks.append(chunk)
            return b"".join(chunks)

    try:
        if not allowed:
            check_public_name(httpx.URL(url).host)
        if client is not None:
            return get(client)
        transport = web_transport(allow_private_network=allowed)
        with httpx.Client(transport=transport, timeout=timeout, trust_env=allowed) as session:
            return get(session)
    except ResolutionError as exc:
        raise StatusRetrievalError(f"{url[:80]}: {exc}") from None
    except httpx.TimeoutException:
        raise StatusRetrievalError(f"{url[:80]}: request timed out after {timeout:g} s") from None
    except httpx.HTTPError as exc:
        raise StatusRetrievalError(f"{url[:80]}: {type(exc).__name__}: {exc}") from None
