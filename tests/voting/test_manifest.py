"""Tests the manifest: normal form, hash, rules, strict parsing, and the import rule."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from voting.election import Manifest
from voting.errors import ManifestError
from voting.testing import small_manifest

ROOT = Path(__file__).resolve().parents[2]


def test_round_trip_and_stable_hash() -> None:
    m = small_manifest()
    again = Manifest.from_json(json.dumps(m.to_json()))
    assert again == m
    assert again.hash() == m.hash()
    assert len(m.hash()) == 32
    assert small_manifest(max_sel=2).hash() != m.hash()


def test_option_max_defaults_to_one_in_the_normal_form() -> None:
    wire = small_manifest().to_json()
    del wire["contests"][0]["optionMax"]
    parsed = Manifest.from_json(wire)
    assert parsed == small_manifest()
    assert parsed.to_json()["contests"][0]["optionMax"] == 1


def test_eligibility_is_hashed_and_copied() -> None:
    wire = small_manifest().to_json()
    wire["eligibility"] = {"issuers": ["did:example:issuer"]}
    parsed = Manifest.from_json(wire)
    wire["eligibility"]["issuers"].append("did:example:other")
    assert parsed.eligibility == {"issuers": ["did:example:issuer"]}
    assert parsed.hash() != small_manifest().hash()


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda w: w.update(extra=1), "unknown keys"),
        (lambda w: w.update(version=2), "version"),
        (lambda w: w["trustees"].update(threshold=4), "threshold"),
        (lambda w: w["contests"][0].update(maxSelections=4), "maxSelections"),
        (lambda w: w["contests"][0].update(minSelections=2), "minSelections"),
        (lambda w: w["contests"][0].update(maxSelections=True), "integer"),
        (lambda w: w["contests"][0]["options"].append({"id": "o0", "label": "x"}), "duplicate"),
        (lambda w: w["contests"][0].update(id="Bad Id"), "is not"),
        (lambda w: w["contests"].append(w["contests"][1]), "duplicate contest"),
    ],
)
def test_rules_are_enforced(mutate: Callable[[dict[str, Any]], object], message: str) -> None:
    wire = small_manifest().to_json()
    mutate(wire)
    with pytest.raises(ManifestError, match=message):
        Manifest.from_json(wire)


def test_duplicate_json_keys_are_refused() -> None:
    text = json.dumps(small_manifest().to_json())
    with pytest.raises(ManifestError, match="duplicate key"):
        Manifest.from_json(text[:-1] + ', "title": "again"}')


@settings(max_examples=100, deadline=None)
@given(
    st.recursive(
        st.none() | st.booleans() | st.integers() | st.text(max_size=5),
        lambda c: st.lists(c, max_size=3) | st.dictionaries(st.text(max_size=8), c, max_size=3),
        max_leaves=10,
    )
)
def test_malformed_manifests_raise_manifest_error(contest: object) -> None:
    wire = small_manifest().to_json()
    wire["contests"] = [contest]
    with pytest.raises(ManifestError):
        Manifest.from_json(wire)
