"""Provides the corpus cases of V9-V14 (see generate_records.py)."""

from __future__ import annotations

import hashlib
from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from typing import Any

import did
from tests.vectors.record_tools import (
    EXTRA_WEB,
    Base,
    case,
    entries_of,
    index_of,
    rewrite,
)
from voting.board import (
    BallotBody,
    ChallengedBody,
    DecryptionShareBody,
    ElectionBody,
    ResultBody,
    TallyBody,
)
from voting.chain import CosignatureSigner, Note, WitnessPolicy
from voting.testing import (
    CLOSES,
    ELECTION_ID,
    Run,
)

# -- V5 ---------------------------------------------------------------------------------


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
    entries = entries_of(run)
    i = index_of(entries, "ballot")
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


# -- V14 --------------------------------------------------------------------------------


def _witnesses() -> tuple[CosignatureSigner, ...]:
    return tuple(
        CosignatureSigner(f"witness-{i}", hashlib.sha256(f"witness-{i}".encode()).digest())
        for i in (1, 2, 3)
    )


def _witnessed(base: Base, target: Path, cosigners: int) -> None:
    # The election names three witnesses, quorum 2; `cosigners` of them cosign the checkpoint.
    signers = _witnesses()
    policy = WitnessPolicy(tuple(s.verifier() for s in signers), 2)
    entries = entries_of(base.open)
    body = entries[0].body
    assert isinstance(body, ElectionBody)
    entries[0] = replace(entries[0], body=replace(body, witnesses=policy))
    rewrite(base.open, target, entries)
    path = target / "checkpoint"
    note = Note.from_text(path.read_text())
    for signer in signers[:cosigners]:
        note = note.with_signature(signer.cosign(note.text, 1_780_000_000))
    path.write_text(note.to_text())


@case("clean-witnessed")
def _clean_witnessed(base: Base, target: Path) -> None:
    _witnessed(base, target, 2)


@case("V14-witness-quorum")
def _one_witness(base: Base, target: Path) -> None:
    _witnessed(base, target, 1)
