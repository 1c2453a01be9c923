"""Provides the verifiable shuffle of ElGamal ciphertext rows (record spec §10).

`shuffle` re-encrypts and permutes a list of rows, `prove_shuffle` proves it with a
Terelius-Wikström proof and `verify_shuffle` checks that proof, raising
`voting.errors.ShuffleError` naming the failed equations.
"""

from voting._shuffle import (
    CHAIN_INDEX,
    ShuffleSecret,
    generator,
    prove_shuffle,
    shuffle,
    verify_shuffle,
)
from voting._shuffle_wire import (
    MAX_LABEL,
    MAX_ROWS,
    MAX_WIDTH,
    Row,
    ShuffleProof,
    rows_from_json,
    rows_to_json,
)

__all__ = [
    "CHAIN_INDEX",
    "MAX_LABEL",
    "MAX_ROWS",
    "MAX_WIDTH",
    "Row",
    "ShuffleProof",
    "ShuffleSecret",
    "generator",
    "prove_shuffle",
    "rows_from_json",
    "rows_to_json",
    "shuffle",
    "verify_shuffle",
]
