"""Provides the board server's assembly: a `BoardService` for a host, and its app."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from wallet.board._host import BoardHost
from wallet.board._service import BoardService
from wallet.board._status_lists import StatusLists
from wallet.board._witnessing import ROUND_DEADLINE, Witnessing

if TYPE_CHECKING:
    from datetime import datetime

    from voting.chain import Ed25519Signer
    from wallet.server import Guard, Limits

# The total time the board gives one did:web lookup (DESIGN §5.5: every fetch is bounded).
FETCH_DEADLINE = 5.0
# How long a thread may hold the GIL while others wait for it (seconds); see `board_app`.
SWITCH_INTERVAL = 0.0005


def board_service(
    host: BoardHost,
    signer: Ed25519Signer | None,
    *,
    now: Callable[[], datetime] | None = None,
    resolver: Any = None,
    allow_private_network: bool = False,
    witnesses: Mapping[str, str] | None = None,
    witness_deadline: float = ROUND_DEADLINE,
) -> BoardService:
    """The board's service with a deadline-bound resolver by default.

    `now` is the board's clock: a caller with an `Environment` passes its `now`; without
    one it is the system clock, read through the environment's own default (`system_clock`).

    That resolver reaches did:web hosts on this machine or a private network only with
    `allow_private_network`. `witnesses` says where each witness (by the name its
    elections give it) is reachable: `{name: base URL}`.
    """
    if resolver is None:
        import did
        from wallet.board._fetch import deadline_client

        # Each read may take a third of the deadline; the transport ends the whole fetch at it.
        resolver = did.Resolver(
            http_client=deadline_client(
                FETCH_DEADLINE, allow_private_network=allow_private_network
            ),
            timeout=FETCH_DEADLINE / 3,
            allow_private_network=allow_private_network,
        )
    if now is None:
        from wallet.services._session import system_clock

        now = system_clock
    holder: list[BoardService] = []
    status = StatusLists(host, lambda: holder[0].store())
    service = BoardService(
        host,
        signer,
        now=now,
        resolver=resolver,
        status_lists=status,
        witnessing=Witnessing(witnesses or {}, deadline=witness_deadline),
    )
    holder.append(service)
    if signer is not None:
        service.repair()
    return service


def board_app(service: BoardService, limits: Limits) -> Guard:
    import sys

    from wallet.board._api import board_app as make

    # The board's commit holds the log's lock across a few store round trips, each of which
    # gives up the GIL; with the default 5 ms switch interval, the threads verifying proofs
    # meanwhile keep the committer waiting up to 5 ms for each, and every voter with it.
    sys.setswitchinterval(min(sys.getswitchinterval(), SWITCH_INTERVAL))
    return make(service, limits)
