"""Tests that a manifest is validated completely before anything is created (issue 14,
finding 9): values JCS cannot represent, or nesting past the parser's cap, are a usage error
(exit 2) at `load_manifest`, which the command runs before it opens or creates a board."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.wallet.test_elections_service import MANIFEST
from wallet.errors import UsageError
from wallet.services import load_manifest

TRUSTEES = ["did:key:z6MkTrusteeOne", "did:key:z6MkTrusteeTwo", "did:key:z6MkTrusteeThree"]


def load(text: str) -> Any:
    return load_manifest(
        text,
        trustees=TRUSTEES,
        threshold=2,
        issuers=["did:key:z6MkIssuer"],
        credential_type="VoterCredential",
    )


def test_a_sound_manifest_loads() -> None:
    assert load(json.dumps(MANIFEST)).election_id == MANIFEST["electionId"]


@pytest.mark.parametrize(
    "text",
    [
        json.dumps(MANIFEST).replace('"Test vote"', '"\\ud800"'),
        json.dumps({**MANIFEST, "title": "x"}).replace('"x"', '"x", "title": "y"'),
        json.dumps(MANIFEST)[:-1] + ', "x": 1e400}',
        json.dumps(MANIFEST)[:-1] + ', "x": 123456789012345678901}',
        json.dumps(MANIFEST)[:-1] + ', "x": ' + "[" * 5000 + "]" * 5000 + "}",
    ],
    ids=["lone-surrogate", "repeated-member", "overflowing-number", "huge-integer", "deep"],
)
def test_values_jcs_cannot_represent_are_usage_errors(text: str) -> None:
    with pytest.raises(UsageError, match="--manifest"):
        load(text)
