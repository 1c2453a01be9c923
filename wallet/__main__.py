"""Provides `python -m wallet`."""

from wallet.cli import main

raise SystemExit(main())
