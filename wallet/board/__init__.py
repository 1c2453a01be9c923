"""Provides the board as a network service: the PostgreSQL log store, the board host (its
key and store), the HTTP API with the C2SP tlog-tiles read path, and its client.

Importing this package imports nothing heavy; each part imports its libraries when used.
"""

from wallet.board._postgres import PostgresLogStore, is_postgres_url

__all__ = ["PostgresLogStore", "is_postgres_url"]
