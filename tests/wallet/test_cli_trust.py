"""Tests trust decisions, P-256 identities and given issuer keys through the command line."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from did import P256Key, issue_sd_jwt, public_key_jwk
from tests.did.conftest import HttpsServer, https_server  # noqa: F401 -- the fixture
from tests.wallet.cli_helpers import file_env, wallet, wallet_process
from tests.wallet.credential_helpers import CliWallet, make_cli_wallet
from tests.wallet.fakes import EPOCH


@pytest.fixture(scope="module")
def cli(tmp_path_factory: pytest.TempPathFactory) -> CliWallet:
    made = make_cli_wallet(tmp_path_factory.mktemp("cli-trust"))
    for label in ("es-issuer", "es-holder"):
        made.ok("did", "create", "--key", "p256", "--label", label)
    return made


def _did(cli: CliWallet, label: str) -> str:
    for item in cli.ok("did", "list", "--json").json():
        if item["label"] == label:
            return str(item["did"])
    raise AssertionError(label)


def test_verify_without_a_trust_decision_exits_1_naming_the_options(cli: CliWallet) -> None:
    degree = cli.issue("degree.json", "--claim", "name=Alice")
    undecided = cli.run("credential", "verify", degree)
    assert undecided.code == 1
    assert "✗ trust: no_trust_decision" in undecided.stdout
    assert "--trust" in undecided.stderr and "--trust-any" in undecided.stderr
    trusted = cli.run("credential", "verify", degree, "--trust", cli.issuer)
    assert trusted.code == 0, trusted.stdout + trusted.stderr
    assert "warning" not in trusted.stderr
    anyone = cli.run("credential", "verify", degree, "--trust-any")
    assert anyone.code == 0
    assert "warning: trust-any" in anyone.stderr
    report = cli.run("credential", "verify", degree, "--trust-any", "--json").json()
    assert report["warnings"] and report["verified"] is True
    other = cli.run("credential", "verify", degree, "--trust", cli.bob)
    assert other.code == 1 and "✗ trust: untrusted_issuer" in other.stdout
    both = cli.run("credential", "verify", degree, "--trust", cli.issuer, "--trust-any")
    assert both.code == 2


def test_presentation_verify_needs_the_decision_too(cli: CliWallet) -> None:
    held = cli.hold(cli.issue("for-vp.json", "--claim", "name=Alice"))
    presentation = cli.path("vp.json")
    cli.ok("credential", "present", held, "--holder", "alice", "--challenge", "c",
           "-o", presentation)  # fmt: skip
    undecided = cli.run("presentation", "verify", presentation, "--challenge", "c")
    assert undecided.code == 1 and "credential[0].trust" in undecided.stderr
    assert "--trust-any" in undecided.stderr
    decided = cli.run("presentation", "verify", presentation, "--challenge", "c",
                      "--trust", cli.issuer)  # fmt: skip
    assert decided.code == 0, decided.stdout


def test_p256_identities_issue_and_present_with_ecdsa_and_es256(cli: CliWallet) -> None:
    issuer, holder = _did(cli, "es-issuer"), _did(cli, "es-holder")
    assert issuer.startswith("did:key:zDn") and holder.startswith("did:key:zDn")
    listed = {item["label"]: item["key"] for item in cli.ok("did", "list", "--json").json()}
    assert listed["es-issuer"] == "p256" and listed["issuer"] == "ed25519"
    # A W3C credential signed with ecdsa-jcs-2019.
    di = cli.path("p256-di.json")
    cli.ok("credential", "issue", "--issuer", "es-issuer", "--subject", holder, "--type", "T",
           "--claim", "a=1", "-o", di)  # fmt: skip
    assert json.loads(di.read_text())["proof"]["cryptosuite"] == "ecdsa-jcs-2019"
    assert cli.run("credential", "verify", di, "--trust", issuer).code == 0
    # An ES256 SD-JWT VC, presented with an ES256 key-binding JWT.
    sd = cli.path("p256.sdjwt")
    cli.ok("credential", "issue", "--issuer", "es-issuer", "--subject", holder, "--type", "T",
           "--claim", "a=1", "--claim", "b=2", "--format", "sd-jwt", "--disclosable", "a",
           "--disclosable", "b", "-o", sd)  # fmt: skip
    assert json.loads(_b64(sd.read_text().split(".")[0]))["alg"] == "ES256"
    assert cli.run("credential", "verify", sd, "--trust", issuer).code == 0
    held = cli.hold(sd)
    vp = cli.path("p256-vp.sdjwt")
    cli.ok("credential", "present", held, "--holder", "es-holder", "--challenge", "n",
           "--domain", "v.example", "--disclose", "a", "-o", vp)  # fmt: skip
    verified = cli.run("presentation", "verify", vp, "--challenge", "n", "--domain", "v.example",
                       "--trust", issuer, "--json")  # fmt: skip
    assert verified.code == 0, verified.stdout
    assert verified.json()["claims"]["a"] == 1 and "b" not in verified.json()["claims"]


def test_elections_refuse_a_p256_identity_by_name(cli: CliWallet) -> None:
    # Election records are Ed25519 by their specification; a P-256 key says so, not crashes.
    from tests.wallet.credential_helpers import opened_wallet
    from wallet.errors import UsageError
    from wallet.services import Wallet, signing_key

    with opened_wallet(cli.home) as opened, pytest.raises(UsageError, match="Ed25519"):
        assert isinstance(opened, Wallet)
        signing_key(opened, "es-issuer")


def _b64(text: str) -> bytes:
    from did import b64url_decode

    return b64url_decode(text)


ISSUER_KEY = P256Key.from_private_bytes(bytes(31) + b"\x61")


def _https_sd_jwt(issuer: str, now: datetime = EPOCH) -> str:
    # In-process commands run on the tests' fixed clock (EPOCH); a real process on the system's.
    return issue_sd_jwt(
        {"name": "Ada"}, key=ISSUER_KEY, verification_method="key-1", issuer=issuer,
        vct="https://credentials.example/id", issued_at=now - timedelta(minutes=1),
    )  # fmt: skip


def test_issuer_key_file_verifies_an_sd_jwt_and_is_trusted(cli: CliWallet) -> None:
    sd = cli.path("given-key.sdjwt")
    # An issuer whose metadata cannot be fetched (nothing listens there), refused at once.
    sd.write_text(_https_sd_jwt("https://127.0.0.1:9"))
    key_file = cli.path("issuer.jwk")
    key_file.write_text(json.dumps(public_key_jwk(ISSUER_KEY.public_key, "P-256")))
    run = cli.run("credential", "verify", sd, "--issuer-key", key_file)
    assert run.code == 0, run.stdout + run.stderr
    # The same key as a trusted key file, but with no key to verify with: the issuer's
    # metadata cannot be read, so the key check fails.
    untrusted = cli.run("credential", "verify", sd, "--trust", str(key_file))
    assert untrusted.code == 1 and "✗ key:" in untrusted.stdout
    # The key may come on stdin.
    piped = wallet("credential", "verify", sd, "--issuer-key", "-", env=cli.env,
                   stdin=key_file.read_text())  # fmt: skip
    assert piped.code == 0, piped.stdout + piped.stderr
    private = cli.path("private.jwk")
    private.write_text(json.dumps({**public_key_jwk(ISSUER_KEY.public_key, "P-256"), "d": "AA"}))
    assert cli.run("credential", "verify", sd, "--issuer-key", private).code == 2


def test_es256_sd_jwt_with_an_https_issuer_verifies_from_its_metadata(
    cli: CliWallet,
    https_server: HttpsServer,  # noqa: F811 -- the fixture
    tmp_path: Path,
) -> None:
    issuer = https_server.url("/cli-issuer")
    jwk = {**public_key_jwk(ISSUER_KEY.public_key, "P-256"), "kid": "key-1"}
    https_server.serve("/.well-known/jwt-vc-issuer/cli-issuer",
                       {"issuer": issuer, "jwks": {"keys": [jwk]}})  # fmt: skip
    sd = tmp_path / "https.sdjwt"
    sd.write_text(_https_sd_jwt(issuer, datetime.now(UTC)))
    # The test CA reaches the real process through SSL_CERT_FILE, as a user's CA bundle would.
    env = file_env(WALLET_HOME=str(cli.home), SSL_CERT_FILE=str(https_server.ca_path),
                   NO_PROXY="localhost,127.0.0.1")  # fmt: skip
    run = wallet_process(
        "--allow-private-network", "credential", "verify", sd, "--trust", issuer, env=env
    )
    assert run.code == 0, run.stdout + run.stderr
    assert "✓ key" in run.stdout and "ES256 signature verifies" in run.stdout


def test_sd_jwt_revocation_through_a_token_status_list(cli: CliWallet) -> None:
    cli.ok("status", "create", "tokens", "--issuer", "issuer")

    def issue(name: str) -> tuple[Path, str]:
        target = cli.path(name)
        done = cli.ok("credential", "issue", "--issuer", "issuer", "--subject", cli.alice,
                      "--type", "T", "--claim", "a=1", "--format", "sd-jwt",
                      "--status-list", "tokens", "-o", target)  # fmt: skip
        issued_id = done.stderr.split("issued ", 1)[1].split(" ", 1)[0]
        return target, issued_id

    def status_of(credential: Path) -> str:
        token = cli.path("tokens.jwt")
        cli.ok("status", "publish", "tokens", "--format", "token", "-o", token)
        run = cli.run("credential", "verify", credential, "--trust", cli.issuer,
                      "--status-list-file", token)  # fmt: skip
        line = next(x for x in run.stdout.splitlines() if " status" in x)
        return line

    revoked, revoked_id = issue("token-revoked.sdjwt")
    suspended, suspended_id = issue("token-suspended.sdjwt")
    assert status_of(revoked).startswith("✓ status")
    cli.ok("status", "revoke", revoked_id, "--yes")
    cli.ok("status", "suspend", suspended_id)
    assert status_of(revoked).startswith("✗ status: revoked")
    assert status_of(suspended).startswith("✗ status: suspended")
    cli.ok("status", "reinstate", suspended_id)
    assert status_of(suspended).startswith("✓ status")
    # Without the token, the status cannot be checked: a failure, never a pass.
    missing = cli.run("credential", "verify", revoked, "--trust", cli.issuer)
    assert missing.code == 1 and "✗ status: status_list_unavailable" in missing.stdout


def test_a_trusted_key_may_come_on_stdin(cli: CliWallet) -> None:
    degree = cli.issue("piped-trust.json", "--claim", "a=1")
    multikey = cli.issuer.removeprefix("did:key:")  # A did:key's key, in Multikey form.
    trusted = wallet("credential", "verify", degree, "--trust", "-", env=cli.env, stdin=multikey)
    assert trusted.code == 0 and "✓ trust" in trusted.stdout, trusted.stdout + trusted.stderr
    other = wallet("credential", "verify", degree, "--trust", "-", env=cli.env,
                   stdin=cli.bob.removeprefix("did:key:"))  # fmt: skip
    assert other.code == 1 and "✗ trust" in other.stdout
