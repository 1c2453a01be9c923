"""Provides `wallet audit`: the one audit implementation, `voting.audit.verify_record`.

The wallet adds nothing to the checks and draws nothing of its own: it passes the record
(an exported directory, or one election of a board file) to the audit and returns the
report in the services' one verification shape. It verifies when no check failed or was
skipped (checks of an unfinished election may be "not yet applicable", V8 without receipts
"not applicable").
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from wallet.errors import FileProblem
from wallet.services._verification import Verification, from_audit_report


def audit_record(
    record: Path | str,
    *,
    election: str | None = None,
    state: Path | None = None,
    progress: Callable[[int, int], None] | None = None,
    ca_file: Path | None = None,
) -> Verification:
    """Audit `record`: every check of the record spec §9, as a `Verification`.

    `election` chooses one election of a board file that holds several; a record the audit
    cannot read at all (or an election it does not hold) is a FileProblem.
    """
    from voting.audit import verify_record
    from voting.errors import AuditError

    source: object = record
    if isinstance(record, str) and record.startswith(("https://", "http://")):
        source = _record_from_board(record, election, state, ca_file)
    else:
        record = Path(record)
        if not record.exists():
            raise FileProblem(f"record {record}: no such file or directory")
        source = record
    try:
        report = verify_record(source, election=election, state=state, progress=progress)
    except AuditError as exc:
        raise FileProblem(str(exc)) from None
    return from_audit_report(report)


def _record_from_board(
    url: str, election: str | None, state: Path | None, ca_file: Path | None
) -> object:
    """An election's record read from a board server's tiles and checked against its signed
    checkpoint. With a state file, the full tiles read before are kept beside it
    (`<state>.tiles/`), so an incremental audit fetches only what was appended since."""
    from wallet.board._client import BoardClient

    with BoardClient(url, ca_file=ca_file) as client:
        if election is None:
            names = [str(item["id"]) for item in client.elections() if item.get("size")]
            if len(names) != 1:
                raise FileProblem(f"the board holds {len(names)} elections; name one of {names}")
            election = names[0]
        cache = state.with_name(state.name + ".tiles") if state is not None else None
        return client.record(election, cache=cache)
