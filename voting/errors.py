"""Provides the error tree of the `voting` package.

VotingError                   root of everything this package raises
├── EncodingError             bytes or JSON that do not decode to a valid object
├── GroupError                an invalid point or scalar (small order, non-canonical, identity)
├── ProofError                a zero-knowledge proof that does not verify
│   └── ShuffleError          a proof of shuffle that does not verify (names the equations)
├── ManifestError             an election manifest that breaks its rules
├── BallotError               a ballot that cannot be made or does not verify
├── CeremonyError             a key-ceremony message that does not check out
├── TallyError                aggregation, decryption shares, combination or decoding
│   └── ShareError            one trustee's decryption share is wrong (names the trustee)
├── ChainError                the tally chain: entries, Merkle proofs, checkpoints, storage
│   ├── MerkleError           an inclusion or consistency proof that does not verify
│   ├── CheckpointError       a signed note or checkpoint that does not parse or verify
│   ├── RejectedEntry         the board refused an entry (reason in the message)
│   └── StorageError          the store could not be read or written
└── AuditError                a record the audit cannot even read
"""

from __future__ import annotations


class VotingError(Exception):
    """Root of every error the `voting` package raises."""


class EncodingError(VotingError):
    """Bytes or JSON that do not decode to a valid object."""


class GroupError(VotingError):
    """An invalid group element or scalar."""


class ProofError(VotingError):
    """A zero-knowledge proof that does not verify."""


class ShuffleError(ProofError):
    """A proof of shuffle that does not verify; `failed` names the failed checks.

    The names are those of record spec §10: a statement check ("election", "label", "key",
    "rows", "width", "proof"), the commitment equations that do not hold ("t1", "t2", "t3",
    "t4", "chain"), or "challenge" when every equation holds but the Fiat-Shamir challenge
    differs.
    """

    def __init__(self, failed: tuple[str, ...], detail: str) -> None:
        super().__init__(f"shuffle: {', '.join(failed)}: {detail}")
        self.failed = failed
        self.detail = detail

    def __reduce__(self) -> tuple[type[ShuffleError], tuple[tuple[str, ...], str]]:
        # Rebuilt from both fields, so that it survives a trip between processes.
        return (ShuffleError, (self.failed, self.detail))


class ManifestError(VotingError):
    """An election manifest that breaks its rules."""


class BallotError(VotingError):
    """A ballot that cannot be produced or does not verify."""


class CeremonyError(VotingError):
    """A key-ceremony message (commitments, shares, complaints) that does not check out."""


class TallyError(VotingError):
    """Aggregation, decryption shares, their combination or decoding failed."""


class ShareError(TallyError):
    """One trustee's decryption share does not verify; `trustee` names the culprit."""

    def __init__(self, trustee: int, reason: str) -> None:
        super().__init__(f"decryption share of trustee {trustee}: {reason}")
        self.trustee = trustee


class ChainError(VotingError):
    """Root of the tally chain's errors."""


class MerkleError(ChainError):
    """An inclusion or consistency proof that does not verify."""


class CheckpointError(ChainError):
    """A signed note or checkpoint that does not parse or verify."""


class RejectedEntry(ChainError):
    """The board refused an entry; the message gives the reason."""


class StorageError(ChainError):
    """The store could not be read or written."""


class AuditError(VotingError):
    """A record the audit cannot read at all."""
