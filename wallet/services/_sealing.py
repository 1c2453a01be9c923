"""Provides field sealing for `wallet.db`: XChaCha20-Poly1305 under the wallet's data key.

A sealed field is `version (1 byte) || nonce (24 bytes) || ciphertext and tag`. The associated
data names the table and the row id, so a sealed value copied into another row (or another
table) no longer opens: an attacker with write access to the database can delete rows but
cannot swap one holder's credential for another's without the key.
"""

from __future__ import annotations

from collections.abc import Callable

from wallet.errors import FileProblem

__all__ = ["open_field", "seal_field"]

VERSION = b"\x01"
NONCE_SIZE = 24
KEY_SIZE = 32
TAG_SIZE = 16


def _associated_data(table: str, row_id: str) -> bytes:
    # The version byte is bound too, so a future format cannot be downgraded to this one.
    return b"ssi-wallet/" + VERSION + table.encode() + b"\x00" + row_id.encode()


def _check_key(key: bytes) -> None:
    if not isinstance(key, bytes) or len(key) != KEY_SIZE:
        raise FileProblem("the data key must be 32 bytes")


def seal_field(
    key: bytes,
    table: str,
    row_id: str,
    plaintext: bytes,
    *,
    random: Callable[[int], bytes],
) -> bytes:
    """Encrypt `plaintext` for the row `row_id` of `table`; `random` supplies the nonce."""
    from nacl.bindings import crypto_aead_xchacha20poly1305_ietf_encrypt

    _check_key(key)
    # A random 192-bit nonce never repeats in practice, so no counter has to be kept in step
    # with the database across backups and restores.
    nonce = random(NONCE_SIZE)
    if len(nonce) != NONCE_SIZE:
        raise FileProblem(f"nonce source gave {len(nonce)} bytes, want {NONCE_SIZE}")
    aad = _associated_data(table, row_id)
    sealed: bytes = crypto_aead_xchacha20poly1305_ietf_encrypt(plaintext, aad, nonce, key)
    return VERSION + nonce + sealed


def open_field(key: bytes, table: str, row_id: str, sealed: bytes) -> bytes:
    """Decrypt a value sealed by `seal_field` for the same row; raise FileProblem otherwise."""
    from nacl.bindings import crypto_aead_xchacha20poly1305_ietf_decrypt
    from nacl.exceptions import CryptoError

    _check_key(key)
    if not isinstance(sealed, bytes) or len(sealed) < 1 + NONCE_SIZE + TAG_SIZE:
        raise FileProblem(f"wallet.db: {table} row {row_id!r} is truncated")
    if sealed[:1] != VERSION:
        raise FileProblem(
            f"wallet.db: {table} row {row_id!r} has seal version {sealed[0]}, want {VERSION[0]}"
        )
    nonce, body = sealed[1 : 1 + NONCE_SIZE], sealed[1 + NONCE_SIZE :]
    try:
        plain: bytes = crypto_aead_xchacha20poly1305_ietf_decrypt(
            body, _associated_data(table, row_id), nonce, key
        )
    except CryptoError:
        raise FileProblem(
            f"wallet.db: {table} row {row_id!r} does not open with this wallet's data key "
            "(tampered with, moved from another row, or from another wallet)"
        ) from None
    return plain
