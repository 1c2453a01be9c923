"""Provides witness operation for the wallet: a witness folder with its cosigning key in a
keystore, the logs it witnesses, its C2SP tlog-witness HTTP app, and the client a log uses
to ask a witness for a cosignature.

The HTTP app and the client import the server stack and httpx, so they are reached
through functions that import them only when called.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from wallet.witness._home import PASSPHRASE, WitnessHome, WitnessInfo, default_folder

if TYPE_CHECKING:
    import httpx

    from voting.chain import CosignatureVerifier, Note
    from voting.witness import Witness
    from wallet.server import Guard, Limits
    from wallet.witness._client import ProofSource


def witness_app(witness: Witness, limits: Limits | None = None) -> Guard:
    """The guarded ASGI app serving `witness` (tlog-witness add-checkpoint and monitoring)."""
    from wallet.witness._app import witness_app as build

    return build(witness, limits)


def request_cosignature(
    client: httpx.Client,
    url: str,
    witness: CosignatureVerifier,
    note: Note,
    *,
    old_size: int,
    proofs: ProofSource,
) -> Note:
    """Ask the witness at `url` to cosign `note` (see `wallet.witness._client`)."""
    from wallet.witness._client import request_cosignature as request

    return request(client, url, witness, note, old_size=old_size, proofs=proofs)


__all__ = [
    "PASSPHRASE",
    "WitnessHome",
    "WitnessInfo",
    "default_folder",
    "request_cosignature",
    "witness_app",
]
