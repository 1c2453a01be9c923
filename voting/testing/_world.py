"""Provides a test election's cast and its driver: parties from fixed seeds, a settable clock,
the authority's credentials and status list, and `Run`, which takes one election through a
`voting.board.Board` with every party signing its own entries (election-entries.md §5)."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Any

import did
from voting._ballot import BallotOpening, EncryptedBallot, encrypt_ballot
from voting._ceremony import DecryptionKey, Trustee, TrusteeAnnouncement
from voting._election import Election
from voting._manifest import Contest, Manifest, Option
from voting._result import ElectionResult, combine
from voting._tally import partial_decrypt
from voting.board import (
    BallotBody,
    Board,
    ChallengedBody,
    CloseBody,
    DecryptionShareBody,
    ElectionBody,
    Entry,
    EntryBody,
    OpenBody,
    ResultBody,
    TallyBody,
    TrusteeAckBody,
    TrusteeKeyBody,
    TrusteeSharesBody,
    ballot_presentation,
    compute_tally,
    launch_code,
    sign_entry,
)
from voting.chain import Ed25519Signer, LogStore, Receipt, WitnessPolicy
from voting.testing._rng import SeededRng

#: The world's epoch: credentials are issued a day before, the election is created at T0.
T0 = datetime(2030, 5, 1, 9, 0, 0, tzinfo=UTC)
OPENS = T0 + timedelta(hours=1)
CLOSES = T0 + timedelta(hours=9)
ELECTION_ID = "city-2030"
CREDENTIAL_TYPE = "VoterCredential"
STATUS_URL = "https://authority.example/status/1"


@dataclass
class Party:
    """Someone with a did:key: the key, the DID and its verification method URL."""

    name: str
    key: did.Ed25519Key
    did: str
    vm: str

    @classmethod
    def make(cls, name: str) -> Party:
        """Derive the key from the name, so every run builds the same world."""
        key = did.Ed25519Key.from_seed(hashlib.sha256(name.encode()).digest())
        ident = did.did_key_from_public_key(key.public_key)
        return cls(name, key, ident, f"{ident}#{ident.removeprefix('did:key:')}")


@dataclass
class Clock:
    """A clock a test sets or moves instead of waiting; calling it returns `now`."""

    now: datetime = T0

    def __call__(self) -> datetime:
        return self.now

    def advance(self, delta: timedelta) -> datetime:
        """Move the clock forward by `delta` and return the new time."""
        self.now += delta
        return self.now


@dataclass
class World:
    """Everything a test election needs, made from fixed seeds.

    The authority issues the voters' credentials and signs the revocation list (the bits of
    `revoked`). With `fresh_lists` it signs that list afresh at every lookup, dated by the
    clock, as an issuer publishing live does: the list a ballot is checked against is then
    valid from the ballot's time, and the list frozen at close only from the close.
    """

    authority: Party = field(default_factory=lambda: Party.make("authority"))
    trustees: list[Party] = field(
        default_factory=lambda: [Party.make(f"trustee-{i}") for i in (1, 2, 3)]
    )
    voters: list[Party] = field(
        default_factory=lambda: [Party.make(f"voter-{i}") for i in range(5)]
    )
    outsider: Party = field(default_factory=lambda: Party.make("outsider"))
    board_signer: Ed25519Signer = field(
        default_factory=lambda: Ed25519Signer("board.example", hashlib.sha256(b"board").digest())
    )
    revoked: set[int] = field(default_factory=set)
    clock: Clock = field(default_factory=Clock)
    fresh_lists: bool = False

    def everyone(self) -> dict[str, Party]:
        """Every party of the world by DID."""
        people = [self.authority, *self.trustees, *self.voters, self.outsider]
        return {p.did: p for p in people}

    def manifest(self, election_id: str = ELECTION_ID, **claims: Any) -> Manifest:
        """Two contests, 3 trustees with threshold 2, eligibility by the authority's credential."""
        eligibility: dict[str, Any] = {
            "issuers": [self.authority.did],
            "credentialType": CREDENTIAL_TYPE,
        }
        if claims:
            eligibility["requiredClaims"] = claims
        return Manifest(
            election_id=election_id,
            title="City election 2030",
            trustee_count=3,
            threshold=2,
            contests=(
                Contest("mayor", "Mayor", (Option("ada", "Ada"), Option("bob", "Bob")), 1, 1),
                Contest("measure", "Measure", (Option("yes", "Yes"), Option("no", "No")), 0, 1),
            ),
            eligibility=eligibility,
        )

    def election_body(
        self,
        manifest: Manifest | None = None,
        *,
        revoting: str = "last",
        witnesses: WitnessPolicy | None = None,
    ) -> ElectionBody:
        """The election entry's body for `manifest` (default: `manifest()`) on this world's
        board: its window is OPENS to CLOSES, its origin and key the board signer's."""
        return ElectionBody(
            self.manifest() if manifest is None else manifest,
            self.authority.did,
            tuple(t.did for t in self.trustees),
            OPENS,
            CLOSES,
            revoting,
            f"{self.board_signer.name}/{ELECTION_ID}",
            self.board_signer.verifier().to_vkey(),
            witnesses,
        )

    def trustee_objects(self, manifest: Manifest) -> list[Trustee]:
        """The trustees' ceremony secrets, from a fixed seed."""
        rng = SeededRng(b"trustees")
        return [Trustee.generate(manifest, i, rng) for i in range(1, 4)]

    def credential(
        self,
        voter: Party,
        index: int,
        *,
        types: tuple[str, ...] = (CREDENTIAL_TYPE,),
        issuer: Party | None = None,
        claims: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        """An eligibility credential for `voter` with status bit `index`."""
        issuer = issuer or self.authority
        return did.issue_credential(
            {"id": voter.did, "district": "north", **(claims or {})},
            key=issuer.key,
            verification_method=issuer.vm,
            valid_from=T0 - timedelta(days=1),
            types=types,
            credential_status=did.status_entry(STATUS_URL, index, "revocation"),
        )

    def status_list(self, at: datetime | None = None) -> dict[str, Any]:
        """The authority's signed revocation list, with the bits of `revoked` set.

        `at` dates it (valid from then); otherwise a world with `fresh_lists` dates it at its
        clock, and any other from the day before T0.
        """
        bits = did.StatusList()
        for index in self.revoked:
            bits.set(index, True)
        if at is not None:
            valid_from = created = at
        elif self.fresh_lists:
            valid_from = created = self.clock.now
        else:
            valid_from, created = T0 - timedelta(days=1), T0
        unsigned = did.status_list_credential(
            STATUS_URL, self.authority.did, "revocation", bits, valid_from
        )
        return did.add_proof(unsigned, self.authority.key, self.authority.vm, created=created)

    def status_source(self) -> Callable[[str], dict[str, Any]]:
        """A live status source: the current list, signed again on every lookup."""
        return lambda url: self.status_list() if url == STATUS_URL else {}

    def board(self, store: LogStore) -> Board:
        """A board over `store` on the world's clock, whose status source is live."""
        return Board(
            store,
            self.board_signer,
            did.Resolver(),
            now=self.clock,
            status_lists=self.status_source(),
        )

    def run(self, store: LogStore, **claims: Any) -> Run:
        """A `Run` of this world's election on a new board over `store`."""
        return Run(self, self.board(store), **claims)


class Run:
    """Drives one election through a Board: every party signs its own entries.

    `claims` become the manifest's required credential claims. The run's randomness comes
    from a fixed seed, so the same steps give the same record byte for byte.
    """

    def __init__(self, world: World, board: Board, **claims: Any) -> None:
        self.world, self.board, self.clock = world, board, world.clock
        self.manifest = world.manifest(**claims)
        self.trustees = world.trustee_objects(self.manifest)
        self.rng = SeededRng(b"run")
        self.announcements: list[TrusteeAnnouncement] = []
        self.election: Election | None = None
        self.openings: dict[str, BallotOpening] = {}
        self.ballots: dict[str, EncryptedBallot] = {}

    def entry(self, body: EntryBody, party: Party, *, time: datetime | None = None) -> Entry:
        """Sign `body` as `party`, linked to the board's current head."""
        head = self.board.head(ELECTION_ID)
        return sign_entry(body, head, author=party.vm, time=time or self.clock.now, key=party.key)

    def post(self, body: EntryBody, party: Party) -> Receipt:
        """Sign and append."""
        return self.board.append(self.entry(body, party))

    def election_body(self, revoting: str = "last") -> ElectionBody:
        """The election entry's body for this board: its origin and key are the board's own
        (a board under test may hold another key than the world's signer)."""
        body = self.world.election_body(self.manifest, revoting=revoting)
        return replace(body, origin=self.board.origin(ELECTION_ID), vkey=self.board.vkey)

    def setup(self, revoting: str = "last") -> None:
        """Create, run the ceremony on the chain, and open the election at OPENS."""
        self.post(self.election_body(revoting), self.world.authority)
        self.announcements = [t.announce(self.rng) for t in self.trustees]
        for party, ann in zip(self.world.trustees, self.announcements, strict=True):
            self.post(TrusteeKeyBody(ann), party)
        for party, trustee in zip(self.world.trustees, self.trustees, strict=True):
            shares = tuple(
                trustee.seal_share(a) for a in self.announcements if a.trustee != trustee.index
            )
            self.post(TrusteeSharesBody(shares), party)
        for party, trustee in zip(self.world.trustees, self.trustees, strict=True):
            others = tuple(j for j in range(1, 4) if j != trustee.index)
            self.post(TrusteeAckBody(others), party)
        self.clock.now = OPENS
        self.election = Election.create(self.manifest, self.announcements)
        h = self.election.extended_hash
        self.post(
            OpenBody(self.election.joint_key.to_bytes(), h, launch_code(h)), self.world.authority
        )

    def opened(self) -> Election:
        """The election the ceremony fixed; `setup` must have run."""
        if self.election is None:
            raise RuntimeError("the run has no election yet: call setup() first")
        return self.election

    def ballot_body(
        self,
        voter: Party,
        ballot_id: str,
        choice: str,
        *,
        credential: dict[str, Any] | None = None,
        index: int | None = None,
    ) -> BallotBody:
        """Encrypt a vote for `choice` and present the voter's credential for it."""
        ballot, opening = encrypt_ballot(
            self.opened(), ballot_id, voter.did, {"mayor": {choice: 1}}, self.rng
        )
        self.openings[ballot_id] = opening
        self.ballots[ballot_id] = ballot
        if credential is None:
            credential = self.world.credential(
                voter, self.world.voters.index(voter) if index is None else index
            )
        presentation = ballot_presentation(
            credential,
            ballot,
            election_id=ELECTION_ID,
            key=voter.key,
            verification_method=voter.vm,
            created=self.clock.now,
        )
        return BallotBody(ballot, presentation)

    def challenge(self, voter: Party, ballot_id: str, choice: str) -> Receipt:
        """Encrypt a vote and post it with its opening, as a Benaloh challenge (never cast)."""
        body = self.ballot_body(voter, ballot_id, choice)
        return self.post(ChallengedBody(body.ballot, self.openings[ballot_id]), voter)

    def vote(self, voter: Party, ballot_id: str, choice: str) -> Receipt:
        """Cast a ballot."""
        return self.post(self.ballot_body(voter, ballot_id, choice), voter)

    def keys(self) -> list[DecryptionKey]:
        """Each trustee opens the shares addressed to it from the chain and sums them."""
        entries = self.board.entries(ELECTION_ID)
        sealed = [
            s for e in entries if isinstance(e.body, TrusteeSharesBody) for s in e.body.shares
        ]
        result = []
        for trustee in self.trustees:
            got = {
                s.dealer: trustee.open_share(self.announcements[s.dealer - 1], s)
                for s in sealed
                if s.recipient == trustee.index
            }
            result.append(trustee.decryption_key(got))
        return result

    def finish(self, quorum: tuple[int, ...] = (1, 3)) -> ElectionResult:
        """Close (freezing the status list), tally, decrypt with `quorum`, publish the result."""
        election = self.opened()
        self.clock.now = CLOSES
        self.post(CloseBody((self.world.status_list(CLOSES),)), self.world.authority)
        tally = compute_tally(self.board.entries(ELECTION_ID))
        self.post(TallyBody(tally), self.world.authority)
        keys = self.keys()
        shares = []
        for j in quorum:
            share = partial_decrypt(election, tally, keys[j - 1], self.rng)
            shares.append(share)
            self.post(DecryptionShareBody(share), self.world.trustees[j - 1])
        result = combine(election, tally, shares)
        self.post(ResultBody(result), self.world.authority)
        return result
