"""Provides the authority's election use-cases: create, open, close, tally, result, export.

The election is defined by a manifest file (record spec §4.1). What the manifest leaves out
is filled from the options: the trustees' count from `--trustee`, the threshold, and the
eligibility rule (issuers, credential type). An option that contradicts the file is a usage
error. The voting window and the revoting rule are not part of the manifest (they are not
hashed into the ballots' proofs); they go into the `election` entry (election-entries §4.1).
Every entry is signed by the wallet identity given with `--as`, dated by the environment's
clock, which is also the clock the board judges it by.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from wallet._db import ElectionRow
from wallet.errors import BoardUntrusted, FileProblem, NotFound, UsageError
from wallet.services._board_api import BoardClient, Submitted
from wallet.services._board_open import using_board
from wallet.services._boards import LocalBoard
from wallet.services._election_types import (
    ContestResult,
    ElectionListing,
    ElectionResult,
    ElectionSummary,
    ExcludedBallots,
    ExportedRecord,
    FollowedElection,
    OptionCount,
    Posted,
)
from wallet.services._identities import find_identity, method_of, signing_key
from wallet.services._session import Environment, Wallet
from wallet.services._trust import verified_state
from wallet.services._values import JsonObject

if TYPE_CHECKING:
    from voting.board import ElectionBody, ElectionState, Entry, EntryBody
    from voting.chain import WitnessPolicy
    from voting.election import Manifest
    from voting.tally import ElectionResult as Result

DEFAULT_WINDOW = timedelta(days=1)
_STAMP = "%Y-%m-%dT%H:%M:%SZ"


def stamp(now: datetime) -> str:
    """A time as the wallet's database keeps it."""
    return now.astimezone(UTC).strftime(_STAMP)


def post(
    wallet: Wallet,
    board: BoardClient,
    election: str,
    body: EntryBody,
    *,
    as_: str,
    trusted: ElectionBody | None = None,
) -> Submitted:
    """Sign `body` as the wallet identity `as_`, now, and submit it at the board's head.

    `trusted` is the election entry the caller verified: the receipt's checkpoint is accepted
    against it (and the one this wallet pinned) without reading the board again.
    """
    from voting.board import ElectionBody, sign_entry
    from wallet.services._receipts import observe_checkpoint

    row, key = signing_key(wallet, as_)
    method, _ = method_of(row.did, "assertionMethod")
    now = wallet.env.now()
    # A did:web author (or issuer) records its DID document on the chain with its first
    # entry, so the record verifies offline (election-entries §2.1).
    documents = board.documents_for(election, body, method)
    submitted = board.submit(
        election,
        lambda head: sign_entry(body, head, author=method, time=now, key=key, documents=documents),
    )
    known = body if isinstance(body, ElectionBody) else trusted
    if known is not None:
        _includes(submitted, known)
    observe_checkpoint(wallet, board, election, submitted.receipt.note, known)
    return submitted


def _includes(submitted: Submitted, election: ElectionBody) -> None:
    """The board's receipt proves the entry it accepted is in its log, where it says: a
    board that answers as if it had appended an entry, but dropped it, is caught here, before
    the wallet reports the entry posted (its index, the leaf hash of the entry as placed, and
    the inclusion proof against the election's board key and origin)."""
    from voting.chain import Ed25519Verifier, leaf_hash, verify_receipt
    from voting.errors import ChainError

    receipt, entry = submitted.receipt, submitted.entry
    try:
        if not receipt.index == submitted.index == entry.seq:
            raise ChainError(f"index {receipt.index}, but the entry was placed at {entry.seq}")
        verify_receipt(
            receipt,
            leaf_hash(entry.to_bytes()),
            [Ed25519Verifier.from_vkey(election.vkey)],
            origin=election.origin,
        )
    except ChainError as exc:
        raise BoardUntrusted(
            f"inclusion: the board's receipt does not prove the {entry.type} entry is in its "
            f"log ({exc}); the board accepted it but did not append it"
        ) from None


def posted(submitted: Submitted, **detail: Any) -> Posted:
    """What a use-case reports of an entry it posted."""
    entry = submitted.entry
    return Posted(entry.election, entry.type, submitted.index, submitted.entry_hash, **detail)


def load_manifest(
    text: str,
    *,
    trustees: Sequence[str],
    threshold: int | None,
    issuers: Sequence[str],
    credential_type: str | None,
    weight_claim: str | None = None,
) -> Manifest:
    """Parse a manifest file, filling what it leaves out from the options (see the module)."""
    from did import canonicalize, parse_json
    from did.errors import DidError
    from voting.election import Manifest
    from voting.errors import ManifestError

    # The one strict parser, and the manifest's canonical form checked here: a value JCS
    # cannot represent is a usage error now, not a failure after the board was created.
    try:
        data = parse_json(text)
        canonicalize(data)
    except DidError as exc:
        raise UsageError(f"--manifest: not I-JSON ({exc})") from None
    if not isinstance(data, dict):
        raise UsageError("--manifest: want a JSON object")
    data.setdefault("version", 1)
    given = data.setdefault("trustees", {})
    if not isinstance(given, dict):
        raise UsageError("--manifest: trustees must be an object")
    if trustees:
        _agree(given, "count", len(trustees), "--trustee")
    if threshold is not None:
        _agree(given, "threshold", threshold, "--threshold")
    given.setdefault("threshold", given.get("count"))
    eligibility = data.setdefault("eligibility", {})
    if not isinstance(eligibility, dict):
        raise UsageError("--manifest: eligibility must be an object")
    if issuers:
        _agree(eligibility, "issuers", list(issuers), "--eligibility-issuer")
    if credential_type is not None:
        _agree(eligibility, "credentialType", credential_type, "--credential-type")
    if weight_claim is not None:
        _agree(eligibility, "weightClaim", weight_claim, "--weight-claim")
    try:
        manifest = Manifest.from_json(data)
        canonicalize(manifest.to_json())
    except (ManifestError, DidError) as exc:
        raise UsageError(f"--manifest: {exc}") from None
    if "weightClaim" in eligibility:
        _check_weight_claim(eligibility, "--weight-claim" if weight_claim else "--manifest")
    return manifest


def _check_weight_claim(eligibility: dict[str, Any], source: str) -> None:
    """Refuse a bad weight claim here, before a board file or its key is created."""
    from voting.board import EligibilityRule
    from voting.errors import ManifestError

    try:
        EligibilityRule.from_json(eligibility)
    except ManifestError as exc:
        raise UsageError(f"{source}: {exc}") from None


def _agree(obj: dict[str, Any], key: str, value: Any, option: str) -> None:
    if key in obj and obj[key] != value:
        raise UsageError(f"{option} gives {value!r} but the manifest says {obj[key]!r}")
    obj[key] = value


def create_election(
    wallet: Wallet,
    board_path: Path | str | BoardClient,
    manifest: Manifest,
    *,
    as_: str,
    trustees: Sequence[str],
    opens: datetime | None = None,
    closes: datetime | None = None,
    revoting: str = "last",
    board_keystore: str = "auto",
    witnesses: WitnessPolicy | None = None,
) -> Posted:
    """Post the `election` entry (creating the board file when it does not exist yet).

    `witnesses` names the witnesses whose quorum must cosign every checkpoint the election's
    readers accept (election-entries §4.1); None requires none.
    """
    from voting.board import ElectionBody
    from voting.errors import EncodingError

    authority = find_identity(wallet, as_).did
    if len(trustees) != manifest.trustee_count:
        raise UsageError(f"give {manifest.trustee_count} trustees with --trustee")
    start = opens or wallet.env.now()
    end = closes or start + DEFAULT_WINDOW
    from wallet.board._urls import is_board_url

    opened = (
        using_board(board_path, wallet.env)
        if not isinstance(board_path, Path | str) or is_board_url(str(board_path))
        else LocalBoard.open_or_create(Path(board_path), wallet.env, keystore=board_keystore)
    )
    with opened as board:
        eid = manifest.election_id
        try:
            body = ElectionBody(
                manifest=manifest,
                authority=authority,
                trustees=tuple(trustees),
                opens=start,
                closes=end,
                revoting=revoting,
                origin=board.origin(eid),
                vkey=board.info.vkey,
                witnesses=witnesses,
            )
        except EncodingError as exc:
            raise UsageError(str(exc)) from None
        submitted = post(wallet, board, eid, body, as_=as_)
        follow(wallet, board, eid, "authority")
        return posted(submitted, board=board.location, origin=board.origin(eid))


def witness_policy(vkeys: Sequence[str], quorum: int | None) -> WitnessPolicy | None:
    """The policy of `--witness VKEY…` and `--quorum K` (default: a majority of them).

    No witnesses (or quorum 0) is no policy: such an election has no split-view defence.
    """
    from voting.chain import CosignatureVerifier, WitnessPolicy
    from voting.errors import CheckpointError

    if not vkeys:
        if quorum:
            raise UsageError(f"--quorum {quorum} needs that many --witness keys")
        return None
    k = len(vkeys) // 2 + 1 if quorum is None else quorum
    try:
        listed = tuple(CosignatureVerifier.from_vkey(v.strip()) for v in vkeys)
        return WitnessPolicy(listed, k)
    except CheckpointError as exc:
        raise UsageError(f"--witness/--quorum: {exc}") from None


def follow(wallet: Wallet, board: BoardClient, election: str, role: str) -> None:
    """Remember that this wallet takes part in `election` on `board` (idempotent)."""
    row = ElectionRow(
        board.location,
        election,
        board.origin(election),
        board.info.vkey,
        role,
        stamp(wallet.env.now()),
    )
    wallet.db.follow_election(row)


def followed(wallet: Wallet) -> list[FollowedElection]:
    """The elections this wallet takes part in, oldest first."""
    return [
        FollowedElection(r.board, r.election, r.origin, r.role, r.added)
        for r in wallet.db.elections()
    ]


def _contest_results(manifest: Manifest, result: Result) -> tuple[ContestResult, ...]:
    return tuple(
        ContestResult(
            c.contest_id,
            manifest.contests[manifest.contest_index(c.contest_id)].label,
            tuple(OptionCount(o, n) for o, n in c.counts),
        )
        for c in result.contests
    )


def summary(
    board: BoardClient, election: str, state: ElectionState | None = None
) -> ElectionSummary:
    """An election's rules, phase and counts, from its (verified) state, else replayed."""
    from voting.board import format_time

    state = board.state(election) if state is None else state
    body = state.require_election()
    return ElectionSummary(
        election=election,
        manifest=body.manifest,
        phase=state.phase,
        authority=body.authority,
        trustees=tuple(body.trustees),
        opens=format_time(body.opens),
        closes=format_time(body.closes),
        revoting=body.revoting,
        origin=board.origin(election),
        entries=state.size,
        ballots=len(state.ballots),
        challenged=len(state.challenged),
        keys=tuple(sorted(state.announcements)),
        shares=tuple(sorted(state.shares)),
        decryption_shares=tuple(sorted(state.decryption_shares)),
        launch_code=None if state.opened is None else state.opened.launch_code,
        result=None if state.result is None else _contest_results(body.manifest, state.result),
        weight_claim=body.eligibility.weight_claim,
        total_weight=_total_weight(state),
    )


def _total_weight(state: ElectionState) -> int | None:
    """The counted ballots' summed weight, once the tally states it (election-entries §4.8)."""
    if state.result is not None:
        return state.result.total_weight
    return None if state.tally is None else state.tally.total_weight


def show_election(
    board_path: Path | str | BoardClient, election: str, env: Environment
) -> ElectionSummary:
    """What `election show` prints (no keys needed), from the verified record: nothing is
    pinned without a wallet, but every non-ballot entry, the joint key against `open` and a
    result against its shares are checked (BoardUntrusted otherwise)."""
    with using_board(board_path, env) as board:
        return summary(board, election, verified_state(None, board, election))


def list_elections(board_path: Path | str | BoardClient, env: Environment) -> list[ElectionListing]:
    """The elections on a board, with their phase and counts."""
    with using_board(board_path, env) as board:
        items = []
        for election in board.elections():
            state = board.state(election)
            body = state.require_election()
            items.append(
                ElectionListing(
                    election, body.manifest.title, state.phase, state.size,
                    len(state.ballots), board.location,
                    weight_claim=body.eligibility.weight_claim,
                    total_weight=_total_weight(state),
                )
            )  # fmt: skip
        return items


def state_of(board: BoardClient, election: str) -> ElectionState:
    """The replayed state of an election the board holds (NotFound otherwise)."""
    return board.state(election)


def _own_lists(wallet: Wallet, issuers: Sequence[str]) -> dict[str, tuple[str, str]]:
    """This wallet's status lists for the election's issuers: {list id: (name, purpose)}."""
    found: dict[str, tuple[str, str]] = {}
    for row in wallet.db.status_lists():
        if row.issuer in issuers:
            found[row.revocation_id] = (row.name, "revocation")
            found[row.suspension_id] = (row.name, "suspension")
    return found


def _publish_lists(wallet: Wallet, board: BoardClient, state: ElectionState) -> list[JsonObject]:
    """Sign this wallet's current status lists, dated now, and hand them to the board.

    The lists signed at close are the ones `close` freezes: the board verifies them at the
    close entry's time, and an auditor judges every ballot's revocation against them once
    (election-entries §7), so they are dated when they are signed.
    """
    from wallet.services._status import publish_status_list

    election = state.require_election()
    published = []
    now = wallet.env.now()
    for name, purpose in _own_lists(wallet, election.eligibility.issuers).values():
        credential = publish_status_list(wallet, name, purpose=purpose, now=now)
        board.publish_status_list(credential)
        published.append(credential)
    return published


def open_election(
    wallet: Wallet, board_path: Path | str | BoardClient, election: str, *, as_: str
) -> Posted:
    """Post `open`: the joint key and election hash derived from the trustees' ceremony."""
    from voting.board import OpenBody, launch_code
    from voting.errors import VotingError

    with using_board(board_path, wallet.env) as board:
        state = verified_state(wallet, board, election)
        try:
            crypto = state.derive_election()
        except VotingError as exc:
            raise UsageError(f"cannot open yet: {exc}") from None
        _publish_lists(wallet, board, state)
        code = launch_code(crypto.extended_hash)
        body = OpenBody(crypto.joint_key.to_bytes(), crypto.extended_hash, code)
        submitted = post(wallet, board, election, body, as_=as_, trusted=state.election)
        return posted(submitted, launch_code=code)


def close_election(
    wallet: Wallet, board_path: Path | str | BoardClient, election: str, *, as_: str
) -> Posted:
    """Post `close`, freezing the status lists in force onto the chain (DESIGN §5.2)."""
    from voting.board import CloseBody, referenced_status_lists

    with using_board(board_path, wallet.env) as board:
        # Closing freezes the lists the ballots are judged by: every ballot is verified first.
        state = verified_state(wallet, board, election, ballots=True)
        fresh = {c["id"]: c for c in _publish_lists(wallet, board, state)}
        source = board.status_lists()
        frozen = [
            dict(fresh[url] if url in fresh else source(url))
            for url in referenced_status_lists(state.ballot_entries)
        ]
        body = CloseBody(tuple(frozen))
        submitted = post(wallet, board, election, body, as_=as_, trusted=state.election)
        return posted(submitted, status_lists=len(frozen))


def tally_election(
    wallet: Wallet, board_path: Path | str | BoardClient, election: str, *, as_: str
) -> Posted:
    """Post `tally`: the encrypted sums of the counted ballots."""
    from voting.board import TallyBody, compute_tally, counted_ballots

    with using_board(board_path, wallet.env) as board:
        # Only verified ballots are summed: a ballot the board inserted stops the tally here.
        state = verified_state(wallet, board, election, ballots=True)
        body = TallyBody(compute_tally(state.all_entries))
        counted = len(counted_ballots(state.all_entries))
        submitted = post(wallet, board, election, body, as_=as_, trusted=state.election)
        return posted(submitted, counted=counted)


def election_result(
    wallet: Wallet, board_path: Path | str | BoardClient, election: str, *, as_: str | None
) -> ElectionResult:
    """The posted result; with `as_` (the authority), combine the shares and post it first."""
    from voting.board import ResultBody
    from voting.tally import combine

    with using_board(board_path, wallet.env) as board:
        # A posted result is checked against its decryption shares and the tally; the
        # authority who combines them verifies every ballot the tally counts first.
        state = verified_state(wallet, board, election, ballots=as_ is not None)
        if state.result is None:
            if as_ is None:
                raise NotFound(f"{election}: no result yet (phase {state.phase})")
            if state.tally is None:
                raise UsageError(f"{election}: tally first (phase {state.phase})")
            shares = [state.decryption_shares[j] for j in sorted(state.decryption_shares)]
            result = combine(state.require_crypto(), state.tally, shares)
            post(wallet, board, election, ResultBody(result), as_=as_, trusted=state.election)
            state = verified_state(wallet, board, election, ballots=True)
        assert state.result is not None  # Posted just above, or there already.
        manifest = state.require_election().manifest
        return ElectionResult(
            election,
            manifest.title,
            state.result.ballot_count,
            tuple(state.result.trustees),
            _contest_results(manifest, state.result),
            _excluded(state.all_entries),
            total_weight=state.result.total_weight,
            weight_claim=state.require_election().eligibility.weight_claim,
        )


def _excluded(entries: Sequence[Entry]) -> tuple[ExcludedBallots, ...]:
    """The ballots the rule engine keeps out of the count, by reason and list."""
    from collections import Counter

    from voting.board import ballot_standings

    reasons = Counter(
        (s.reason or "", s.status_list)
        for s in ballot_standings(entries).values()
        if s.status == "excluded"
    )
    return tuple(
        ExcludedBallots(reason, url, count)
        for (reason, url), count in sorted(reasons.items(), key=str)
    )


def export_election(
    board_path: Path | str | BoardClient, election: str, out: Path, env: Environment
) -> ExportedRecord:
    """Write the record directory: entries.jsonl, checkpoint and board.vkey (DESIGN §5.3)."""
    with using_board(board_path, env) as board:
        if isinstance(board, LocalBoard):
            target = board.export(election, out)
            return ExportedRecord(election, target, len(board.entries(election)))
        # A board server: the record read from its tiles, checked against its checkpoint.
        from wallet.board._remote import RemoteBoard

        if not isinstance(board, RemoteBoard):
            raise UsageError("this board cannot export records")
        record = board.record(election)
        out.mkdir(parents=True, exist_ok=True)
        for name, data in (
            ("entries.jsonl", b"".join(line + b"\n" for line in record.entries)),
            ("checkpoint", record.checkpoint.encode()),
            ("board.vkey", (record.vkey + "\n").encode()),
        ):
            _write_bytes(out / name, data)
        return ExportedRecord(election, out, len(record.entries))


def _write_bytes(path: Path, data: bytes) -> None:
    temporary = path.with_name(f".{path.name}.tmp")
    try:
        temporary.write_bytes(data)
        temporary.replace(path)
    except OSError as exc:
        temporary.unlink(missing_ok=True)
        raise FileProblem(f"cannot write {path}: {exc.strerror}") from None
