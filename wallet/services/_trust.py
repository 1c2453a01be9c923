"""Provides the verifying wallet's read path: an election's state, verified before use.

Every use-case that acts on what a board says (voting, the trustees' ceremony and
decryption, the authority's steps, showing an election or its result, checking a receipt)
reads the election through `verified_state` or, for a voter, `verified_setup` (DESIGN §5.6):

1. The board's newest checkpoint is accepted by `voting.board.accept_checkpoint`: signed by
   the board key the election names, for its origin, cosigned by its witness quorum when it
   names one, and consistent with the newest checkpoint this wallet pinned for that origin,
   which it then replaces when newer.
2. The entries read are bound to that checkpoint: their tree root is its root (the whole
   log), or a consistency proof shows they are its first entries (a voter's prefix).
3. They pass the board's own rules (`voting.board.LogVerifier`): every non-ballot entry's
   signature, role and checks (the joint key against the announcements, the tally against
   the ballots, the result against the decryption shares), and, for whoever counts, every
   ballot's signature, proofs and eligibility.

What was verified is cached in the wallet's database per board and election, as the size
and tree root of the entries checked: the next run checks only what was appended since,
once the root over the first entries proves they are the ones checked before. Anything that
fails raises `BoardUntrusted` naming what failed; the caller has posted nothing yet.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC
from typing import TYPE_CHECKING

from wallet._db import CheckpointRow, VerifiedRow
from wallet.errors import BoardUntrusted, NotFound, WalletError
from wallet.services._board_api import BoardClient
from wallet.services._session import Wallet

if TYPE_CHECKING:
    from voting.board import ElectionBody, ElectionState, Entry
    from voting.chain import Checkpoint, Note

# A voter reads the log in chunks until the `open` entry: the whole setup fits in one.
_CHUNK = 256
_STAMP = "%Y-%m-%dT%H:%M:%SZ"


def _untrusted(exc: Exception) -> BoardUntrusted:
    problems = getattr(exc, "problems", ())
    return BoardUntrusted(f"the board's record does not verify: {exc}", problems)


def _parse(data: bytes, index: int) -> Entry:
    from voting.board import Entry
    from voting.errors import VotingError

    try:
        return Entry.from_bytes(data)
    except VotingError as exc:
        raise BoardUntrusted(
            f"the board's record does not verify: entry {index}: unreadable ({exc})",
            ((index, "entry", "entry", str(exc)),),
        ) from None


def _newest(board: BoardClient, election: str) -> Note:
    note = board.checkpoint(election)
    if note is None:
        raise NotFound(f"no election {election!r} on board {board.location}")
    return note


def _pinned(wallet: Wallet | None, body: ElectionBody) -> Checkpoint | None:
    from voting.chain import Checkpoint, Note

    row = None if wallet is None else wallet.db.checkpoint(body.origin)
    if row is None:
        return None
    if row.vkey != body.vkey:
        raise BoardUntrusted(
            f"checkpoint: {body.origin} is now signed by another board key than before"
        )
    return Checkpoint.from_text(Note.from_text(row.note).text)


def accept(
    wallet: Wallet | None,
    board: BoardClient,
    election: str,
    body: ElectionBody,
    note: Note,
    *,
    latest: bool = True,
    pin: bool = True,
) -> Checkpoint:
    """Accept `note` as a checkpoint of the election (`voting.board.accept_checkpoint`) and,
    with `pin`, pin it when it is newer than what this wallet pinned; return the accepted
    checkpoint. `latest`: the note is the board's newest checkpoint (not a receipt's), so it
    must not be older than the pinned one. `pin` False: the caller pins (`pin_checkpoint`)
    only once the entries behind it verified, so that a board whose record fails cannot
    leave its key or tree pinned for the election's origin.

    Without a wallet (`election show` needs none) nothing is pinned: the checkpoint is
    still checked, but only against itself."""
    from voting.board import accept_checkpoint
    from voting.chain import Checkpoint
    from voting.errors import UntrustedRecord

    pinned = _pinned(wallet, body)

    def prove(old: int, new: int) -> Sequence[bytes]:
        return board.consistency_proof(election, old, new)

    try:
        newest = accept_checkpoint(body, note, pinned, prove, latest=latest)
    except UntrustedRecord as exc:
        raise _untrusted(exc) from None
    current = Checkpoint.from_text(note.text)
    if pin and (pinned is None or newest.size > pinned.size):
        pin_checkpoint(wallet, body, note)
    return current


def pin_checkpoint(wallet: Wallet | None, body: ElectionBody, note: Note) -> None:
    """Pin `note` (accepted by `accept`) for the election's origin when it is newer than the
    checkpoint pinned there."""
    from voting.chain import Checkpoint

    if wallet is None:
        return
    checkpoint = Checkpoint.from_text(note.text)
    row = wallet.db.checkpoint(body.origin)
    if row is not None and row.size >= checkpoint.size:
        return
    seen = wallet.env.now().astimezone(UTC).strftime(_STAMP)
    wallet.db.put_checkpoint(
        CheckpointRow(body.origin, body.vkey, checkpoint.size, note.to_text(), seen)
    )


def election_body(
    board: BoardClient, election: str, size: int, first: bytes | None = None
) -> ElectionBody:
    """The election entry (entry 0, `first` when the caller read it) of a log of `size`
    entries, read unverified: the board key and origin it names are checked next, against
    the checkpoint, and the entry itself with the rest of the log."""
    from voting.board import ElectionBody

    if size == 0:
        raise NotFound(f"no election {election!r} on board {board.location}")
    if first is None:
        first = board.leaves(election, 0, 1, size=size)[0]
    entry = _parse(first, 0)
    first_body = entry.body
    if not isinstance(first_body, ElectionBody) or entry.election != election:
        raise BoardUntrusted("the board's record does not verify: entry 0 is not its election")
    return first_body


def _known(
    wallet: Wallet | None, board: BoardClient, election: str, ballots: bool
) -> VerifiedRow | None:
    row = None if wallet is None else wallet.db.verified(board.location, election)
    if row is None or (ballots and not row.ballots):
        return None
    return row


def _extends_verified(
    wallet: Wallet | None, board: BoardClient, election: str, checkpoint: Checkpoint
) -> None:
    """Refuse a checkpoint whose tree does not extend the entries this wallet verified
    before on this board for this election (a consistency proof, or equal roots).

    The pinned checkpoints are per origin, and the origin is named by the election entry the
    board serves: an operator who replaces the whole election with one it runs itself (its
    own authority and trustees, every entry valid) under a fresh board key has a fresh origin,
    for which nothing is pinned. What this wallet verified here before is what it must not
    let go of: the election it knows is the one whose first entries it checked.
    """
    from voting.chain import verify_consistency
    from voting.errors import ChainError

    row = None if wallet is None else wallet.db.verified(board.location, election)
    if row is None:
        return
    if checkpoint.size < row.size:
        raise BoardUntrusted(
            f"checkpoint: the board's checkpoint of size {checkpoint.size} is older than the "
            f"{row.size} entries this wallet verified before: the board rolled back its log"
        )
    try:
        if checkpoint.size == row.size:
            if checkpoint.root_hash != row.root:
                raise ChainError("two different trees of the same size")
        else:
            proof = board.consistency_proof(election, row.size, checkpoint.size)
            verify_consistency(row.size, checkpoint.size, row.root, checkpoint.root_hash, proof)
    except (ChainError, WalletError) as exc:
        raise BoardUntrusted(
            f"the board's election {election!r} is not the one this wallet verified before on "
            f"this board: its first {row.size} entries differ ({exc}); the board replaced or "
            "rewrote it"
        ) from None


def verified_state(
    wallet: Wallet | None, board: BoardClient, election: str, *, ballots: bool = False
) -> ElectionState:
    """The election's whole state, every entry verified (ballots in full with `ballots`).

    Raises BoardUntrusted when anything fails, NotFound when the board has no such election.
    """
    from voting.board import LogVerifier
    from voting.chain import Checkpoint, CompactRange, leaf_hash
    from voting.errors import UntrustedRecord

    note = _newest(board, election)
    size = Checkpoint.from_text(note.text).size
    raw = board.leaves(election, 0, size, size=size)
    body = election_body(board, election, size, raw[0] if raw else None)
    checkpoint = accept(wallet, board, election, body, note, pin=False)
    _extends_verified(wallet, board, election, checkpoint)
    known = _known(wallet, board, election, ballots)
    tree = CompactRange()
    skip = 0
    for i, data in enumerate(raw):
        tree.append(leaf_hash(data))
        if known is not None and i + 1 == known.size and tree.root() == known.root:
            skip = known.size
    if len(raw) != checkpoint.size or tree.root() != checkpoint.root_hash:
        raise BoardUntrusted(
            "the board's record does not verify: its entries are not the tree its checkpoint "
            f"of size {checkpoint.size} signs"
        )
    verifier = LogVerifier(election, ballots=ballots)
    try:
        for i, data in enumerate(raw):
            verifier.add(_parse(data, i), checked=i < skip)
        state = verifier.finish()
    except UntrustedRecord as exc:
        raise _untrusted(exc) from None
    pin_checkpoint(wallet, body, note)
    _remember(wallet, board, election, len(raw), tree.root(), ballots, known)
    return state


def _remember(
    wallet: Wallet | None,
    board: BoardClient,
    election: str,
    size: int,
    root: bytes,
    ballots: bool,
    known: VerifiedRow | None,
) -> None:
    # A voter's shorter prefix never replaces a longer verified one, nor does a shallower
    # verification replace a deeper one of the same log.
    if wallet is None:
        return
    current = wallet.db.verified(board.location, election)
    if current is not None and (current.size > size or (current.ballots and not ballots)):
        return
    wallet.db.put_verified(VerifiedRow(board.location, election, size, root, ballots))


def verified_setup(wallet: Wallet | None, board: BoardClient, election: str) -> ElectionState:
    """A voter's view: the log up to and including `open`, every entry verified, and proved
    to be the first entries of the board's accepted checkpoint by a consistency proof.

    The ballots after it are never read, so voting costs the same on a full board as on an
    empty one (DESIGN §7). The state's phase is at most `open`: whether voting is still
    possible is the election's window, and the board's rules, to say.
    """
    from voting.board import LogVerifier
    from voting.chain import Checkpoint, CompactRange, leaf_hash, verify_consistency
    from voting.errors import ChainError, UntrustedRecord

    note = _newest(board, election)
    size = Checkpoint.from_text(note.text).size
    # The first chunk holds the election entry, which names the key the checkpoint needs.
    first = board.leaves(election, 0, min(size, _CHUNK), size=size)
    body = election_body(board, election, size, first[0] if first else None)
    checkpoint = accept(wallet, board, election, body, note, pin=False)
    _extends_verified(wallet, board, election, checkpoint)
    known = _known(wallet, board, election, False)
    verifier = LogVerifier(election, ballots=False)
    tree = CompactRange()
    skip = 0
    read = 0
    try:
        while read < size and verifier.state.opened is None:
            chunk = (
                first
                if read == 0
                else board.leaves(election, read, min(size, read + _CHUNK), size=size)
            )
            if known is not None and read < known.size <= read + len(chunk):
                # Entries this wallet verified before are applied unchecked, once the tree
                # over them is the one it recorded.
                ahead = tree.copy()
                for data in chunk[: known.size - read]:
                    ahead.append(leaf_hash(data))
                if ahead.root() == known.root:
                    skip = known.size
            for data in chunk:
                tree.append(leaf_hash(data))
                entry = _parse(data, read)
                verifier.add(entry, checked=read < skip)
                read += 1
                if verifier.state.opened is not None:
                    break
            if not chunk:
                break
        state = verifier.finish()
    except UntrustedRecord as exc:
        raise _untrusted(exc) from None
    prefix_root = tree.root()
    try:
        proof = board.consistency_proof(election, read, size) if 0 < read < size else []
        verify_consistency(read, size, prefix_root, checkpoint.root_hash, proof)
    except ChainError as exc:
        raise BoardUntrusted(
            f"the board's record does not verify: its first {read} entries are not those of "
            f"its checkpoint of size {size} ({exc})"
        ) from None
    pin_checkpoint(wallet, body, note)
    if known is None or known.size <= read:
        _remember(wallet, board, election, read, prefix_root, False, known)
    return state
