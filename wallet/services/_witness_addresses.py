"""Provides where a board file's witnesses are reachable: kept in its sidecar by its operator
(`wallet board witness add NAME URL --store FILE`), read by `_local_witnessing` and by
`wallet board serve`."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

from wallet.errors import FileProblem, UsageError
from wallet.services._boards import LocalBoard, sidecar_path, write_atomically
from wallet.services._session import Environment


def add_witness(store: Path, name: str, url: str, env: Environment) -> dict[str, str]:
    """Record in a board file's sidecar where witness `name` is reachable; return them all."""
    from voting.chain._note import check_name
    from voting.errors import CheckpointError
    from wallet.board._witnessing import parse_witness_urls

    try:
        check_name(name)
        parse_witness_urls([f"{name}={url}"])
    except (CheckpointError, ValueError) as exc:
        raise UsageError(f"witness {name!r} at {url!r}: {exc}") from None
    path = Path(store)
    if not path.is_file():
        raise FileProblem(f"{store}: no such board file (a PostgreSQL board takes "
                          "`wallet board serve --witness NAME=URL`)")  # fmt: skip
    with LocalBoard.open(path, env) as board:
        sidecar = board.sidecar
    witnesses = {**sidecar.witnesses, name: url}
    updated = replace(sidecar, witnesses=witnesses)
    write_atomically(sidecar_path(path), json.dumps(updated.to_json(), indent=2) + "\n")
    return witnesses
