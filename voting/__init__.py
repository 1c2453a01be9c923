"""Provides verifiable voting: the election group, proofs, ballots, trustees, the tally chain.

The cryptographic record is specified byte for byte in docs/record-spec.md.
"""

from voting._ballot import (
    BallotOpening,
    EncryptedBallot,
    EncryptedContest,
    EncryptedOption,
    Selections,
    encrypt_ballot,
    verify_ballot,
    verify_opening,
)
from voting._ceremony import (
    Complaint,
    ComplaintAnswer,
    DecryptionKey,
    Fault,
    SealedShare,
    Trustee,
    TrusteeAnnouncement,
    check_share,
    resolve_complaint,
    verify_announcement,
)
from voting._election import Election
from voting._elgamal import Ciphertext, encrypt
from voting._group import IDENTITY, G, Point, Q, Rng, Scalar, SeededRng, base_mul, random_scalar
from voting._hashing import RECORD_VERSION, ProofContext, challenge, digest, hash_to_scalar
from voting._manifest import Contest, Manifest, Option
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
    "IDENTITY",
    "RECORD_VERSION",
    "BallotOpening",
    "Ciphertext",
    "CompactProof",
    "Complaint",
    "ComplaintAnswer",
    "Contest",
    "ContestResult",
    "DecryptionKey",
    "DecryptionShare",
    "Election",
    "ElectionResult",
    "EncryptedBallot",
    "EncryptedContest",
    "EncryptedOption",
    "EncryptedTally",
    "Fault",
    "G",
    "Manifest",
    "Option",
    "PartialDecryption",
    "Point",
    "ProofContext",
    "Q",
    "RangeProof",
    "Rng",
    "Scalar",
    "SealedShare",
    "SeededRng",
    "Selections",
    "Trustee",
    "TrusteeAnnouncement",
    "aggregate",
    "base_mul",
    "challenge",
    "check_share",
    "combine",
    "decode",
    "digest",
    "encrypt",
    "encrypt_ballot",
    "hash_to_scalar",
    "lagrange",
    "partial_decrypt",
    "prove_dleq",
    "prove_range",
    "prove_schnorr",
    "random_scalar",
    "resolve_complaint",
    "verify_announcement",
    "verify_ballot",
    "verify_decryption_share",
    "verify_dleq",
    "verify_opening",
    "verify_range",
    "verify_result",
    "verify_schnorr",
]
