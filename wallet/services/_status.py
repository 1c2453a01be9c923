"""Provides the issuer's status lists (Bitstring Status List v1.0): create, change, publish.

A named status list is one index space with two bitstrings, one per status purpose. Each
credential issued with `--status-list NAME` gets a random free index and two
`BitstringStatusListEntry` items at that index (§2.1): one pointing to the list's revocation
list credential, one to its suspension list credential. Revocation is final (§2.1: a revoked
credential is never valid again); suspension can be lifted with `reinstate`.

The two list credentials have the ids `URL/revocation` and `URL/suspension` when the list was
created with `--url URL` (so they can be served there over HTTPS), else two `urn:uuid:` ids,
and verifiers are given the published files. `publish` signs one purpose's list credential.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from wallet._db import StatusListRow
from wallet.errors import NotFound, UsageError
from wallet.services._identities import find_identity, signing_key
from wallet.services._session import Wallet
from wallet.services._values import JsonObject, StatusEntry

PURPOSES = ("revocation", "suspension")
ACTIONS = {
    "revoke": ("revoked", True),
    "suspend": ("suspended", True),
    "reinstate": ("suspended", False),
}


@dataclass(frozen=True)
class StatusListInfo:
    """A status list this wallet issues: its name, issuer and the ids of its two lists."""

    name: str
    issuer: str
    revocation_id: str
    suspension_id: str
    created: str

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "issuer": self.issuer,
            "revocation": self.revocation_id,
            "suspension": self.suspension_id,
            "created": self.created,
        }


@dataclass(frozen=True)
class StatusChange:
    """The status of one issued credential after a change."""

    credential_id: str
    list_name: str
    index: int
    revoked: bool
    suspended: bool

    def to_json(self) -> dict[str, Any]:
        return {
            "credential": self.credential_id,
            "list": self.list_name,
            "index": self.index,
            "revoked": self.revoked,
            "suspended": self.suspended,
        }


def _list_row(wallet: Wallet, name: str) -> StatusListRow:
    row = wallet.db.find_status_list(name)
    if row is None:
        raise NotFound(f"no status list {name!r} in this wallet (see `wallet status create`)")
    return row


def create_status_list(
    wallet: Wallet, name: str, *, issuer: str, now: datetime, url: str | None = None
) -> StatusListInfo:
    """Create an empty status list issued by the wallet identity `issuer`."""
    from did import StatusList

    if not name or any(c.isspace() for c in name):
        raise UsageError("a status list name must be non-empty and without spaces")
    if wallet.db.find_status_list(name) is not None:
        raise UsageError(f"a status list named {name!r} exists already")
    if url is not None and (not url.startswith("https://") or len(url) <= len("https://")):
        raise UsageError(f"--url {url!r}: want an https:// URL where the lists will be served")
    identity = find_identity(wallet, issuer)
    base = url.rstrip("/") if url else None
    ids = [f"{base}/{p}" if base else wallet.env.uuid_urn() for p in PURPOSES]
    # The minimum length (131,072 entries, §3.1) keeps each holder in a large crowd.
    empty = StatusList().to_bytes()
    created = now.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    row = StatusListRow(name, identity.did, ids[0], ids[1], empty, empty, created)
    wallet.db.add_status_list(row)
    return StatusListInfo(name, identity.did, ids[0], ids[1], created)


def reserve_entries(
    wallet: Wallet,
    name: str,
    issuer_did: str,
    credential_id: str,
    now: datetime,
    choose_index: Callable[[int], int],
) -> tuple[list[dict[str, Any]], StatusEntry]:
    """Reserve an index of list `name` for a new credential; return its two status entries."""
    from did import status_entry

    row = _list_row(wallet, name)
    if row.issuer != issuer_did:
        raise UsageError(f"status list {name!r} belongs to {row.issuer}, not to {issuer_did}")
    size = len(row.revoked) * 8
    issued = now.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    index = wallet.db.reserve_status_index(name, credential_id, issued, lambda: choose_index(size))
    entries = [
        status_entry(row.revocation_id, index, "revocation"),
        status_entry(row.suspension_id, index, "suspension"),
    ]
    return entries, StatusEntry(name, index)


def change_status(wallet: Wallet, credential_id: str, action: str) -> StatusChange:
    """`revoke`, `suspend` or `reinstate` a credential this wallet issued with a status list."""
    from did import StatusList

    if action not in ACTIONS:
        raise UsageError(f"unknown status action {action!r}")
    issued = wallet.db.find_issued(credential_id)
    if issued is None:
        raise NotFound(f"this wallet issued no credential {credential_id!r} with a status list")
    row = _list_row(wallet, issued.list_name)
    index = issued.status_index
    if action == "reinstate" and StatusList.from_bytes(row.revoked).get(index):
        raise UsageError(f"{credential_id} is revoked, and revocation is final")
    column, value = ACTIONS[action]

    def change(bits: bytes) -> bytes:
        status_list = StatusList.from_bytes(bits)
        status_list.set(index, value)
        return status_list.to_bytes()

    wallet.db.update_status_bits(row.name, column, change)
    row = _list_row(wallet, row.name)
    return StatusChange(
        credential_id,
        row.name,
        index,
        StatusList.from_bytes(row.revoked).get(index),
        StatusList.from_bytes(row.suspended).get(index),
    )


def publish_status_list(wallet: Wallet, name: str, *, purpose: str, now: datetime) -> JsonObject:
    """The signed `BitstringStatusListCredential` of one purpose of list `name`, as of `now`."""
    from did import StatusList, add_proof, status_list_credential
    from wallet.services._identities import method_of

    if purpose not in PURPOSES:
        raise UsageError(f"--purpose {purpose!r}: choose revocation or suspension")
    row = _list_row(wallet, name)
    _, key = signing_key(wallet, row.issuer)
    method, _ = method_of(row.issuer, "assertionMethod")
    list_id, bits = (
        (row.revocation_id, row.revoked)
        if purpose == "revocation"
        else (row.suspension_id, row.suspended)
    )
    unsigned = status_list_credential(
        list_id, row.issuer, purpose, StatusList.from_bytes(bits), valid_from=now
    )
    signed: dict[str, Any] = add_proof(unsigned, key, method, created=now)
    return signed
