"""Provides encrypted ballots: encryption with proofs, verification and openings (record spec §7).

`encrypt_ballot` returns the ballot and the opening a voter keeps to challenge it;
`verify_ballot` raises `voting.errors.BallotError` on the first problem, and
`ballot_problems` lists every problem as typed `BallotProblem` values.
"""

from voting._ballot import (
    BallotOpening,
    BallotProblem,
    EncryptedBallot,
    EncryptedContest,
    EncryptedOption,
    Selections,
    ballot_problems,
    encrypt_ballot,
    verify_ballot,
    verify_opening,
)

__all__ = [
    "BallotOpening",
    "BallotProblem",
    "EncryptedBallot",
    "EncryptedContest",
    "EncryptedOption",
    "Selections",
    "ballot_problems",
    "encrypt_ballot",
    "verify_ballot",
    "verify_opening",
]
