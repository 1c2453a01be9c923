"""Provides the audit's saved state, so that a re-run verifies only what was appended since.

The state records the checkpoint it verified (origin, board key, size, root) and what the
audit learnt up to it: which ballots failed and why, every ballot id seen, the ballot that
counts for each voter, the running encrypted sums, the status lists the ballots' credentials
name, and which valid ballots still await the status lists frozen at close (only their
status is read then; no ballot is verified twice). It is bound to that root: a later
run first proves, with a consistency proof computed from the record's own entries, that
the new checkpoint extends the saved one, and fails check V4 otherwise. A digest over the
state's content detects a damaged file; the state is never trusted across a history change.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import did
from did.errors import DidError
from voting.audit._report import Reason
from voting.errors import AuditError

# Version 2 dropped the ballots kept "pending" for re-verification at close; a state of
# another version is refused, never read with the wrong meaning.
# Version 3 added the board's rule state (the rules are replayed, not re-derived) and the
# issuer of every status list reference.
STATE_VERSION = 3


@dataclass(frozen=True, slots=True)
class AuditState:
    """What an audit verified up to one checkpoint; see the module docstring."""

    origin: str
    vkey: str
    size: int
    root: bytes
    election_hash: bytes
    # Indices of the entries that are not ballots; they are few and re-checked every run.
    others: tuple[int, ...]
    # Every ballot id seen, with the index of its entry.
    ballot_ids: dict[str, int]
    # Per voter, the entries of the voter's ballots that passed V5-V7, in log order.
    valid: dict[str, tuple[int, ...]]
    # Valid ballots with a credential status, verified while the election was open: at close
    # the frozen lists are read for them once (empty once the election is closed).
    unjudged: tuple[int, ...]
    # (status list URL, issuer of a credential naming it) over every ballot seen, sorted.
    status_refs: tuple[tuple[str, str], ...]
    # The weight of each valid ballot entry whose weight is not 1.
    weights: dict[int, int]
    # Per voter, the entry of the ballot included in `aggregate`.
    counted: dict[str, int]
    # Per contest, per option: the 64 bytes alpha || beta of the sum over counted ballots.
    aggregate: tuple[tuple[bytes, ...], ...]
    # The V5-V7 failures of ballots verified so far, carried into every later report.
    failures: tuple[tuple[int, Reason], ...]
    # The board's rule state after the last entry (`voting.board.RuleState.to_json`).
    rules: dict[str, Any]
    # did:web DID -> (index of the entry recording it, its DID document).
    documents: dict[str, tuple[int, dict[str, Any]]]

    def to_json(self) -> dict[str, Any]:
        """Return the wire form, with a digest over everything else."""
        body: dict[str, Any] = {
            "version": STATE_VERSION,
            "origin": self.origin,
            "vkey": self.vkey,
            "size": self.size,
            "root": self.root.hex(),
            "electionHash": self.election_hash.hex(),
            "others": list(self.others),
            "ballotIds": dict(sorted(self.ballot_ids.items())),
            "valid": {voter: list(v) for voter, v in sorted(self.valid.items())},
            "unjudged": list(self.unjudged),
            "statusRefs": [list(r) for r in self.status_refs],
            "weights": {str(i): w for i, w in sorted(self.weights.items())},
            "counted": dict(sorted(self.counted.items())),
            "aggregate": [[ct.hex() for ct in row] for row in self.aggregate],
            "failures": [{"check": n, "reason": r.to_json()} for n, r in self.failures],
            "rules": self.rules,
            "documents": {d: [i, doc] for d, (i, doc) in sorted(self.documents.items())},
        }
        body["digest"] = _digest(body)
        return body

    @classmethod
    def from_json(cls, data: Any) -> AuditState:
        """Parse a state and check its digest; a damaged state is an AuditError."""
        if not isinstance(data, dict) or "digest" not in data:
            raise AuditError("audit state: want an object with a digest")
        body = {k: v for k, v in data.items() if k != "digest"}
        if data["digest"] != _digest(body):
            raise AuditError("audit state: digest does not match its content (file damaged)")
        if body.get("version") != STATE_VERSION:
            raise AuditError(
                f"audit state: version {body.get('version')!r}, want {STATE_VERSION}; "
                "remove the file to audit in full"
            )
        try:
            return cls(
                origin=_typed(body["origin"], str),
                vkey=_typed(body["vkey"], str),
                size=_typed(body["size"], int),
                root=_hex(body["root"], 32),
                election_hash=_hex(body["electionHash"], 32),
                others=tuple(_typed(i, int) for i in body["others"]),
                ballot_ids={_typed(k, str): _typed(v, int) for k, v in body["ballotIds"].items()},
                valid={
                    _typed(k, str): tuple(_typed(i, int) for i in v)
                    for k, v in body["valid"].items()
                },
                unjudged=tuple(_typed(i, int) for i in body["unjudged"]),
                status_refs=tuple((_typed(u, str), _typed(i, str)) for u, i in body["statusRefs"]),
                weights={int(_typed(k, str)): _typed(v, int) for k, v in body["weights"].items()},
                counted={_typed(k, str): _typed(v, int) for k, v in body["counted"].items()},
                aggregate=tuple(tuple(_hex(ct, 64) for ct in row) for row in body["aggregate"]),
                failures=tuple(
                    (_typed(f["check"], int), Reason.from_json(f["reason"]))
                    for f in body["failures"]
                ),
                rules=_typed(body["rules"], dict),
                documents={
                    _typed(d, str): (_typed(v[0], int), _typed(v[1], dict))
                    for d, v in _typed(body["documents"], dict).items()
                },
            )
        except (KeyError, IndexError, TypeError, AttributeError, ValueError) as exc:
            raise AuditError(f"audit state: malformed ({exc!r})") from None


def _digest(body: dict[str, Any]) -> str:
    text = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    return hashlib.sha256(b"ssi-wallet/audit-state\n" + text.encode("ascii")).hexdigest()


def _typed(value: Any, kind: type[Any]) -> Any:
    if not isinstance(value, kind) or isinstance(value, bool):
        raise AuditError(f"audit state: got {value!r}, want {kind.__name__}")
    return value


def _hex(value: Any, size: int) -> bytes:
    if not isinstance(value, str) or len(value) != 2 * size:
        raise AuditError(f"audit state: want {2 * size} hex digits")
    try:
        return bytes.fromhex(value)
    except ValueError:
        raise AuditError("audit state: not hex") from None


def load_state(path: str | Path) -> AuditState | None:
    """Read a saved state; a missing file means a first run and gives None."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise AuditError(f"audit state {p.name}: cannot read ({exc.strerror})") from None
    try:
        # The one strict reader, with its depth cap: a hostile state file is an error.
        data = did.parse_json(text)
    except DidError as exc:
        raise AuditError(f"audit state {p.name}: not JSON ({exc})") from None
    return AuditState.from_json(data)


def save_state(path: str | Path, state: AuditState) -> None:
    """Write the state atomically: a crash leaves the old file or the new one, never half."""
    p = Path(path)
    text = json.dumps(state.to_json(), separators=(",", ":")) + "\n"
    try:
        fd, tmp = tempfile.mkstemp(prefix=".audit-state-", dir=p.parent or Path())
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        Path(tmp).replace(p)
    except OSError as exc:
        raise AuditError(f"audit state {p.name}: cannot write ({exc.strerror})") from None
