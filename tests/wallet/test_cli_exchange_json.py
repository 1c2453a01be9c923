"""The OpenID4VC commands print JSON with `--json` before or after the command: an offer and
its receipt, a presentation request and its answer, between two homes over loopback."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.wallet.credential_helpers import CliWallet
from tests.wallet.test_cli_exchange import (  # noqa: F401 -- the fixtures
    _dcql,
    _offer_args,
    as_holder,
    holder_home,
    issuer_home,
    serving,
)


def _json_document(stream: object) -> Any:
    """The next JSON document a server printed (`--json` indents it over several lines)."""
    text = ""
    for _ in range(200):
        line = stream.readline()  # type: ignore[attr-defined]
        assert isinstance(line, str) and line, f"the server printed no JSON: {text!r}"
        text += line
        try:
            return json.loads(text)
        except json.JSONDecodeError:
            continue
    raise AssertionError("no JSON document was printed")


@pytest.mark.parametrize("position", ["before", "after"])
def test_the_exchange_commands_print_json_before_or_after_the_command(
    issuer_home: CliWallet,  # noqa: F811 -- the fixture imported above
    holder_home: CliWallet,  # noqa: F811
    tmp_path: Path,
    position: str,
) -> None:
    def placed(*args: str) -> list[str]:
        return ["--json", *args] if position == "before" else [*args, "--json"]

    extra = ["--claim", f"case=json-{position}", "--disclosable", "case"]
    kind = f"https://example.org/person-json-{position}"
    offer = _offer_args(issuer_home, holder_home.bob, "dc+sd-jwt", *extra, kind=kind)
    with serving(issuer_home, *placed(*offer)) as issuer:
        offered = _json_document(issuer.stdout)
        assert offered["offer"].startswith("openid-credential-offer://")
        received = as_holder(holder_home, *placed(
            "credential", "receive", offered["offer"], "--identity", "bob",
            "--allow-private-network",
        ))  # fmt: skip
        assert received.code == 0, received.stderr
        assert issuer.wait(timeout=30) == 0
    (summary,) = received.json()
    assert summary["issuer"] == issuer_home.issuer
    query = _dcql(tmp_path, ["given_name"], vct=kind)
    request_args = ["presentation", "request", "--dcql", str(query),
                    "--trust", issuer_home.issuer, "--once", "--timeout", "60",
                    "--listen", "127.0.0.1:0"]  # fmt: skip
    with serving(issuer_home, *placed(*request_args)) as verifier:
        requested = _json_document(verifier.stdout)
        assert requested["request"].startswith("openid4vp://")
        sent = as_holder(holder_home, *placed(
            "present", requested["request"], "--yes", "--allow-private-network",
        ))  # fmt: skip
        assert sent.code == 0, sent.stderr
        json.loads(sent.stdout)
        assert verifier.wait(timeout=30) == 0
        assert _json_document(verifier.stdout)["verified"] is True
