"""Tests the passphrase holder and the standard source, and that secrets stay redacted."""

from __future__ import annotations

import pickle
import traceback
from pathlib import Path

import pytest

from tests.wallet.conftest import CHEAP
from wallet.errors import KeystoreLocked
from wallet.keystore import (
    PASSPHRASE_VARIABLE,
    EnvironmentOrPrompt,
    FileKeystore,
    Passphrase,
    SealedFile,
)

SECRET = "hunter2-but-longer"


class Prompter:
    """A scripted stand-in for getpass: returns the queued answers, records the labels."""

    def __init__(self, *answers: str) -> None:
        self.answers = list(answers)
        self.labels: list[str] = []

    def __call__(self, label: str) -> str:
        self.labels.append(label)
        return self.answers.pop(0)


def source(
    environ: dict[str, str], *, tty: bool, prompter: Prompter | None = None
) -> EnvironmentOrPrompt:
    return EnvironmentOrPrompt(environ, isatty=lambda: tty, prompt=prompter or Prompter())


def test_environment_variable_wins() -> None:
    prompter = Prompter()
    got = source({PASSPHRASE_VARIABLE: SECRET}, tty=True, prompter=prompter)(confirm=True)
    assert got.reveal() == SECRET.encode()
    assert prompter.labels == []


def test_empty_environment_variable_is_refused() -> None:
    with pytest.raises(KeystoreLocked, match="WALLET_PASSPHRASE is set but empty"):
        source({PASSPHRASE_VARIABLE: ""}, tty=True)(confirm=False)


def test_no_variable_and_no_terminal_names_the_variable() -> None:
    with pytest.raises(KeystoreLocked, match="WALLET_PASSPHRASE"):
        source({}, tty=False)(confirm=False)


def test_prompt_once_when_opening() -> None:
    prompter = Prompter(SECRET)
    assert source({}, tty=True, prompter=prompter)(confirm=False).reveal() == SECRET.encode()
    assert prompter.labels == ["Keystore passphrase: "]


def test_prompt_twice_when_creating_and_retry_on_mismatch() -> None:
    prompter = Prompter("one", "two", SECRET, SECRET)
    assert source({}, tty=True, prompter=prompter)(confirm=True).reveal() == SECRET.encode()
    assert len(prompter.labels) == 4


def test_three_mismatches_give_up() -> None:
    prompter = Prompter(*["a", "b"] * 3)
    with pytest.raises(KeystoreLocked, match="differed 3 times"):
        source({}, tty=True, prompter=prompter)(confirm=True)


def test_empty_prompt_answer_is_refused() -> None:
    with pytest.raises(KeystoreLocked, match="empty"):
        source({}, tty=True, prompter=Prompter(""))(confirm=False)


def test_interrupted_prompt_is_locked() -> None:
    def interrupted(label: str) -> str:
        raise EOFError

    with pytest.raises(KeystoreLocked, match="no passphrase"):
        EnvironmentOrPrompt({}, isatty=lambda: True, prompt=interrupted)(confirm=False)


def test_passphrase_is_normalised() -> None:
    composed, decomposed = Passphrase("caf\u00e9"), Passphrase("cafe\u0301")
    assert composed.reveal() == decomposed.reveal()


def test_passphrase_is_its_own_source_and_pickles() -> None:
    phrase = Passphrase(SECRET)
    assert phrase(confirm=True) is phrase
    # The bytes come from this test's own dumps, not from outside.
    assert pickle.loads(pickle.dumps(phrase)).reveal() == SECRET.encode()  # noqa: S301


def test_reprs_are_redacted(tmp_path: Path) -> None:
    phrase = Passphrase(SECRET)
    env_source = EnvironmentOrPrompt({PASSPHRASE_VARIABLE: SECRET})
    sealed = SealedFile(tmp_path / "k.sealed", phrase, **CHEAP)
    store = FileKeystore(tmp_path / "k.sealed", wallet_id="w", passphrase=env_source, **CHEAP)
    store.put("k", b"\x07" * 32)
    sealed.read()
    shown = [repr(phrase), str(phrase), repr(env_source), repr(sealed), repr(store)]
    shown += [repr(vars(store.keyring)), repr(store.info())]
    shown += [repr(getattr(sealed, name)) for name in ("_key", "_passphrase", "_source")]
    for text in shown:
        assert SECRET not in text
        assert "\\x07\\x07" not in text
    assert "<redacted>" in repr(phrase)
    assert "<redacted>" in repr(sealed._key)


def test_wrong_passphrase_traceback_shows_no_secret(tmp_path: Path) -> None:
    path = tmp_path / "k.sealed"
    FileKeystore(path, wallet_id="w", passphrase=Passphrase(SECRET), **CHEAP).put("k", b"\x01" * 32)
    other = "other-" + SECRET
    with pytest.raises(KeystoreLocked) as caught:
        FileKeystore(path, wallet_id="w", passphrase=Passphrase(other), **CHEAP).get("k")
    text = "".join(traceback.format_exception(caught.value))
    assert SECRET not in text
    assert caught.value.__cause__ is None
