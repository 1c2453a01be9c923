"""Provides test doubles for code built on `voting`: a seeded rng and one election builder.

Like `structlog.testing` or httpx's `MockTransport`, these ship beside the library so that
every test suite (ours, a wallet's, an independent auditor's) builds the same elections
instead of copying a builder into each test folder:

    from voting.testing import World, honest_run

    world = World()                      # authority, trustees, voters: keys from fixed seeds
    run = world.run(MemoryLogStore())    # a board on the world's settable clock
    run.setup()                          # election entry, key ceremony, open
    run.vote(world.voters[0], "b0", "ada")
    run.finish()                         # close, tally, decrypt, publish the result

`small_manifest` and `ceremony` make elections off the board, for tests of ballots, proofs
and tallies; `honest_run` is a whole election with every kind of entry; `write_record`
writes a record directory from raw entry bytes; `forged_ballot` and `relinked` are an
operator's forgeries.

Nothing here is fit for production: `SeededRng` is reproducible by design. A test fails if
anything outside the tests and benchmarks imports this module.
"""

from voting.testing._ceremony import ceremony, small_manifest
from voting.testing._records import forged_ballot, honest_run, relinked, write_record
from voting.testing._rng import SeededRng
from voting.testing._world import (
    CLOSES,
    CREDENTIAL_TYPE,
    ELECTION_ID,
    OPENS,
    STATUS_URL,
    T0,
    Clock,
    Party,
    Run,
    World,
)

__all__ = [
    "CLOSES",
    "CREDENTIAL_TYPE",
    "ELECTION_ID",
    "OPENS",
    "STATUS_URL",
    "T0",
    "Clock",
    "Party",
    "Run",
    "SeededRng",
    "World",
    "ceremony",
    "forged_ballot",
    "honest_run",
    "relinked",
    "small_manifest",
    "write_record",
]
