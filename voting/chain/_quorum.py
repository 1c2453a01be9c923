"""Provides witness policies: which witnesses must cosign a checkpoint, and how many of them.

A checkpoint counts only once at least k of the listed witnesses cosigned it
(c2sp.org/tlog-cosignature: "log clients can verify a quorum of cosignatures to prevent
split-view attacks"). Each honest witness cosigns at most one tree per size for an origin, so
with n witnesses and k > n / 2 two forks of one log never both reach a quorum unless
2k - n witnesses lie.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from voting.chain._checkpoint import Checkpoint, Cosignature, CosignatureVerifier
from voting.chain._note import Note, NoteSignature
from voting.errors import ChainError, CheckpointError, QuorumError

POLICY_VERSION = 1


@dataclass(frozen=True)
class WitnessPolicy:
    """The witnesses (name and Ed25519 cosignature key) and the quorum k that must cosign."""

    witnesses: tuple[CosignatureVerifier, ...]
    quorum: int

    def __post_init__(self) -> None:
        if not 1 <= self.quorum <= len(self.witnesses):
            raise CheckpointError(
                f"witness quorum {self.quorum}, want 1..{len(self.witnesses)} witnesses"
            )
        names = [w.name for w in self.witnesses]
        keys = [w.public_key for w in self.witnesses]
        # One witness listed twice would count twice towards the quorum; the Ed25519
        # cosignature does not commit to the name, so a shared key is the same witness.
        if len(set(names)) != len(names) or len(set(keys)) != len(keys):
            raise CheckpointError("witness policy lists one witness name or key twice")

    @classmethod
    def from_json(cls, data: Any) -> WitnessPolicy:
        """Parse `{"quorum": k, "witnesses": [vkey, ...]}`."""
        if not isinstance(data, dict) or set(data) != {"version", "quorum", "witnesses"}:
            raise CheckpointError("witness policy: want exactly version, quorum, witnesses")
        if data["version"] != POLICY_VERSION:
            raise CheckpointError(f"witness policy: version {data['version']!r}, want 1")
        quorum, vkeys = data["quorum"], data["witnesses"]
        if type(quorum) is not int:
            raise CheckpointError("witness policy: quorum is not an integer")
        if not isinstance(vkeys, list) or not all(isinstance(v, str) for v in vkeys):
            raise CheckpointError("witness policy: witnesses is not a list of vkeys")
        return cls(tuple(CosignatureVerifier.from_vkey(v) for v in vkeys), quorum)

    def to_json(self) -> dict[str, Any]:
        return {
            "version": POLICY_VERSION,
            "quorum": self.quorum,
            "witnesses": [w.to_vkey() for w in self.witnesses],
        }


@dataclass(frozen=True)
class Quorum:
    """The outcome of a passed quorum check: the checkpoint and the valid cosignatures."""

    checkpoint: Checkpoint
    cosignatures: tuple[Cosignature, ...]

    @property
    def witnesses(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.cosignatures)


def verify_quorum(note: Note | str | bytes, policy: WitnessPolicy) -> Quorum:
    """Raise QuorumError unless at least `policy.quorum` listed witnesses validly cosigned.

    (1) The note parses and its text is a checkpoint body. (2) Each listed witness's
    signature lines (matched by name and key ID, as signed-note prescribes) are verified
    as timestamped cosignatures; lines of unlisted keys are ignored. (3) A listed witness
    whose line fails makes the note malformed (signed-note §Signatures), so the check fails
    naming it even when enough others signed. (4) At least k witnesses remain valid.
    This checks witnesses only: the log's own signature is `open_checkpoint`'s job.
    """
    parsed = note if isinstance(note, Note) else Note.from_text(note)
    checkpoint = Checkpoint.from_text(parsed.text)
    text = parsed.text.encode("utf-8")
    valid: list[Cosignature] = []
    missing: list[str] = []
    invalid: list[str] = []
    for witness in policy.witnesses:
        lines = [
            s for s in parsed.signatures if s.name == witness.name and s.key_id == witness.key_id
        ]
        if not lines:
            missing.append(witness.name)
            continue
        try:
            for line in lines:
                witness.verify(text, line.signature)
        except CheckpointError:
            invalid.append(witness.name)
            continue
        valid.append(Cosignature.from_note_signature(lines[0]))
    if invalid or len(valid) < policy.quorum:
        raise QuorumError(
            policy.quorum, tuple(c.name for c in valid), tuple(missing), tuple(invalid)
        )
    return Quorum(checkpoint, tuple(valid))


def merge_cosignatures(note: Note, response: str) -> Note:
    """Append a witness's add-checkpoint response (signature lines) to a note, once each."""
    if not response.endswith("\n") or not response.startswith("\u2014 "):
        raise CheckpointError("witness response: want signature lines ending in a newline")
    seen = set(note.signatures)
    merged = note
    for line in response[:-1].split("\n"):
        sig = NoteSignature.from_line(line)
        if sig not in seen:
            merged = merged.with_signature(sig)
            seen.add(sig)
    return merged


# How many stored checkpoints, newest first, a reader looks through for a cosigned one: a
# witnessing round stores one per batch of entries, the board one per commit.
LOOK_BACK = 64


def newest_cosigned(
    recent: Iterable[str], policy: WitnessPolicy, held: str | None = None
) -> str | None:
    """The first of `recent` (stored checkpoint notes, newest first) with `policy`'s quorum of
    cosignatures, or None. Cheap on a server's hot path: a board's own notes have one
    signature line, so only notes with at least 1 + quorum lines are parsed and verified, and
    `held` (one the caller already verified) is not verified again."""
    for note in recent:
        if note == held:
            return held
        if note.count("\n\u2014 ") < 1 + policy.quorum:
            continue
        try:
            verify_quorum(note, policy)
        except ChainError:
            continue
        return note
    return None
