"""End-to-end tests of `wallet credential …` and `wallet did web-document` through the CLI."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.did.conftest import HttpsServer, https_server  # noqa: F401 -- the fixture
from tests.wallet.cli_helpers import file_env, wallet_process
from tests.wallet.credential_helpers import SECRET_CLAIM, CliWallet, make_cli_wallet


@pytest.fixture(scope="module")
def cli(tmp_path_factory: pytest.TempPathFactory) -> CliWallet:
    return make_cli_wallet(tmp_path_factory.mktemp("cli-credential"))


@pytest.fixture(scope="module")
def degree(cli: CliWallet) -> Path:
    return cli.issue(
        "degree.json",
        "--claim",
        "name=Alice",
        "--claim",
        f"note={SECRET_CLAIM}",
        "--claim",
        "year=2024",
        "--claim",
        'honours={"level": 1}',
    )


def test_an_issued_credential_verifies_and_carries_typed_claims(
    cli: CliWallet, degree: Path
) -> None:
    credential = json.loads(degree.read_text())
    assert credential["issuer"] == cli.issuer
    assert credential["type"] == ["VerifiableCredential", "ExampleDegree"]
    subject = credential["credentialSubject"]
    assert subject == {
        "id": cli.alice,
        "name": "Alice",
        "note": SECRET_CLAIM,
        "year": 2024,
        "honours": {"level": 1},
    }
    human = cli.run("credential", "verify", "--trust-any", degree)
    assert human.code == 0, human.stdout + human.stderr
    assert human.stdout.splitlines()[0].startswith("✓ syntax")
    assert human.stdout.splitlines()[-1] == "verified"
    report = cli.run("credential", "verify", "--trust-any", degree, "--json").json()
    assert report["verified"] is True
    assert [c["check"] for c in report["checks"]] == [
        "syntax",
        "proof",
        "key",
        "validity",
        "status",
        "trust",
    ]


def _mutate(credential: dict[str, Any], field: str) -> None:
    target, name = {
        "claim": (credential["credentialSubject"], "name"),
        "proof value": (credential["proof"], "proofValue"),
        "issuer": (credential, "issuer"),
        "verification method": (credential["proof"], "verificationMethod"),
    }[field]
    value = target[name]
    # Change one character near the end, where did:key and base58 text carry key bits.
    index = len(value) - 3
    target[name] = value[:index] + ("B" if value[index] != "B" else "C") + value[index + 1 :]


@pytest.mark.parametrize(
    ("field", "check"),
    [
        ("claim", "proof"),
        ("proof value", "proof"),
        ("issuer", "key"),
        ("verification method", "key"),
    ],
)
def test_one_changed_character_fails_naming_the_check(
    cli: CliWallet, degree: Path, field: str, check: str
) -> None:
    credential = json.loads(degree.read_text())
    _mutate(credential, field)
    tampered = cli.path(f"tampered-{field.replace(' ', '-')}.json")
    tampered.write_text(json.dumps(credential))
    run = cli.run("credential", "verify", "--trust-any", tampered)
    assert run.code == 1
    assert any(line.startswith(f"✗ {check}:") for line in run.stdout.splitlines()), run.stdout
    assert run.stdout.splitlines()[-1] == "NOT verified"
    assert "verification failed:" in run.stderr and check in run.stderr


def test_claims_from_a_file_and_validity_options(cli: CliWallet) -> None:
    claims = cli.path("claims.json")
    claims.write_text(json.dumps({"name": "Alice", "scores": [1, 2]}))
    issued = cli.issue(
        "from-file.json",
        "--claims",
        str(claims),
        "--valid-from",
        "2024-01-01T00:00:00Z",
        "--valid-until",
        "2999-01-01",
    )
    credential = json.loads(issued.read_text())
    assert credential["credentialSubject"]["scores"] == [1, 2]
    assert (credential["validFrom"], credential["validUntil"]) == (
        "2024-01-01T00:00:00Z",
        "2999-01-01T00:00:00Z",
    )
    assert cli.run("credential", "verify", "--trust-any", issued).code == 0


def test_import_list_show_delete(cli: CliWallet, degree: Path) -> None:
    credential_id = cli.hold(degree)
    again = cli.run("credential", "import", degree)
    assert again.code == 2 and "already held" in again.stderr
    listed = cli.ok("credential", "list", "--json").json()
    mine = next(item for item in listed if item["id"] == credential_id)
    assert mine["types"] == ["ExampleDegree"] and mine["format"] == "di"
    assert (mine["issuer"], mine["subject"]) == (cli.issuer, cli.alice)
    line = next(x for x in cli.ok("credential", "list").stdout.splitlines() if credential_id in x)
    assert "ExampleDegree" in line and f"{cli.issuer} -> {cli.alice}" in line
    shown = cli.ok("credential", "show", credential_id[:6], "--json").json()
    assert shown["credential"] == json.loads(degree.read_text())
    assert cli.ok("credential", "delete", credential_id, "--yes").code == 0
    missing = cli.run("credential", "show", credential_id)
    assert missing.code == 1 and "no credential" in missing.stderr


def test_no_claim_value_is_stored_in_clear(tmp_path: Path) -> None:
    fresh = make_cli_wallet(tmp_path)
    issued = fresh.issue("c.json", "--claim", f"secret={SECRET_CLAIM}")
    fresh.hold(issued)
    files = [path for path in fresh.home.rglob("*") if path.is_file()]
    assert any(path.name == "wallet.db" for path in files)
    for path in files:
        assert SECRET_CLAIM.encode() not in path.read_bytes(), path.name
    shown = fresh.ok("credential", "list", "--json").json()
    assert shown[0]["types"] == ["ExampleDegree"]


@pytest.mark.parametrize(
    "args",
    [
        ["--claim", "a=1", "--claims", "x.json"],
        [],
        ["--claim", "a=1", "--valid-from", "soon"],
        # An SD-JWT VC has one type (its vct); status lists work for both formats now.
        ["--claim", "a=1", "--format", "sd-jwt", "--type", "Second"],
        ["--claim", "a=1", "--disclosable", "a"],
        ["--claim", "id=did:key:z6Mkother"],
    ],
)
def test_inconsistent_issue_requests_exit_2(cli: CliWallet, args: list[str]) -> None:
    run = cli.run(
        "credential", "issue", "--issuer", "issuer", "--subject", cli.alice, "--type", "T", *args
    )
    assert run.code == 2, run.stderr


def test_unreadable_and_malformed_inputs(cli: CliWallet) -> None:
    missing = cli.run("credential", "verify", "--trust-any", cli.path("nothing-here.json"))
    assert missing.code == 3 and "nothing-here.json" in missing.stderr
    garbage = cli.path("garbage.json")
    garbage.write_text('{"@context": [')
    run = cli.run("credential", "verify", "--trust-any", garbage)
    assert run.code == 1 and run.stdout.startswith("✗ syntax:")
    unknown = cli.run(
        "credential",
        "issue",
        "--issuer",
        "nobody",
        "--subject",
        cli.alice,
        "--type",
        "T",
        "--claim",
        "a=1",
    )
    assert unknown.code == 1 and "no identity 'nobody'" in unknown.stderr


def test_web_document_resolves_through_https_and_the_cli(
    cli: CliWallet,
    https_server: HttpsServer,  # noqa: F811 -- the imported fixture
) -> None:
    target = cli.path("did.json")
    made = cli.run(
        "did", "web-document", "issuer", "--domain", https_server.authority, "-o", target
    )
    assert made.code == 0, made.stderr
    did = f"did:web:localhost%3A{https_server.port}"
    assert f"{did}: serve this document at {https_server.url('/.well-known/did.json')}" in (
        made.stderr
    )
    https_server.serve("/.well-known/did.json", target.read_bytes())
    env = file_env(SSL_CERT_FILE=str(https_server.ca_path), NO_PROXY="localhost,127.0.0.1")
    # The resolver trusts the test CA through SSL_CERT_FILE, read by a real process at start.
    # Issue 14, finding 10: a did:web on this machine resolves only when the user allows it.
    refused = wallet_process("did", "resolve", did, env=env)
    assert refused.code == 1 and "allow_private_network" in refused.stderr, refused.stderr
    resolved = wallet_process("--allow-private-network", "did", "resolve", did, env=env)
    assert resolved.code == 0, resolved.stderr
    issuer_key = json.loads(cli.ok("did", "show", "issuer").stdout)["verificationMethod"][0]
    method = json.loads(resolved.stdout)["verificationMethod"][0]
    assert method["publicKeyMultibase"] == issuer_key["publicKeyMultibase"]
    assert method["controller"] == did
