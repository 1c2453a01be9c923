"""Provides the steps that wait on others: opening once the trustees are done, `election
finish`, and `trustee follow`, which does each of a trustee's steps as soon as it is due.

An election needs several people in turn. Rather than have each of them run a command, look,
and run the next one, these commands watch the board (its checkpoint, once every few
seconds: cheap for the board and the wallet alike) and act when their turn comes, saying on
stderr what they wait for. Ctrl-C stops them; nothing is lost, and running them again picks
up where the election is.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from datetime import datetime
from typing import TYPE_CHECKING

from wallet.cli._common import environment, message

if TYPE_CHECKING:
    from voting.board import ElectionState
    from wallet.services import BoardClient, Posted, Wallet

DEFAULT_EVERY = 2.0


def _checkpoint(board: BoardClient, election: str) -> str | None:
    """The board's newest checkpoint of `election`, None while it has no such election."""
    from wallet.errors import NotFound

    try:
        note = board.checkpoint(election)
    except NotFound:
        return None
    return None if note is None else note.text


def watch(
    board: BoardClient,
    election: str,
    waiting_for: Callable[[ElectionState | None], str],
    *,
    every: float,
    timeout: float | None,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
) -> Iterator[ElectionState]:
    """The election's state now, then each time its log grows; between looks, say (once per
    distinct reason) what the caller waits for, and give up after `timeout` seconds."""
    from wallet.errors import EnvironmentProblem

    seen: str | None = None
    said = ""
    state: ElectionState | None = None
    deadline = None if timeout is None else clock() + timeout
    while True:
        note = _checkpoint(board, election)
        if note is not None and note != seen:
            seen = note
            state = board.state(election)
            yield state
            continue
        reason = waiting_for(state)
        if reason != said:
            message(f"waiting: {reason} (looking every {every:g} s; Ctrl-C stops, nothing is lost)")
            said = reason
        if deadline is not None and clock() > deadline:
            raise EnvironmentProblem(f"{election}: gave up waiting after {timeout:g} s: {reason}")
        sleep(every)


def local_time(moment: datetime) -> str:
    return f"{moment.astimezone():%Y-%m-%d %H:%M %Z}"


def ceremony_failed(state: ElectionState) -> str | None:
    """Why the key ceremony can no longer complete, if it cannot (a complaint, §6.4)."""
    if not state.complaints:
        return None
    complainer, body = state.complaints[0]
    return (
        f"trustee {complainer} complained about the share of trustee {body.dealer}: this "
        "ceremony cannot open; create the election again under a new id"
    )


def open_when_ready(
    wallet: Wallet, board: BoardClient, election: str, *, as_: str, every: float,
    timeout: float | None,
) -> Posted:  # fmt: skip
    """Wait until every trustee has acknowledged the shares, then post `open`."""
    from wallet.errors import VerificationFailed
    from wallet.services import open_election

    def reason(state: ElectionState | None) -> str:
        if state is None or state.election is None:
            return f"election {election} to appear on the board"
        count = state.election.manifest.trustee_count
        return (
            f"the trustees' key ceremony ({len(state.announcements)} of {count} keys, "
            f"{len(state.shares)} of {count} shares, {len(state.acks)} of {count} "
            f"acknowledgements): each trustee runs `wallet trustee follow {election}`"
        )

    for state in watch(board, election, reason, every=every, timeout=timeout):
        failed = ceremony_failed(state)
        if failed:
            raise VerificationFailed(f"key ceremony: {failed}")
        if state.phase != "setup":
            break
        count = state.require_election().manifest.trustee_count
        if len(state.acks) == count:
            return open_election(wallet, board, election, as_=as_)
    from wallet.errors import NotOpen

    raise NotOpen(
        f"{election} is past opening (phase {board.state(election).phase})", opens=None, closes=None
    )


def trustee_turns(
    wallet: Wallet, board: BoardClient, election: str, *, as_: str, every: float,
    timeout: float | None, decrypt: bool,
) -> list[dict[str, object]]:  # fmt: skip
    """Do each of a trustee's steps as soon as it is due; stop once this trustee's part is
    done (the ceremony, or with `decrypt`, its decryption share of the tally)."""
    from wallet.errors import UsageError, VerificationFailed, WalletError
    from wallet.services import decrypt as decrypt_step
    from wallet.services import find_identity, keygen, shares

    did = find_identity(wallet, as_).did
    done: list[dict[str, object]] = []

    def reason(state: ElectionState | None) -> str:
        if state is None or state.election is None:
            return f"election {election} to appear on the board"
        count = state.election.manifest.trustee_count
        if state.phase == "setup" and len(state.announcements) < count:
            return f"the other trustees' keys ({len(state.announcements)} of {count})"
        if state.phase == "setup" and len(state.shares) < count:
            return f"the other trustees' shares ({len(state.shares)} of {count})"
        if state.phase == "setup":
            return f"the authority to open the election (`wallet election open {election}`)"
        if state.phase in ("open", "closed"):
            closes = local_time(state.election.closes)
            return f"the tally: voting closes {closes}, then the authority tallies"
        return "the board"

    for state in watch(board, election, reason, every=every, timeout=timeout):
        failed = ceremony_failed(state)
        if failed:
            raise VerificationFailed(f"key ceremony: {failed}")
        index = state.require_election().trustee_index(did)
        if index is None:
            raise UsageError(f"{did} is not a trustee of {election}")
        count = state.require_election().manifest.trustee_count
        answered = index in state.acks
        if index not in state.announcements:
            posted = keygen(wallet, board, election, as_=as_)
            message(f"trustee {index}: posted its key")
            done.append(posted.to_json())
        elif len(state.announcements) == count and (
            index not in state.shares or (len(state.shares) == count and not answered)
        ):
            outcome = shares(wallet, board, election, as_=as_)
            if outcome.posted:
                message(f"trustee {index}: posted its sealed shares")
            if outcome.acknowledged:
                message(f"trustee {index}: checked the shares it received; all good")
            done.append(outcome.to_json())
        elif state.result is not None or index in state.decryption_shares:
            break
        elif not decrypt and answered:
            message(
                f"trustee {index}: key ceremony done; decrypt later with "
                f"`wallet trustee follow {election}` or `wallet trustee decrypt {election}`"
            )
            break
        elif state.tally is not None:
            try:
                posted = decrypt_step(wallet, board, election, as_=as_)
            except WalletError:
                # Enough other trustees decrypted and the result came first: nothing is lost.
                if board.state(election).result is None:
                    raise
                message(f"trustee {index}: the result was published without this share")
                break
            message(f"trustee {index}: posted its decryption share of the tally")
            done.append(posted.to_json())
            break
    return done


def finish(
    wallet: Wallet, board: BoardClient, election: str, *, as_: str, every: float,
    timeout: float | None, confirmed: Callable[[str], None],
) -> object:  # fmt: skip
    """Close (once the window is over), tally, wait for enough decryption shares, publish
    the result; each step only if it is not done yet. Returns the result."""
    from wallet.errors import NotOpen
    from wallet.services import close_election, election_result, tally_election

    state = board.state(election)
    phase = state.phase
    window = state.election
    opens, closes = (None, None) if window is None else (window.opens, window.closes)
    if phase in ("empty", "setup"):
        raise NotOpen(f"{election} is not open yet (phase {phase})", opens=opens, closes=closes)
    closes = state.require_election().closes
    if phase == "open" and environment().now() < closes:
        raise NotOpen(
            f"voting on {election} closes {local_time(closes)}; run `wallet election finish "
            f"{election}` after that",
            opens=opens,
            closes=closes,
        )
    if phase in ("open", "closed"):
        confirmed(f"close {election} and tally its ballots (final: no ballot is taken after)")
    if phase == "open":
        message(f"posted close at index {close_election(wallet, board, election, as_=as_).index}")
    if phase in ("open", "closed"):
        posted = tally_election(wallet, board, election, as_=as_)
        message(f"posted tally at index {posted.index} ({posted.counted} ballots counted)")
    threshold = state.require_election().manifest.threshold

    def reason(state: ElectionState | None) -> str:
        have = 0 if state is None else len(state.decryption_shares)
        return (
            f"decryption shares ({have} of the {threshold} needed): trustees run "
            f"`wallet trustee follow {election}` (or `wallet trustee decrypt {election}`)"
        )

    for state in watch(board, election, reason, every=every, timeout=timeout):
        if state.result is not None or len(state.decryption_shares) >= threshold:
            break
    return election_result(wallet, board, election, as_=as_)
