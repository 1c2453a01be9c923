"""Provides the `wallet` command line (Typer): `main()` and the root `app`."""

from wallet.cli._app import app, main

__all__ = ["app", "main"]
