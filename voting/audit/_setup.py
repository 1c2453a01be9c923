"""Provides checks V1-V3 of record spec §9: parameters, trustee keys and the joint key."""

from __future__ import annotations

from dataclasses import dataclass

from voting._ceremony import Fault, judge_complaint, verify_announcement
from voting._election import Election
from voting._hashing import RECORD_VERSION
from voting.audit._chain import Scan
from voting.audit._findings import Findings
from voting.audit._report import Reason
from voting.board import (
    CloseBody,
    ElectionBody,
    OpenBody,
    TrusteeComplaintBody,
    TrusteeKeyBody,
    TrusteeSharesBody,
)
from voting.errors import VotingError

V1, V2, V3 = 1, 2, 3


@dataclass
class Setup:
    """The election as the audit recomputed it, and where its phases begin."""

    body: ElectionBody
    election: Election | None = None
    open_index: int | None = None
    close_index: int | None = None
    close: CloseBody | None = None


def check_setup(scan: Scan, findings: Findings) -> Setup | None:
    """Run V1, V2 and V3; return None when the election itself cannot be read."""
    first = scan.parsed.get(0)
    if first is None or not isinstance(first.body, ElectionBody):
        if not findings.failed(V1):
            findings.fail(V1, Reason("no-election", "entry 0 is not a readable election", entry=0))
        findings.skip_from(V2, "no-election", "the election entry could not be read")
        return None
    body = first.body
    manifest = body.manifest
    # V1: the manifest parsed in its normal form, its hash matched `manifestHash` and its
    # electionId is the entry's (the entry parser refuses either mismatch: V1 above).
    findings.detail(
        V1,
        f"record version {RECORD_VERSION}, manifest hash {manifest.hash().hex()[:16]}…, "
        f"{len(manifest.contests)} contest(s), {manifest.threshold} of "
        f"{manifest.trustee_count} trustees",
    )
    setup = Setup(body)
    announcements = _trustee_keys(scan, setup, findings)
    _opened(scan, setup, announcements, findings)
    closes = scan.of_type("close")
    if closes:
        i, entry = closes[0]
        if isinstance(entry.body, CloseBody):
            setup.close_index, setup.close = i, entry.body
    return setup


def _trustee_keys(scan: Scan, setup: Setup, findings: Findings) -> dict[int, object]:
    manifest = setup.body.manifest
    announcements: dict[int, object] = {}
    # V2: exactly one announcement per trustee 1..n, each with t valid commitments and proofs.
    for i, entry in scan.of_type("trustee-key"):
        assert isinstance(entry.body, TrusteeKeyBody)
        a = entry.body.announcement
        if a.trustee in announcements:
            continue  # a second announcement is refused by the rules (rule-ceremony)
        try:
            verify_announcement(manifest, a)
        except VotingError as exc:
            findings.fail(V2, Reason("announcement", str(exc), i, trustee=a.trustee))
            continue
        announcements[a.trustee] = a
    # The ceremony's structure (one key, one set of shares, one acknowledgement per trustee,
    # every acknowledgement before `open`) is the board's rules, replayed by `_rules`.
    complaints = _complaints(scan, setup, announcements, findings)
    findings.detail(
        V2,
        f"{len(announcements)} announcement(s) verified, "
        f"{len(scan.of_type('trustee-ack'))} acknowledgement(s), {complaints} complaint(s)",
    )
    return announcements


def _complaints(
    scan: Scan, setup: Setup, announcements: dict[int, object], findings: Findings
) -> int:
    # §6.4: a complaint reveals the complainant's X25519 secret, so anyone opens the disputed
    # share and judges it. Either way the ceremony is void: V2 names who is at fault.
    manifest = setup.body.manifest
    shares = {
        e.body.shares[0].dealer: e.body
        for _, e in scan.of_type("trustee-shares")
        if isinstance(e.body, TrusteeSharesBody)
    }
    complaints = scan.of_type("trustee-complaint")
    for i, entry in complaints:
        assert isinstance(entry.body, TrusteeComplaintBody)
        dealer = entry.body.dealer
        complainant = setup.body.trustee_index(entry.author_did)
        sealed = (
            next((s for s in shares[dealer].shares if s.recipient == complainant), None)
            if dealer in shares
            else None
        )
        if complainant is None or sealed is None or dealer not in announcements:
            findings.fail(V2, Reason("complaint-invalid", "no such share", i, trustee=dealer))
            continue
        try:
            fault = judge_complaint(
                manifest,
                announcements[dealer],  # type: ignore[arg-type]
                announcements[complainant],  # type: ignore[arg-type]
                sealed,
                entry.body.recipient_secret,
            )
        except VotingError as exc:
            findings.fail(V2, Reason("complaint-invalid", str(exc), i, trustee=complainant))
            continue
        if fault is Fault.DEALER:
            message = f"the share of trustee {dealer} to trustee {complainant} is bad"
            findings.fail(V2, Reason("complaint-justified", message, i, trustee=dealer))
        else:
            message = f"trustee {complainant} complained about a good share of trustee {dealer}"
            findings.fail(V2, Reason("complaint-unfounded", message, i, trustee=complainant))
    return len(complaints)


def _opened(scan: Scan, setup: Setup, announcements: dict[int, object], findings: Findings) -> None:
    opens = scan.of_type("open")
    if findings.failed(V2):
        findings.skip_from(V3, "trustee-keys", "the trustee keys did not verify")
        return
    try:
        election = Election.create(setup.body.manifest, announcements.values())  # type: ignore[arg-type]
    except VotingError as exc:
        findings.fail(V3, Reason("joint-key", str(exc)))
        findings.skip_from(V5_FIRST, "joint-key", "no valid joint key")
        return
    if not opens:
        for number in (V3, 5, 6, 7, 9, 10, 11, 12, 13):
            findings.not_yet(number, "not yet applicable: the election has not been opened")
        return
    i, entry = opens[0]
    assert isinstance(entry.body, OpenBody)
    # V3: recompute K and H_E and compare them with what the open entry published.
    if entry.body.joint_key != election.joint_key.to_bytes():
        findings.fail(V3, Reason("joint-key", "published joint key differs from Σ C_i,0", i))
    if entry.body.election_hash != election.extended_hash:
        findings.fail(V3, Reason("election-hash", "published H_E differs from the recomputed", i))
    if findings.failed(V3):
        findings.skip_from(V5_FIRST, "joint-key", "the joint key did not verify")
        return
    findings.detail(V3, f"joint key and H_E {election.extended_hash.hex()[:16]}… recomputed")
    setup.election = election
    setup.open_index = i


V5_FIRST = 5
