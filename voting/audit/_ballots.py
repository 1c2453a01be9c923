"""Provides the verification of one ballot entry: checks V5, V6 and V7 of record spec §9.

This runs inside the worker processes of the ballot pool. Its input is the entry's index and
canonical bytes; its output is a small verdict: the failures, the ciphertexts that the
aggregation (V9) sums when the ballot counts, the status lists its credential names, and,
once the election is closed, whether the lists frozen at close revoke it. Eligibility is
judged at the ballot's own time without its status; revocation is judged only against the
frozen lists (election-entries §5.3, §7), so a ballot is verified once, open or closed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import did
from did.errors import DidError
from voting._ballot import EncryptedBallot, ballot_problems
from voting.board import (
    BallotBody,
    EligibilityRule,
    Entry,
    EntryFacts,
    RecordedResolver,
    check_eligibility,
    facts_of,
    frozen_status_allows,
    status_references,
)
from voting.errors import VotingError

V5, V6, V7 = 5, 6, 7

# One resolver per worker process: did:key and did:jwk resolve offline; did:web only from the
# documents recorded on the chain, as of the entry being verified (election-entries §2.1).
_RESOLVER: list[RecordedResolver] = []


def _resolver(ctx: BallotContext, index: int) -> RecordedResolver:
    if not _RESOLVER or _RESOLVER[0].recorded is not ctx.documents:
        _RESOLVER[:] = [RecordedResolver(ctx.documents)]
    _RESOLVER[0].at = index
    return _RESOLVER[0]


@dataclass(frozen=True, slots=True)
class BallotContext:
    """What every worker needs, sent once per process: the election and its rules."""

    election_id: str
    election: Any  # voting.Election; typed loosely so that this module stays import-light.
    rule: EligibilityRule
    opens: datetime
    closes: datetime
    # The status list credentials frozen at close, or None while the election is open. They
    # only decide revocation (§7 step 2); eligibility is judged without them.
    frozen: dict[str, dict[str, Any]] | None
    # did:web DID -> (index of the entry recording it, its document).
    documents: dict[str, tuple[int, dict[str, Any]]]


@dataclass(frozen=True, slots=True)
class BallotVerdict:
    """The outcome of one ballot entry; `ciphertexts` holds alpha || beta per option."""

    entry: int
    ballot_id: str | None
    voter: str | None
    failures: tuple[tuple[int, str, str], ...]
    ciphertexts: tuple[tuple[bytes, ...], ...] = ()
    # The status list URLs the ballot's credential names, each with the credential's issuer
    # (`status_references`): the close must freeze each, signed by that issuer.
    status_refs: tuple[tuple[str, str], ...] = ()
    # Whether the credential has a `credentialStatus`, so revocation must be judged.
    has_status: bool = False
    # Whether the frozen lists revoke it; None when there are none yet or it is not valid.
    revoked: bool | None = None
    # The entry's link members (checked under V4 by the caller) and what the rules read.
    link: tuple[int, bytes, str] | None = None
    facts: EntryFacts | None = None
    # The ballot's weight from its credential (election-entries §5.1); 1 when unweighted.
    weight: int = 1

    @property
    def valid(self) -> bool:
        """Whether the ballot passed V5, V6 and V7 (and so may count, unless revoked)."""
        return not self.failures


def verify_ballot_entry(ctx: BallotContext, index: int, data: bytes) -> BallotVerdict:
    """Check one ballot entry completely; never raises for a bad ballot."""
    try:
        entry = Entry.from_bytes(data)
    except VotingError as exc:
        return BallotVerdict(index, None, None, ((V6, "ballot-unreadable", str(exc)),))
    body = entry.body
    if not isinstance(body, BallotBody):
        # Ballots are found by the tail of their canonical bytes, which names their type.
        return BallotVerdict(index, None, None, ((V6, "ballot-unreadable", "not a ballot"),))
    ballot = body.ballot
    failures: list[tuple[int, str, str]] = []
    _eligibility(ctx, index, entry, data, body, failures)
    _proofs(ctx, ballot, failures)
    ciphertexts = tuple(
        tuple(o.ciphertext.alpha.to_bytes() + o.ciphertext.beta.to_bytes() for o in c.options)
        for c in ballot.contests
    )
    has_status = _has_status(body)
    revoked: bool | None = None
    if ctx.frozen is not None and not failures:
        # §7 step 2, with the board's own function, so the audit counts what the board did.
        revoked = not frozen_status_allows(entry, ctx.frozen)
    refs = tuple(
        (url, issuer) for url, issuers in status_references([entry]).items() for issuer in issuers
    )
    return BallotVerdict(
        index,
        ballot.ballot_id,
        ballot.voter,
        tuple(failures),
        ciphertexts,
        refs,
        has_status,
        revoked,
        (entry.seq, entry.prev, entry.election),
        facts_of(entry),
        _weight(ctx.rule, body) if not failures else 1,
    )


def _weight(rule: EligibilityRule, body: BallotBody) -> int:
    # Eligibility passed, so the credential is there and its weight claim is in bounds.
    if rule.weight_claim is None:
        return 1
    return rule.weight_of(body.presentation["verifiableCredential"][0])


def judge_status_entry(frozen: dict[str, dict[str, Any]], index: int, data: bytes) -> bool:
    """Return True when the frozen lists revoke (or cannot read) this earlier-valid ballot.

    Used once, at close, for the ballots an earlier run verified while the election was
    open: their bytes are bound by the consistency proof, so only the status is read here.
    """
    entry = Entry.from_bytes(data, check_canonical=False)
    return not frozen_status_allows(entry, frozen)


def _has_status(body: BallotBody) -> bool:
    embedded = body.presentation.get("verifiableCredential")
    if not isinstance(embedded, list) or len(embedded) != 1 or not isinstance(embedded[0], dict):
        return False
    return embedded[0].get("credentialStatus") is not None


def _verify_signature(entry: Entry, data: bytes, resolver: did.Resolver) -> None:
    # The entry's bytes are its canonical form (the parser refuses anything else), and JCS
    # orders members by name, so dropping the one top-level `signature` member from them
    # gives exactly the signing input, without serialising the whole entry again. A voter's
    # entry is signed without `prev` and `seq` too, which JCS puts just before `signature`.
    member = b'"signature":"' + entry.signature.hex().encode() + b'",'
    if entry.sequenced:
        place = b'"prev":"' + entry.prev.hex().encode() + b'","seq":' + str(entry.seq).encode()
        member = place + b"," + member
    if data.count(member) != 1:
        entry.verify(resolver)
        return
    method = resolver.resolve_verification_method(entry.author, "assertionMethod")
    try:
        did.verify_ed25519(method.public_key, data.replace(member, b"", 1), entry.signature)
    except DidError:
        raise DidError(f"signature: does not verify with {entry.author[:100]}") from None


def _eligibility(
    ctx: BallotContext,
    index: int,
    entry: Entry,
    data: bytes,
    body: BallotBody,
    failures: list[tuple[int, str, str]],
) -> None:
    ballot = body.ballot
    # V5: the voter signed the entry with an eligible presentation. Who may cast, when, and
    # under which ballot id are the board's rules, replayed in order by the caller.
    resolver = _resolver(ctx, index)
    try:
        _verify_signature(entry, data, resolver)
    except (VotingError, DidError) as exc:
        failures.append((V5, "signature-invalid", str(exc)))
        return
    # The credential is judged at the ballot's time without its status: the lists frozen at
    # close were signed at close, and revocation is judged against them once (§7 step 2).
    try:
        check_eligibility(
            ctx.rule,
            ctx.election_id,
            ballot,
            body.presentation,
            at=entry.time,
            resolver=resolver,
            judge_status=False,
        )
    except VotingError as exc:
        failures.append((V5, "ineligible", str(exc)))


def _proofs(
    ctx: BallotContext, ballot: EncryptedBallot, failures: list[tuple[int, str, str]]
) -> None:
    # V6: the ballot's shape and every option's range proof; V7: each contest's limit proof.
    # The checks are voting's own (`ballot_problems`), so the audit and the board agree.
    codes = {"shape": (V6, "shape"), "range": (V6, "range-proof"), "limit": (V7, "limit-proof")}
    for problem in ballot_problems(ctx.election, ballot):
        number, code = codes[problem.check]
        failures.append((number, code, str(problem)))
