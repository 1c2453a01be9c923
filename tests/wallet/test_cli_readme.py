"""The README's command table, checked against the command line itself.

Every command the table names exists and shows examples in its `--help`; every command of
the wallet is in the table; commands that output data print JSON with `--json` before or
after the command; and the exit codes are those of the README's table.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import click
import pytest

from tests.wallet.cli_helpers import ROOT, file_env, wallet
from tests.wallet.credential_helpers import CliWallet, make_cli_wallet
from tests.wallet.test_cli_help import LEAVES
from wallet.cli._app import COMMANDS, load_command

README = (ROOT / "README.md").read_text(encoding="utf-8")


def _table_commands() -> set[str]:
    """`wallet …` commands named in the README's command table (`a\\|b` spelled out)."""
    found: set[str] = set()
    for row in README.split("## Commands", 1)[1].split("\n## ", 1)[0].splitlines():
        if not row.startswith("| `wallet"):
            continue
        cell = row.split(" | ")[0]
        snippets = re.findall(r"`([^`]+)`", cell)
        group: tuple[str, ...] = ()
        for snippet in snippets:
            words = snippet.replace("\\|", "|").split()
            if words[0] == "wallet":
                words = words[1:]
                group = ()
            found |= _resolve(group, words)
            if not group and words and words[0] in COMMANDS:
                group = (words[0],)
    return found


def _resolve(group: tuple[str, ...], words: list[str]) -> set[str]:
    """The leaf commands that `words` names under `group`, expanding `a|b` alternatives."""
    command: click.Command = click.Group("wallet", commands={n: load_command(n) for n in COMMANDS})
    for name in group:
        assert isinstance(command, click.Group)
        command = command.commands[name]
    paths = [(group, command)]
    for word in words:
        if word.startswith("-"):
            break
        grown = []
        for path, node in paths:
            if isinstance(node, click.Group):
                grown += [
                    ((*path, alt), node.commands[alt])
                    for alt in word.split("|")
                    if alt in node.commands
                ]
        if not grown:
            break
        paths = grown
    return {"wallet " + " ".join(path) for path, node in paths if path}


TABLE = sorted(_table_commands())


def test_the_table_names_every_command_and_only_real_ones() -> None:
    assert set(TABLE) - set(LEAVES) == set()
    assert set(LEAVES) - set(TABLE) == set()


@pytest.mark.parametrize("path", TABLE)
def test_each_readme_command_has_examples_in_its_help(path: str) -> None:
    run = wallet(*path.split()[1:], "--help")
    assert run.code == 0 and "Examples:" in run.stdout


def test_the_exit_code_table_is_the_one_checked_here() -> None:
    codes = re.findall(r"^\| (\d) \|", README, flags=re.MULTILINE)
    assert codes == ["0", "1", "2", "3"]


@pytest.fixture(scope="module")
def cli(tmp_path_factory: pytest.TempPathFactory) -> CliWallet:
    made = make_cli_wallet(tmp_path_factory.mktemp("cli-readme"))
    made.ok("status", "create", "staff", "--issuer", "issuer")
    return made


@pytest.fixture(scope="module")
def values(cli: CliWallet) -> dict[str, str]:
    issued = cli.issue("readme.json", "--claim", "a=1")
    revocable = cli.issue("revocable.json", "--claim", "a=1", "--status-list", "staff")
    held = cli.hold(issued)
    presented = cli.ok("credential", "present", held, "--holder", "alice", "--challenge", "c")
    cli.path("vp.json").write_text(presented.stdout, encoding="utf-8")
    tampered = issued.read_text(encoding="utf-8").replace('"a": 1', '"a": 2')
    cli.path("tampered.json").write_text(tampered, encoding="utf-8")
    (cli.files / "empty").mkdir()
    return {
        "files": str(cli.files),
        "issued": str(issued),
        "held": held,
        "cid": cli.credential_id(revocable),
        "alice": cli.alice,
    }


# Commands that output data, each run with `--json` before and after the command ({pos}).
JSON_RUNS = [
    "did list",
    "did show alice",
    "did resolve {alice}",
    "did create --label made-{pos}",
    "did web-document alice --domain example.org",
    "keystore info",
    "credential list",
    "credential show {held}",
    "credential verify {issued} --trust-any",
    "credential issue --issuer issuer --subject {alice} --type T --claim a=1 -o {files}/i-{pos}",
    "credential present {held} --holder alice --challenge c",
    "presentation verify {files}/vp.json --challenge c --trust-any",
    "status create list-{pos} --issuer issuer",
    "status suspend {cid}",
    "status reinstate {cid}",
    "status publish staff -o {files}/published-{pos}.json",
    "receipt list",
    "election list",
]


@pytest.mark.parametrize("line", JSON_RUNS)
def test_json_before_and_after_the_command_parses(
    cli: CliWallet, values: dict[str, str], line: str
) -> None:
    for pos in ("before", "after"):
        args = line.format(pos=pos, **values).split()
        run = cli.run("--json", *args) if pos == "before" else cli.run(*args, "--json")
        assert run.code == 0, (pos, args, run.stderr)
        json.loads(run.stdout)


# The README's exit codes: 0 ok; 1 verification failed or nothing by that name; 2 usage;
# 3 environment.
EXIT_CODES = [
    ("--version", 0),
    ("credential verify {issued} --trust-any", 0),
    ("credential verify {files}/tampered.json", 1),
    ("credential show no-such-credential", 1),
    ("did show nobody", 1),
    ("did resolve did:key:zNotAKey", 1),
    ("presentation verify {files}/vp.json --challenge other", 1),
    ("frobnicate", 2),
    ("credential list --frobnicate", 2),
    ("did create --label alice", 2),
    ("status revoke {cid}", 2),
    ("credential delete {held}", 2),
    ("completion ksh", 2),
    ("credential verify {files}/missing.json", 3),
    ("--home {files}/empty did list", 3),
]


@pytest.mark.parametrize(("line", "code"), EXIT_CODES)
def test_exit_codes_match_the_readme(
    cli: CliWallet, values: dict[str, str], line: str, code: int
) -> None:
    run = cli.run(*line.format(**values).split())
    assert run.code == code, (line, run.stdout, run.stderr)


def test_usage_errors_print_no_traceback_in_a_real_process(tmp_path: Path) -> None:
    from tests.wallet.cli_helpers import wallet_process

    run = wallet_process("--home", tmp_path, "did", "list", env=file_env())
    assert run.code == 3 and run.stderr.startswith("error:")
