"""End-to-end tests of `wallet status …`: revocation and suspension seen by verifiers."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.did.conftest import HttpsServer, https_server  # noqa: F401 -- the fixture
from tests.wallet.cli_helpers import Run, file_env, wallet_process
from tests.wallet.credential_helpers import CliWallet, make_cli_wallet


@pytest.fixture(scope="module")
def cli(tmp_path_factory: pytest.TempPathFactory) -> CliWallet:
    made = make_cli_wallet(tmp_path_factory.mktemp("cli-status"))
    created = made.ok("status", "create", "main", "--issuer", "issuer", "--json").json()
    assert created["revocation"].startswith("urn:uuid:")
    return made


def _publish(cli: CliWallet, name: str = "main") -> list[str]:
    files = []
    for purpose in ("revocation", "suspension"):
        target = cli.path(f"{name}-{purpose}.json")
        cli.ok("status", "publish", name, "--purpose", purpose, "-o", target)
        files += ["--status-list-file", str(target)]
    return files


def _present_and_verify(cli: CliWallet, credential: Path) -> Run:
    held = cli.hold(credential)
    presentation = cli.path(f"vp-{held}.json")
    cli.ok(
        "credential", "present", held, "--holder", "alice", "--challenge", "c", "-o", presentation
    )
    return cli.run(
        "presentation", "verify", presentation, "--challenge", "c", "--trust-any", *_publish(cli)
    )


def test_entries_for_both_purposes_at_one_index(cli: CliWallet) -> None:
    credential = json.loads(
        cli.issue("entries.json", "--claim", "a=1", "--status-list", "main").read_text()
    )
    revocation, suspension = credential["credentialStatus"]
    assert (revocation["statusPurpose"], suspension["statusPurpose"]) == (
        "revocation",
        "suspension",
    )
    assert revocation["statusListIndex"] == suspension["statusListIndex"]
    published = json.loads(Path(_publish(cli)[1]).read_text())
    assert published["id"] == revocation["statusListCredential"]
    assert published["credentialSubject"]["statusPurpose"] == "revocation"
    assert published["proof"]["proofPurpose"] == "assertionMethod"


def test_a_revoked_credential_fails_and_stays_revoked(cli: CliWallet) -> None:
    issued = cli.issue("revoked.json", "--claim", "a=1", "--status-list", "main")
    credential_id = cli.credential_id(issued)
    before = cli.run("credential", "verify", "--trust-any", issued, *_publish(cli))
    assert before.code == 0 and "✓ status" in before.stdout
    assert cli.ok("status", "revoke", credential_id, "--yes", "--json").json()["revoked"] is True
    run = _present_and_verify(cli, issued)
    assert run.code == 1
    assert "✗ credential[0].status: revoked:" in run.stdout
    assert "verification failed: credential[0].status" in run.stderr
    again = cli.run("status", "reinstate", credential_id)
    assert again.code == 2 and "final" in again.stderr


def test_a_suspended_credential_fails_until_reinstated(cli: CliWallet) -> None:
    issued = cli.issue("suspended.json", "--claim", "a=1", "--status-list", "main")
    credential_id = cli.credential_id(issued)
    cli.ok("status", "suspend", credential_id)
    run = _present_and_verify(cli, issued)
    assert run.code == 1 and "✗ credential[0].status: suspended:" in run.stdout
    cli.ok("status", "reinstate", credential_id)
    assert cli.run("credential", "verify", "--trust-any", issued, *_publish(cli)).code == 0


def test_without_the_lists_the_status_check_fails_as_unavailable(cli: CliWallet) -> None:
    issued = cli.issue("unlisted.json", "--claim", "a=1", "--status-list", "main")
    run = cli.run("credential", "verify", "--trust-any", issued)
    assert run.code == 1 and "✗ status: status_list_unavailable:" in run.stdout
    assert "--status-list-file" in run.stdout


def test_status_usage_errors(cli: CliWallet) -> None:
    assert cli.run("status", "revoke", "urn:uuid:never-issued", "--yes").code == 1
    assert cli.run("status", "create", "main", "--issuer", "issuer").code == 2
    assert cli.run("status", "publish", "main", "--purpose", "x", "-o", cli.path("x")).code == 2
    assert cli.run("status", "publish", "none", "-o", cli.path("x")).code == 1
    other = cli.run(
        "credential",
        "issue",
        "--issuer",
        "alice",
        "--subject",
        cli.bob,
        "--type",
        "T",
        "--claim",
        "a=1",
        "--status-list",
        "main",
    )
    assert other.code == 2 and "belongs to" in other.stderr


def test_lists_served_over_https_are_fetched(
    cli: CliWallet,
    https_server: HttpsServer,  # noqa: F811 -- the imported fixture
) -> None:
    base = https_server.url("/status/web")
    created = cli.ok("status", "create", "web", "--issuer", "issuer", "--url", base, "--json")
    assert created.json()["revocation"] == f"{base}/revocation"
    issued = cli.issue("served.json", "--claim", "a=1", "--status-list", "web")
    env = file_env(SSL_CERT_FILE=str(https_server.ca_path), NO_PROXY="localhost,127.0.0.1")

    def serve_and_verify() -> Run:
        for purpose in ("revocation", "suspension"):
            target = cli.path(f"web-{purpose}.json")
            cli.ok("status", "publish", "web", "--purpose", purpose, "-o", target)
            https_server.serve(f"/status/web/{purpose}", target.read_bytes())
        # The test CA reaches the fetch through SSL_CERT_FILE, read by a real process at start.
        return wallet_process(
            "--allow-private-network", "credential", "verify", "--trust-any", issued, env=env
        )

    fetched = serve_and_verify()
    assert fetched.code == 0 and "✓ status" in fetched.stdout, fetched.stdout
    cli.ok("status", "revoke", cli.credential_id(issued), "--yes")
    revoked = serve_and_verify()
    assert revoked.code == 1 and "✗ status: revoked:" in revoked.stdout
    https_server.routes.pop("/status/web/revocation")
    gone = wallet_process(
        "--allow-private-network", "credential", "verify", "--trust-any", issued, env=env
    )
    assert gone.code == 1 and "✗ status: status_list_unavailable:" in gone.stdout
    assert "404" in gone.stdout
