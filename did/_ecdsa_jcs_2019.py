"""Provides the `ecdsa-jcs-2019` cryptosuite (W3C vc-di-ecdsa §3.3) for P-256 keys.

The algorithms (§3.3.1 Create Proof, §3.3.2 Verify Proof, §3.3.3 Transformation, §3.3.4 Hashing,
§3.3.5 Proof Configuration, §3.3.6 Proof Serialization) are the JCS steps shared with
`eddsa-jcs-2022`, in `did._data_integrity`. This suite fixes their parameters: ECDSA on P-256,
SHA-256 for both hashes (§3.3.4 picks SHA-256 for P-256 and SHA-384 for P-384, which is not
supported here), and the 64-byte `r || s` signature in `proofValue` (§3.3.6).
"""

from __future__ import annotations

from did._cryptosuite import JcsCryptosuite

__all__ = ["CRYPTOSUITE", "ECDSA_JCS_2019"]

CRYPTOSUITE = "ecdsa-jcs-2019"
ECDSA_JCS_2019 = JcsCryptosuite(CRYPTOSUITE, "P-256", "sha256", 64)
