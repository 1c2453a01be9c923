"""Provides `python -m tui [--home DIR]`: the program `wallet tui` starts."""

from __future__ import annotations

import argparse
import os
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="wallet tui", description="The ssi-wallet terminal UI.")
    parser.add_argument("--home", type=Path, default=None, help="wallet home directory")
    args = parser.parse_args(argv)

    from tui.app import create_app
    from wallet.services import Environment

    create_app(args.home, Environment(environ=dict(os.environ))).run()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
