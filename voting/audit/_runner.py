"""Provides `verify_record`: the audit of a whole election record, check by check (§9).

Order of work: V4's log half (root against the signed checkpoint, and consistency with a
saved state); the entries' links and signatures; V1-V3 from the election's own entries;
the voters' receipts, when given (V8); every ballot in the process pool (V5-V7, eligibility
at the ballot's own time); the board's rules replayed over every entry in log order, by the
board's own code (`_rules`); once closed, the frozen status lists verified at close and each
ballot's revocation read from them (V5); the counted ballots by the revoting rule and their
sums (V9); shares, combination and result (V10-V12); challenged ballots (V13); the witnesses'
cosignatures on the record's checkpoint (V14). With a saved
state only the ballots appended since are verified; none is ever verified twice.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from voting.audit._ballots import BallotContext, BallotVerdict, verify_ballot_entry
from voting.audit._book import (
    Ballots,
    absorb,
    ciphertexts,
    count,
    judge,
    report_ballots,
    start,
)
from voting.audit._chain import check_link, scan_entries
from voting.audit._findings import Findings
from voting.audit._log import LogFindings, check_log
from voting.audit._pool import BallotPool, Progress
from voting.audit._receipts import check_receipts
from voting.audit._report import AuditReport, AuditStats, Reason
from voting.audit._revocation import check_frozen_lists
from voting.audit._rules import replay_rules
from voting.audit._setup import Setup, check_setup
from voting.audit._source import read_record
from voting.audit._state import AuditState, load_state, save_state
from voting.audit._tally import (
    Sums,
    add_ballot,
    as_tally,
    check_challenged,
    check_tally,
    empty_sums,
)
from voting.audit._witnesses import check_witnesses
from voting.board import Entry, RuleState, facts_of
from voting.errors import AuditError, VotingError

V4, V5, V6, V8, V9 = 4, 5, 6, 8, 9


def verify_record(
    record: Any,
    *,
    election: str | None = None,
    state: str | Path | None = None,
    workers: int | None = None,
    progress: Progress | None = None,
    receipts: Sequence[Any] = (),
) -> AuditReport:
    """Audit an election record and return the report of every check of record spec §9.

    `record` is an exported record directory, a board file, or a record read by
    `voting.board.load_record`. `election` chooses one election of a board file that holds
    several (without it the file must hold exactly one); for a directory or a loaded record
    it must be the record's own election. `state` names a file: when it exists, only what
    was appended since it was written is verified (after proving the history only grew);
    after a run whose chain checks passed it is rewritten. `workers` is the number of
    processes that verify ballots (all cores by default); `progress(done, total)` is called
    as they go. `receipts` are voters' receipts (`voting.chain.Receipt`, their text, or
    files holding it): V8 checks that the record holds each receipt's entry at its index
    and agrees with the receipt's checkpoint. Raises AuditError only when the record (or
    the state file) cannot be read at all, or holds no such election.
    """
    source = read_record(record, election)
    saved = load_state(state) if state is not None else None
    entries = source.entries
    findings = Findings()
    log = check_log(entries, source.checkpoint, source.vkey, saved)
    for reason in log.failures:
        findings.fail(V4, reason)
    findings.detail(V4, f"{len(entries)} entries linked, root matches the signed checkpoint")
    resume = saved if saved is not None and log.resume else None
    if resume is not None:
        scope = [*resume.others, *range(resume.size, len(entries))]
    else:
        scope = list(range(len(entries)))
    scan = scan_entries(entries, scope, findings, resume.documents if resume else None)
    setup = check_setup(scan, findings)
    if setup is not None:
        _board_identity(setup, source.vkey, log, findings)
        check_witnesses(setup.body.witnesses, source.checkpoint, log, findings)
    if resume is not None and (
        setup is None
        or setup.election is None
        or resume.election_hash != setup.election.extended_hash
    ):
        raise AuditError("audit state: the saved election differs from the record's")
    check_receipts(entries, log, receipts, findings)
    book = start(resume)
    rules = _rule_state(resume, scan.election_id or "")
    facts = dict(scan.facts)
    new = [i for i in scope if resume is None or i >= resume.size]
    verified = table = None
    counted: dict[str, int] = {}
    challenged = 0
    verdicts: list[BallotVerdict] = []
    if setup is not None and setup.election is not None:
        frozen = setup.close.by_id() if setup.close is not None else None
        verdicts = _verify_ballots(
            setup,
            scan.election_id or "",
            entries,
            sorted(scan.ballots),
            frozen,
            workers,
            progress,
            scan.documents,
        )
        for v in verdicts:
            if v.link is not None:
                for reason in check_link(entries, v.entry, scan.election_id, *v.link):
                    findings.fail(V4, reason)
            if v.facts is not None:
                facts[v.entry] = v.facts
    if setup is not None and setup.election is None:
        # Ballots on an election that never opened: no worker verifies them, but the rules
        # (which refuse them all) still need their facts.
        _ballot_facts(entries, scan.ballots, facts)
    refused = replay_rules(rules, facts, new) if setup is not None else []
    book.reasons.extend(refused)
    book.refused.update(r.entry for _, r in refused if r.entry is not None)
    if setup is not None and setup.election is not None:
        verified = len(verdicts)
        absorb(book, verdicts)
        lists = 0
        if setup.close is not None:
            frozen = setup.close.by_id()
            judge(book, frozen, entries, workers)
            lists = check_frozen_lists(setup, scan, book.status_refs, rules, findings)
        challenged_ids = set(rules.challenged)
        counted = count(book, challenged_ids, setup.body.revoting)
        sums = _aggregate(setup, book, counted, resume, entries)
        weight = sum(book.weights.get(i, 1) for i in counted.values())
        recomputed = as_tally(setup, sums, len(counted), weight)
        table = check_tally(scan, setup, recomputed, findings)
        if findings.failed(V9) and book.revoked:
            _revoked_counted(setup, book, challenged_ids, scan, entries, findings)
        counted_entries = set(counted.values())
        counted_ids = {bid for bid, i in book.ids.items() if i in counted_entries}
        challenged = check_challenged(scan, setup, counted_ids, findings)
        report_ballots(book, findings, None if setup.close is None else lists)
        if state is not None and not findings.failed(V4):
            save_state(state, _snapshot(source, log, setup, scan, book, counted, sums, rules))
    else:
        for number, reason in book.reasons:
            findings.fail(number, reason)
    prior = resume.size - len(resume.others) if resume is not None else 0
    return AuditReport(
        election_id=scan.election_id,
        origin=log.checkpoint.origin if log.checkpoint is not None else None,
        size=len(entries),
        root=log.root.hex(),
        checks=findings.results(),
        result=table,
        stats=AuditStats(
            entries=len(entries),
            ballots=prior + len(scan.ballots),
            ballots_verified=verified or 0,
            counted=len(counted),
            challenged=challenged,
            resumed_from=resume.size if resume is not None else None,
        ),
    )


def _ballot_facts(entries: Sequence[bytes], ballots: Sequence[int], facts: dict[int, Any]) -> None:
    for i in ballots:
        try:
            facts[i] = facts_of(Entry.from_bytes(entries[i]))
        except VotingError:
            continue  # unreadable: V4 shows the damage (root, links)


def _rule_state(resume: AuditState | None, election_id: str) -> RuleState:
    if resume is None:
        return RuleState(election_id)
    try:
        return RuleState.from_json(election_id, resume.rules)
    except VotingError as exc:
        raise AuditError(f"audit state: {exc}") from None


def _board_identity(setup: Setup, vkey: str, log: LogFindings, findings: Findings) -> None:
    # V4: the key beside the record must be the one the authority named in the election,
    # or anyone could re-sign a rewritten record with a key of their own.
    if setup.body.vkey.strip() != vkey.strip():
        findings.fail(V4, Reason("board-key", "board.vkey is not the key named by the election"))
    if log.checkpoint is not None and log.checkpoint.origin != setup.body.origin:
        findings.fail(V4, Reason("origin", f"checkpoint origin {log.checkpoint.origin!r}"))


def _verify_ballots(
    setup: Setup,
    election_id: str,
    entries: Sequence[bytes],
    todo: Sequence[int],
    frozen: dict[str, dict[str, Any]] | None,
    workers: int | None,
    progress: Progress | None,
    documents: dict[str, tuple[int, dict[str, Any]]],
) -> list[BallotVerdict]:
    body = setup.body
    ctx = BallotContext(
        election_id, setup.election, body.eligibility, body.opens, body.closes, frozen, documents
    )
    pool = BallotPool(verify_ballot_entry, ctx, workers=workers)
    return pool.map([(i, entries[i]) for i in todo], progress)


def _aggregate(
    setup: Setup,
    book: Ballots,
    counted: dict[str, int],
    resume: AuditState | None,
    entries: Sequence[bytes],
) -> Sums:
    assert setup.election is not None
    if resume is None:
        sums = empty_sums([len(c.options) for c in setup.election.manifest.contests])
        before: dict[str, int] = {}
    else:
        sums = [[(ct[:32], ct[32:]) for ct in row] for row in resume.aggregate]
        before = resume.counted
    # Only the voters whose counted ballot changed move the sums.
    for voter in sorted(set(before) | set(counted)):
        old, new = before.get(voter), counted.get(voter)
        if old == new:
            continue
        if old is not None:
            add_ballot(sums, ciphertexts(book, entries, old), -1, book.weights.get(old, 1))
        if new is not None:
            add_ballot(sums, ciphertexts(book, entries, new), +1, book.weights.get(new, 1))
    return sums


def _revoked_counted(
    setup: Setup,
    book: Ballots,
    challenged: set[str],
    scan: Any,
    entries: Sequence[bytes],
    findings: Findings,
) -> None:
    # When the published tally is off, see whether it is the sum that also counts ballots
    # whose credential the frozen list revoked: then V5 names each of them.
    assert setup.election is not None
    widened = Ballots(
        ids=book.ids, valid={v: list(es) for v, es in book.valid.items()}, weights=book.weights
    )
    for i, voter in book.revoked.items():
        widened.valid.setdefault(voter, []).append(i)
        widened.valid[voter].sort()
    counted = count(widened, challenged, setup.body.revoting)
    sums = empty_sums([len(c.options) for c in setup.election.manifest.contests])
    for i in counted.values():
        add_ballot(sums, ciphertexts(book, entries, i), +1, book.weights.get(i, 1))
    probe = Findings()
    weight = sum(book.weights.get(i, 1) for i in counted.values())
    check_tally(scan, setup, as_tally(setup, sums, len(counted), weight), probe)
    if probe.failed(V9):
        return
    for voter, i in sorted(counted.items()):
        if i in book.revoked:
            findings.fail(V5, Reason("revoked-counted", "counted though revoked", i, voter=voter))


def _snapshot(
    source: Any,
    log: LogFindings,
    setup: Setup,
    scan: Any,
    book: Ballots,
    counted: dict[str, int],
    sums: Sums,
    rules: RuleState,
) -> AuditState:
    assert setup.election is not None and log.checkpoint is not None
    return AuditState(
        origin=log.checkpoint.origin,
        vkey=source.vkey.strip(),
        size=log.checkpoint.size,
        root=log.checkpoint.root_hash,
        election_hash=setup.election.extended_hash,
        others=tuple(sorted(i for i, kind in scan.types.items() if kind != "ballot")),
        ballot_ids=dict(book.ids),
        valid={v: tuple(es) for v, es in book.valid.items()},
        unjudged=tuple(sorted(book.unjudged)),
        status_refs=tuple(sorted(book.status_refs)),
        weights=dict(book.weights),
        documents=dict(scan.documents),
        counted=dict(counted),
        aggregate=tuple(tuple(a + b for a, b in row) for row in sums),
        failures=tuple(book.reasons),
        rules=rules.to_json(),
    )
