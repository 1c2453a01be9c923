"""Provides the board's witnessing: an election's checkpoints are served only once a quorum of
the witnesses it names has cosigned them (DESIGN §5.6, docs/board-api.md §Witnessing).

The way of Tessera and other static-tile logs: entries are integrated (committed, and the
board's checkpoint signed) first; then the latest checkpoint is sent to every witness at
once, in one *round*. A submitter waits for the first cosigned checkpoint that covers its
entry: while a round runs, the entries committed meanwhile wait for the next one, which
covers all of them, so one round serves many entries and the witnesses' latency is paid per
round, not per entry.

Each witness gets the C2SP tlog-witness `add-checkpoint` request with the size the board
believes it holds and a consistency proof from there; a 409 names the witness's size and the
request is sent once more from that size (a restarted board starts at 0 and learns them
this way). The whole round has one total deadline; a witness that has not answered by then
counts as missing. Each cosigned checkpoint is stored in the log store before anyone gets
it, and the newest one any server of the board stored is adopted before answering
(`stored`): several servers on one store never serve a cosigned checkpoint older than a
receipt another already handed out. A round whose checkpoint cannot be stored (another server
stored a bigger one meanwhile) is followed by one on the newest checkpoint.
"""

from __future__ import annotations

import asyncio
import ssl
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import httpx

from voting.chain import (
    Checkpoint,
    CosignatureVerifier,
    Note,
    NoteSignature,
    WitnessPolicy,
    verify_quorum,
)
from voting.errors import CheckpointError, QuorumError, WitnessError
from voting.witness import SIZE_CONTENT_TYPE, parse_size_body
from wallet.witness._client import REFUSALS, ProofSource, cosignature_line, request_body

#: The total time one witnessing round may take (DESIGN §5.5: every outbound request is bounded).
ROUND_DEADLINE = 5.0


class NotWitnessed(Exception):
    """No checkpoint covering the entry reached the election's quorum; names the witnesses."""


@dataclass
class _Log:
    """One election's witnessing: its latest cosigned checkpoint and the round in progress."""

    cond: threading.Condition = field(default_factory=threading.Condition)
    note: str | None = None
    size: int = -1
    running: bool = False
    rounds: int = 0
    failure: str | None = None
    # The size each witness (by name) is believed to hold for this log.
    sizes: dict[str, int] = field(default_factory=dict)


class Witnessing:
    """Where the board's witnesses are reachable (name -> base URL) and what they cosigned."""

    def __init__(
        self,
        urls: Mapping[str, str],
        *,
        deadline: float = ROUND_DEADLINE,
        transport: httpx.AsyncBaseTransport | None = None,
        tls: ssl.SSLContext | None = None,
    ) -> None:
        self.urls = dict(urls)
        self.deadline = deadline
        self._transport = transport
        # Built once: a fresh client would otherwise load the CA store again for every round
        # (some 30 ms of CPU). The system's CAs; OpenSSL honours SSL_CERT_FILE.
        self._tls = tls
        self._tls_lock = threading.Lock()
        self._logs: dict[str, _Log] = {}
        self._lock = threading.Lock()

    def _log(self, origin: str) -> _Log:
        with self._lock:
            return self._logs.setdefault(origin, _Log())

    def cosigned(
        self,
        policy: WitnessPolicy,
        latest: Callable[[], str],
        proofs: ProofSource,
        covering: int,
        keep: Callable[[str], bool] = lambda _note: True,
        stored: Callable[[], str | None] = lambda: None,
    ) -> str:
        """A checkpoint note with a quorum of cosignatures and a size of at least `covering`.

        `latest()` is the board's newest signed checkpoint, which covers every committed
        entry; `keep(note)` stores a newly cosigned one and says whether the store took it
        (it refuses one older than its newest); `stored()` is the newest cosigned checkpoint
        in the store, which another server may have put there. Raises NotWitnessed when the
        round that should cover the entry fails.
        """
        first = Note.from_text(latest())
        log = self._log(Checkpoint.from_text(first.text).origin)
        give_up = time.monotonic() + 2 * self.deadline + 1
        self._adopt(log, stored())
        with log.cond:
            seen = log.rounds
            while True:
                if log.note is not None and log.size >= covering:
                    return log.note
                if log.rounds > seen + 1 and log.failure is not None:
                    # A round that began after this entry was committed failed: so would ours.
                    raise NotWitnessed(log.failure)
                if not log.running:
                    log.running = True
                    break
                left = give_up - time.monotonic()
                if left <= 0:
                    raise NotWitnessed("no witnessing round finished in time")
                log.cond.wait(left)
        merged, failure = None, None
        try:
            merged = self._stored_round(policy, latest, proofs, log, keep, stored, give_up)
        except NotWitnessed as exc:
            failure = str(exc)
            raise
        finally:
            with log.cond:
                log.running = False
                log.rounds += 1
                log.failure = failure
                if merged is not None:
                    size = Checkpoint.from_text(merged.text).size
                    if size > log.size:
                        log.note, log.size = merged.to_text(), size
                log.cond.notify_all()
        with log.cond:
            if log.note is not None and log.size >= covering:
                return log.note
        raise NotWitnessed(f"the witnessed checkpoint does not cover entry {covering - 1}")

    def _stored_round(
        self,
        policy: WitnessPolicy,
        latest: Callable[[], str],
        proofs: ProofSource,
        log: _Log,
        keep: Callable[[str], bool],
        stored: Callable[[], str | None],
        give_up: float,
    ) -> Note:
        """Rounds on the newest checkpoint until one is cosigned and stored (or a stored one
        is at least as new): a checkpoint is handed out only once other servers find it."""
        while True:
            # Read the newest checkpoint only now: it covers everything committed meanwhile.
            note = Note.from_text(latest())
            try:
                # Already cosigned (stored by an earlier round, maybe another server's).
                verify_quorum(note, policy)
                return note
            except CheckpointError:
                merged = self._round(policy, note, proofs, log)
            if keep(merged.to_text()):
                return merged
            newer = stored()
            size = Checkpoint.from_text(merged.text).size
            if newer is not None and _size(newer) >= size:
                return Note.from_text(newer)
            if time.monotonic() >= give_up:
                raise NotWitnessed("newer checkpoints kept being stored while rounds ran")

    def latest(self, origin: str, stored: str | None = None) -> str | None:
        """The newest cosigned checkpoint of `origin` this board holds, if any; `stored` is
        the newest in the store (another server's), adopted when it is newer."""
        log = self._log(origin)
        self._adopt(log, stored)
        with log.cond:
            return log.note

    @staticmethod
    def _adopt(log: _Log, stored: str | None) -> None:
        if stored is None:
            return
        size = _size(stored)
        with log.cond:
            if size > log.size:
                log.note, log.size = stored, size
                log.cond.notify_all()

    def _context(self) -> ssl.SSLContext:
        with self._tls_lock:
            if self._tls is None:
                self._tls = ssl.create_default_context()
            return self._tls

    # -- one round ----------------------------------------------------------------------

    def _round(self, policy: WitnessPolicy, note: Note, proofs: ProofSource, log: _Log) -> Note:
        with log.cond:
            sizes = dict(log.sizes)
        lines, problems, learned = asyncio.run(self._ask_all(policy, note, proofs, sizes))
        with log.cond:
            log.sizes.update(learned)
        # In the policy's order, whichever witness answered first.
        order = {(w.name, w.key_id): i for i, w in enumerate(policy.witnesses)}
        lines.sort(key=lambda line: order.get((line.name, line.key_id), len(order)))
        merged = Note(note.text, (*note.signatures, *lines))
        try:
            verify_quorum(merged, policy)
        except QuorumError as exc:
            why = "; ".join(f"{name}: {problem}" for name, problem in sorted(problems.items()))
            raise NotWitnessed(f"witnesses: {exc}" + (f" ({why})" if why else "")) from None
        return merged

    async def _ask_all(
        self, policy: WitnessPolicy, note: Note, proofs: ProofSource, sizes: dict[str, int]
    ) -> tuple[list[NoteSignature], dict[str, str], dict[str, int]]:
        lines: list[NoteSignature] = []
        problems: dict[str, str] = {}
        learned: dict[str, int] = {}
        size = Checkpoint.from_text(note.text).size
        limits = httpx.Timeout(self.deadline)
        client_of = httpx.AsyncClient(
            timeout=limits, transport=self._transport, verify=self._context()
        )
        async with client_of as client:

            async def ask(name: str, url: str, witness: CosignatureVerifier) -> None:
                try:
                    async with asyncio.timeout(self.deadline):
                        line = await self._ask(client, url, witness, note, size, proofs, sizes)
                except TimeoutError:
                    problems[name] = f"no answer within {self.deadline:g} s"
                    return
                except _Refusal as refusal:
                    problems[name] = refusal.reason
                    if refusal.size is not None:
                        learned[name] = refusal.size
                    return
                lines.append(line)
                learned[name] = size

            tasks = []
            for witness in policy.witnesses:
                url = self.urls.get(witness.name)
                if url is None:
                    problems[witness.name] = "this board has no address for it"
                    continue
                tasks.append(ask(witness.name, url, witness))
            await asyncio.gather(*tasks)
        return lines, problems, learned

    async def _ask(
        self,
        client: httpx.AsyncClient,
        url: str,
        witness: CosignatureVerifier,
        note: Note,
        size: int,
        proofs: ProofSource,
        sizes: dict[str, int],
    ) -> NoteSignature:
        old = min(sizes.get(witness.name, 0), size)
        endpoint = url.rstrip("/") + "/add-checkpoint"
        for attempt in (1, 2):
            try:
                reply = await client.post(endpoint, content=request_body(note, size, old, proofs))
            except httpx.HTTPError as exc:
                raise _Refusal(f"unreachable ({type(exc).__name__})") from None
            if reply.status_code == 200:
                try:
                    return cosignature_line(note, witness, reply.text)
                except CheckpointError as exc:
                    raise _Refusal(f"bad cosignature: {exc}") from None
            if reply.status_code == 409 and reply.headers.get("content-type") == SIZE_CONTENT_TYPE:
                current = _size_of(reply.content)
                # tlog-witness: retry from the size the witness holds; one ahead of this
                # checkpoint has cosigned a bigger tree, and nothing can be retried.
                if attempt == 1 and current is not None and current <= size and current != old:
                    old = current
                    continue
                raise _Refusal(f"409: it holds size {current}, not {old}", current)
            kind = REFUSALS.get(reply.status_code)
            label = kind.__name__ if kind is not None else "error"
            raise _Refusal(f"{reply.status_code} {label}: {reply.text[:160].strip()}")
        raise AssertionError("unreachable: the loop returns or raises")


class _Refusal(Exception):
    def __init__(self, reason: str, size: int | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.size = size


def _size(note: str) -> int:
    return Checkpoint.from_text(Note.from_text(note).text).size


def _size_of(body: bytes) -> int | None:
    try:
        return parse_size_body(body)
    except WitnessError:
        return None


def parse_witness_urls(items: list[str]) -> dict[str, str]:
    """`NAME=URL` pairs (`wallet board serve --witness`); a name given twice is an error."""
    urls: dict[str, str] = {}
    for item in items:
        name, sep, url = item.partition("=")
        if not sep or not name or not url.startswith(("http://", "https://")):
            raise ValueError(f"--witness {item!r}: want NAME=URL (http:// or https://)")
        if name in urls:
            raise ValueError(f"--witness: {name} given twice")
        urls[name] = url
    return urls
