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
│   │   └── QuorumError       too few valid witness cosignatures (names the witnesses)
│   ├── WitnessError          a tlog-witness request the witness refuses (carries `status`)
│   │   ├── MalformedRequest  400: the body breaks the request grammar, or old > size
│   │   ├── UntrustedCheckpoint 403: no valid signature from the log's known keys
│   │   ├── UnknownLog        404: the witness is not configured for this origin
│   │   ├── SizeConflict      409: old size differs from the witness's (carries it)
│   │   └── InconsistentCheckpoint 422: a proof or root that does not check out
│   ├── RejectedEntry         the board refused an entry (reason in the message)
│   ├── UntrustedRecord       a reader refuses what a board showed (names entries and checks)
│   └── StorageError          the store could not be read or written
└── AuditError                a record the audit cannot even read
"""

from __future__ import annotations

from typing import Any


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


class UntrustedRecord(ChainError):
    """A log or checkpoint a reader refuses to act on; `problems` names each failed check as
    (entry index, entry type, rule step, reason), empty for a checkpoint's own failure."""

    def __init__(self, message: str, problems: tuple[tuple[int, str, str, str], ...] = ()) -> None:
        super().__init__(message)
        self.problems = problems

    def __reduce__(self) -> tuple[type[UntrustedRecord], tuple[str, tuple[Any, ...]]]:
        return (UntrustedRecord, (str(self), self.problems))


class StorageError(ChainError):
    """The store could not be read or written."""


class AuditError(VotingError):
    """A record the audit cannot read at all."""


class QuorumError(CheckpointError):
    """Fewer than k listed witnesses validly cosigned; names the missing and invalid ones."""

    def __init__(
        self,
        quorum: int,
        valid: tuple[str, ...],
        missing: tuple[str, ...],
        invalid: tuple[str, ...],
    ) -> None:
        parts = [f"{len(valid)} valid witness cosignatures, want at least {quorum}"]
        if missing:
            parts.append("missing: " + ", ".join(missing))
        if invalid:
            parts.append("invalid: " + ", ".join(invalid))
        super().__init__("; ".join(parts))
        self.quorum = quorum
        self.valid = valid
        self.missing = missing
        self.invalid = invalid


class WitnessError(ChainError):
    """A tlog-witness request the witness refuses; `status` is the spec's HTTP status."""

    status = 400


class MalformedRequest(WitnessError):
    """The request body breaks the add-checkpoint grammar, or its old size exceeds the size."""

    status = 400


class UntrustedCheckpoint(WitnessError):
    """No valid signature from a known key of the log, or a known key's signature fails."""

    status = 403


class UnknownLog(WitnessError):
    """The witness is not configured for the checkpoint's origin."""

    status = 404


class SizeConflict(WitnessError):
    """The old size is not the size of the witness's latest cosigned checkpoint."""

    status = 409

    def __init__(self, origin: str, old_size: int, current_size: int) -> None:
        super().__init__(
            f"{origin}: old size {old_size}, but the witness is at size {current_size}"
        )
        self.current_size = current_size


class InconsistentCheckpoint(WitnessError):
    """A consistency proof that does not verify, or a root that contradicts the witness's."""

    status = 422
