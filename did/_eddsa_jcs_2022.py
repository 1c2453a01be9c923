"""Provides the `eddsa-jcs-2022` cryptosuite (W3C vc-di-eddsa §3.3): Ed25519 over JCS.

The algorithms (§3.3.1 Create Proof, §3.3.2 Verify Proof, §3.3.3 Transformation, §3.3.4 Hashing,
§3.3.5 Proof Configuration, §3.3.6 Proof Serialization) are those every JCS suite shares, in
`did._data_integrity`; this suite fixes their parameters: Ed25519 keys (RFC 8032), SHA-256 for
both hashes (§3.3.4), and a 64-byte signature.
"""

from __future__ import annotations

from did._cryptosuite import JcsCryptosuite

__all__ = ["CRYPTOSUITE", "EDDSA_JCS_2022"]

CRYPTOSUITE = "eddsa-jcs-2022"
EDDSA_JCS_2022 = JcsCryptosuite(CRYPTOSUITE, "Ed25519", "sha256", 64)
