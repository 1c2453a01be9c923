"""Provides a C2SP tlog-witness (c2sp.org/tlog-witness) for any log with Ed25519 checkpoints:
the add-checkpoint wire format, the checks in the spec's order, and durable per-log state."""

from voting.witness._protocol import (
    MAX_BODY_BYTES,
    MAX_PROOF_LINES,
    SIZE_CONTENT_TYPE,
    AddCheckpoint,
    parse_size_body,
    size_body,
)
from voting.witness._state import TreeHead, WitnessState
from voting.witness._witness import Clock, Cosigned, Witness

__all__ = [
    "MAX_BODY_BYTES",
    "MAX_PROOF_LINES",
    "SIZE_CONTENT_TYPE",
    "AddCheckpoint",
    "Clock",
    "Cosigned",
    "TreeHead",
    "Witness",
    "WitnessState",
    "parse_size_body",
    "size_body",
]
