"""Provides ballot receipts: storing them, and checking them against the board (DESIGN §5.3).

A receipt is a C2SP tlog-proof: the entry's index, its inclusion proof and the signed
checkpoint. Its `extra` line carries the entry's RFC 9162 leaf hash, so a receipt file says
by itself which entry it proves. The wallet keeps the newest checkpoint it has seen of each
log origin, and accepts a different checkpoint of that origin only with a consistency proof
between the two: a board that shows two histories, or rewrote its history, is caught here.
Receipts are sealed with the wallet's data key (the link between a voter and a ballot is
personal data); checkpoints are public and stored in clear.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass
from datetime import UTC
from pathlib import Path
from typing import TYPE_CHECKING, Any

from wallet._db import ReceiptRow
from wallet.errors import FileProblem, NotFound, UsageError, VerificationFailed, WalletError
from wallet.services._board_api import BoardClient, Submitted
from wallet.services._board_open import open_board
from wallet.services._session import Wallet

if TYPE_CHECKING:
    from collections.abc import Sequence

    from voting.board import ElectionBody, Entry, Standing
    from voting.chain import Checkpoint, Note, Receipt

TABLE = "receipts"
_STAMP = "%Y-%m-%dT%H:%M:%SZ"


@dataclass(frozen=True)
class StoredReceipt:
    """A receipt this wallet keeps, with what it needs to check it later."""

    id: str
    election: str
    kind: str
    text: str
    board: str
    origin: str
    vkey: str
    voter: str
    ballot_id: str | None

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "election": self.election,
            "type": self.kind,
            "board": self.board,
            "origin": self.origin,
            "voter": self.voter,
            "ballotId": self.ballot_id,
            "receipt": self.text,
        }


def receipt_with_leaf(submitted: Submitted) -> Receipt:
    """The board's receipt with the entry's leaf hash in its `extra` line."""
    from dataclasses import replace

    return replace(submitted.receipt, extra=submitted.leaf_hash)


def _stamp(wallet: Wallet) -> str:
    return wallet.env.now().astimezone(UTC).strftime(_STAMP)


def _day(wallet: Wallet) -> str:
    # A receipt's row keeps only the day it was stored: its entry's time is on the chain to
    # the second, so a full time in clear would name the entry.
    return wallet.env.now().astimezone(UTC).strftime("%Y-%m-%d")


def _row_id(key: bytes, entry_hash: str) -> str:
    """The receipt's row id: keyed with the data key, so it says nothing of the entry.

    The entry hash, which is the voter's id for the receipt, stays sealed in the row.
    """
    digest = hmac.new(key, b"receipt-id\x00" + entry_hash.encode(), hashlib.sha256)
    return digest.hexdigest()[:32]


def store_receipt(
    wallet: Wallet, board: BoardClient, appended: Submitted, *, voter: str, ballot_id: str | None
) -> StoredReceipt:
    """Seal and keep the receipt of an entry this wallet posted."""
    entry = appended.entry
    stored = StoredReceipt(
        id=appended.entry_hash,
        election=entry.election,
        kind=entry.type,
        text=receipt_with_leaf(appended).to_text(),
        board=board.location,
        origin=board.origin(entry.election),
        vkey=board.info.vkey,
        voter=voter,
        ballot_id=ballot_id,
    )
    _put(wallet, wallet.data_key(), stored, _day(wallet))
    return stored


def _put(wallet: Wallet, key: bytes, stored: StoredReceipt, day: str) -> None:
    from wallet.services._sealing import seal_field

    row_id = _row_id(key, stored.id)
    plain = json.dumps(stored.to_json() | {"vkey": stored.vkey}).encode()
    sealed = seal_field(key, TABLE, row_id, plain, random=wallet.env.rng)
    wallet.db.put_receipt(ReceiptRow(row_id, stored.election, sealed, day))


def list_receipts(wallet: Wallet) -> list[StoredReceipt]:
    """The receipts this wallet keeps, oldest first (opening them needs the data key).

    Entries a killed run posted without keeping their receipts are completed by
    `reconcile_all` (write-ahead, see `_pending`), which `receipt list` runs first.
    """
    rows = wallet.db.receipts()
    if not rows:
        return []
    key = wallet.data_key()
    kept = []
    for row in rows:
        stored = _open(key, row.id, row.sealed)
        if row.id != _row_id(key, stored.id):
            # A row of an older wallet, keyed by its entry hash: keyed again, and the time
            # of day dropped, so the clear link goes.
            _put(wallet, key, stored, row.added[:10])
            wallet.db.delete_receipt(row.id)
        kept.append(stored)
    return kept


def _open(key: bytes, row_id: str, sealed: bytes) -> StoredReceipt:
    from did import parse_json
    from wallet.services._sealing import open_field

    data = parse_json(open_field(key, TABLE, row_id, sealed))
    return StoredReceipt(
        data["id"], data["election"], data["type"], data["receipt"], data["board"],
        data["origin"], data["vkey"], data["voter"], data["ballotId"],
    )  # fmt: skip


def find_receipt(wallet: Wallet, id_prefix: str) -> StoredReceipt:
    pattern = id_prefix.lower()
    found = [r for r in list_receipts(wallet) if r.id.startswith(pattern)] if pattern else []
    if not found:
        raise NotFound(f"no receipt {id_prefix!r} in this wallet (see `wallet receipt list`)")
    if len(found) > 1:
        raise UsageError(f"{id_prefix!r} matches {len(found)} receipts; give more of the id")
    return found[0]


# The newest checkpoint seen per origin: accepted only by `voting.board.accept_checkpoint`.


def observe_checkpoint(
    wallet: Wallet,
    board: BoardClient,
    election: str,
    note: Note,
    body: ElectionBody | None = None,
) -> int:
    """Accept a checkpoint of `board` and pin it when newer; return the newest size pinned.

    `body` is the election entry the caller verified; without it, it is read from the board
    (entry 0). The checks are `voting.board.accept_checkpoint`'s (see `_trust.accept`).
    """
    from voting.chain import Checkpoint
    from wallet.services._trust import accept, election_body

    if body is None:
        body = election_body(board, election, Checkpoint.from_text(note.text).size)
    # A receipt's checkpoint may be older than the pinned one (and is not what the board
    # serves as its newest): consistency with it is what counts.
    current = accept(wallet, board, election, body, note, latest=False)
    row = wallet.db.checkpoint(body.origin)
    return current.size if row is None else max(row.size, current.size)


# Checking.


@dataclass(frozen=True)
class ReceiptCheck:
    """The outcome of `receipt check`: every step passed, or VerificationFailed was raised."""

    id: str
    election: str
    index: int
    checkpoint_size: int
    board_size: int
    newest_seen: int
    # Where the entry stands by the board's rules (voting.board.ballot_standings): counted,
    # superseded, challenged or excluded, and the line that says why; None for an entry that
    # is no ballot.
    status: str | None = None
    standing: str | None = None
    ballot: Standing | None = None
    # Valid cosignatures on the receipt's checkpoint from the election's witnesses, and the
    # quorum it names (0: the election names no witnesses).
    cosignatures: int = 0
    quorum: int = 0
    # The size of a checkpoint obtained elsewhere (`--checkpoint`) found consistent, if any.
    gossip_size: int | None = None

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "receipt": self.id,
            "election": self.election,
            "index": self.index,
            "checkpointSize": self.checkpoint_size,
            "boardSize": self.board_size,
            "newestSeen": self.newest_seen,
            "inclusion": "passed",
            "consistency": "passed",
            "witnesses": {"quorum": self.quorum, "cosignatures": self.cosignatures},
        }
        if self.gossip_size is not None:
            data["gossip"] = {"checkpointSize": self.gossip_size, "consistency": "passed"}
        if self.ballot is not None:
            data["standing"] = {**self.ballot.to_json(), "description": self.standing}
        return data


@dataclass(frozen=True)
class ReceiptStanding:
    """Where one kept receipt's ballot stands (None: no ballot, or its board is unreadable)."""

    receipt: StoredReceipt
    standing: Standing | None

    def to_json(self) -> dict[str, Any]:
        standing = self.standing
        described = (
            None if standing is None else standing.to_json() | {"description": standing.describe()}
        )
        return self.receipt.to_json() | {"standing": described}


def receipt_standings(wallet: Wallet, receipts: list[StoredReceipt]) -> tuple[ReceiptStanding, ...]:
    """Where each receipt's ballot stands, in the order given: each board is read once per
    election."""
    from voting.board import ballot_standings
    from wallet.errors import WalletError

    found: dict[str, Standing | None] = {}
    for (location, election), kept in _by_election(receipts).items():
        try:
            with open_board(location, wallet.env) as board:
                standings = ballot_standings(board.entries(election))
        except WalletError:
            standings = {}
        for receipt in kept:
            ballot = receipt.ballot_id
            found[receipt.id] = None if ballot is None else standings.get(ballot)
    return tuple(ReceiptStanding(r, found.get(r.id)) for r in receipts)


def _by_election(receipts: list[StoredReceipt]) -> dict[tuple[str, str], list[StoredReceipt]]:
    grouped: dict[tuple[str, str], list[StoredReceipt]] = {}
    for receipt in receipts:
        grouped.setdefault((receipt.board, receipt.election), []).append(receipt)
    return grouped


def standing_at(entries: Sequence[Entry], index: int) -> Standing | None:
    """Where the ballot (or challenge) at `index` stands, by the rule engine's judgement."""
    from voting.board import BallotBody, ChallengedBody, ballot_standings

    if not 0 <= index < len(entries):
        return None
    body = entries[index].body
    if not isinstance(body, BallotBody | ChallengedBody):
        return None
    return ballot_standings(entries).get(body.ballot.ballot_id)


def _from_file(path: Path, board: Path | None) -> tuple[str, str, bytes]:
    """A receipt file's text, its election id and its leaf hash (from the `extra` line)."""
    from voting.chain import Receipt
    from voting.errors import ChainError

    try:
        text = path.read_text(encoding="utf-8")
        receipt = Receipt.from_text(text)
    except OSError as exc:
        raise FileProblem(f"receipt {path}: {exc.strerror}") from None
    except ChainError as exc:
        raise VerificationFailed(f"receipt: {exc}") from None
    if receipt.extra is None or len(receipt.extra) != 32:
        raise VerificationFailed("receipt: no leaf hash in its extra line")
    if board is None:
        raise UsageError("a receipt file needs --board to be checked against")
    from voting.chain import Checkpoint

    election = Checkpoint.from_text(receipt.note.text).origin.rpartition("/")[2]
    return text, election, receipt.extra


def check_receipt(
    wallet: Wallet,
    reference: str,
    *,
    board_path: Path | None = None,
    other_checkpoint: str | None = None,
) -> ReceiptCheck:
    """Check inclusion against the receipt's checkpoint, then consistency with the board.

    (1) The checkpoint is signed by the board's key for the election's origin, and the
    inclusion proof leads from the entry's leaf hash to its root. (2) When the election names
    witnesses, at least k of them validly cosigned it. (3) The board's newest checkpoint
    verifies (board key and quorum) and extends both the receipt's checkpoint and the newest
    one this wallet saw before (consistency proofs from the board). (4) Gossip: a checkpoint
    obtained elsewhere (`other_checkpoint`, another voter's or an auditor's) is signed by the
    board and consistent with the receipt's, whichever is older. (5) The newest is remembered.
    """
    from voting.chain import Ed25519Verifier, Note, Receipt, verify_receipt
    from voting.errors import ChainError
    from wallet.services._trust import verified_state
    from wallet.services._witnessed import require_cosigned

    path = Path(reference)
    if path.is_file():
        text, election, leaf = _from_file(path, board_path)
        rid = leaf.hex()[:16]
        location: Path | str | None = board_path
    else:
        stored = find_receipt(wallet, reference)
        text, election, rid = stored.text, stored.election, stored.id
        # A board server's receipts keep its URL; a board file's, its path.
        location = board_path or (
            stored.board if stored.board.startswith(("https://", "http://")) else Path(stored.board)
        )
        leaf = Receipt.from_text(text).extra or b""
    assert location is not None  # _from_file demands a board for files.
    receipt = Receipt.from_text(text)
    with open_board(location, wallet.env) as board:
        # (2, 3) The board's newest checkpoint is accepted (signed, consistent with the one
        # pinned before, then pinned) and the record it signs is verified (DESIGN §5.6).
        state = verified_state(wallet, board, election)
        body = state.require_election()
        # (1) The receipt's checkpoint is signed by the election's board key, and the
        # inclusion proof leads from the entry's leaf hash to its root.
        try:
            opened = verify_receipt(
                receipt, leaf or b"", [Ed25519Verifier.from_vkey(body.vkey)], origin=body.origin
            )
        except ChainError as exc:
            raise VerificationFailed(f"inclusion: {exc}") from None
        # (2) When the election names witnesses, at least k of them cosigned it. (4) Gossip.
        policy = body.witnesses
        cosignatures = require_cosigned(receipt.note, policy, "the receipt's checkpoint")
        gossip = None
        if other_checkpoint is not None:
            verifier = Ed25519Verifier.from_vkey(body.vkey)
            gossip = _gossip(
                board, election, verifier, body.origin, opened.checkpoint, other_checkpoint
            )
            require_cosigned(Note.from_text(other_checkpoint), policy, "the other checkpoint")
        # (3, 5) ... and it is consistent with the newest one this wallet pinned.
        newest_seen = observe_checkpoint(wallet, board, election, receipt.note, body)
        standing = standing_at(state.all_entries, receipt.index)
    return ReceiptCheck(
        rid,
        election,
        receipt.index,
        opened.checkpoint.size,
        state.size,  # the board's newest checkpoint, the one verified above
        newest_seen,
        None if standing is None else standing.status,
        None if standing is None else standing.describe(),
        standing,
        cosignatures,
        0 if policy is None else policy.quorum,
        gossip,
    )


def _gossip(
    board: BoardClient,
    election: str,
    verifier: Any,
    origin: str,
    mine: Checkpoint,
    other_text: str,
) -> int:
    """Check a checkpoint obtained elsewhere against the receipt's; return its size.

    It must be for `origin`, the one the election entry names (not whatever name the board
    gives itself), signed by the election's board key. Either may be the older one: the
    board must prove the newer extends the older (a proof it cannot give, for a tree it
    does not serve, fails too). Equal sizes need equal roots.
    """
    from voting.chain import open_checkpoint, verify_checkpoint_consistency
    from voting.errors import ChainError

    try:
        other = open_checkpoint(other_text, [verifier], origin=origin).checkpoint
    except ChainError as exc:
        raise VerificationFailed(f"gossip: the other checkpoint: {exc}") from None
    first, second = (mine, other) if mine.size <= other.size else (other, mine)
    try:
        proof = board.consistency_proof(election, first.size, second.size) if first.size else []
        verify_checkpoint_consistency(first, second, proof)
    except (ChainError, WalletError) as exc:
        raise VerificationFailed(
            f"gossip: the receipt's checkpoint (size {mine.size}) and the other checkpoint "
            f"(size {other.size}) are not consistent: {exc}; the board showed different "
            "histories"
        ) from None
    return other.size
