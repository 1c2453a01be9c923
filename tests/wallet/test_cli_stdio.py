"""`-` is stdin or stdout; `--json` before or after the command; `--yes` for final actions."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.wallet.cli_helpers import Run, wallet
from tests.wallet.credential_helpers import CliWallet, make_cli_wallet


@pytest.fixture(scope="module")
def cli(tmp_path_factory: pytest.TempPathFactory) -> CliWallet:
    made = make_cli_wallet(tmp_path_factory.mktemp("cli-stdio"))
    made.ok("status", "create", "staff", "--issuer", "issuer")
    return made


def _issue(cli: CliWallet, *extra: str, stdin: str = "") -> Run:
    base = ("credential", "issue", "--issuer", "issuer", "--subject", cli.alice)
    return wallet(*base, "--type", "Badge", *extra, env=cli.env, stdin=stdin)


def test_dash_output_is_stdout_never_a_file(
    cli: CliWallet, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    run = _issue(cli, "--claim", "level=3", "-o", "-")
    assert run.code == 0, run.stderr
    assert json.loads(run.stdout)["credentialSubject"]["level"] == 3
    assert not (tmp_path / "-").exists()
    published = cli.ok("status", "publish", "staff", "-o", "-")
    assert json.loads(published.stdout)["type"][-1] == "BitstringStatusListCredential"
    assert not (tmp_path / "-").exists()


def test_dash_input_is_stdin_for_claims_verify_import_and_presentations(cli: CliWallet) -> None:
    issued = _issue(cli, "--claims", "-", stdin='{"level": 7, "name": "Ada"}')
    assert issued.code == 0, issued.stderr
    subject = json.loads(issued.stdout)["credentialSubject"]
    assert (subject["level"], subject["name"]) == (7, "Ada")
    verified = wallet("credential", "verify", "-", "--trust-any", env=cli.env, stdin=issued.stdout)
    assert verified.code == 0 and verified.stdout.splitlines()[-1] == "verified"
    broken = issued.stdout.replace('"Ada"', '"Bob"')
    assert wallet("credential", "verify", "-", env=cli.env, stdin=broken).code == 1
    imported = wallet("credential", "import", "-", "--json", env=cli.env, stdin=issued.stdout)
    assert imported.code == 0, imported.stderr
    held = imported.json()["id"]
    challenge = ("--challenge", "n-1")
    presented = cli.ok("credential", "present", held, "--holder", "alice", *challenge, "-o", "-")
    checked = wallet(
        "presentation",
        "verify",
        "-",
        *challenge,
        "--trust-any",
        "--json",
        env=cli.env,
        stdin=presented.stdout,
    )
    assert checked.code == 0, checked.stderr
    assert checked.json()["verified"] is True


@pytest.mark.parametrize("position", ["before", "after"])
def test_json_is_accepted_before_or_after_the_command(
    cli: CliWallet, tmp_path: Path, position: str
) -> None:
    def run(*args: str | Path) -> Run:
        done = cli.run("--json", *args) if position == "before" else cli.run(*args, "--json")
        assert done.code == 0, (args, done.stderr)
        return done

    target = tmp_path / f"badge-{position}.json"
    summary = run(
        "credential",
        "issue",
        "--issuer",
        "issuer",
        "--subject",
        cli.alice,
        "--type",
        "Badge",
        "--claim",
        "a=1",
        "-o",
        target,
    ).json()
    assert summary["path"] == str(target) and summary["id"] == json.loads(target.read_text())["id"]
    held = cli.hold(target)
    assert run("credential", "show", held).json()["id"] == held
    presented = run("credential", "present", held, "--holder", "alice", "--challenge", "c").json()
    assert presented["format"] == "di" and presented["credential"]["type"][0]
    listed = tmp_path / f"list-{position}.json"
    assert run("status", "publish", "staff", "-o", listed).json()["path"] == str(listed)
    assert run("credential", "delete", held, "--yes").json() == {"deleted": held}


def test_show_is_human_by_default(cli: CliWallet, tmp_path: Path) -> None:
    held = cli.hold(cli.issue("human.json", "--claim", "a=1"))
    shown = cli.ok("credential", "show", held).stdout
    first, _, rest = shown.partition("\n")
    assert first.startswith(held) and "ExampleDegree" in first
    assert json.loads(rest)["credentialSubject"]["a"] == 1


def test_final_actions_refuse_without_yes_when_not_on_a_terminal(cli: CliWallet) -> None:
    issued = cli.issue("revocable.json", "--claim", "a=1", "--status-list", "staff")
    held = cli.hold(issued)
    for args in (
        ("credential", "delete", held),
        ("status", "revoke", cli.credential_id(issued)),
    ):
        refused = cli.run(*args)
        assert refused.code == 2 and "--yes" in refused.stderr, refused.stderr
    # Nothing changed: the credential is still held and not revoked.
    assert cli.ok("credential", "show", held, "--json").json()["id"] == held
    revoked = cli.ok("status", "revoke", cli.credential_id(issued), "--yes", "--json").json()
    assert revoked["revoked"] is True


def test_dash_is_stdin_for_a_status_list_file(cli: CliWallet, tmp_path: Path) -> None:
    issued = cli.issue("listed.json", "--claim", "a=1", "--status-list", "staff")
    revocation = cli.ok("status", "publish", "staff", "-o", "-").stdout
    suspension = tmp_path / "suspension.json"
    cli.ok("status", "publish", "staff", "--purpose", "suspension", "-o", suspension)
    lists = ("--status-list-file", "-", "--status-list-file", suspension)
    args = ("credential", "verify", issued, "--trust-any", *lists)
    checked = wallet(*args, env=cli.env, stdin=revocation)
    assert checked.code == 0, checked.stdout + checked.stderr
    assert "✓ status" in checked.stdout
    # stdin is read once: two files cannot both be -.
    twice = wallet("credential", "verify", "-", "--trust-any", *lists, env=cli.env, stdin="{}")
    assert twice.code == 2 and "only one file can be -" in twice.stderr


@pytest.mark.parametrize(
    ("given", "what"),
    [
        (("--issuer-key", "-"), "key file"),
        (("--trust", "-"), "key file"),
        (("--status-list-file", "-", "--trust-any"), "status list"),
    ],
)
def test_an_error_about_a_dash_input_names_stdin_not_a_temporary_file(
    cli: CliWallet, given: tuple[str, ...], what: str
) -> None:
    issued = cli.issue(f"named-{given[0][2:]}.json", "--claim", "a=1")
    run = wallet("credential", "verify", issued, *given, env=cli.env,
                 stdin="not a key, not a list")  # fmt: skip
    assert run.code in (2, 3), run.stderr
    assert "- (stdin)" in run.stderr and what in run.stderr
    assert "wallet-stdin-" not in run.stderr and "/stdin" not in run.stderr


def test_dash_is_stdout_for_a_did_web_document(cli: CliWallet, tmp_path: Path) -> None:
    run = cli.ok("did", "web-document", "alice", "--domain", "example.org", "-o", "-")
    assert json.loads(run.stdout)["id"] == "did:web:example.org"


def test_dash_is_stdin_for_a_dcql_query(cli: CliWallet) -> None:
    # The query is read (and judged) before any verifier starts.
    empty = wallet("presentation", "request", "--dcql", "-", "--once", env=cli.env,
                   stdin='{"credentials": []}')  # fmt: skip
    assert empty.code == 1 and "dcql_query.credentials: want a non-empty array" in empty.stderr
