#!/usr/bin/env python3
"""Provides the tampered-record corpus: one election record per reason code of the audit.

Run `python tests/vectors/generate_records.py OUTDIR` to write the corpus: one record
directory (`entries.jsonl`, `checkpoint`, `board.vkey`, and where a case needs them a saved
audit `state.json` and voters' `receipts/*.tlog`) per case. A case is named
`V<n>-<code>`: auditing it must report reason `<code>` under check V<n> (failed or skipped).
`clean-open` and `clean-finished` must pass. `OUTDIR/index.json` lists every case with the
SHA-256 of its files; with no argument the script rewrites the committed index
`tests/vectors/records.json`, which the drift test compares with a fresh generation. Every
record is built from `voting.testing`'s seeded election, then changed, and (unless the case
is about the signatures or links themselves) re-signed by every author and by the board's
key, so that only the check named can tell it from an honest one.
"""

from __future__ import annotations

import copy
import hashlib
import json
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import did
from voting.audit import verify_record
from voting.board import (
    ZERO_HASH,
    BallotBody,
    ChallengedBody,
    CloseBody,
    DecryptionShareBody,
    ElectionBody,
    Entry,
    OpenBody,
    ResultBody,
    TallyBody,
    TrusteeComplaintBody,
    TrusteeKeyBody,
    TrusteeSharesBody,
    launch_code,
)
from voting.chain import Ed25519Signer, MemoryLogStore
from voting.tally import aggregate
from voting.testing import (
    CLOSES,
    ELECTION_ID,
    STATUS_URL,
    T0,
    Run,
    forged_ballot,
    honest_run,
    write_record,
)

INDEX = Path(__file__).resolve().parent / "records.json"


@dataclass
class Base:
    """The honest runs every case starts from."""

    finished: Run
    open: Run
    revoked: Run

    @staticmethod
    def build() -> Base:
        return Base(
            honest_run(MemoryLogStore()),
            honest_run(MemoryLogStore(), finish=False),
            honest_run(MemoryLogStore(), revoked=2),
        )


def entries_of(run: Run) -> list[Entry]:
    return run.board.entries(ELECTION_ID)


def index_of(entries: list[Entry], kind: str, nth: int = 0) -> int:
    return [i for i, e in enumerate(entries) if e.type == kind][nth]


def resign(run: Run, entries: list[Entry]) -> list[bytes]:
    """Relink the entries in order and have each author sign again."""
    who = run.world.everyone()
    out: list[bytes] = []
    prev = ZERO_HASH
    for seq, entry in enumerate(entries):
        again = replace(entry, seq=seq, prev=prev, signature=b"").sign(who[entry.author_did].key)
        out.append(again.to_bytes())
        prev = again.hash()
    return out


def write(run: Run, target: Path, raw: list[bytes], signer: Ed25519Signer | None = None) -> None:
    write_record(target, raw, signer or run.world.board_signer, run.board.origin(ELECTION_ID))


def rewrite(run: Run, target: Path, entries: list[Entry]) -> None:
    write(run, target, resign(run, entries))


def raw_json(entry: Entry) -> dict[str, Any]:
    return copy.deepcopy(entry.to_json())


def jcs(obj: Any) -> bytes:
    return did.canonicalize(obj)


Case = Callable[[Base, Path], None]
CASES: dict[str, Case] = {}


def case(name: str) -> Callable[[Case], Case]:
    def register(fn: Case) -> Case:
        CASES[name] = fn
        return fn

    return register


# -- clean ------------------------------------------------------------------------------


@case("clean-finished")
def _clean_finished(base: Base, target: Path) -> None:
    write(base.finished, target, [e.to_bytes() for e in entries_of(base.finished)])


@case("clean-open")
def _clean_open(base: Base, target: Path) -> None:
    write(base.open, target, [e.to_bytes() for e in entries_of(base.open)])


# -- V1 ---------------------------------------------------------------------------------


@case("V1-no-election")
def _no_election(base: Base, target: Path) -> None:
    raw = [e.to_bytes() for e in entries_of(base.open)]
    write(base.open, target, raw[1:])


@case("V1-entry-unreadable")
def _election_unreadable(base: Base, target: Path) -> None:
    raw = [e.to_bytes() for e in entries_of(base.open)]
    obj = raw_json(entries_of(base.open)[0])
    obj["body"]["manifestHash"] = "00" * 32
    write(base.open, target, [jcs(obj), *raw[1:]])


@case("V1-rule-window")
def _election_late(base: Base, target: Path) -> None:
    entries = entries_of(base.open)
    entries[0] = replace(entries[0], time=CLOSES)
    rewrite(base.open, target, entries)


# -- V2 ---------------------------------------------------------------------------------


@case("V2-announcement")
def _bad_announcement(base: Base, target: Path) -> None:
    entries = entries_of(base.open)
    i = index_of(entries, "trustee-key")
    body = entries[i].body
    assert isinstance(body, TrusteeKeyBody)
    proofs = body.announcement.proofs
    swapped = replace(body.announcement, proofs=(proofs[1], proofs[0]))
    entries[i] = replace(entries[i], body=TrusteeKeyBody(swapped))
    rewrite(base.open, target, entries)


def _complaint(base: Base, dealer: int, secret_of: int, target: Path) -> None:
    run = base.open
    entries = entries_of(run)[: index_of(entries_of(run), "trustee-ack")]
    secret = run.trustees[secret_of - 1].complaint_secret()
    t1 = run.world.trustees[0]
    complaint = replace(entries[-1], author=t1.vm, body=TrusteeComplaintBody(dealer, secret))
    rewrite(run, target, [*entries, complaint])


@case("V2-complaint-unfounded")
def _unfounded(base: Base, target: Path) -> None:
    _complaint(base, 2, 1, target)


@case("V2-complaint-invalid")
def _invalid_complaint(base: Base, target: Path) -> None:
    _complaint(base, 2, 3, target)


@case("V2-complaint-justified")
def _justified(base: Base, target: Path) -> None:
    # Trustee 2 deals a share of another polynomial to trustee 1, who complains.
    from voting.trustees import Trustee

    run = base.open
    entries = entries_of(run)[: index_of(entries_of(run), "trustee-ack")]
    i = index_of(entries, "trustee-shares", 1)
    cheat = Trustee(run.manifest, 2, (5, 7), run.trustees[1].complaint_secret())
    shares = entries[i].body
    assert isinstance(shares, TrusteeSharesBody)
    bad = cheat.seal_share(run.announcements[0])
    entries[i] = replace(entries[i], body=replace(shares, shares=(bad, *shares.shares[1:])))
    secret = run.trustees[0].complaint_secret()
    t1 = run.world.trustees[0]
    complaint = replace(entries[-1], author=t1.vm, body=TrusteeComplaintBody(2, secret))
    rewrite(run, target, [*entries, complaint])


@case("V2-entry-unreadable")
def _key_unreadable(base: Base, target: Path) -> None:
    entries = entries_of(base.open)
    raw = [e.to_bytes() for e in entries]
    i = index_of(entries, "trustee-key")
    obj = raw_json(entries[i])
    del obj["body"]["announcement"]["proofs"]
    raw[i] = jcs(obj)
    write(base.open, target, raw)


@case("V2-rule-ceremony")
def _missing_shares(base: Base, target: Path) -> None:
    entries = entries_of(base.open)
    del entries[index_of(entries, "trustee-shares", 1)]
    rewrite(base.open, target, entries)


# -- V3 ---------------------------------------------------------------------------------


def _open_body(base: Base, joint_key: bytes, election_hash: bytes, target: Path) -> None:
    entries = entries_of(base.open)
    i = index_of(entries, "open")
    body = OpenBody(joint_key, election_hash, launch_code(election_hash))
    entries[i] = replace(entries[i], body=body)
    rewrite(base.open, target, entries)


@case("V3-joint-key")
def _joint_key(base: Base, target: Path) -> None:
    election = base.open.opened()
    other = base.open.announcements[0].commitments[0].to_bytes()
    _open_body(base, other, election.extended_hash, target)


@case("V3-election-hash")
def _election_hash(base: Base, target: Path) -> None:
    election = base.open.opened()
    _open_body(base, election.joint_key.to_bytes(), bytes(32), target)


@case("V3-entry-unreadable")
def _open_unreadable(base: Base, target: Path) -> None:
    entries = entries_of(base.open)
    raw = [e.to_bytes() for e in entries]
    i = index_of(entries, "open")
    obj = raw_json(entries[i])
    obj["body"]["launchCode"] = "0000-0000-0000-0000"
    raw[i] = jcs(obj)
    write(base.open, target, raw)


@case("V3-rule-window")
def _open_late(base: Base, target: Path) -> None:
    entries = entries_of(base.open)
    i = index_of(entries, "open")
    entries[i] = replace(entries[i], time=CLOSES)
    rewrite(base.open, target, entries)


# -- V4 ---------------------------------------------------------------------------------


def _files(run: Run, target: Path) -> list[bytes]:  # the honest bytes, written
    raw = [e.to_bytes() for e in entries_of(run)]
    write(run, target, raw)
    return raw


@case("V4-board-key-invalid")
def _vkey_garbage(base: Base, target: Path) -> None:
    _files(base.open, target)
    (target / "board.vkey").write_text("not a key\n")


@case("V4-checkpoint-signature")
def _other_signer(base: Base, target: Path) -> None:
    raw = [e.to_bytes() for e in entries_of(base.open)]
    write(base.open, target, raw, Ed25519Signer("board.example", bytes(32)))
    (target / "board.vkey").write_text(base.open.world.board_signer.verifier().to_vkey() + "\n")


@case("V4-size-mismatch")
def _short_checkpoint(base: Base, target: Path) -> None:
    raw = [e.to_bytes() for e in entries_of(base.open)]
    write(base.open, target, raw[:-1])
    (target / "entries.jsonl").write_bytes(b"".join(e + b"\n" for e in raw))


@case("V4-root-mismatch")
def _flipped(base: Base, target: Path) -> None:
    raw = _files(base.open, target)
    raw[-1] = raw[-1].replace(b'"seq":', b'"seq": ', 1)
    (target / "entries.jsonl").write_bytes(b"".join(e + b"\n" for e in raw))


@case("V4-board-key")
def _other_board_key(base: Base, target: Path) -> None:
    signer = Ed25519Signer("board.example", bytes(32))
    write(base.open, target, [e.to_bytes() for e in entries_of(base.open)], signer)


@case("V4-origin")
def _other_origin(base: Base, target: Path) -> None:
    raw = [e.to_bytes() for e in entries_of(base.open)]
    write_record(target, raw, base.open.world.board_signer, "board.example/elsewhere")


def _raw_edit(base: Base, target: Path, kind: str, edit: Callable[[dict[str, Any]], None]) -> None:
    entries = entries_of(base.open)
    raw = resign(base.open, entries)
    i = index_of(entries, kind)
    obj = did.parse_json(raw[i])
    edit(obj)
    raw[i] = jcs(obj)
    write(base.open, target, raw)


@case("V4-seq")
def _seq(base: Base, target: Path) -> None:
    _raw_edit(base, target, "open", lambda o: o.update(seq=o["seq"] + 5))


@case("V4-link")
def _link(base: Base, target: Path) -> None:
    _raw_edit(base, target, "open", lambda o: o.update(prev="11" * 32))


@case("V4-election")
def _election(base: Base, target: Path) -> None:
    _raw_edit(base, target, "open", lambda o: o.update(election="another-election"))


@case("V4-entry-unreadable")
def _garbage_line(base: Base, target: Path) -> None:
    raw = [e.to_bytes() for e in entries_of(base.open)]
    write(base.open, target, [*raw, b"not json"])


@case("V4-signature-invalid")
def _signature(base: Base, target: Path) -> None:
    _raw_edit(base, target, "open", lambda o: o.update(signature="00" * 64))


@case("V4-rule-time")
def _backwards(base: Base, target: Path) -> None:
    entries = entries_of(base.open)
    i = index_of(entries, "open")
    entries[i] = replace(entries[i], time=T0 - timedelta(minutes=1))
    rewrite(base.open, target, entries)


@case("V4-rule-phase")
def _tally_before_close(base: Base, target: Path) -> None:
    run = base.finished
    entries = entries_of(run)
    close = index_of(entries, "close")
    tally = entries[index_of(entries, "tally")]
    kept = entries[:close]
    rewrite(run, target, [*kept, replace(tally, time=kept[-1].time)])


@case("V4-rule-role")
def _key_by_authority(base: Base, target: Path) -> None:
    entries = entries_of(base.open)
    i = index_of(entries, "trustee-key")
    entries[i] = replace(entries[i], author=base.open.world.authority.vm)
    rewrite(base.open, target, entries)


@case("V4-rule-origin")
def _rule_origin(base: Base, target: Path) -> None:
    entries = entries_of(base.open)
    body = entries[0].body
    assert isinstance(body, ElectionBody)
    other = replace(body, origin=f"elsewhere/{ELECTION_ID}")
    entries[0] = replace(entries[0], body=other)
    write_record(target, resign(base.open, entries), base.open.world.board_signer, other.origin)


def _state_of(run: Run, raw: list[bytes], target: Path) -> None:
    # The saved state of a first, passing audit of the honest record.
    with tempfile.TemporaryDirectory() as tmp:
        honest = Path(tmp) / "r"
        write(run, honest, raw)
        verify_record(honest, workers=1, state=target / "state.json")


@case("V4-history-shrank")
def _shrank(base: Base, target: Path) -> None:
    raw = [e.to_bytes() for e in entries_of(base.open)]
    write(base.open, target, raw[:-2])
    _state_of(base.open, raw, target)


@case("V4-inconsistent-with-saved")
def _inconsistent(base: Base, target: Path) -> None:
    # The same number of entries, re-signed, but two ballots swapped: not an extension.
    raw = [e.to_bytes() for e in entries_of(base.open)]
    entries = entries_of(base.open)
    i = index_of(entries, "ballot")
    entries[i], entries[i + 1] = (
        replace(entries[i + 1], time=entries[i].time),
        replace(entries[i], time=entries[i + 1].time),
    )
    write(base.open, target, resign(base.open, entries))
    _state_of(base.open, raw[:-3], target)


@case("V4-state-other-log")
def _other_log(base: Base, target: Path) -> None:
    from voting.audit._state import _digest

    raw = [e.to_bytes() for e in entries_of(base.open)]
    write(base.open, target, raw)
    _state_of(base.open, raw, target)
    body = {k: v for k, v in json.loads((target / "state.json").read_text()).items()}
    del body["digest"]
    body["origin"] = "board.example/elsewhere"
    (target / "state.json").write_text(json.dumps({**body, "digest": _digest(body)}))


EXTRA_WEB = "did:web:extra.example"


def _documents_twice(base: Base, target: Path, kind: str) -> None:
    # Two entries record the same did:web document: only the first may (election-entries
    # §2.1). The document is well formed; whether it is the live one is the board's to judge.
    entries = entries_of(base.open)
    key = did.Ed25519Key.from_seed(hashlib.sha256(b"extra").digest())
    document = did.web_did_document(EXTRA_WEB, key.public_key)
    i = index_of(entries, kind)
    for j in (i, i + 1):
        entries[j] = replace(entries[j], documents={EXTRA_WEB: document})
    rewrite(base.open, target, entries)


@case("V4-rule-documents")
def _documents_twice_chain(base: Base, target: Path) -> None:
    _documents_twice(base, target, "trustee-key")


@case("V5-rule-documents")
def _documents_twice_ballots(base: Base, target: Path) -> None:
    _documents_twice(base, target, "ballot")


# -- V5 ---------------------------------------------------------------------------------


def _ballots(base: Base) -> tuple[list[Entry], int]:
    entries = entries_of(base.open)
    return entries, index_of(entries, "ballot")


@case("V5-signature-invalid")
def _ballot_signature(base: Base, target: Path) -> None:
    _raw_edit(base, target, "ballot", lambda o: o.update(signature="00" * 64))


@case("V5-ineligible")
def _ineligible(base: Base, target: Path) -> None:
    run = base.open
    entries = entries_of(run)
    outsider = run.world.outsider
    forged = replace(entries[-1], author=outsider.vm, body=forged_ballot(run, "forged"))
    rewrite(run, target, [*entries, forged])


def _close_with(base: Base, target: Path, lists: tuple[dict[str, Any], ...]) -> None:
    run = base.finished
    entries = entries_of(run)
    i = index_of(entries, "close")
    entries[i] = replace(entries[i], body=CloseBody(lists))
    rewrite(run, target, entries[: i + 1])


def _list(run: Run, *, issuer: Any = None, at: Any = CLOSES, url: str = STATUS_URL) -> Any:
    issuer = issuer or run.world.authority
    bits = did.StatusList()
    unsigned = did.status_list_credential(url, issuer.did, "revocation", bits, at)
    return did.add_proof(unsigned, issuer.key, issuer.vm, created=at)


@case("V5-status-list-missing")
def _missing_list(base: Base, target: Path) -> None:
    _close_with(base, target, ())


@case("V5-status-list-unused")
def _unused_list(base: Base, target: Path) -> None:
    run = base.finished
    _close_with(base, target, (_list(run), _list(run, url="https://authority.example/status/9")))


@case("V5-status-list-invalid")
def _invalid_list(base: Base, target: Path) -> None:
    broken = _list(base.finished)
    broken["validUntil"] = "2031-01-01T00:00:00Z"  # not covered by the proof
    _close_with(base, target, (broken,))


@case("V5-status-list-issuer")
def _list_issuer(base: Base, target: Path) -> None:
    _close_with(base, target, (_list(base.finished, issuer=base.finished.world.outsider),))


@case("V5-status-list-stale")
def _stale_list(base: Base, target: Path) -> None:
    _close_with(base, target, (_list(base.finished, at=T0),))


@case("V5-revoked-counted")
def _revoked_counted(base: Base, target: Path) -> None:
    run = base.revoked
    entries = entries_of(run)
    counted = {"b0-again", "b1", "b2", "b3", "b4"}
    ballots = [
        e.body.ballot
        for e in entries
        if isinstance(e.body, BallotBody) and e.body.ballot.ballot_id in counted
    ]
    i = index_of(entries, "tally")
    entries[i] = replace(entries[i], body=TallyBody(aggregate(run.opened(), ballots)))
    rewrite(run, target, entries[: i + 1])


def _append_ballot(base: Base, target: Path, party: Any, ballot_id: str, **change: Any) -> None:
    run = base.open
    entries = entries_of(run)
    credential = run.world.credential(party, 7)
    body = run.ballot_body(party, ballot_id, "ada", credential=credential)
    extra = replace(entries[-1], author=party.vm, body=body, **change)
    rewrite(run, target, [*entries, extra])


@case("V5-rule-role")
def _ballot_by_authority(base: Base, target: Path) -> None:
    _append_ballot(base, target, base.open.world.authority, "by-authority")


@case("V5-rule-window")
def _late_ballot(base: Base, target: Path) -> None:
    _append_ballot(base, target, base.open.world.voters[1], "late", time=CLOSES)


@case("V5-rule-time")
def _early_ballot(base: Base, target: Path) -> None:
    entries, i = _ballots(base)
    _append_ballot(base, target, base.open.world.voters[1], "early", time=entries[i].time
                   - timedelta(seconds=1))  # fmt: skip


@case("V5-rule-ballot")
def _reused_id(base: Base, target: Path) -> None:
    entries, i = _ballots(base)
    again = replace(entries[i], time=entries[-1].time)
    rewrite(base.open, target, [*entries, again])


@case("V5-rule-phase")
def _ballot_after_close(base: Base, target: Path) -> None:
    run = base.finished
    entries = entries_of(run)
    close = index_of(entries, "close")
    ballot = entries[index_of(entries, "ballot")]
    late = replace(ballot, time=entries[close].time)
    rewrite(run, target, [*entries[: close + 1], late])


# -- V6, V7 -----------------------------------------------------------------------------


def _ballot_change(base: Base, target: Path, change: Callable[[Any], Any]) -> None:
    entries, i = _ballots(base)
    body = entries[i].body
    assert isinstance(body, BallotBody)
    entries[i] = replace(entries[i], body=BallotBody(change(body.ballot), body.presentation))
    rewrite(base.open, target, entries)


@case("V6-ballot-unreadable")
def _ballot_unreadable(base: Base, target: Path) -> None:
    _raw_edit(base, target, "ballot", lambda o: o["body"]["ballot"].update(voter=7))


@case("V6-shape")
def _shape(base: Base, target: Path) -> None:
    _ballot_change(base, target, lambda b: replace(b, contests=(b.contests[1], b.contests[0])))


@case("V6-range-proof")
def _range(base: Base, target: Path) -> None:
    def swap(b: Any) -> Any:
        options = b.contests[0].options
        bad = replace(options[0], proof=options[1].proof)
        return replace(b, contests=(replace(b.contests[0], options=(bad, *options[1:])),
                                    *b.contests[1:]))  # fmt: skip

    _ballot_change(base, target, swap)


@case("V7-limit-proof")
def _limit(base: Base, target: Path) -> None:
    def swap(b: Any) -> Any:
        first, second = b.contests[0], b.contests[1]
        return replace(b, contests=(replace(first, limit_proof=second.limit_proof), second))

    _ballot_change(base, target, swap)


# -- V8 ---------------------------------------------------------------------------------


def _with_receipts(run: Run, target: Path, raw: list[bytes], receipts: list[str]) -> None:
    write(run, target, raw)
    folder = target / "receipts"
    folder.mkdir()
    for n, text in enumerate(receipts):
        (folder / f"{n}.tlog").write_text(text)


def _receipt(run: Run, index: int) -> str:
    return run.board.receipt(ELECTION_ID, index).to_text()


@case("V8-receipt-unreadable")
def _receipt_garbage(base: Base, target: Path) -> None:
    _with_receipts(base.open, target, [e.to_bytes() for e in entries_of(base.open)], ["no"])


@case("V8-receipt-origin")
def _receipt_origin(base: Base, target: Path) -> None:
    raw = [e.to_bytes() for e in entries_of(base.open)]
    text = _receipt(base.open, 11).replace(f"/{ELECTION_ID}\n", "/other\n", 1)
    _with_receipts(base.open, target, raw, [text])


@case("V8-receipt-beyond")
def _receipt_beyond(base: Base, target: Path) -> None:
    run = base.finished
    raw = [e.to_bytes() for e in entries_of(run)]
    entries = entries_of(run)
    _with_receipts(run, target, raw[: index_of(entries, "close")], [_receipt(run, 11)])


@case("V8-receipt-inclusion")
def _receipt_inclusion(base: Base, target: Path) -> None:
    entries, i = _ballots(base)
    receipt = _receipt(base.open, i)
    entries[i], entries[i + 1] = (
        replace(entries[i + 1], time=entries[i].time),
        replace(entries[i], time=entries[i + 1].time),
    )
    _with_receipts(base.open, target, resign(base.open, entries), [receipt])


@case("V8-receipt-inconsistent")
def _receipt_inconsistent(base: Base, target: Path) -> None:
    # The receipted entry is intact, so its inclusion proof (the receipt's own) still leads
    # to the receipt's root; but another entry inside the receipt's tree was rewritten.
    raw = [e.to_bytes() for e in entries_of(base.open)]
    receipt = _receipt(base.open, 11)
    obj = did.parse_json(raw[-1])
    raw[-1] = jcs({**obj, "signature": "11" * 64})
    _with_receipts(base.open, target, raw, [receipt])


# -- V9 - V12 ---------------------------------------------------------------------------


def _finished_with(run: Run, target: Path, kind: str, body: Any, nth: int = 0) -> None:
    entries = entries_of(run)
    i = index_of(entries, kind, nth)
    entries[i] = replace(entries[i], body=body)
    rewrite(run, target, entries)


@case("V9-tally-mismatch")
def _tally_mismatch(base: Base, target: Path) -> None:
    run = base.finished
    tally = run.board.state(ELECTION_ID).tally
    assert tally is not None
    _finished_with(run, target, "tally", TallyBody(replace(tally, ballot_count=9)))


def _share(run: Run, nth: int = 0) -> Any:
    entries = entries_of(run)
    body = entries[index_of(entries, "decryption-share", nth)].body
    assert isinstance(body, DecryptionShareBody)
    return body.share


@case("V10-share-invalid")
def _share_invalid(base: Base, target: Path) -> None:
    run = base.finished
    share = _share(run)
    contests = share.contests
    row = (replace(contests[0][0], value=contests[0][1].value), *contests[0][1:])
    bad = replace(share, contests=(row, *contests[1:]))
    _finished_with(run, target, "decryption-share", DecryptionShareBody(bad))


@case("V10-duplicate")
def _share_twice(base: Base, target: Path) -> None:
    run = base.finished
    entries = entries_of(run)
    i = index_of(entries, "decryption-share")
    rewrite(run, target, [*entries[: i + 1], entries[i], *entries[i + 1 :]])


@case("V10-rule-share")
def _share_by_another(base: Base, target: Path) -> None:
    # Trustee 3 posts trustee 1's decryption share as its own.
    run = base.finished
    entries = entries_of(run)
    i = index_of(entries, "decryption-share")
    entries[i] = replace(entries[i], author=run.world.trustees[2].vm)
    rewrite(run, target, entries)


def _result(run: Run) -> Any:
    result = run.board.state(ELECTION_ID).result
    assert result is not None
    return result


@case("V11-quorum")
def _quorum(base: Base, target: Path) -> None:
    run = base.finished
    result = _result(run)
    _finished_with(run, target, "result", ResultBody(replace(result, trustees=(1,))))


@case("V11-no-valid-share")
def _named_without_share(base: Base, target: Path) -> None:
    run = base.finished
    result = _result(run)
    _finished_with(run, target, "result", ResultBody(replace(result, trustees=(1, 2))))


@case("V12-count")
def _count(base: Base, target: Path) -> None:
    run = base.finished
    result = _result(run)
    contest = result.contests[0]
    (o1, n1), rest = contest.counts[0], contest.counts[1:]
    changed = replace(contest, counts=((o1, n1 + 1), *rest))
    body = ResultBody(replace(result, contests=(changed, *result.contests[1:])))
    _finished_with(run, target, "result", body)


@case("V12-shape")
def _result_shape(base: Base, target: Path) -> None:
    run = base.finished
    result = _result(run)
    body = ResultBody(replace(result, contests=tuple(reversed(result.contests))))
    _finished_with(run, target, "result", body)


@case("V12-over-limit")
def _over_limit(base: Base, target: Path) -> None:
    run = base.finished
    result = _result(run)
    contest = result.contests[0]
    (option, _), rest = contest.counts[0], contest.counts[1:]
    changed = replace(contest, counts=((option, 1000), *rest))
    body = ResultBody(replace(result, contests=(changed, *result.contests[1:])))
    _finished_with(run, target, "result", body)


@case("V12-election-hash")
def _result_election(base: Base, target: Path) -> None:
    run = base.finished
    body = ResultBody(replace(_result(run), election_hash=bytes(32)))
    _finished_with(run, target, "result", body)


# -- V13 --------------------------------------------------------------------------------


def _challenged_change(base: Base, target: Path, **change: Any) -> None:
    entries = entries_of(base.open)
    i = index_of(entries, "challenged")
    entries[i] = replace(entries[i], **change)
    rewrite(base.open, target, entries)


@case("V13-opening")
def _opening(base: Base, target: Path) -> None:
    entries = entries_of(base.open)
    body = entries[index_of(entries, "challenged")].body
    assert isinstance(body, ChallengedBody)
    selections = tuple(tuple(1 - v for v in row) for row in body.opening.selections)
    wrong = replace(body.opening, selections=selections)
    _challenged_change(base, target, body=ChallengedBody(body.ballot, wrong))


@case("V13-rule-challenge")
def _challenge_cast(base: Base, target: Path) -> None:
    run = base.open
    entries, i = _ballots(base)
    cast = entries[i].body
    assert isinstance(cast, BallotBody)
    opening = run.openings[cast.ballot.ballot_id]
    challenge = replace(entries[i], time=entries[-1].time,
                        body=ChallengedBody(cast.ballot, opening))  # fmt: skip
    rewrite(run, target, [*entries, challenge])


@case("V13-rule-window")
def _challenge_late(base: Base, target: Path) -> None:
    entries = entries_of(base.open)
    i = index_of(entries, "challenged")
    moved = replace(entries[i], time=CLOSES)
    rewrite(base.open, target, [*entries[:i], *entries[i + 1 :], moved])


@case("V13-rule-time")
def _challenge_early(base: Base, target: Path) -> None:
    entries = entries_of(base.open)
    i = index_of(entries, "challenged")
    _challenged_change(base, target, time=entries[i - 1].time - timedelta(seconds=1))


@case("V13-rule-phase")
def _challenge_after_close(base: Base, target: Path) -> None:
    run = base.finished
    entries = entries_of(run)
    close = index_of(entries, "close")
    challenged = entries[index_of(entries, "challenged")]
    late = replace(challenged, time=entries[close].time)
    rewrite(run, target, [*entries[: close + 1], late])


@case("V13-rule-documents")
def _challenge_documents(base: Base, target: Path) -> None:
    entries = entries_of(base.open)
    key = did.Ed25519Key.from_seed(hashlib.sha256(b"extra").digest())
    document = did.web_did_document(EXTRA_WEB, key.public_key)
    i = index_of(entries, "challenged")
    for j in (i - 1, i):
        entries[j] = replace(entries[j], documents={EXTRA_WEB: document})
    rewrite(base.open, target, entries)


@case("V13-rule-role")
def _challenge_by_trustee(base: Base, target: Path) -> None:
    _challenged_change(base, target, author=base.open.world.trustees[0].vm)


# -- driver -----------------------------------------------------------------------------


def expectation(name: str) -> tuple[str, str] | None:
    """(check, code) a case must trigger, or None for a clean record."""
    if name.startswith("clean-"):
        return None
    check, _, code = name.partition("-")
    return check, code


def generate(outdir: Path) -> dict[str, Any]:
    """Write every case under `outdir`; return the index."""
    base = Base.build()
    index: dict[str, Any] = {}
    for name, build in sorted(CASES.items()):
        target = outdir / name
        build(base, target)
        want = expectation(name)
        files = sorted(p for p in target.rglob("*") if p.is_file())
        index[name] = {
            "expect": "passed" if want is None else {"check": want[0], "code": want[1]},
            "files": {
                str(p.relative_to(target)): hashlib.sha256(p.read_bytes()).hexdigest()
                for p in files
            },
        }
    (outdir / "index.json").write_text(json.dumps(index, indent=1, sort_keys=True) + "\n")
    return index


def audit_case(directory: Path) -> Any:
    """Audit one corpus record as the corpus test does: with its receipts and saved state."""
    import shutil

    receipts = sorted((directory / "receipts").glob("*.tlog"))
    saved = directory / "state.json"
    if not saved.exists():
        return verify_record(directory, workers=1, receipts=receipts)
    with tempfile.TemporaryDirectory() as tmp:
        state = Path(tmp) / "state.json"
        shutil.copyfile(saved, state)
        return verify_record(directory, workers=1, receipts=receipts, state=state)


def main(argv: list[str]) -> int:
    if len(argv) > 1:
        generate(Path(argv[1]))
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        index = generate(Path(tmp))
    INDEX.write_text(json.dumps(index, indent=1, sort_keys=True) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
