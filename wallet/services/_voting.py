"""Provides the voter's use-case: encrypt a ballot, prove eligibility, cast or challenge it.

The ballot is encrypted under the election's joint key with its proofs (record spec §7);
the eligibility credential is presented with a challenge bound to this election and this
ballot (election-entries §5.2), signed by the voter's key. With `challenge`, the ballot is
posted and then opened (a Benaloh challenge, DESIGN §5.1): the opening is published, the
wallet checks that it encrypts what the voter chose, and the ballot is never counted.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from wallet.errors import NotFound, NotOpen, UsageError, VerificationFailed
from wallet.services._board_api import BoardClient
from wallet.services._board_open import using_board
from wallet.services._credentials import list_credentials, show_credential
from wallet.services._election_types import ChallengeOutcome, Choice, VoteOutcome
from wallet.services._elections import follow, post
from wallet.services._identities import find_identity, method_of, signing_key
from wallet.services._pending import reconcile, remember, settle
from wallet.services._receipts import store_receipt
from wallet.services._session import Wallet
from wallet.services._trust import verified_setup

if TYPE_CHECKING:
    from datetime import datetime

    from voting.board import ElectionState, EligibilityRule, EntryBody

# What a voter's own check of a challenged ballot establishes (DESIGN §5.1).
CHALLENGE_CHECKS = (
    "every ciphertext re-encrypts from the published nonce and value",
    "the values decode to the choices given",
    "the encryption is on the chain with its opening and is never counted",
)


def parse_choices(pairs: Iterable[str]) -> Mapping[str, Mapping[str, int]]:
    """Read `CONTEST=OPTION` pairs; an option named twice gets two votes (where allowed)."""
    selections: dict[str, dict[str, int]] = {}
    for pair in pairs:
        contest, equals, option = pair.partition("=")
        if not equals or not contest or not option:
            raise UsageError(f"--choice {pair!r}: want CONTEST=OPTION")
        chosen = selections.setdefault(contest, {})
        chosen[option] = chosen.get(option, 0) + 1
    return selections


def _chosen(selections: Mapping[str, Mapping[str, int]]) -> set[tuple[str, str, int]]:
    return {(c, o, n) for c, v in selections.items() for o, n in v.items() if n}


def eligibility_credential(
    wallet: Wallet, voter: str, rule: EligibilityRule, credential_id: str | None
) -> dict[str, object]:
    """The held credential to present: the one named, else the best match for the rule."""
    if credential_id is not None:
        content = show_credential(wallet, credential_id).content
        if not isinstance(content, dict):
            raise UsageError("ballots carry a Data Integrity (di) credential, not an SD-JWT")
        return content
    held = [c for c in list_credentials(wallet) if c.format == "di" and c.subject == voter]
    if not held:
        raise NotFound(f"no credential about {voter} in this wallet (see `credential list`)")
    # Prefer a credential the rule accepts; otherwise present the nearest one and let the
    # board give its reason, which is what the voter needs to see.
    held.sort(key=lambda c: (rule.credential_type not in c.types, c.issuer not in rule.issuers))
    content = show_credential(wallet, held[0].id).content
    assert isinstance(content, dict)  # Only di credentials were kept above.
    return content


def _refuse_a_second_ballot(board: BoardClient, election: str, voter: str) -> None:
    """Under `revoting: first`, a voter whose ballot counts is told so, not given a receipt
    for a ballot that would never count (the rule engine's judgement, not a copy of it)."""
    from voting.board import ballot_standings

    for standing in ballot_standings(board.entries(election)).values():
        if standing.voter == voter and standing.status == "counted":
            raise UsageError(
                f"{election} counts each voter's first ballot (revoting: first): your ballot "
                f"{standing.ballot_id} at index {standing.index} counts, and another would not"
            )


def _check_open(state: ElectionState, election: str, now: datetime) -> None:
    """Raise NotOpen, saying when the window opens or closed (local time), unless a ballot
    made `now` could be accepted.

    The window is judged by the entry's own time, as the board's replayable rule does (§6
    step 2b), so nothing the board would take is refused here. The verified setup stops at
    `open`, so a closed election shows as open with its window past.
    """
    body = state.election
    opens, closes = (None, None) if body is None else (body.opens, body.closes)
    if body is None or state.phase != "open":
        window = (
            "" if body is None else f" (its window: {_local(body.opens)} to {_local(body.closes)})"
        )
        raise NotOpen(
            f"{election} is not open for voting yet: the authority has not opened it{window}",
            opens=opens, closes=closes,
        )  # fmt: skip
    if now < body.opens:
        raise NotOpen(
            f"{election} is not open for voting yet: it opens {_local(body.opens)}",
            opens=opens, closes=closes,
        )  # fmt: skip
    if now >= body.closes:
        raise NotOpen(
            f"{election} is closed for voting: it closed {_local(body.closes)}",
            opens=opens, closes=closes,
        )  # fmt: skip


def _check_launch_code(state: ElectionState, election: str, expected: str) -> None:
    # The code is a digest of the extended election hash (election-entries §4.4): equal codes
    # mean the same manifest, trustees and joint key, whoever serves the election.
    from voting.board import launch_code

    shown = launch_code(state.require_crypto().extended_hash)
    if shown.strip().lower() != expected.strip().lower():
        raise VerificationFailed(
            f"launch code: the board's {election} has launch code {shown}, not {expected.strip()}"
            " — this is not the election the authority announced; nothing was posted"
        )


def _local(moment: datetime) -> str:
    """`moment` in the machine's local time zone, as a person reads it."""
    return f"{moment.astimezone():%Y-%m-%d %H:%M %Z}"


def vote(
    wallet: Wallet,
    board_path: Path | str | BoardClient,
    election: str,
    *,
    as_: str,
    choices: Mapping[str, Mapping[str, int]],
    credential_id: str | None = None,
    challenge: bool = False,
    launch_code: str | None = None,
) -> VoteOutcome:
    """Cast (or, with `challenge`, cast and open) a ballot; keep and return its receipt.

    `launch_code`, when given, is the code the voter got from the authority by another way
    (a letter, the authority's site): a board that shows an election it set up itself, with
    its own trustees, has another code, and nothing is encrypted to its key.
    """
    from voting.ballot import encrypt_ballot, verify_opening
    from voting.board import BallotBody, ChallengedBody, ballot_presentation
    from voting.errors import VotingError

    rng = wallet.env.rng
    with using_board(board_path, wallet.env) as board:
        # A run killed after the board's commit left its receipt to be completed.
        reconcile(wallet, board, election)
        # Nothing the board says is acted on unverified (DESIGN §5.6): the setup up to `open`,
        # checked against a pinned checkpoint, gives the joint key the ballot is encrypted to.
        # Whether voting is still open is the window's to say, which the board's rules judge.
        state = verified_setup(wallet, board, election)
        _check_open(state, election, wallet.env.now())
        if launch_code is not None:
            _check_launch_code(state, election, launch_code)
        crypto = state.require_crypto()
        voter = find_identity(wallet, as_).did
        if not challenge and state.require_election().revoting == "first":
            _refuse_a_second_ballot(board, election, voter)
        unknown = set(choices) - {c.id for c in crypto.manifest.contests}
        if unknown:
            raise UsageError(f"--choice: no contest {sorted(unknown)[0]!r} in {election}")
        ballot_id = f"b-{wallet.env.token(12)}"
        try:
            ballot, opening = encrypt_ballot(crypto, ballot_id, voter, choices, rng)
        except VotingError as exc:
            raise UsageError(f"--choice: {exc}") from None
        credential = eligibility_credential(
            wallet, voter, state.require_election().eligibility, credential_id
        )
        _, key = signing_key(wallet, as_)
        method, _ = method_of(voter, "authentication")
        presentation = ballot_presentation(
            credential, ballot, election_id=election, key=key, verification_method=method,
            created=wallet.env.now(),
        )  # fmt: skip
        # A challenged ballot is never cast: the encryption is posted with its opening, as
        # one `challenged` entry (election-entries §4.6), and nothing is counted.
        body: EntryBody = (
            ChallengedBody(ballot, opening) if challenge else BallotBody(ballot, presentation)
        )
        decoded: dict[str, dict[str, int]] = {}
        if challenge:
            try:
                decoded = verify_opening(crypto, ballot, opening)
            except VotingError as exc:
                raise VerificationFailed(f"challenge: the opening does not check: {exc}") from None
            if _chosen(decoded) != _chosen(choices):
                raise VerificationFailed("challenge: the ballot does not encrypt your choices")
        # Write-ahead (crash safety): what the receipt needs is stored before the entry is
        # submitted, so a run killed after the board's commit completes it next time.
        pending = remember(
            wallet, board, election, voter=voter, ballot_id=ballot_id, kind=body.TYPE
        )
        appended = post(wallet, board, election, body, as_=as_, trusted=state.election)
        follow(wallet, board, election, "voter")
        stored = store_receipt(wallet, board, appended, voter=voter, ballot_id=ballot_id)
        settle(wallet, pending)
        outcome = VoteOutcome(
            election, ballot_id, voter, appended.index, stored.id, stored.text, not challenge
        )
        if challenge:
            # The voter's own check (DESIGN §5.1): the opening re-encrypts to the posted
            # ciphertexts and decodes to the choices made; anyone can repeat it from the chain.
            picked = tuple(Choice(c, o, n) for c, v in decoded.items() for o, n in v.items())
            done = ChallengeOutcome(appended.index, picked, CHALLENGE_CHECKS)
            outcome = replace(outcome, challenge=done)
        return outcome
