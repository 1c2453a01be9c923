"""Provides verifiable voting: the election group, proofs, ballots, trustees, the tally chain."""
