"""Provides opening the wallet's keystore from its recorded kind, and choosing one at init."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from wallet._home import Home
from wallet.errors import UsageError

if TYPE_CHECKING:
    from wallet.keystore import EnvironmentOrPrompt, Keystore
    from wallet.services._session import Environment


def passphrase_source(
    env: Environment, *, variable: str = "WALLET_PASSPHRASE"
) -> EnvironmentOrPrompt:
    """The passphrase from `variable` in the environment, else a prompt on a terminal."""
    from wallet.keystore import EnvironmentOrPrompt

    return EnvironmentOrPrompt(env.environ, variable=variable, isatty=lambda: env.interactive)


def new_keystore(kind: str, *, wallet_id: str, home: Path, env: Environment) -> Keystore:
    """Open the keystore for a new wallet; `auto` picks the OS keyring when it answers."""
    from wallet.keystore import choose_backend, open_keystore

    if kind == "auto":
        choice = choose_backend(home=home)
        env.notify(choice.notice)
        kind = choice.kind
    if kind not in ("os", "file"):
        raise UsageError(f"unknown keystore {kind!r}; choose auto, os or file")
    return open_keystore(
        "os" if kind == "os" else "file",
        wallet_id=wallet_id,
        home=home,
        passphrase=passphrase_source(env),
        randbytes=env.rng,
    )


def open_recorded_keystore(home: Home, env: Environment) -> Keystore:
    """Open the backend recorded in the wallet's config; never silently another one."""
    from wallet.keystore import open_keystore

    kind = home.config.keystore
    return open_keystore(
        "os" if kind == "os" else "file",
        wallet_id=home.config.wallet_id,
        home=home.path,
        passphrase=passphrase_source(env),
        randbytes=env.rng,
    )
