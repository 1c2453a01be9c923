"""Provides the tally: aggregation, the trustees' decryption shares and the result (record spec §8).

`aggregate` sums the counted ballots into an `EncryptedTally`; each trustee of a quorum
publishes a `DecryptionShare` (`partial_decrypt`, checked by `verify_decryption_share`);
`combine` decrypts and decodes the counts into an `ElectionResult`, which anyone re-checks
with `verify_result`.
"""

from voting._result import ContestResult, ElectionResult, combine, verify_result
from voting._tally import (
    DecryptionShare,
    EncryptedTally,
    PartialDecryption,
    aggregate,
    decode,
    lagrange,
    partial_decrypt,
    verify_decryption_share,
)

__all__ = [
    "ContestResult",
    "DecryptionShare",
    "ElectionResult",
    "EncryptedTally",
    "PartialDecryption",
    "aggregate",
    "combine",
    "decode",
    "lagrange",
    "partial_decrypt",
    "verify_decryption_share",
    "verify_result",
]
