"""Provides a witness's folder: its cosigning key in a keystore, its logs and its state.

A witness lives in one folder (default `<wallet home>/witness`): `witness.json` (public data
only: id, keystore kind, key name, verifier key), `witness.db` (the logs it witnesses and the
latest tree it cosigned for each, `voting.witness.WitnessState`) and, with the file keystore,
`witness.keys`, the sealed file holding its Ed25519 cosigning key (passphrase from
`WALLET_WITNESS_PASSPHRASE` or a prompt). With the OS keystore the key sits under service
`ssi-wallet/witness-<id>`. As for a board, the recorded keystore is the only one ever opened.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from wallet.errors import FileProblem, HomeError, KeystoreCorrupted, UsageError

if TYPE_CHECKING:
    from voting.chain import CosignatureSigner, Ed25519Verifier
    from voting.witness import Clock, Witness, WitnessState
    from wallet.keystore import Keystore
    from wallet.services import Environment

SIDECAR = "witness.json"
STATE = "witness.db"
KEYS = "witness.keys"
PASSPHRASE = "WALLET_WITNESS_PASSPHRASE"  # noqa: S105 -- a variable name, not a secret.
KEY_ID = "cosigning-key"
SIDECAR_VERSION = 1


def default_folder(home: Path | None, environ: Mapping[str, str]) -> Path:
    """`<wallet home>/witness`, the home chosen as for every command."""
    from wallet._home import resolve_home

    return resolve_home(home, environ) / "witness"


@dataclass(frozen=True)
class WitnessInfo:
    """The public sidecar of a witness: its id, where its key lives, its verifier key."""

    witness_id: str
    keystore: str
    name: str
    vkey: str

    def to_json(self) -> dict[str, Any]:
        return {
            "version": SIDECAR_VERSION,
            "witness": self.witness_id,
            "keystore": self.keystore,
            "name": self.name,
            "vkey": self.vkey,
        }

    @classmethod
    def from_json(cls, data: Any, source: Path) -> WitnessInfo:
        try:
            if data["version"] != SIDECAR_VERSION or data["keystore"] not in ("os", "file"):
                raise ValueError("version or keystore")
            info = cls(str(data["witness"]), data["keystore"], str(data["name"]), str(data["vkey"]))
        except (KeyError, TypeError, ValueError) as exc:
            raise FileProblem(f"{source}: not a witness sidecar ({exc})") from None
        if not info.witness_id.isalnum():
            raise FileProblem(f"{source}: malformed witness id")
        return info


class WitnessHome:
    """An opened witness folder. Use as a context manager so its state file is closed."""

    def __init__(self, folder: Path, info: WitnessInfo, env: Environment) -> None:
        self.folder = folder
        self.info = info
        self.env = env
        self._signer: CosignatureSigner | None = None
        self._state: WitnessState | None = None

    @classmethod
    def create(
        cls, folder: Path, env: Environment, *, name: str | None = None, keystore: str = "auto"
    ) -> WitnessHome:
        """Make a witness in `folder`: a fresh cosigning key, stored in the chosen keystore."""
        from voting.chain import CosignatureSigner
        from voting.errors import CheckpointError
        from wallet.keystore import choose_backend

        folder = Path(folder).expanduser()
        if (folder / SIDECAR).exists():
            raise HomeError(f"{folder} already holds a witness; use it, or choose --dir")
        if keystore == "auto":
            choice = choose_backend(home=folder.parent)
            env.notify(choice.notice)
            keystore = choice.kind
        if keystore not in ("os", "file"):
            raise UsageError(f"unknown keystore {keystore!r}; choose auto, os or file")
        witness_id = env.token(8)
        try:
            signer = CosignatureSigner(name or f"ssi-wallet-witness-{witness_id}", env.rng(32))
        except CheckpointError as exc:
            raise UsageError(f"witness name: {exc}") from None
        try:
            folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        except OSError as exc:
            raise FileProblem(f"cannot create {folder}: {exc}") from None
        info = WitnessInfo(witness_id, keystore, signer.name, signer.verifier().to_vkey())
        home = cls(folder, info, env)
        home._keystore().put(KEY_ID, signer.seed)
        # The sidecar is written last: a folder without it holds no witness yet.
        _write_atomically(folder / SIDECAR, json.dumps(info.to_json(), indent=2) + "\n")
        home._signer = signer
        return home

    @classmethod
    def open(cls, folder: Path, env: Environment) -> WitnessHome:
        """Open the witness in `folder`; a missing or unreadable sidecar is exit 3."""
        folder = Path(folder).expanduser()
        sidecar = folder / SIDECAR
        from did import parse_json
        from did.errors import DidError

        try:
            data = parse_json(sidecar.read_bytes())
        except FileNotFoundError:
            raise HomeError(
                f"no witness in {folder}; create one with `wallet witness init`"
            ) from None
        except (OSError, DidError) as exc:
            raise FileProblem(f"cannot read {sidecar}: {exc}") from None
        return cls(folder, WitnessInfo.from_json(data, sidecar), env)

    def __enter__(self) -> WitnessHome:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self._state is not None:
            self._state.close()
            self._state = None

    def _keystore(self) -> Keystore:
        from wallet.keystore import EnvironmentOrPrompt, FileKeystore, open_keystore

        wallet_id = f"witness-{self.info.witness_id}"
        passphrase = EnvironmentOrPrompt(
            self.env.environ, variable=PASSPHRASE, isatty=lambda: self.env.interactive
        )
        if self.info.keystore == "os":
            return open_keystore("os", wallet_id=wallet_id, home=self.folder, passphrase=passphrase)
        return FileKeystore(self.folder / KEYS, wallet_id=wallet_id, passphrase=passphrase)

    @property
    def signer(self) -> CosignatureSigner:
        """The cosigning key, from the recorded keystore (opened on first use)."""
        if self._signer is None:
            from voting.chain import CosignatureSigner

            seed = self._keystore().get(KEY_ID)
            if seed is None or len(seed) != 32:
                raise KeystoreCorrupted(f"witness {self.info.name}: its cosigning key is missing")
            signer = CosignatureSigner(self.info.name, seed)
            if signer.verifier().to_vkey() != self.info.vkey:
                raise KeystoreCorrupted(f"witness {self.info.name}: the keystore holds another key")
            self._signer = signer
        return self._signer

    @property
    def state(self) -> WitnessState:
        if self._state is None:
            from voting.witness import WitnessState

            self._state = WitnessState(self.folder / STATE)
        return self._state

    def add_log(self, origin: str, vkey: str) -> Ed25519Verifier:
        """Witness the log `origin`, whose checkpoints `vkey` (an Ed25519 note key) signs."""
        from voting.chain import Ed25519Verifier
        from voting.errors import CheckpointError

        if not origin or any(ord(ch) < 0x20 for ch in origin):
            raise UsageError(f"log origin {origin!r}: want one non-empty line")
        try:
            verifier = Ed25519Verifier.from_vkey(vkey)
        except CheckpointError as exc:
            raise UsageError(f"log key for {origin}: {exc}") from None
        self.state.add_log(origin, verifier)
        return verifier

    def witness(self, clock: Clock) -> Witness:
        """The witness, ready to cosign with the given clock."""
        from voting.witness import Witness

        return Witness(self.signer, self.state, clock)


def _write_atomically(path: Path, text: str) -> None:
    temporary = path.with_name(path.name + ".tmp")
    try:
        with temporary.open("w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        temporary.replace(path)
    except OSError as exc:
        raise FileProblem(f"cannot write {path}: {exc}") from None
