"""Provides checks V1-V3 of record spec §9: parameters, trustee keys and the joint key."""

from __future__ import annotations

from dataclasses import dataclass

from voting._ceremony import verify_announcement
from voting._election import Election
from voting._hashing import RECORD_VERSION
from voting.audit._chain import Scan
from voting.audit._findings import Findings
from voting.audit._report import Reason
from voting.board import CloseBody, ElectionBody, OpenBody, TrusteeKeyBody, TrusteeSharesBody
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
    # V1: the manifest parsed in its normal form and its hash matched `manifestHash` (the
    # entry parser refuses a mismatch, which lands in V1 above); the ids agree.
    if manifest.election_id != first.election:
        findings.fail(V1, Reason("election-id", "manifest electionId differs from the entry", 0))
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
    n = manifest.trustee_count
    announcements: dict[int, object] = {}
    seen: set[int] = set()
    # V2: exactly one announcement per trustee 1..n, each with t valid commitments and proofs.
    for i, entry in scan.of_type("trustee-key"):
        assert isinstance(entry.body, TrusteeKeyBody)
        a = entry.body.announcement
        if a.trustee in seen:
            findings.fail(V2, Reason("duplicate", "a second announcement", i, trustee=a.trustee))
            continue
        seen.add(a.trustee)
        try:
            verify_announcement(manifest, a)
        except VotingError as exc:
            findings.fail(V2, Reason("announcement", str(exc), i, trustee=a.trustee))
            continue
        announcements[a.trustee] = a
    for j in range(1, n + 1):
        if j not in seen:
            findings.fail(V2, Reason("missing", "no announcement", trustee=j))
    # Each dealer sealed one share for every other trustee. The entry format has no
    # complaint entries, so there is no complaint to resolve (§6.4).
    dealers: set[int] = set()
    for i, entry in scan.of_type("trustee-shares"):
        assert isinstance(entry.body, TrusteeSharesBody)
        dealer = entry.body.shares[0].dealer
        want = [r for r in range(1, n + 1) if r != dealer]
        if dealer in dealers:
            findings.fail(V2, Reason("duplicate", "a second set of shares", i, trustee=dealer))
        elif [s.recipient for s in entry.body.shares] != want:
            findings.fail(
                V2, Reason("shares", "not one share per other trustee", i, trustee=dealer)
            )
        dealers.add(dealer)
    findings.detail(V2, f"{len(announcements)} announcement(s) verified, no complaints")
    return announcements


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
        findings.skip_from(V3, "not-open", "the election has not been opened")
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
