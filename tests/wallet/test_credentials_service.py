"""In-process tests of the credential, status and did:web services, and of field sealing."""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from did import DidDocument, Resolver
from tests.did.conftest import HttpsServer, https_server  # noqa: F401 -- the fixture
from tests.wallet.credential_helpers import NOW, SECRET_CLAIM, make_wallet, opened_wallet
from wallet.errors import FileProblem, NotFound, UsageError, VerificationFailed
from wallet.services import (
    TrustDecision,
    Wallet,
    change_status,
    claims_from_pairs,
    create_status_list,
    did_web_for,
    import_credential,
    issue_credential,
    list_credentials,
    parse_time,
    present_credential,
    publish_status_list,
    show_credential,
    verify_credential_text,
    verify_presentation_text,
    web_document,
)
from wallet.services._sealing import open_field, seal_field

# Tests about other checks accept any issuer; trust has its own tests.
ANYONE = TrustDecision(any_issuer=True)

KEY = bytes(range(32))


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    path = tmp_path_factory.mktemp("service") / "home"
    return path, make_wallet(path)


@pytest.fixture
def opened(home: tuple[Path, dict[str, str]]) -> Iterator[Wallet]:
    with opened_wallet(home[0]) as value:
        yield value


def _issue(opened: Wallet, dids: dict[str, str], **options: Any) -> dict[str, Any]:
    document = issue_credential(
        opened,
        issuer="issuer",
        subject=dids["alice"],
        types=["ExampleDegree"],
        claims={"name": "Alice", "degree": SECRET_CLAIM},
        now=NOW,
        **options,
    )
    assert isinstance(document.content, dict)
    return document.content


# Sealing.


def test_a_sealed_field_opens_only_in_its_own_row_and_table() -> None:
    sealed = seal_field(KEY, "credentials", "row-1", b"personal data", random=os.urandom)
    assert b"personal data" not in sealed
    assert open_field(KEY, "credentials", "row-1", sealed) == b"personal data"
    for table, row in (("credentials", "row-2"), ("receipts", "row-1")):
        with pytest.raises(FileProblem, match="does not open"):
            open_field(KEY, table, row, sealed)
    with pytest.raises(FileProblem, match="does not open"):
        open_field(bytes(32), "credentials", "row-1", sealed)
    with pytest.raises(FileProblem, match="truncated"):
        open_field(KEY, "credentials", "row-1", sealed[:30])


@settings(max_examples=60)
@given(position=st.integers(min_value=0), bit=st.integers(min_value=0, max_value=7))
def test_every_bit_flip_of_a_sealed_field_is_detected(position: int, bit: int) -> None:
    sealed = bytearray(seal_field(KEY, "credentials", "r", b"x" * 40, random=lambda n: b"\1" * n))
    sealed[position % len(sealed)] ^= 1 << bit
    with pytest.raises(FileProblem):
        open_field(KEY, "credentials", "r", bytes(sealed))


# Parsing the user's input.


@pytest.mark.parametrize(
    ("pair", "value"),
    [
        ("age=30", 30),
        ("ok=true", True),
        ("x=1.5", 1.5),
        ("name=Alice", "Alice"),
        ('d={"a": [1]}', {"a": [1]}),
        ('s="30"', "30"),
        ("e=", ""),
        ("eq=a=b", "a=b"),
    ],
)
def test_claim_values_are_json_when_they_parse_else_text(pair: str, value: Any) -> None:
    assert claims_from_pairs([pair]) == {pair.partition("=")[0]: value}


@pytest.mark.parametrize("pairs", [["novalue"], ["=x"], ["a=1", "a=2"]])
def test_bad_claim_pairs_are_usage_errors(pairs: list[str]) -> None:
    with pytest.raises(UsageError):
        claims_from_pairs(pairs)


def test_times_accept_rfc3339_and_dates_and_treat_naive_as_utc() -> None:
    assert parse_time("2025-06-01T12:00:00Z") == NOW
    assert parse_time("2025-06-01T14:00:00+02:00") == NOW
    assert parse_time("2025-06-01T12:00:00") == NOW
    assert parse_time("2025-06-01") == NOW - timedelta(hours=12)
    with pytest.raises(UsageError, match="--valid-from"):
        parse_time("yesterday", "--valid-from")


# Issuing and tampering.

FIELDS = {
    "claims": (("credentialSubject", "degree"), "proof"),
    "subject": (("credentialSubject", "id"), "proof"),
    "proof value": (("proof", "proofValue"), "proof"),
    "issuer": (("issuer",), "key"),
    "verification method": (("proof", "verificationMethod"), "key"),
}


@pytest.fixture(scope="module")
def issued(home: tuple[Path, dict[str, str]]) -> str:
    with opened_wallet(home[0]) as value:
        return json.dumps(_issue(value, home[1]))


def test_an_issued_credential_verifies(issued: str) -> None:
    report = verify_credential_text(issued, now=NOW, trust=ANYONE)
    assert report.verified, report.to_json()
    # No status list, and no issuer named: trust passes only with the trust-any warning.
    assert [c.outcome for c in report.checks] == ["passed"] * 4 + ["skipped", "passed"]
    assert report.warnings


@settings(max_examples=150, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    field=st.sampled_from(sorted(FIELDS)),
    position=st.integers(min_value=0),
    char=st.characters(codec="utf-8"),
)
def test_changing_any_character_fails_naming_the_check(
    issued: str, field: str, position: int, char: str
) -> None:
    credential = json.loads(issued)
    (*parents, name), check = FIELDS[field]
    holder = credential
    for parent in parents:
        holder = holder[parent]
    value = holder[name]
    index = position % len(value)
    if value[index] == char:
        char = "A" if char != "A" else "B"
    holder[name] = value[:index] + char + value[index + 1 :]
    report = verify_credential_text(json.dumps(credential), now=NOW, trust=ANYONE)
    assert not report.verified
    assert check in {c.label for c in report.failures()}, report.to_json()


def test_validity_window_and_trust(opened: Wallet, home: tuple[Path, dict[str, str]]) -> None:
    text = json.dumps(_issue(opened, home[1], valid_until=NOW + timedelta(days=1)))
    assert verify_credential_text(text, now=NOW, trust=ANYONE).verified
    late = verify_credential_text(text, now=NOW + timedelta(days=2), trust=ANYONE)
    assert late.check("validity").reason == "expired"
    early = verify_credential_text(text, now=NOW - timedelta(seconds=1), trust=ANYONE)
    assert early.check("validity").reason == "not_yet_valid"
    trusted = verify_credential_text(
        text, now=NOW, trust=TrustDecision(issuers=(home[1]["issuer"],))
    )
    assert trusted.check("trust").outcome == "passed"
    other = verify_credential_text(text, now=NOW, trust=TrustDecision(issuers=(home[1]["alice"],)))
    assert other.check("trust").reason == "untrusted_issuer"


def test_issue_refuses_inconsistent_requests(opened: Wallet, home: tuple[Path, Any]) -> None:
    alice = home[1]["alice"]
    base: dict[str, Any] = {"issuer": "issuer", "subject": alice, "types": ["T"], "now": NOW}
    for options in (
        {"claims": {"id": "x"}},
        {"claims": {"a": 1}, "subject": "not-a-did"},
        {"claims": {"a": 1}, "fmt": "jwt"},
        {"claims": {"a": 1}, "disclosable": ["a"]},
        {"claims": {"a": 1}, "fmt": "sd-jwt", "disclosable": ["b"]},
        {"claims": {"a": 1}, "fmt": "sd-jwt", "types": ["T", "U"]},
        {"claims": {"a": 1}, "valid_until": NOW - timedelta(days=1)},
    ):
        with pytest.raises(UsageError):
            issue_credential(opened, **{**base, **options})
    with pytest.raises(NotFound):
        issue_credential(opened, **{**base, "issuer": "nobody", "claims": {"a": 1}})


# Holding: sealed at rest.


def test_held_credentials_are_sealed_and_rows_cannot_be_swapped(tmp_path: Path) -> None:
    home = tmp_path / "home"
    dids = make_wallet(home)
    with opened_wallet(home) as opened:
        first = import_credential(opened, json.dumps(_issue(opened, dids)), now=NOW)
        sd_jwt = issue_credential(
            opened,
            issuer="issuer",
            subject=dids["alice"],
            types=["Pid"],
            claims={"given_name": SECRET_CLAIM},
            now=NOW,
            fmt="sd-jwt",
            disclosable=["given_name"],
        )
        second = import_credential(opened, sd_jwt.text(), now=NOW)
        with pytest.raises(UsageError, match="already held"):
            import_credential(opened, sd_jwt.text(), now=NOW)
        listed = {item.id: item for item in list_credentials(opened)}
        assert set(listed) == {first.id, second.id}
        assert listed[second.id].types == ("Pid",) and listed[second.id].subject == dids["alice"]
        shown = show_credential(opened, first.id[:5]).content
        assert isinstance(shown, dict) and shown["credentialSubject"]["degree"] == SECRET_CLAIM
    for path in home.iterdir():
        data = path.read_bytes()
        # Claim values, claim names and types are all inside the sealed field.
        for clear in (SECRET_CLAIM, "given_name", "ExampleDegree", "credentialSubject"):
            assert clear.encode() not in data, (clear, path.name)
    with sqlite3.connect(home / "wallet.db") as conn:
        rows = dict(conn.execute("SELECT id, sealed FROM credentials").fetchall())
        conn.execute("UPDATE credentials SET sealed = ? WHERE id = ?", (rows[second.id], first.id))
    with opened_wallet(home) as opened, pytest.raises(FileProblem, match="does not open"):
        show_credential(opened, first.id)


def test_import_refuses_a_forged_credential(opened: Wallet, issued: str) -> None:
    forged = json.loads(issued)
    forged["credentialSubject"]["name"] = "Mallory"
    with pytest.raises(VerificationFailed, match="proof"):
        import_credential(opened, json.dumps(forged), now=NOW)
    with pytest.raises(VerificationFailed):
        import_credential(opened, "not a credential", now=NOW)


# Status lists.


def test_revocation_and_suspension_through_published_lists(tmp_path: Path) -> None:
    home = tmp_path / "home"
    dids = make_wallet(home)
    with opened_wallet(home) as opened:
        info = create_status_list(opened, "main", issuer="issuer", now=NOW)
        indices = iter([5, 5, 9])
        credential = _issue(opened, dids, status_list="main", choose_index=lambda n: next(indices))
        second = _issue(opened, dids, status_list="main", choose_index=lambda n: next(indices))

        def verdict(subject: dict[str, Any]) -> str | None:
            files = []
            for purpose in ("revocation", "suspension"):
                published = publish_status_list(opened, "main", purpose=purpose, now=NOW)
                files.append(tmp_path / f"{purpose}.json")
                files[-1].write_text(json.dumps(published))
            report = verify_credential_text(
                json.dumps(subject), now=NOW, status_list_files=files, trust=ANYONE
            )
            reason: str | None = report.check("status").reason
            return reason

        assert [e["statusListIndex"] for e in credential["credentialStatus"]] == ["5", "5"]
        assert [e["statusListIndex"] for e in second["credentialStatus"]] == ["9", "9"]
        assert credential["credentialStatus"][1]["statusListCredential"] == info.suspension_id
        assert verdict(credential) is None
        change_status(opened, credential["id"], "suspend")
        assert verdict(credential) == "suspended" and verdict(second) is None
        change_status(opened, credential["id"], "reinstate")
        assert verdict(credential) is None
        assert change_status(opened, credential["id"], "revoke").revoked
        assert verdict(credential) == "revoked"
        with pytest.raises(UsageError, match="final"):
            change_status(opened, credential["id"], "reinstate")
        with pytest.raises(NotFound):
            change_status(opened, "urn:uuid:unknown", "revoke")
        with pytest.raises(UsageError, match="no free index"):
            _issue(opened, dids, status_list="main", choose_index=lambda n: 5)
        without = verify_credential_text(json.dumps(credential), now=NOW, trust=ANYONE)
        assert without.check("status").reason == "status_list_unavailable"


def test_a_status_list_belongs_to_one_issuer(opened: Wallet, home: tuple[Path, Any]) -> None:
    create_status_list(opened, "alices", issuer="alice", now=NOW)
    with pytest.raises(UsageError, match="belongs to"):
        _issue(opened, home[1], status_list="alices")
    with pytest.raises(UsageError, match="exists already"):
        create_status_list(opened, "alices", issuer="alice", now=NOW)
    with pytest.raises(UsageError, match="https"):
        create_status_list(opened, "plain", issuer="alice", now=NOW, url="http://x.example/s")


# Presenting.


def test_presentations_bind_challenge_domain_and_holder(tmp_path: Path) -> None:
    home = tmp_path / "home"
    dids = make_wallet(home)
    with opened_wallet(home) as opened:
        held = import_credential(opened, json.dumps(_issue(opened, dids)), now=NOW)
        mine = present_credential(
            opened, held.id, holder="alice", challenge="c1", domain="v.example", now=NOW
        ).text()
        theirs = present_credential(opened, held.id, holder="bob", challenge="c1", now=NOW).text()

    def check(text: str, challenge: str = "c1", domain: str | None = "v.example") -> Any:
        return verify_presentation_text(
            text, challenge=challenge, domain=domain, now=NOW, trust=ANYONE
        )

    assert check(mine).verified
    assert check(mine, challenge="c2").check("challenge").reason == "challenge_mismatch"
    assert check(mine, domain="w.example").check("challenge").reason == "domain_mismatch"
    assert check(theirs, domain=None).check("holder_binding").reason == "holder_mismatch"


# did:web.


@pytest.mark.parametrize(
    ("domain", "did", "url"),
    [
        ("example.com", "did:web:example.com", "https://example.com/.well-known/did.json"),
        (
            "example.com:8443",
            "did:web:example.com%3A8443",
            "https://example.com:8443/.well-known/did.json",
        ),
        (
            "https://example.com/users/alice/",
            "did:web:example.com:users:alice",
            "https://example.com/users/alice/did.json",
        ),
    ],
)
def test_did_web_forms(opened: Wallet, domain: str, did: str, url: str) -> None:
    assert did_web_for(domain) == did
    made = web_document(opened, "alice", domain)
    assert (made.did, made.url) == (did, url)
    document = DidDocument.from_json(made.document, expected_id=did)
    alice = opened.db.find_identity("alice")
    assert alice is not None
    assert document.find_verification_method(did + "#key-1").public_key == alice.public_key


@pytest.mark.parametrize("domain", ["", "bad_host!", "192.168.0.1", "example.com:99999"])
def test_did_web_refuses_bad_domains(domain: str) -> None:
    with pytest.raises(UsageError):
        did_web_for(domain)


def test_a_served_web_document_resolves_to_the_wallets_key(
    opened: Wallet,
    https_server: HttpsServer,  # noqa: F811 -- the imported fixture
) -> None:
    made = web_document(opened, "issuer", https_server.authority + "/people/issuer")
    https_server.serve("/people/issuer/did.json", made.document)
    with https_server.client() as client:
        method = Resolver(
            http_client=client, allow_private_network=True
        ).resolve_verification_method(made.did + "#key-1", "assertionMethod")
    issuer = opened.db.find_identity("issuer")
    assert issuer is not None and method.public_key == issuer.public_key
