"""Provides `JcsCryptosuite`: the parameters that tell one JCS Data Integrity suite from another.

The suite modules (`_eddsa_jcs_2022`, `_ecdsa_jcs_2019`) each name one; the shared algorithms in
`_data_integrity` run with it. Kept apart so that neither side imports the other in a cycle.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

__all__ = ["JcsCryptosuite"]


@dataclass(frozen=True)
class JcsCryptosuite:
    """A suite's name, the key type it signs with, its hash and its signature size."""

    name: str
    key_type: str
    hash_name: str
    signature_size: int

    def digest(self, data: bytes) -> bytes:
        """The suite's hash of `data` (SHA-256 for both P-256 and Ed25519 suites)."""
        return hashlib.new(self.hash_name, data).digest()
