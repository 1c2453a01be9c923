"""Provides the public election context: joint key, public shares, extended hash (§6.5)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from voting._ceremony import TrusteeAnnouncement, evaluate_commitments, verify_announcement
from voting._group import IDENTITY, Point
from voting._hashing import digest, points, u32
from voting._manifest import Manifest
from voting.errors import CeremonyError


@dataclass(frozen=True, slots=True)
class Election:
    """Everything a voter, trustee or auditor derives from the manifest and announcements."""

    manifest: Manifest
    announcements: tuple[TrusteeAnnouncement, ...]
    manifest_hash: bytes
    joint_key: Point
    public_shares: tuple[Point, ...]
    extended_hash: bytes

    @classmethod
    def create(cls, manifest: Manifest, announcements: Iterable[TrusteeAnnouncement]) -> Election:
        """Verify every announcement and derive the joint key and extended hash (§6.5)."""
        ordered = tuple(sorted(announcements, key=lambda a: a.trustee))
        n = manifest.trustee_count
        if [a.trustee for a in ordered] != list(range(1, n + 1)):
            raise CeremonyError(f"want one announcement from each of trustees 1..{n}")
        for a in ordered:
            verify_announcement(manifest, a)
        # D_k = Σ_i C_{i,k}: the commitments to the coefficients of the joint polynomial.
        joint = tuple(_sum(a.commitments[k] for a in ordered) for k in range(manifest.threshold))
        if joint[0].is_identity:
            raise CeremonyError("joint key is the identity")
        public_shares = tuple(evaluate_commitments(joint, j) for j in range(1, n + 1))
        manifest_hash = manifest.hash()
        extended = digest(
            "election",
            manifest_hash,
            u32(n),
            u32(manifest.threshold),
            joint[0].to_bytes(),
            *(points(a.commitments) for a in ordered),
        )
        return cls(manifest, ordered, manifest_hash, joint[0], public_shares, extended)

    def public_share(self, trustee: int) -> Point:
        """Return K_j = s_j·G, computable by anyone from the commitments."""
        if not 1 <= trustee <= len(self.public_shares):
            raise CeremonyError(f"no trustee {trustee}")
        return self.public_shares[trustee - 1]


def _sum(items: Iterable[Point]) -> Point:
    total = IDENTITY
    for p in items:
        total = total + p
    return total
