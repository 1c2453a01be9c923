"""Provides witnessing for a board file (the embedded default), as a board server does it.

The board's operator writes where each witness is reachable into the board's sidecar
(`wallet board witness add NAME URL --store FILE`, `_witness_addresses`). After an entry of
an election that names witnesses is appended (and the append lock released: no network I/O
under it), the newest checkpoint goes to the witnesses in one round
(`wallet.board._witnessing`); the cosigned checkpoint is stored beside the board's own and
the receipt is proven against it. Readers of the file get the newest stored checkpoint that
carries the election's quorum.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from wallet.errors import VerificationFailed
from wallet.services._board_api import Submitted

if TYPE_CHECKING:
    from wallet.services._boards import LocalBoard


def published(board: LocalBoard, election: str) -> str | None:
    """The checkpoint a reader of `election` gets: with witnesses, the newest cosigned one
    (else the newest, which the reader will refuse naming the missing witnesses)."""
    from voting.chain import LOOK_BACK, newest_cosigned
    from wallet.services._witnessed import election_policy

    latest = board.store.latest_checkpoint(election)
    if latest is None:
        return None
    policy = election_policy(board, election)
    if policy is None:
        return latest
    recent = board.store.recent_checkpoints(election, LOOK_BACK)
    return newest_cosigned(recent, policy) or latest


def witnessed(board: LocalBoard, election: str, submitted: Submitted) -> Submitted:
    """The submission with its receipt against a cosigned checkpoint covering the entry.

    Without witnesses in the election it is returned as it is. A round that does not reach
    the quorum raises VerificationFailed: the entry is in the log, but no checkpoint that a
    reader accepts covers it yet (posting it again gets its receipt once one does).
    """
    from voting.chain import Receipt
    from wallet.board._witnessing import NotWitnessed, Witnessing
    from wallet.services._witnessed import election_policy

    policy = election_policy(board, election)
    if policy is None:
        return submitted
    store = board.store

    def latest() -> str:
        note = store.latest_checkpoint(election)
        assert note is not None  # The append just stored one.
        return note

    def keep(note: str) -> bool:
        from voting.errors import StorageError

        # A newer checkpoint stored meanwhile is refused; a round on it follows.
        try:
            store.put_checkpoint(election, note)
        except StorageError:
            return False
        return True

    witnessing = Witnessing(board.sidecar.witnesses)
    try:
        text = witnessing.cosigned(
            policy,
            latest,
            lambda old, new: store.consistency_proof(election, old, new),
            submitted.index + 1,
            keep,
        )
    except NotWitnessed as exc:
        raise VerificationFailed(
            f"entry {submitted.index} was appended, but no checkpoint covering it has a quorum "
            f"of witness cosignatures: {exc}"
        ) from None
    from voting.chain import Checkpoint, Note

    note = Note.from_text(text)
    size = Checkpoint.from_text(note.text).size
    proof = tuple(store.inclusion_proof(election, submitted.index, size))
    return replace(submitted, receipt=Receipt(submitted.index, proof, note))
