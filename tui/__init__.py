"""Provides the terminal UI of ssi-wallet (Textual)."""
