"""Provides what the whole suite shares: the conformance vectors, their policy, the counts.

The vectors are read from `$SSI_VECTORS_DIR` or `shared/vectors` beside the checkout. When
they are absent, the tests that need them skip, saying why; in CI (`CI=true`) they fail
instead, so a run that checked no vector can never pass for one that did. The end of the
run says how the vector tests and the Secret Service tests ended.

Tests that need PostgreSQL get a schema of their own in the throwaway cluster of
`scripts/with-postgres`; without one they skip, saying why, and in CI they fail.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

#: The marker every test that reads the vectors carries (added at collection).
VECTOR_MARK = "conformance_vectors"
#: The marker every test that needs PostgreSQL carries (added at collection).
POSTGRES_MARK = "postgresql"

_ABSENT = (
    "conformance vectors not found: set SSI_VECTORS_DIR or place shared/vectors beside the checkout"
)


def vectors_root() -> Path | None:
    """Return the conformance-vector directory, or None when it is not present.

    `$SSI_VECTORS_DIR` wins; otherwise `shared/vectors` beside the checkout.
    """
    configured = os.environ.get("SSI_VECTORS_DIR")
    candidate = Path(configured) if configured else ROOT.parent / "shared" / "vectors"
    return candidate if candidate.is_dir() else None


def in_ci() -> bool:
    """Whether this run is CI's: `CI` set to true, as CI services set it."""
    return os.environ.get("CI", "").strip().lower() in {"true", "1", "yes"}


def require_vectors() -> Path:
    """Return the vector directory; when it is absent, skip the test, or fail it in CI."""
    root = vectors_root()
    if root is None:
        if in_ci():
            pytest.fail(f"{_ABSENT} (CI=true: the vector tests must run)", pytrace=False)
        pytest.skip(_ABSENT)
    return root


def postgres_required() -> bool:
    """CI must run the PostgreSQL tests: there a missing server fails them, never skips."""
    return in_ci() or os.environ.get("SSI_REQUIRE_POSTGRES") == "1"


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


@pytest.fixture(scope="session")
def vectors() -> Path:
    """The conformance-vector directory; see `require_vectors` for when it is absent."""
    return require_vectors()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark every test that needs the `vectors` fixture, directly or through another."""
    for item in items:
        if "vectors" in getattr(item, "fixturenames", ()):
            item.add_marker(VECTOR_MARK)
        if "postgres_url" in getattr(item, "fixturenames", ()):
            item.add_marker(POSTGRES_MARK)


#: Markers whose tests are counted at the end of the run, so that a log shows they ran.
COUNTED = {
    "secret_service": "secret-service tests",
    VECTOR_MARK: "conformance-vector tests",
    POSTGRES_MARK: "postgresql tests",
}


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Print how the Secret Service and the conformance-vector tests ended.

    The hook lives here, in the root conftest, because with pytest-xdist only the root
    conftest is loaded in the process that reports.
    """
    for marker, label in COUNTED.items():
        outcomes: dict[str, str] = {}
        # A later status outranks an earlier one for the same test: a test that passed its
        # call but failed at teardown counts as failed.
        for status in ("passed", "skipped", "failed", "error"):
            for report in terminalreporter.stats.get(status, []):
                if marker in getattr(report, "keywords", {}):
                    outcomes[report.nodeid] = status
        if not outcomes:
            continue
        found = list(outcomes.values())
        counts = {status: found.count(status) for status in set(found)}
        summary = ", ".join(f"{count} {status}" for status, count in sorted(counts.items()))
        terminalreporter.write_line(f"{label}: {summary}")
