"""Provides the authority's election use-cases: create, open, close, tally, result, export.

The election is defined by a manifest file (record spec §4.1). What the manifest leaves out
is filled from the options: the trustees' count from `--trustee`, the threshold, and the
eligibility rule (issuers, credential type). An option that contradicts the file is a usage
error. The voting window and the revoting rule are not part of the manifest (they are not
hashed into the ballots' proofs); they go into the `election` entry (election-entries §4.1).
Every entry is signed by the wallet identity given with `--as`.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from wallet.errors import NotFound, UsageError
from wallet.services._boards import Appended, LocalBoard, using_board
from wallet.services._session import Wallet

if TYPE_CHECKING:
    from voting.board import ElectionState, EntryBody

DEFAULT_WINDOW = timedelta(days=1)
_STAMP = "%Y-%m-%dT%H:%M:%SZ"


@dataclass(frozen=True)
class Posted:
    """An entry this wallet posted: what, where, and its receipt's index and hash."""

    election: str
    type: str
    index: int
    entry_hash: str
    detail: dict[str, Any]

    def to_json(self) -> dict[str, Any]:
        return {
            "election": self.election,
            "type": self.type,
            "index": self.index,
            "entryHash": self.entry_hash,
            **self.detail,
        }


def author_of(wallet: Wallet, did_or_label: str) -> tuple[str, str, Any]:
    """The DID, assertionMethod URL and signing key of one of the wallet's identities."""
    from wallet.services._credentials import method_of
    from wallet.services._identities import signing_key

    row, key = signing_key(wallet, did_or_label)
    method, _ = method_of(row.did, "assertionMethod")
    return row.did, method, key


def post(
    wallet: Wallet,
    board: LocalBoard,
    election: str,
    body: EntryBody,
    *,
    as_: str,
    now: datetime,
) -> Appended:
    """Sign `body` as the wallet identity `as_` and append it at the board's head."""
    from voting.board import sign_entry

    _, method, key = author_of(wallet, as_)
    # A did:web author (or issuer) records its DID document on the chain with its first
    # entry, so the record verifies offline (election-entries §2.1).
    documents = board.documents_for(election, body, method, now=now)
    appended = board.append(
        election,
        lambda head: sign_entry(body, head, author=method, time=now, key=key, documents=documents),
        now=now,
    )
    from wallet.services._receipts import observe_checkpoint

    observe_checkpoint(wallet, board, election, appended.receipt.note)
    return appended


def _posted(appended: Appended, **detail: Any) -> Posted:
    entry = appended.entry
    return Posted(entry.election, entry.type, appended.index, appended.entry_hash, detail)


def load_manifest(
    text: str,
    *,
    trustees: Sequence[str],
    threshold: int | None,
    issuers: Sequence[str],
    credential_type: str | None,
) -> Any:
    """Parse a manifest file, filling what it leaves out from the options (see the module)."""
    from voting.election import Manifest
    from voting.errors import ManifestError

    try:
        data = json.loads(text)
    except ValueError as exc:
        raise UsageError(f"--manifest: not JSON ({exc})") from None
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
    try:
        return Manifest.from_json(data)
    except ManifestError as exc:
        raise UsageError(f"--manifest: {exc}") from None


def _agree(obj: dict[str, Any], key: str, value: Any, option: str) -> None:
    if key in obj and obj[key] != value:
        raise UsageError(f"{option} gives {value!r} but the manifest says {obj[key]!r}")
    obj[key] = value


def create_election(
    wallet: Wallet,
    board_path: Path | LocalBoard,
    manifest: Any,
    *,
    as_: str,
    trustees: Sequence[str],
    now: datetime,
    opens: datetime | None = None,
    closes: datetime | None = None,
    revoting: str = "last",
    board_keystore: str = "auto",
) -> Posted:
    """Post the `election` entry (creating the board file when it does not exist yet)."""
    from voting.board import ElectionBody
    from voting.errors import EncodingError
    from wallet.services._identities import find_identity

    authority = find_identity(wallet, as_).did
    if len(trustees) != manifest.trustee_count:
        raise UsageError(f"give {manifest.trustee_count} trustees with --trustee")
    start = opens or now
    end = closes or start + DEFAULT_WINDOW
    opened = (
        using_board(board_path, wallet.env)
        if isinstance(board_path, LocalBoard)
        else LocalBoard.open_or_create(board_path, wallet.env, keystore=board_keystore)
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
            )
        except EncodingError as exc:
            raise UsageError(str(exc)) from None
        appended = post(wallet, board, eid, body, as_=as_, now=now)
        follow(wallet, board, eid, "authority", now)
    return _posted(appended, board=str(board.path), origin=board.origin(eid))


def follow(wallet: Wallet, board: LocalBoard, election: str, role: str, now: datetime) -> None:
    """Remember that this wallet takes part in `election` on `board` (idempotent)."""
    with wallet.db.transaction() as conn:
        conn.execute(
            "INSERT OR IGNORE INTO elections VALUES (?, ?, ?, ?, ?, ?)",
            (str(board.path.resolve()), election, board.origin(election), board.info.vkey,
             role, now.strftime(_STAMP)),
        )  # fmt: skip


def followed(wallet: Wallet) -> list[dict[str, Any]]:
    rows = wallet.db.connection.execute(
        "SELECT board, election, origin, role, added FROM elections ORDER BY added"
    ).fetchall()
    keys = ("board", "election", "origin", "role", "added")
    return [dict(zip(keys, row, strict=True)) for row in rows]


def summary(board: LocalBoard, election: str) -> dict[str, Any]:
    """What `election show` prints: the rules, the phase, the counts, the result if any."""
    from voting.board import format_time

    state = board.state(election)
    body = state.require_election()
    manifest = body.manifest
    info: dict[str, Any] = {
        "election": election,
        "title": manifest.title,
        "phase": state.phase,
        "authority": body.authority,
        "trustees": list(body.trustees),
        "threshold": manifest.threshold,
        "window": {"opens": format_time(body.opens), "closes": format_time(body.closes)},
        "revoting": body.revoting,
        "eligibility": manifest.eligibility,
        # The manifest's normal form: labels, selection limits and options, as hashed.
        "contests": manifest.to_json()["contests"],
        "origin": board.origin(election),
        "entries": state.size,
        "ballots": len(state.ballots),
        "challenged": len(state.challenged),
        "keys": sorted(state.announcements),
        "shares": sorted(state.shares),
        "decryptionShares": sorted(state.decryption_shares),
    }
    if state.opened is not None:
        info["launchCode"] = state.opened.launch_code
    if state.result is not None:
        info["result"] = state.result.counts()
    return info


def show_election(board_path: Path | LocalBoard, election: str, wallet_env: Any) -> dict[str, Any]:
    with using_board(board_path, wallet_env) as board:
        return summary(board, election)


def list_elections(board_path: Path | LocalBoard, wallet_env: Any) -> list[dict[str, Any]]:
    with using_board(board_path, wallet_env) as board:
        items = []
        for election in board.elections():
            if board.size(election) == 0:
                continue
            state = board.state(election)
            body = state.require_election()
            items.append(
                {"election": election, "title": body.manifest.title, "phase": state.phase,
                 "entries": state.size, "ballots": len(state.ballots)}
            )  # fmt: skip
        return items


def open_election(
    wallet: Wallet, board_path: Path | LocalBoard, election: str, *, as_: str, now: datetime
) -> Posted:
    """Post `open`: the joint key and election hash derived from the trustees' ceremony."""
    from voting.board import OpenBody, launch_code
    from voting.errors import VotingError

    with using_board(board_path, wallet.env) as board:
        state = _state(board, election)
        try:
            crypto = state.derive_election()
        except VotingError as exc:
            raise UsageError(f"cannot open yet: {exc}") from None
        _publish_lists(wallet, board, state, now)
        code = launch_code(crypto.extended_hash)
        body = OpenBody(crypto.joint_key.to_bytes(), crypto.extended_hash, code)
        return _posted(post(wallet, board, election, body, as_=as_, now=now), launchCode=code)


def _state(board: LocalBoard, election: str) -> ElectionState:
    board.require(election)
    return board.state(election)


def _own_lists(wallet: Wallet, issuers: Sequence[str]) -> dict[str, tuple[str, str]]:
    """This wallet's status lists for the election's issuers: {list id: (name, purpose)}."""
    rows = wallet.db.connection.execute(
        "SELECT name, issuer, revocation_id, suspension_id FROM status_lists"
    ).fetchall()
    found: dict[str, tuple[str, str]] = {}
    for name, issuer, revocation, suspension in rows:
        if issuer in issuers:
            found[revocation] = (name, "revocation")
            found[suspension] = (name, "suspension")
    return found


def _publish_lists(
    wallet: Wallet, board: LocalBoard, state: ElectionState, now: datetime
) -> list[dict[str, Any]]:
    """Sign this wallet's current status lists, dated `now`, and hand them to the board.

    The lists signed at close are the ones `close` freezes: the board verifies them at the
    close entry's time, and an auditor judges every ballot's revocation against them once
    (election-entries §7), so they are dated when they are signed.
    """
    from wallet.services._status import publish_status_list

    election = state.require_election()
    published = []
    for name, purpose in _own_lists(wallet, election.eligibility.issuers).values():
        credential = publish_status_list(wallet, name, purpose=purpose, now=now)
        board.publish_status_list(credential)
        published.append(credential)
    return published


def close_election(
    wallet: Wallet, board_path: Path | LocalBoard, election: str, *, as_: str, now: datetime
) -> Posted:
    """Post `close`, freezing the status lists in force onto the chain (DESIGN §5.2)."""
    from voting.board import CloseBody, referenced_status_lists

    with using_board(board_path, wallet.env) as board:
        state = _state(board, election)
        fresh = {c["id"]: c for c in _publish_lists(wallet, board, state, now)}
        source = board.status_source()
        frozen = []
        for url in referenced_status_lists(state.ballot_entries):
            frozen.append(fresh[url] if url in fresh else source(url))
        body = CloseBody(tuple(frozen))
        return _posted(
            post(wallet, board, election, body, as_=as_, now=now), statusLists=len(frozen)
        )


def tally_election(
    wallet: Wallet, board_path: Path | LocalBoard, election: str, *, as_: str, now: datetime
) -> Posted:
    """Post `tally`: the encrypted sums of the counted ballots."""
    from voting.board import TallyBody, compute_tally, counted_ballots

    with using_board(board_path, wallet.env) as board:
        entries = board.entries(election)
        body = TallyBody(compute_tally(entries))
        counted = len(counted_ballots(entries))
        return _posted(post(wallet, board, election, body, as_=as_, now=now), counted=counted)


def election_result(
    wallet: Wallet, board_path: Path | LocalBoard, election: str, *, as_: str | None, now: datetime
) -> dict[str, Any]:
    """The posted result; with `as_` (the authority), combine the shares and post it first."""
    from voting.board import ResultBody
    from voting.tally import combine

    with using_board(board_path, wallet.env) as board:
        state = _state(board, election)
        if state.result is None:
            if as_ is None:
                raise NotFound(f"{election}: no result yet (phase {state.phase})")
            if state.tally is None:
                raise UsageError(f"{election}: tally first (phase {state.phase})")
            shares = [state.decryption_shares[j] for j in sorted(state.decryption_shares)]
            result = combine(state.require_crypto(), state.tally, shares)
            post(wallet, board, election, ResultBody(result), as_=as_, now=now)
            state = board.state(election)
        assert state.result is not None  # Posted just above, or there already.
        manifest = state.require_election().manifest
        return {
            "election": election,
            "title": manifest.title,
            "ballots": state.result.ballot_count,
            "trustees": list(state.result.trustees),
            "contests": [
                {
                    "contest": c.contest_id,
                    "label": manifest.contests[manifest.contest_index(c.contest_id)].label,
                    "counts": [{"option": o, "count": n} for o, n in c.counts],
                }
                for c in state.result.contests
            ],
        }


def export_election(
    board_path: Path | LocalBoard, election: str, out: Path, env: Any
) -> dict[str, Any]:
    """Write the record directory: entries.jsonl, checkpoint and board.vkey (DESIGN §5.3)."""
    from voting.board import export_record

    with using_board(board_path, env) as board:
        board.require(election)
        target = export_record(board.store, election, out)
        return {"election": election, "record": str(target), "entries": board.size(election)}
