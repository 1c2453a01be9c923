"""Provides write-ahead for the entries a voter posts: crash safety between commit and receipt.

Before a ballot (or a challenged encryption) is submitted, the wallet stores a pending record,
sealed with its data key: the board, the election, the voter, the ballot id and the entry's
type. When its receipt is stored the record goes. A run killed in between (after the board
committed the entry, before the receipt was written) leaves the record behind, and the next
run that opens the election (`vote`, `receipt list`, `receipt check`) finds the entry on the
board by its ballot id and stores its receipt; when the board has no such entry the ballot was
never cast, and the record is dropped. Storing a receipt is idempotent, so a run killed after
the receipt but before the record went does no harm either.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from wallet._db import PendingRow
from wallet.services._board_api import BoardClient, Submitted
from wallet.services._session import Wallet

if TYPE_CHECKING:
    from voting.board import Entry

TABLE = "pending"


@dataclass(frozen=True)
class Pending:
    """An entry this wallet was about to post, kept until its receipt is stored."""

    id: str
    board: str
    election: str
    voter: str
    ballot_id: str
    kind: str

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "board": self.board,
            "election": self.election,
            "voter": self.voter,
            "ballotId": self.ballot_id,
            "type": self.kind,
        }


@dataclass(frozen=True)
class Reconciled:
    """What a reconciliation found: receipts completed, and ballots never cast."""

    completed: tuple[str, ...] = ()
    never_cast: tuple[str, ...] = ()


def remember(
    wallet: Wallet, board: BoardClient, election: str, *, voter: str, ballot_id: str, kind: str
) -> Pending:
    """Store the pending record of an entry about to be submitted."""
    from wallet.services._sealing import seal_field

    pending = Pending(wallet.env.token(16), board.location, election, voter, ballot_id, kind)
    plain = json.dumps(pending.to_json()).encode()
    sealed = seal_field(wallet.data_key(), TABLE, pending.id, plain, random=wallet.env.rng)
    wallet.db.put_pending(PendingRow(pending.id, election, sealed))
    return pending


def settle(wallet: Wallet, pending: Pending) -> None:
    """The entry's receipt is stored: its record goes."""
    wallet.db.delete_pending(pending.id)


def pending_records(wallet: Wallet) -> list[Pending]:
    """Every pending record, oldest first (opening them needs the data key)."""
    from did import parse_json
    from wallet.services._sealing import open_field

    rows = wallet.db.pending()
    if not rows:
        return []
    key = wallet.data_key()
    found = []
    for row in rows:
        data = parse_json(open_field(key, TABLE, row.id, row.sealed))
        found.append(
            Pending(
                row.id,
                str(data["board"]),
                str(data["election"]),
                str(data["voter"]),
                str(data["ballotId"]),
                str(data["type"]),
            )
        )
    return found


def _ballot_of(entry: Entry) -> tuple[str, str] | None:
    from voting.board import BallotBody, ChallengedBody

    body = entry.body
    if isinstance(body, BallotBody | ChallengedBody):
        return body.ballot.ballot_id, body.ballot.voter
    return None


def reconcile(wallet: Wallet, board: BoardClient, election: str) -> Reconciled:
    """Complete the receipts of this election's pending entries that reached the board."""
    from voting.chain import leaf_hash
    from wallet.services._receipts import observe_checkpoint, store_receipt
    from wallet.services._trust import verified_state

    mine = [
        p for p in pending_records(wallet) if p.board == board.location and p.election == election
    ]
    if not mine:
        return Reconciled()
    # What the board shows is verified first (DESIGN §5.6): a pending entry is settled, and
    # a checkpoint pinned, only on a record that checks.
    state = verified_state(wallet, board, election)
    body = state.require_election()
    where = {}
    for index, entry in enumerate(state.all_entries):
        ballot = _ballot_of(entry)
        if ballot is not None:
            where[ballot] = (index, entry)
    completed, never_cast = [], []
    for pending in mine:
        found = where.get((pending.ballot_id, pending.voter))
        if found is None:
            never_cast.append(pending.ballot_id)
            settle(wallet, pending)
            continue
        index, entry = found
        receipt = board.inclusion(election, index)
        observe_checkpoint(wallet, board, election, receipt.note, body)
        submitted = Submitted(index, entry, leaf_hash(entry.to_bytes()), receipt)
        store_receipt(wallet, board, submitted, voter=pending.voter, ballot_id=pending.ballot_id)
        settle(wallet, pending)
        completed.append(pending.ballot_id)
    return Reconciled(tuple(completed), tuple(never_cast))


def reconcile_all(wallet: Wallet) -> Reconciled:
    """Reconcile every election with pending entries, each on its own board."""
    from wallet.services._board_open import open_board

    if not wallet.db.pending():
        return Reconciled()
    completed: list[str] = []
    never_cast: list[str] = []
    for board_location, election in sorted(
        {(p.board, p.election) for p in pending_records(wallet)}
    ):
        with open_board(board_location, wallet.env) as board:
            done = reconcile(wallet, board, election)
        completed += done.completed
        never_cast += done.never_cast
    return Reconciled(tuple(completed), tuple(never_cast))
