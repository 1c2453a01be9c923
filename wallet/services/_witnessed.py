"""Provides the wallet's witness step of checkpoint acceptance (DESIGN §5.6).

An election that names witnesses and a quorum k (election-entries §4.1) is read only through
checkpoints that at least k of them validly cosigned; a checkpoint short of that is refused,
naming the witnesses that are missing or whose cosignature is invalid. Elections without
witnesses (quorum 0) are accepted on the board's signature alone, as before: they have no
defence against a board showing different histories to different readers.

`require_cosigned` is the one place a wallet checks a checkpoint's cosignatures; every reader
of a board (receipts, votes, the verifying wallet's checkpoint acceptance) goes through it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from wallet.errors import VerificationFailed

if TYPE_CHECKING:
    from voting.board import Entry
    from voting.chain import Note, WitnessPolicy
    from wallet.services._board_api import BoardClient

# The election entry never changes, so its policy is read once per board and election.
_POLICIES: dict[tuple[str, str, str], WitnessPolicy | None] = {}


def election_policy(board: BoardClient, election: str) -> WitnessPolicy | None:
    """The witness policy the election entry on `board` names (None: no witnesses).

    The first entry is read once and remembered per board location, board key and election.
    """
    from voting.board import ElectionBody

    key = (board.location, board.info.vkey, election)
    if key in _POLICIES:
        return _POLICIES[key]
    first = _first_entry(board, election)
    if first is None or not isinstance(first.body, ElectionBody):
        return None  # Not remembered: the election may be created later.
    _POLICIES[key] = first.body.witnesses
    return first.body.witnesses


def _first_entry(board: BoardClient, election: str) -> Entry | None:
    first = getattr(board, "first_entry", None)
    if callable(first):
        found: Entry | None = first(election)
        return found
    entries = board.entries(election)
    return entries[0] if entries else None


def require_cosigned(note: Note, policy: WitnessPolicy | None, what: str = "checkpoint") -> int:
    """Raise VerificationFailed unless `note` meets `policy`; return the valid cosignatures.

    The board's own signature is checked elsewhere (`open_checkpoint`); this is the witness
    step only. With no policy nothing is required and 0 is returned.
    """
    from voting.chain import verify_quorum
    from voting.errors import ChainError, QuorumError

    if policy is None:
        return 0
    try:
        return len(verify_quorum(note, policy).cosignatures)
    except QuorumError as exc:
        raise VerificationFailed(
            f"witnesses: {what} of size {_size(note)} is not cosigned by a quorum of the "
            f"election's witnesses: {exc}"
        ) from None
    except ChainError as exc:
        raise VerificationFailed(f"witnesses: {what}: {exc}") from None


def _size(note: Note) -> str:
    from voting.chain import Checkpoint
    from voting.errors import ChainError

    try:
        return str(Checkpoint.from_text(note.text).size)
    except ChainError:
        return "?"
