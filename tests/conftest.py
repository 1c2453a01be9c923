"""Provides fixtures shared by the whole suite: the conformance-vector directory."""

from __future__ import annotations

import os
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
