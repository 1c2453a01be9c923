"""Provides fixtures shared by the whole suite: the conformance-vector directory and a
PostgreSQL schema of its own for each test that needs one."""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def vectors_root() -> Path | None:
    """Return the conformance-vector directory, or None when it is not present.

    `$SSI_VECTORS_DIR` wins; otherwise `shared/vectors` beside the checkout.
    """
    configured = os.environ.get("SSI_VECTORS_DIR")
    candidate = Path(configured) if configured else ROOT.parent / "shared" / "vectors"
    return candidate if candidate.is_dir() else None


@pytest.fixture(scope="session")
def vectors() -> Path:
    """The conformance-vector directory; tests that need it skip, saying why, when absent."""
    root = vectors_root()
    if root is None:
        pytest.skip(
            "conformance vectors not found: set SSI_VECTORS_DIR or place shared/vectors "
            "beside the checkout"
        )
    return root


def postgres_required() -> bool:
    """CI must run the PostgreSQL tests: there a missing server fails them, never skips."""
    return os.environ.get("CI") == "true" or os.environ.get("SSI_REQUIRE_POSTGRES") == "1"


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A libpq URL into a fresh, empty schema of the throwaway cluster, dropped afterwards.

    The cluster comes from `scripts/with-postgres` (SSI_POSTGRES_URL); `scripts/test` runs the
    suite inside it.
    """
    base = os.environ.get("SSI_POSTGRES_URL")
    if not base:
        message = "no PostgreSQL: run the tests through scripts/with-postgres (SSI_POSTGRES_URL)"
        if postgres_required():
            pytest.fail(message)
        pytest.skip(message)
    import psycopg

    schema = f"t_{secrets.token_hex(6)}"
    try:
        with psycopg.connect(base, autocommit=True, connect_timeout=10) as admin:
            admin.execute(f"CREATE SCHEMA {schema}")
    except psycopg.Error as exc:
        pytest.fail(f"the PostgreSQL at SSI_POSTGRES_URL does not answer: {exc}")
    separator = "&" if "?" in base else "?"
    yield f"{base}{separator}options=-csearch_path%3D{schema}"
    with psycopg.connect(base, autocommit=True, connect_timeout=10) as admin:
        admin.execute(f"DROP SCHEMA {schema} CASCADE")
