"""Provides witness operation for the wallet: a witness folder with its cosigning key in a
keystore, the logs it witnesses, and its C2SP tlog-witness HTTP app.

The HTTP app imports the server stack, so it is reached through `witness_app`, which
imports it only when called.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from wallet.witness._home import PASSPHRASE, WitnessHome, WitnessInfo, default_folder

if TYPE_CHECKING:
    from voting.witness import Witness
    from wallet.server import Guard, Limits


def witness_app(witness: Witness, limits: Limits | None = None) -> Guard:
    """The guarded ASGI app serving `witness` (tlog-witness add-checkpoint and monitoring)."""
    from wallet.witness._app import witness_app as build

    return build(witness, limits)


__all__ = ["PASSPHRASE", "WitnessHome", "WitnessInfo", "default_folder", "witness_app"]
