"""Provides `JcsCryptosuite`: the parameters that tell one JCS Data Integrity suite from another.

The suites (`eddsa-jcs-2022`, `ecdsa-jcs-2019`) share every algorithm step, in
`did._data_integrity`; each suite module only names its parameters with this type.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

__all__ = ["JcsCryptosuite"]


@dataclass(frozen=True)
class JcsCryptosuite:
    """The parameters that tell one JCS cryptosuite from another."""

    name: str
    key_type: str
    hash_name: str
    signature_size: int

    def digest(self, data: bytes) -> bytes:
        """The suite's hash of `data` (SHA-256 for both P-256 and Ed25519 suites)."""
        return hashlib.new(self.hash_name, data).digest()
