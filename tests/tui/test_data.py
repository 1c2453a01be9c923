"""Tests of the TUI's non-visual layer: passphrase redaction, error wording, saving files."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from tests.tui.conftest import PASSPHRASE, locked_env
from tui.data import (
    BOARD_PASSPHRASE_VARIABLE,
    BallotChoices,
    ContestSpec,
    SaveError,
    Secret,
    Session,
    contests_from_summary,
    describe_error,
    save_new_file,
)
from wallet.services import ElectionSummary, Wallet, keystore_info


def test_the_typed_passphrase_opens_the_keystore_but_never_shows(home: Path) -> None:
    session = Session(home, locked_env())
    assert session.needs_passphrase()
    env = session.candidate(Secret(PASSPHRASE))
    with Wallet.open(home, env) as wallet:
        assert keystore_info(wallet).keystore.kind == "file"
    assert PASSPHRASE not in repr(env)
    assert PASSPHRASE not in repr(Secret(PASSPHRASE))
    assert env.environ["WALLET_PASSPHRASE"] == PASSPHRASE
    session.unlock(env)
    assert not session.needs_passphrase()


def test_the_board_passphrase_joins_the_wallet_passphrase_and_both_stay_hidden(
    home: Path,
) -> None:
    from wallet.services import Environment

    session = Session(home, Environment(environ={"LANG": "C"}))
    session.unlock(session.candidate(Secret(PASSPHRASE)))
    env = session.candidate(Secret("board secret"), BOARD_PASSPHRASE_VARIABLE)
    # Trying the board's passphrase leaves the session as it was until it is accepted.
    assert BOARD_PASSPHRASE_VARIABLE not in session.env.environ
    assert dict(env.environ) == {
        "LANG": "C",
        "WALLET_PASSPHRASE": PASSPHRASE,
        BOARD_PASSPHRASE_VARIABLE: "board secret",
    }
    assert len(env.environ) == 3
    shown = repr(env.environ)
    assert PASSPHRASE not in shown and "board secret" not in shown
    assert "WALLET_BOARD_PASSPHRASE, WALLET_PASSPHRASE redacted" in shown
    # A second try replaces the first rather than stacking up.
    again = session.candidate(Secret("another"), BOARD_PASSPHRASE_VARIABLE)
    assert again.environ[BOARD_PASSPHRASE_VARIABLE] == "another"
    assert len(again.environ) == 3


def test_a_passphrase_in_the_environment_needs_no_dialog(home: Path) -> None:
    from wallet.services import Environment

    assert not Session(home, Environment(environ={"WALLET_PASSPHRASE": "x"})).needs_passphrase()


def test_errors_are_worded_by_their_diagnostics_never_their_internals(tmp_path: Path) -> None:
    with pytest.raises(Exception) as caught:
        Wallet.open(tmp_path, locked_env())
    assert "run `wallet init` first" in describe_error(caught.value)
    secret_bearing = KeyError("passphrase=hunter2")
    assert describe_error(secret_bearing) == "internal error: KeyError"


def test_saving_never_overwrites_and_is_private(tmp_path: Path) -> None:
    path = save_new_file(tmp_path / "vp.json", "{}")
    assert path.read_text(encoding="utf-8") == "{}\n"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    with pytest.raises(SaveError, match="already exists"):
        save_new_file(path, "{}")
    assert path.read_text(encoding="utf-8") == "{}\n"
    with pytest.raises(SaveError, match="cannot create"):
        save_new_file(tmp_path / "missing-dir" / "vp.json", "{}")


def test_wallet_help_lists_the_tui_command() -> None:
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-m", "wallet", "tui", "--help"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert "Open the terminal UI" in done.stdout


def _summary(manifest: dict[str, object]) -> ElectionSummary:
    from voting.election import Manifest

    data = {"version": 1, "electionId": "e", "title": "E",
            "trustees": {"count": 1, "threshold": 1}, **manifest}  # fmt: skip
    return ElectionSummary(
        "e", Manifest.from_json(data), "open", "did:example:a", ("did:example:t",),
        "2026-01-01T00:00:00Z", "2026-01-02T00:00:00Z", "last", "o", 1, 0, 0, (), (), (),
    )  # fmt: skip


def test_the_form_enforces_the_contest_limits() -> None:
    summary = _summary({
        "contests": [
            {"id": "mayor", "label": "Mayor", "minSelections": 1, "maxSelections": 1,
             "options": [{"id": "ada", "label": "Ada"}, {"id": "bob", "label": "Bob"}]},
            {"id": "seats", "label": "Council", "minSelections": 0, "maxSelections": 2,
             "options": [{"id": "a", "label": "a"}, {"id": "b", "label": "b"},
                         {"id": "c", "label": "c"}]},
        ]
    })  # fmt: skip
    mayor, seats = contests_from_summary(summary)
    assert mayor == ContestSpec("mayor", "Mayor", (("ada", "Ada"), ("bob", "Bob")), 1, 1)
    assert mayor.limits() == "Choose exactly 1 option."
    assert mayor.problem(0) == "Mayor: choose at least 1 option (you chose 0)."
    assert mayor.problem(2) == "Mayor: choose at most 1 option (you chose 2)."
    assert mayor.problem(1) is None
    assert seats.limits() == "Choose up to 2 options (or none)."
    ballot = BallotChoices([mayor, seats], {"mayor": ["ada", "bob"], "seats": ["a"]})
    assert ballot.problems() == ["Mayor: choose at most 1 option (you chose 2)."]
    ballot.chosen["mayor"] = ["bob"]
    assert ballot.problems() == []
    assert ballot.for_service() == {"mayor": {"bob": 1}, "seats": {"a": 1}}
    assert ballot.review() == [("Mayor", "Bob"), ("Council", "a")]


def test_the_identity_holding_an_accepted_credential_is_offered_first() -> None:
    from tui.data import eligible_first
    from wallet.services import CredentialSummary, Identity

    def identity(did: str) -> Identity:
        return Identity(did=did, label=did[-1], method="key", created="2026-01-01T00:00:00Z")

    def held(subject: str, issuer: str, kind: str) -> CredentialSummary:
        return CredentialSummary("c", "di", ("VerifiableCredential", kind), issuer, subject,
                                 None, None, "2026-01-01T00:00:00Z")  # fmt: skip

    a, b, c = identity("did:ex:a"), identity("did:ex:b"), identity("did:ex:c")
    credentials = [
        held("did:ex:c", "did:ex:authority", "VoterCredential"),
        held("did:ex:b", "did:ex:someone-else", "VoterCredential"),
        held("did:ex:a", "did:ex:authority", "LibraryCard"),
    ]
    rule = {"issuers": ["did:ex:authority"], "credentialType": "VoterCredential"}
    ordered, eligible = eligible_first([a, b, c], credentials, rule)
    assert [i.did for i in ordered] == ["did:ex:c", "did:ex:a", "did:ex:b"]
    assert eligible == {"did:ex:c"}
    # No rule at hand: the order is kept and everyone holding a credential is offered.
    assert eligible_first([a, b, c], [], None) == ([a, b, c], set())
