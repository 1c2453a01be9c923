"""Provides `BoardClient`: the one interface through which the wallet reaches a board.

The rules of a board (who may append what, in which phase, with which proofs) live in
`voting.board.Board` and nowhere else. A wallet only needs to read an election's entries and
state, submit an entry built at the board's head, and fetch checkpoints and proofs. The local
board file (`LocalBoard`) implements this now; a board server's client implements the same
methods over HTTP, so every use-case works against either.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from types import TracebackType

    from voting.board import ElectionState, Entry, EntryBody, Head
    from voting.chain import Note, Receipt


@dataclass(frozen=True)
class BoardInfo:
    """What identifies a board to a wallet: its id, its checkpoint key's name and vkey."""

    board_id: str
    name: str
    vkey: str


@dataclass(frozen=True)
class Submitted:
    """An entry a board accepted: its index, RFC 9162 leaf hash, and signed receipt."""

    index: int
    entry: Entry
    leaf_hash: bytes
    receipt: Receipt

    @property
    def entry_hash(self) -> str:
        """The entry's own hash (hex), which is also the id of its receipt in the wallet."""
        return self.entry.hash().hex()


# A status list source, as `did` takes it: the signed list credential for a list id.
StatusLists = Callable[[str], Mapping[str, object]]


class BoardClient(Protocol):
    """An opened board, local or remote. Use it as a context manager so it is closed."""

    @property
    def info(self) -> BoardInfo:
        """The board's id and checkpoint key."""
        ...

    @property
    def location(self) -> str:
        """Where the board is: a resolved file path, or a URL. Kept with receipts."""
        ...

    def origin(self, election: str) -> str:
        """The checkpoint origin of one election's log."""
        ...

    def elections(self) -> list[str]:
        """The ids of the elections with at least one entry."""
        ...

    def entries(self, election: str) -> list[Entry]:
        """Every entry of `election`, in order; NotFound when the board has no such log."""
        ...

    def leaves(self, election: str, start: int, end: int, *, size: int) -> list[bytes]:
        """The raw entries `start`..`end - 1` of the log as it stands at `size` entries.

        Unverified: the caller binds them to a checkpoint (their tree root, or a consistency
        proof from their prefix), as `wallet.services` verifying read path does.
        """
        ...

    def state(self, election: str) -> ElectionState:
        """The election's state replayed from its entries."""
        ...

    def checkpoint(self, election: str) -> Note | None:
        """The newest signed checkpoint of `election`'s log, if any."""
        ...

    def inclusion(self, election: str, index: int) -> Receipt:
        """A receipt of entry `index` against the newest checkpoint."""
        ...

    def consistency_proof(self, election: str, old_size: int, new_size: int) -> list[bytes]:
        """The RFC 9162 consistency proof between two sizes of `election`'s log."""
        ...

    def documents_for(
        self, election: str, body: EntryBody, author: str
    ) -> dict[str, dict[str, Any]]:
        """The did:web DID documents an entry of `author` must record (election-entries §2.1).

        Empty for did:key authors; the entry carries them so the record verifies offline.
        """
        ...

    def submit(self, election: str, build: Callable[[Head], Entry]) -> Submitted:
        """Build the next entry at the board's head and append it under the board's rules.

        A rejection raises `voting.errors.RejectedEntry` with the board's reason.
        """
        ...

    def publish_status_list(self, credential: Mapping[str, object]) -> None:
        """Hand the board an issuer's signed status list, for its eligibility checks."""
        ...

    def status_lists(self) -> StatusLists:
        """The status lists published to this board, as a `did` status list source."""
        ...

    def close(self) -> None: ...

    def __enter__(self) -> BoardClient: ...

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None: ...
