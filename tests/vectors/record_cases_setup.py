"""Provides the corpus cases of V1-V4 and the clean records (see generate_records.py)."""

from __future__ import annotations

import json
import tempfile
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

from tests.vectors.record_tools import (
    Base,
    case,
    documents_twice,
    entries_of,
    index_of,
    jcs,
    raw_edit,
    raw_json,
    resign,
    rewrite,
    write,
)
from voting.audit import verify_record
from voting.board import (
    ElectionBody,
    OpenBody,
    TrusteeComplaintBody,
    TrusteeKeyBody,
    TrusteeSharesBody,
    launch_code,
)
from voting.chain import Ed25519Signer
from voting.testing import (
    CLOSES,
    ELECTION_ID,
    T0,
    Run,
    write_record,
)

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


@case("V4-seq")
def _seq(base: Base, target: Path) -> None:
    raw_edit(base, target, "open", lambda o: o.update(seq=o["seq"] + 5))


@case("V4-link")
def _link(base: Base, target: Path) -> None:
    raw_edit(base, target, "open", lambda o: o.update(prev="11" * 32))


@case("V4-election")
def _election(base: Base, target: Path) -> None:
    raw_edit(base, target, "open", lambda o: o.update(election="another-election"))


@case("V4-entry-unreadable")
def _garbage_line(base: Base, target: Path) -> None:
    raw = [e.to_bytes() for e in entries_of(base.open)]
    write(base.open, target, [*raw, b"not json"])


@case("V4-signature-invalid")
def _signature(base: Base, target: Path) -> None:
    raw_edit(base, target, "open", lambda o: o.update(signature="00" * 64))


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


@case("V4-rule-documents")
def _documents_twice_chain(base: Base, target: Path) -> None:
    documents_twice(base, target, "trustee-key")


@case("V5-rule-documents")
def _documents_twice_ballots(base: Base, target: Path) -> None:
    documents_twice(base, target, "ballot")
