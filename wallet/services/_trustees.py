"""Provides the trustee's use-cases: key ceremony (keygen, shares) and decryption shares.

A trustee's ceremony secret (its polynomial and sealing key, record spec §6) lives in the
trustee's own keystore under `trustee-<board-id>-<election>` and never anywhere else; the
shares it receives are read back from the board and opened again when needed, so nothing
else secret is stored.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from wallet.errors import KeystoreCorrupted, UsageError, VerificationFailed
from wallet.services._board_api import BoardClient
from wallet.services._board_open import using_board
from wallet.services._election_types import Posted, SharesOutcome
from wallet.services._elections import follow, post, posted
from wallet.services._identities import find_identity
from wallet.services._session import Wallet
from wallet.services._trust import verified_state

if TYPE_CHECKING:
    from voting.board import ElectionState
    from voting.trustees import Trustee


def _secret_id(board: BoardClient, election: str) -> str:
    return f"trustee-{board.info.board_id}-{election}"


def _index(wallet: Wallet, state: ElectionState, as_: str) -> int:
    did = find_identity(wallet, as_).did
    index = state.require_election().trustee_index(did)
    if index is None:
        raise UsageError(f"{did} is not a trustee of {state.election_id}")
    return index


def _trustee(wallet: Wallet, board: BoardClient, state: ElectionState, index: int) -> Trustee:
    from voting.errors import VotingError
    from voting.trustees import Trustee

    secret = wallet.keystore.get(_secret_id(board, state.election_id))
    if secret is None:
        raise KeystoreCorrupted(
            f"no ceremony secret for {state.election_id} in this wallet's keystore "
            "(run `wallet trustee keygen` with the same wallet)"
        )
    try:
        trustee = Trustee.import_secret(state.require_election().manifest, secret)
    except VotingError as exc:
        raise KeystoreCorrupted(f"ceremony secret of {state.election_id}: {exc}") from None
    if trustee.index != index:
        raise KeystoreCorrupted(f"the stored ceremony secret is for trustee {trustee.index}")
    return trustee


def _known_unannounced(board: BoardClient, election: str, index: int) -> bool:
    """Whether the board answers that trustee `index` has no announcement (False when it
    cannot be asked)."""
    try:
        return index not in board.state(election).announcements
    except Exception:
        return False


def keygen(
    wallet: Wallet, board_path: Path | str | BoardClient, election: str, *, as_: str
) -> Posted:
    """Draw this trustee's ceremony secret into the keystore and post its announcement."""
    from voting.board import TrusteeKeyBody
    from voting.trustees import Trustee

    with using_board(board_path, wallet.env) as board:
        state = verified_state(wallet, board, election)
        index = _index(wallet, state, as_)
        if index in state.announcements:
            raise UsageError(f"trustee {index} has already posted its key for {election}")
        key_id = _secret_id(board, election)
        manifest = state.require_election().manifest
        # A secret kept from a run whose announcement never reached the board is announced
        # now; otherwise a fresh one is drawn. Either way it is stored before anything is
        # posted: an announcement whose secret was lost would stall the ceremony for good.
        kept = wallet.keystore.get(key_id)
        if kept is not None:
            trustee = _trustee(wallet, board, state, index)
        else:
            trustee = Trustee.generate(manifest, index, wallet.env.rng)
            wallet.keystore.put(key_id, trustee.export_secret())
        try:
            appended = post(
                wallet,
                board,
                election,
                TrusteeKeyBody(trustee.announce(wallet.env.rng)),
                as_=as_,
                trusted=state.election,
            )
        except BaseException:
            # The secret goes only when its announcement is known not to be on the board: a
            # failure after the board's commit (a busy wallet.db, Ctrl-C) must keep it.
            if _known_unannounced(board, election, index):
                wallet.keystore.delete(key_id)
            raise
        follow(wallet, board, election, "trustee")
        return posted(appended, trustee=index)


def _received(trustee: Trustee, state: ElectionState) -> tuple[dict[int, int], list[str]]:
    """Open every share addressed to this trustee: the good ones, and what was wrong."""
    from voting.errors import VotingError

    good: dict[int, int] = {}
    problems: list[str] = []
    for dealer, body in sorted(state.shares.items()):
        if dealer == trustee.index:
            continue
        sealed = next((s for s in body.shares if s.recipient == trustee.index), None)
        if sealed is None:
            problems.append(f"trustee {dealer} sent no share to trustee {trustee.index}")
            continue
        try:
            good[dealer] = trustee.open_share(state.announcements[dealer], sealed)
        except VotingError as exc:
            problems.append(str(exc))
    return good, problems


def shares(
    wallet: Wallet, board_path: Path | str | BoardClient, election: str, *, as_: str
) -> SharesOutcome:
    """Post this trustee's sealed shares; once all are in, check the ones it received.

    When every share is good the trustee posts its acknowledgement (`open` needs one from
    every trustee); a bad share is answered with a complaint on the board, which anyone can
    judge, and reported (exit 1, naming its dealer). Run it again once all shares are in.
    """
    from voting.board import TrusteeAckBody, TrusteeComplaintBody, TrusteeSharesBody

    with using_board(board_path, wallet.env) as board:
        state = verified_state(wallet, board, election)
        index = _index(wallet, state, as_)
        trustee = _trustee(wallet, board, state, index)
        n = state.require_election().manifest.trustee_count
        if len(state.announcements) != n:
            missing = sorted(set(range(1, n + 1)) - set(state.announcements))
            raise UsageError(f"waiting for the keys of trustees {missing}")
        sent = None
        if index not in state.shares:
            sealed = tuple(
                trustee.seal_share(state.announcements[j]) for j in range(1, n + 1) if j != index
            )
            body = TrusteeSharesBody(sealed)
            sent = posted(post(wallet, board, election, body, as_=as_, trusted=state.election))
            state = verified_state(wallet, board, election)
        good, problems = _received(trustee, state)
        waiting = tuple(sorted(set(range(1, n + 1)) - set(state.shares)))
        acknowledged: tuple[int, ...] = ()
        answered = index in state.acks or any(r == index for r, _ in state.complaints)
        if not waiting and not answered:
            others = tuple(j for j in range(1, n + 1) if j != index)
            bad = [j for j in others if j not in good]
            for dealer in bad:
                complaint = TrusteeComplaintBody(dealer, trustee.complaint_secret())
                post(wallet, board, election, complaint, as_=as_, trusted=state.election)
            if not bad:
                ack = TrusteeAckBody(others)
                post(wallet, board, election, ack, as_=as_, trusted=state.election)
                acknowledged = others
        if problems:
            raise VerificationFailed(f"key ceremony: {problems[0]}")
        return SharesOutcome(election, index, sent, tuple(sorted(good)), waiting, acknowledged)


def decrypt(
    wallet: Wallet, board_path: Path | str | BoardClient, election: str, *, as_: str
) -> Posted:
    """Post this trustee's decryption share of the tally, with its proofs (record spec §8.2)."""
    from voting.board import DecryptionShareBody
    from voting.tally import partial_decrypt

    with using_board(board_path, wallet.env) as board:
        # Decrypting is counting: every ballot the tally sums is verified first, so a ballot
        # the board inserted is never decrypted into a result.
        state = verified_state(wallet, board, election, ballots=True)
        index = _index(wallet, state, as_)
        if state.tally is None:
            raise UsageError(f"{election}: there is no tally to decrypt yet (phase {state.phase})")
        trustee = _trustee(wallet, board, state, index)
        good, problems = _received(trustee, state)
        if problems:
            raise VerificationFailed(f"key ceremony: {problems[0]}")
        key = trustee.decryption_key(good)
        share = partial_decrypt(state.require_crypto(), state.tally, key, wallet.env.rng)
        body = DecryptionShareBody(share)
        submitted = post(wallet, board, election, body, as_=as_, trusted=state.election)
        return posted(submitted, trustee=index)
