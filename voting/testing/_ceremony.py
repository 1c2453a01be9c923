"""Provides small elections made off the board: a manifest of a chosen shape and an honest
t-of-n key ceremony run in memory (record spec §6), for tests of ballots, proofs and tallies."""

from __future__ import annotations

from voting._ceremony import DecryptionKey, Trustee
from voting._election import Election
from voting._manifest import Contest, Manifest, Option
from voting.testing._rng import SeededRng


def small_manifest(
    n: int = 3,
    t: int = 2,
    *,
    min_sel: int = 0,
    max_sel: int = 1,
    option_max: int = 1,
    options: int = 3,
) -> Manifest:
    """Return a one-contest manifest (plus a yes/no contest) with n trustees, threshold t."""
    return Manifest(
        election_id="test-election",
        title="Test election",
        trustee_count=n,
        threshold=t,
        contests=(
            Contest(
                "mayor",
                "Mayor",
                tuple(Option(f"o{i}", f"Option {i}") for i in range(options)),
                min_sel,
                max_sel,
                option_max,
            ),
            Contest("measure", "Measure A", (Option("yes", "Yes"), Option("no", "No")), 1, 1),
        ),
    )


def ceremony(m: Manifest, seed: bytes = b"ceremony") -> tuple[Election, list[DecryptionKey]]:
    """Run an honest ceremony from `seed`; return the election and every trustee's key."""
    rng = SeededRng(seed)
    trustees = [Trustee.generate(m, i, rng) for i in range(1, m.trustee_count + 1)]
    announcements = [t.announce(rng) for t in trustees]
    election = Election.create(m, announcements)
    keys = []
    for recipient in trustees:
        received = {}
        for dealer, ann in zip(trustees, announcements, strict=True):
            if dealer is recipient:
                continue
            sealed = dealer.seal_share(announcements[recipient.index - 1])
            received[dealer.index] = recipient.open_share(ann, sealed)
        keys.append(recipient.decryption_key(received))
    return election, keys
