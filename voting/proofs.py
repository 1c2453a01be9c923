"""Provides the record's zero-knowledge proofs and their challenges (record spec §3.4, §5).

Schnorr proofs of knowledge, Chaum-Pedersen proofs of equal discrete logarithms, and the
disjunctive range proofs a ballot carries; each `prove_*` takes an `Rng`, each `verify_*`
raises `voting.errors.ProofError` on a proof that does not verify.
"""

from voting._hashing import RECORD_VERSION, ProofContext, challenge, digest
from voting._proofs import (
    CompactProof,
    RangeProof,
    prove_dleq,
    prove_range,
    prove_schnorr,
    verify_dleq,
    verify_range,
    verify_schnorr,
)

__all__ = [
    "RECORD_VERSION",
    "CompactProof",
    "ProofContext",
    "RangeProof",
    "challenge",
    "digest",
    "prove_dleq",
    "prove_range",
    "prove_schnorr",
    "verify_dleq",
    "verify_range",
    "verify_schnorr",
]
