"""Provides the identity use-cases: create, list, show and resolve DIDs."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC
from typing import TYPE_CHECKING, Any

from wallet._db import IdentityRow
from wallet.errors import NotFound, UsageError
from wallet.services._session import Wallet

if TYPE_CHECKING:
    from did import DidDocument, Ed25519Key, ResolutionResult, SigningKey

METHODS = ("key", "jwk")
# `--key` names and the key types they make. The keystore entry's id starts with the name, so
# the stored secret (a seed or a scalar, 32 bytes either way) says which key it rebuilds.
KEY_TYPES = {"ed25519": "Ed25519", "p256": "P-256"}


@dataclass(frozen=True)
class Identity:
    """One of the wallet's identities, as the front ends show it."""

    did: str
    label: str | None
    method: str
    created: str
    key: str = "ed25519"

    def to_json(self) -> dict[str, Any]:
        return {
            "did": self.did,
            "label": self.label,
            "method": self.method,
            "created": self.created,
            "key": self.key,
        }


def _key_name(row: IdentityRow) -> str:
    return "p256" if row.key_id.startswith("p256-") else "ed25519"


def _identity(row: IdentityRow) -> Identity:
    return Identity(
        did=row.did, label=row.label, method=row.method, created=row.created, key=_key_name(row)
    )


def create_identity(
    wallet: Wallet, *, method: str = "key", label: str | None = None, key: str = "ed25519"
) -> Identity:
    """Generate an Ed25519 or P-256 key in the keystore and record its DID.

    The key goes into the keystore before the database row, and the row is removed again
    if the keystore write fails, so neither a DID without a key nor a lost key can result.
    """
    from did import Ed25519Key, P256Key, did_jwk_from_public_key, did_key_from_public_key

    if method not in METHODS:
        raise UsageError(f"unknown DID method {method!r}; choose one of {', '.join(METHODS)}")
    if key not in KEY_TYPES:
        raise UsageError(f"unknown key type {key!r}; choose one of {', '.join(KEY_TYPES)}")
    if label is not None:
        if not label or label.startswith("did:"):
            raise UsageError("a label must be non-empty and must not start with 'did:'")
        if wallet.db.label_taken(label):
            raise UsageError(f"the label {label!r} is already used by another identity")
    key_type = KEY_TYPES[key]
    if key_type == "P-256":
        p256 = P256Key.generate(wallet.env.rng)
        public_key, secret = p256.public_key, p256.private_bytes
    else:
        ed25519 = Ed25519Key.generate(wallet.env.rng)
        public_key, secret = ed25519.public_key, ed25519.seed
    did = (
        did_key_from_public_key(public_key, key_type)
        if method == "key"
        else did_jwk_from_public_key(public_key, key_type)
    )
    key_id = f"{key}-{wallet.env.token(8)}"
    created = wallet.env.now().astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    row = IdentityRow(did, label, method, key_id, public_key, created)
    wallet.keystore.put(key_id, secret)
    try:
        wallet.db.add_identity(row)
    except BaseException:
        wallet.keystore.delete(key_id)
        raise
    return _identity(row)


def list_identities(wallet: Wallet) -> list[Identity]:
    return [_identity(row) for row in wallet.db.identities()]


def find_identity(wallet: Wallet, did_or_label: str) -> IdentityRow:
    row = wallet.db.find_identity(did_or_label)
    if row is None:
        raise NotFound(f"no identity {did_or_label!r} in this wallet (see `wallet did list`)")
    return row


def identity_document(wallet: Wallet, did_or_label: str) -> DidDocument:
    """The DID document of one of the wallet's own identities."""
    from did import Resolver

    row = find_identity(wallet, did_or_label)
    return Resolver().resolve_document(row.did)


def credential_key(wallet: Wallet, did_or_label: str) -> tuple[IdentityRow, SigningKey]:
    """The identity row and its signing key (Ed25519 or P-256), loaded from the keystore."""
    from did import load_signing_key
    from wallet.errors import KeystoreCorrupted

    row = find_identity(wallet, did_or_label)
    secret = wallet.keystore.get(row.key_id)
    if secret is None:
        raise KeystoreCorrupted(f"the key of {row.did} is missing from the keystore")
    key = load_signing_key(KEY_TYPES[_key_name(row)], secret)
    if key.public_key != row.public_key:
        raise KeystoreCorrupted(f"the keystore holds a different key for {row.did}")
    return row, key


def signing_key(wallet: Wallet, did_or_label: str) -> tuple[IdentityRow, Ed25519Key]:
    """The identity row and its `did.Ed25519Key`, for what signs with Ed25519 only.

    Election entries, ballots and board checkpoints are Ed25519 signatures by the record's
    specification, so a P-256 identity is refused here with a message saying so.
    """
    from did import Ed25519Key

    row, key = credential_key(wallet, did_or_label)
    if not isinstance(key, Ed25519Key):
        raise UsageError(f"{row.did} holds a P-256 key; elections need an Ed25519 identity")
    return row, key


def resolve_did(
    did: str, *, timeout: float = 5.0, allow_private_network: bool = False
) -> ResolutionResult:
    """Resolve any supported DID; a W3C DID resolution result, errors in its metadata.

    A did:web on this machine or a private network resolves only with
    `allow_private_network`.
    """
    from did import Resolver

    return Resolver(timeout=timeout, allow_private_network=allow_private_network).resolve(did)


def method_of(did: str, purpose: str) -> tuple[str, bytes]:
    """The first verification method of `did` for `purpose`: its id and public key."""
    from did import Resolver, VerificationMethod

    document = Resolver().resolve_document(did)
    for entry in document.relationship(purpose):
        method = entry if isinstance(entry, VerificationMethod) else None
        method = method or document.find_verification_method(str(entry))
        return method.id, method.public_key
    raise UsageError(f"{did} has no {purpose} key")
