"""Provides the election group and ElGamal over it (record spec §2, §5.1).

Points of the prime-order subgroup of edwards25519, scalars mod `Q`, the record's hash to a
scalar (§3.3), exponential ElGamal ciphertexts, and the `Rng` type every function that draws
randomness takes as an argument.
"""

from voting._elgamal import Ciphertext, encrypt
from voting._group import IDENTITY, G, Point, Q, Rng, Scalar, base_mul, random_scalar
from voting._hashing import hash_to_scalar

__all__ = [
    "IDENTITY",
    "Ciphertext",
    "G",
    "Point",
    "Q",
    "Rng",
    "Scalar",
    "base_mul",
    "encrypt",
    "hash_to_scalar",
    "random_scalar",
]
