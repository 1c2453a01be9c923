"""Provides `BoardClient`: a board reached over HTTP(S) (docs/board-api.md), with httpx.

TLS is always verified: against the system's CAs, `SSL_CERT_FILE`, or `--ca-file` for a
private CA. Plain `http://` is accepted only for loopback addresses. Everything read is
checked before it is believed: checkpoints against the board's verifier key, receipts by
their inclusion proof, and a log read from tiles by rebuilding its tree (`read_log`).
"""

from __future__ import annotations

import os
import random
import ssl
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any, Self
from urllib.parse import quote

from wallet.board._tiles import (
    TILE_WIDTH,
    TileMismatch,
    TilePath,
    bundles_for_size,
    decode_bundle,
    split_hashes,
    tiles_for_size,
    verify_tiles,
)
from wallet.board._urls import (
    BoardRefused,
    BoardUnreachable,
    Unanswered,
    check_board_url,
)
from wallet.errors import VerificationFailed, WalletError

if TYPE_CHECKING:
    import httpx

    from voting.board import Entry, Head, Record
    from voting.chain import NoteVerifier, Receipt, VerifiedCheckpoint


@dataclass(frozen=True)
class Submitted:
    """The board's answer to an accepted entry."""

    index: int
    leaf_hash: bytes
    entry_hash: bytes
    receipt: Receipt
    created: bool
    # The hash the entry follows in the log (where the board placed a voter's entry).
    prev: bytes = b""


@dataclass(frozen=True)
class LogContents:
    """A log read from tiles and verified: its entries and the signed checkpoint."""

    entries: list[bytes]
    note: str
    checkpoint: VerifiedCheckpoint


class BoardClient:
    """One board server. Use as a context manager so its connections are closed."""

    def __init__(
        self,
        url: str,
        *,
        ca_file: Path | None = None,
        timeout: float = 30.0,
        environ: Mapping[str, str] | None = None,
        rng: random.Random | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        import httpx

        self.url = check_board_url(url)
        environ = os.environ if environ is None else environ
        cafile = ca_file or environ.get("SSL_CERT_FILE")
        verify: ssl.SSLContext | bool = (
            ssl.create_default_context(cafile=str(cafile)) if cafile else True
        )
        self._http = httpx.Client(
            base_url=self.url, verify=verify, timeout=timeout, follow_redirects=False
        )
        self._rng = rng or random.SystemRandom()
        self._sleep = sleep
        self.fetched = 0  # tiles and bundles fetched, for callers that report it

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    # -- transport --------------------------------------------------------------------

    def _request(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        import httpx

        try:
            response = self._http.request(method, path, **kwargs)
        except httpx.HTTPError as exc:
            raise BoardUnreachable(f"board {self.url}: {type(exc).__name__}: {exc}") from None
        if response.status_code >= 400:
            problem: Any = {}
            if response.headers.get("content-type", "").startswith("application/problem+json"):
                try:
                    problem = response.json()
                except ValueError:
                    problem = {}
            if not isinstance(problem, dict) or not problem:
                problem = {"detail": f"HTTP {response.status_code}"}
            if response.status_code in (429, 503) or response.status_code >= 500:
                raise BoardUnreachable(
                    f"board {self.url}: {problem.get('detail', response.status_code)}"
                )
            raise BoardRefused(response.status_code, problem)
        return response

    def _json(self, path: str) -> Any:
        response = self._request("GET", path)
        try:
            return response.json()
        except ValueError:
            raise BoardUnreachable(f"board {self.url}{path}: not JSON") from None

    @staticmethod
    def _election_path(election: str) -> str:
        return f"/elections/{quote(election, safe='')}"

    # -- reading ----------------------------------------------------------------------

    def info(self) -> dict[str, Any]:
        data = self._json("/")
        if not isinstance(data, dict) or not isinstance(data.get("vkey"), str):
            raise BoardUnreachable(f"board {self.url}: not a board")
        return data

    def elections(self) -> list[dict[str, Any]]:
        data = self._json("/elections")
        items = data.get("elections") if isinstance(data, dict) else None
        if not isinstance(items, list):
            raise BoardUnreachable(f"board {self.url}: malformed election listing")
        return [item for item in items if isinstance(item, dict)]

    def head(self, election: str) -> Head:
        """Where the election's next entry goes (for entries signed over the head)."""
        from voting.board import Head

        data = self._json(self._election_path(election) + "/head")
        try:
            return Head(election, int(data["seq"]), bytes.fromhex(data["prev"]))
        except (AttributeError, KeyError, TypeError, ValueError):
            raise BoardUnreachable(f"board {self.url}: malformed head") from None

    def checkpoint(self, election: str) -> str:
        return self._request("GET", self._election_path(election) + "/checkpoint").text

    def tile(self, election: str, tile: TilePath) -> bytes:
        self.fetched += 1
        return self._request("GET", f"{self._election_path(election)}/{tile.to_path()}").content

    def record(
        self, election: str, *, vkey: str | None = None, cache: Path | None = None
    ) -> Record:
        """An election's record read from tiles and verified, for `voting.audit`.

        The board key is `vkey` when the caller pinned one, else the key the election entry
        (entry 0, signed by the authority) names; the audit then checks that entry.
        """
        from voting.board import ElectionBody, Entry, Record
        from voting.chain import Ed25519Verifier
        from voting.errors import VotingError

        if vkey is None:
            first = decode_bundle(self.tile(election, TilePath(None, 0, 1)))
            try:
                body = Entry.from_bytes(first[0]).body
            except (IndexError, VotingError) as exc:
                raise VerificationFailed(f"board {self.url}: election entry: {exc}") from None
            if not isinstance(body, ElectionBody):
                raise VerificationFailed(f"board {self.url}: entry 0 is not an election entry")
            vkey = body.vkey
        try:
            verifier = Ed25519Verifier.from_vkey(vkey)
        except VotingError as exc:
            raise VerificationFailed(f"board key: {exc}") from None
        log = self.read_log(election, [verifier], cache=cache)
        return Record(election, tuple(log.entries), log.note, vkey)

    # -- writing ----------------------------------------------------------------------

    def submit(self, entry: bytes, election: str) -> Submitted:
        """Send one signed entry (or a voter's entry without its place); resending an entry
        already in the log is harmless. The answer is checked against what was sent."""
        from voting.chain import leaf_hash

        result = self._post(entry, election)
        if result.leaf_hash != leaf_hash(entry) and result.leaf_hash != leaf_hash(
            self._placed(entry, election, result).to_bytes()
        ):
            raise VerificationFailed(f"board {self.url}: the receipt is for another entry")
        return result

    def _post(self, entry: bytes, election: str) -> Submitted:
        from voting.chain import Receipt

        response = self._request(
            "POST",
            self._election_path(election) + "/entries",
            content=entry,
            headers={"Content-Type": "application/json"},
        )
        try:
            data = response.json()
            receipt = Receipt.from_text(data["receipt"])
            return Submitted(
                int(data["index"]),
                bytes.fromhex(data["leafHash"]),
                bytes.fromhex(data["entryHash"]),
                receipt,
                response.status_code == 201,
                bytes.fromhex(data["prev"]),
            )
        except (KeyError, TypeError, ValueError, WalletError) as exc:
            raise BoardUnreachable(f"board {self.url}: malformed answer ({exc})") from None
        except Exception as exc:  # voting's CheckpointError for a malformed receipt
            raise BoardUnreachable(f"board {self.url}: malformed receipt ({exc})") from None

    def _placed(self, sent: bytes, election: str, answer: Submitted) -> Entry:
        """The voter's entry `sent` at the place the board says it gave it."""
        from voting.board import Entry
        from voting.errors import VotingError

        try:
            entry = Entry.from_submission(sent)
            if entry.sequenced:
                return self._place(entry, election, answer)
        except VotingError:
            pass
        raise VerificationFailed(f"board {self.url}: the receipt is for another entry")

    def _place(self, entry: Entry, election: str, answer: Submitted) -> Entry:
        from voting.board import Head
        from voting.errors import VotingError

        try:
            return entry.place(Head(election, answer.index, answer.prev))
        except VotingError:
            raise VerificationFailed(f"board {self.url}: malformed place") from None

    def submit_entry(self, entry: Entry, election: str) -> tuple[Entry, Submitted]:
        """Send `entry` (a voter's entry without its place); return it as it is in the log."""
        from voting.chain import leaf_hash

        if not entry.sequenced:
            return entry, self.submit(entry.to_bytes(), election)
        answer = self._post(entry.submission_bytes(), election)
        placed = self._place(entry, election, answer)
        if answer.leaf_hash != leaf_hash(placed.to_bytes()):
            raise VerificationFailed(f"board {self.url}: the receipt is for another entry")
        return placed, answer

    def append(
        self,
        election: str,
        build: Callable[[Head], Entry],
        *,
        head: Head | None = None,
        attempts: int = 200,
        unreachable_attempts: int = 5,
    ) -> tuple[Entry, Submitted]:
        """Sign an entry and submit it; returns the entry as it is in the log and the answer.

        A voter's entry is signed once and placed by the board. Any other entry is signed on
        the board's head (`head`, or asked for), and signed again on the new head when another
        writer got there first (409, rule `link`). A lost answer is resent: the board appends
        an entry once.
        """
        from voting.board import Head

        entry: Entry | None = None
        if head is None:
            unplaced = build(Head.unplaced(election))
            if unplaced.sequenced:
                entry = unplaced
            else:
                head = self.head(election)
        failures = 0
        for _attempt in range(attempts):
            if entry is None:
                assert head is not None
                entry = build(head)
            try:
                return self.submit_entry(entry, election)
            except BoardRefused as refused:
                if refused.rule != "link" or entry.sequenced:
                    raise
                # Another entry took the place (another writer, perhaps through another
                # server of the board): sign again on the new head.
                entry = None
                found: Any = refused.problem.get("head")
                try:
                    head = Head(election, int(found["seq"]), bytes.fromhex(found["prev"]))
                except (KeyError, TypeError, ValueError):
                    head = self.head(election)
            except BoardUnreachable as exc:
                failures += 1
                if failures >= unreachable_attempts:
                    raise Unanswered(str(exc), entry) from None
                # The same bytes are sent again: an entry already in the log gets its
                # receipt back and is never appended twice.
                self._sleep(min(2.0, 0.05 * 2**failures) * self._rng.random())
        raise BoardUnreachable(f"board {self.url}: the log kept moving; gave up after {attempts}")

    def resume(
        self, election: str, entry: Entry, build: Callable[[Head], Entry]
    ) -> tuple[Entry, Submitted]:
        """Finish a submission another attempt left unanswered: send the same entry again;
        if its place was taken by another entry, it never got in, so sign it again."""
        try:
            return self.submit_entry(entry, election)
        except BoardRefused as refused:
            if refused.rule != "link" or entry.sequenced:
                raise
        return self.append(election, build)

    def status_list(self, url: str) -> dict[str, Any]:
        """A status list credential published to the board, by its id."""
        import hashlib

        key = hashlib.sha256(url.encode()).hexdigest()[:32]
        data = self._json(f"/status-lists/{key}")
        if not isinstance(data, dict) or data.get("id") != url:
            raise BoardUnreachable(f"board {self.url}: no status list {url[:80]!r}")
        return data

    def publish_status_list(self, credential: Mapping[str, Any]) -> None:
        import json

        self._request(
            "POST",
            "/status-lists",
            content=json.dumps(credential).encode(),
            headers={"Content-Type": "application/json"},
        )

    # -- reading a whole log from tiles ------------------------------------------------

    def read_log(
        self,
        election: str,
        verifiers: Sequence[NoteVerifier],
        *,
        origin: str | None = None,
        cache: Path | None = None,
        known: Sequence[bytes] = (),
    ) -> LogContents:
        """Fetch the signed checkpoint, then every entry bundle and hash tile it needs,
        rebuild the tree and check it against the checkpoint (VerificationFailed if not).

        With `cache`, full tiles and bundles (which never change) are kept in that folder
        and read from it next time, so a reader that follows a log fetches only what is new.
        Cached tiles are checked again with everything else against each new checkpoint, so
        a board that rewrote its history fails that check instead of being believed.
        `known` are entries the caller read before: the full bundles they fill are not
        fetched again (and are checked again all the same).
        """
        from voting.chain import Note, open_checkpoint
        from voting.errors import VotingError

        note = self.checkpoint(election)
        try:
            opened = open_checkpoint(Note.from_text(note), verifiers, origin=origin)
        except VotingError as exc:
            raise VerificationFailed(f"board {self.url}: checkpoint: {exc}") from None
        size = opened.checkpoint.size
        entries: list[bytes] = []
        for bundle in bundles_for_size(size):
            end = (bundle.index + 1) * TILE_WIDTH
            if bundle.is_full and end <= len(known):
                entries += known[end - TILE_WIDTH : end]
                continue
            try:
                got = decode_bundle(self._cached(election, bundle, cache))
            except ValueError as exc:
                raise VerificationFailed(f"entry bundle {bundle.to_path()}: {exc}") from None
            if len(got) != bundle.width:
                raise VerificationFailed(
                    f"entry bundle {bundle.to_path()}: {len(got)} entries, want {bundle.width}"
                )
            entries += got
        tiles = {
            (tile.level, tile.index): self._hashes(election, tile, cache)
            for tile in tiles_for_size(size)
        }
        try:
            verify_tiles(entries, tiles, opened.checkpoint.root_hash)
        except TileMismatch as exc:
            raise VerificationFailed(f"board {self.url}: {exc}") from None
        return LogContents(entries, note, opened)

    def _cached(self, election: str, tile: TilePath, cache: Path | None) -> bytes:
        if cache is None or not tile.is_full:
            return self.tile(election, tile)
        path = cache / election / tile.to_path()
        try:
            return path.read_bytes()
        except OSError:
            pass
        data = self.tile(election, tile)
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        temporary.write_bytes(data)
        temporary.replace(path)
        return data

    def _hashes(self, election: str, tile: TilePath, cache: Path | None = None) -> list[bytes]:
        data = self._cached(election, tile, cache)
        try:
            hashes = split_hashes(data)
        except ValueError as exc:
            raise VerificationFailed(f"tile {tile.to_path()}: {exc}") from None
        if len(hashes) != tile.width:
            raise VerificationFailed(f"tile {tile.to_path()}: {len(hashes)} hashes")
        return hashes
