"""End-to-end tests of `wallet credential present` and `wallet presentation verify`."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.wallet.cli_helpers import Run
from tests.wallet.credential_helpers import CliWallet, make_cli_wallet


@pytest.fixture(scope="module")
def cli(tmp_path_factory: pytest.TempPathFactory) -> CliWallet:
    return make_cli_wallet(tmp_path_factory.mktemp("cli-presentation"))


@pytest.fixture(scope="module")
def held(cli: CliWallet) -> str:
    return cli.hold(cli.issue("degree.json", "--claim", "name=Alice"))


def _present(cli: CliWallet, held_id: str, name: str, *args: str, holder: str = "alice") -> Path:
    target = cli.path(name)
    cli.ok("credential", "present", held_id, "--holder", holder, *args, "-o", target)
    return target


def _verify(cli: CliWallet, presentation: Path, *args: str) -> Run:
    # A verifier decides whom to trust; tests about other checks accept any issuer.
    decided = () if "--trust" in args else ("--trust-any",)
    return cli.run("presentation", "verify", presentation, *args, *decided)


def _failed(run: Run, path: str, reason: str) -> None:
    assert run.code == 1, run.stdout + run.stderr
    assert f"✗ {path}: {reason}:" in run.stdout, run.stdout
    assert f"verification failed: {path}" in run.stderr


def test_a_presentation_verifies_only_with_its_own_challenge_and_domain(
    cli: CliWallet, held: str
) -> None:
    presentation = _present(cli, held, "vp.json", "--challenge", "c-1", "--domain", "v.example")
    ok = _verify(cli, presentation, "--challenge", "c-1", "--domain", "v.example")
    assert ok.code == 0, ok.stdout
    assert ok.stdout.splitlines()[-1] == "verified"
    assert "✓ credential[0].proof" in ok.stdout
    replay = _verify(cli, presentation, "--challenge", "c-2", "--domain", "v.example")
    _failed(replay, "challenge", "challenge_mismatch")
    elsewhere = _verify(cli, presentation, "--challenge", "c-1", "--domain", "w.example")
    _failed(elsewhere, "challenge", "domain_mismatch")


def test_a_holder_who_is_not_the_subject_is_refused(cli: CliWallet, held: str) -> None:
    target = cli.path("bob.json")
    run = cli.run(
        "credential", "present", held, "--holder", "bob", "--challenge", "c", "-o", target
    )
    assert run.code == 0 and "is not the subject" in run.stderr
    _failed(_verify(cli, target, "--challenge", "c"), "holder_binding", "holder_mismatch")


@pytest.mark.parametrize(
    ("window", "reason"),
    [
        (
            ["--valid-from", "2020-01-01T00:00:00Z", "--valid-until", "2021-01-01T00:00:00Z"],
            "expired",
        ),
        (["--valid-from", "2999-01-01T00:00:00Z"], "not_yet_valid"),
    ],
)
def test_credentials_outside_their_validity_window_fail(
    cli: CliWallet, window: list[str], reason: str
) -> None:
    issued = cli.issue(f"{reason}.json", "--claim", "name=Alice", *window)
    held_id = cli.hold(issued)
    presentation = _present(cli, held_id, f"vp-{reason}.json", "--challenge", "c")
    _failed(_verify(cli, presentation, "--challenge", "c"), "credential[0].validity", reason)


def test_trusted_issuers(cli: CliWallet, held: str) -> None:
    presentation = _present(cli, held, "vp-trust.json", "--challenge", "c")
    trusted = _verify(cli, presentation, "--challenge", "c", "--trust", cli.issuer)
    assert trusted.code == 0 and "✓ credential[0].trust" in trusted.stdout
    others = _verify(cli, presentation, "--challenge", "c", "--trust", cli.bob)
    _failed(others, "credential[0].trust", "untrusted_issuer")
    report = _verify(cli, presentation, "--challenge", "c", "--trust", cli.bob, "--json").json()
    assert report["verified"] is False
    trust = report["credentials"][0]["checks"][-1]
    assert trust["problem"]["type"].endswith("#RANGE_ERROR")


@pytest.fixture(scope="module")
def sd_jwt(cli: CliWallet) -> str:
    issued = cli.issue(
        "pid.txt",
        "--format",
        "sd-jwt",
        "--claim",
        "name=Alice",
        "--claim",
        "age=30",
        "--claim",
        "city=Paris",
        "--disclosable",
        "name",
        "--disclosable",
        "age",
    )
    assert issued.read_text().count("~") == 3
    return cli.hold(issued)


def test_sd_jwt_shows_only_the_disclosed_claims(cli: CliWallet, sd_jwt: str) -> None:
    presentation = _present(
        cli,
        sd_jwt,
        "pid-vp.txt",
        "--challenge",
        "n-1",
        "--domain",
        "v.example",
        "--disclose",
        "age",
    )
    run = _verify(cli, presentation, "--challenge", "n-1", "--domain", "v.example", "--json")
    assert run.code == 0, run.stdout
    claims = run.json()["claims"]
    assert claims["age"] == 30 and claims["city"] == "Paris" and "name" not in claims
    human = _verify(cli, presentation, "--challenge", "n-1", "--domain", "v.example")
    assert '"age": 30' in human.stdout and "Alice" not in human.stdout
    _failed(
        _verify(cli, presentation, "--challenge", "n-2", "--domain", "v.example"),
        "challenge",
        "nonce_mismatch",
    )
    _failed(
        _verify(cli, presentation, "--challenge", "n-1", "--domain", "w.example"),
        "challenge",
        "audience_mismatch",
    )


def test_a_tampered_disclosure_fails(cli: CliWallet, sd_jwt: str) -> None:
    presentation = _present(
        cli,
        sd_jwt,
        "pid-tamper.txt",
        "--challenge",
        "n",
        "--domain",
        "v.example",
        "--disclose",
        "name",
    )
    jwt, disclosure, kb = presentation.read_text().strip().split("~")
    changed = disclosure[:-2] + ("A" if disclosure[-2] != "A" else "B") + disclosure[-1]
    tampered = cli.path("pid-tampered.txt")
    tampered.write_text(f"{jwt}~{changed}~{kb}")
    run = _verify(cli, tampered, "--challenge", "n", "--domain", "v.example")
    assert run.code == 1
    assert "✗ disclosures:" in run.stdout and "✗ holder_binding: sd_hash_mismatch" in run.stdout
    assert "claims:" not in run.stdout


def test_sd_jwt_presentations_need_a_domain(cli: CliWallet, sd_jwt: str) -> None:
    run = cli.run("credential", "present", sd_jwt, "--holder", "alice", "--challenge", "n")
    assert run.code == 2 and "--domain" in run.stderr
    di = cli.run("credential", "present", sd_jwt[:3] + "x", "--holder", "alice", "--challenge", "n")
    assert di.code == 1 and "no credential" in di.stderr
