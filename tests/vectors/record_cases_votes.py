"""Provides the corpus cases of V5-V8 (see generate_records.py)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from typing import Any

import did
from tests.vectors.record_tools import (
    Base,
    case,
    entries_of,
    index_of,
    jcs,
    raw_edit,
    resign,
    rewrite,
    write,
)
from voting.board import (
    BallotBody,
    CloseBody,
    Entry,
    TallyBody,
)
from voting.tally import aggregate
from voting.testing import (
    CLOSES,
    ELECTION_ID,
    STATUS_URL,
    T0,
    Run,
    forged_ballot,
)

# -- V5 ---------------------------------------------------------------------------------


def _ballots(base: Base) -> tuple[list[Entry], int]:
    entries = entries_of(base.open)
    return entries, index_of(entries, "ballot")


@case("V5-signature-invalid")
def _ballot_signature(base: Base, target: Path) -> None:
    raw_edit(base, target, "ballot", lambda o: o.update(signature="00" * 64))


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
    raw_edit(base, target, "ballot", lambda o: o["body"]["ballot"].update(voter=7))


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
