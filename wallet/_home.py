"""Provides the wallet home: where it is, its `config.toml`, and creating it safely.

A home holds `config.toml` (wallet id, keystore kind, defaults) and `wallet.db`. The home is
chosen by an explicit path, else `WALLET_HOME` from the environment mapping the caller passes,
else the platform's user data directory.
"""

from __future__ import annotations

import json
import os
import stat
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from wallet.errors import FileProblem, HomeError

CONFIG_NAME = "config.toml"
DB_NAME = "wallet.db"
CONFIG_VERSION = 1
KEYSTORE_KINDS = ("os", "file")
# The defaults `wallet config set` keeps: the board election commands use and the identity
# they act as, when the command line names none.
DEFAULT_KEYS = ("board", "as")


def resolve_home(explicit: Path | None, environ: Mapping[str, str]) -> Path:
    """Pick the home directory: `--home`, then `WALLET_HOME`, then the user data directory."""
    if explicit is not None:
        return explicit.expanduser()
    configured = environ.get("WALLET_HOME")
    if configured:
        return Path(configured).expanduser()
    # platformdirs is imported here so that commands which never touch a home stay fast.
    import platformdirs

    return Path(platformdirs.user_data_dir("ssi-wallet", appauthor=False))


@dataclass(frozen=True)
class Config:
    """The contents of `config.toml`."""

    wallet_id: str
    keystore: str
    version: int = CONFIG_VERSION
    defaults: Mapping[str, str] = field(default_factory=dict)

    def to_toml(self) -> str:
        """Render the config as TOML (string and integer keys, and a `[defaults]` table)."""
        text = (
            "# ssi-wallet configuration; written by `wallet init` and `wallet config set`.\n"
            f"version = {self.version}\n"
            f'wallet_id = "{self.wallet_id}"\n'
            f'keystore = "{self.keystore}"\n'
        )
        if self.defaults:
            # A JSON string is a valid TOML basic string (the same escapes), so any value
            # round-trips.
            rows = "".join(f"{json.dumps(k)} = {json.dumps(v)}\n" for k, v in self.defaults.items())
            text += "\n[defaults]\n" + rows
        return text

    @classmethod
    def from_toml(cls, text: str, source: Path) -> Config:
        """Parse and check `config.toml`."""
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise FileProblem(f"{source}: not valid TOML ({exc})") from None
        except RecursionError:
            # tomllib parses nested arrays and tables recursively (a crafted backup's config).
            raise FileProblem(f"{source}: nested too deeply to be a config") from None
        wallet_id = data.get("wallet_id")
        keystore = data.get("keystore")
        version = data.get("version")
        if version != CONFIG_VERSION:
            raise FileProblem(f"{source}: config version {version!r}, want {CONFIG_VERSION}")
        if not isinstance(wallet_id, str) or not wallet_id.isalnum():
            raise FileProblem(f"{source}: wallet_id missing or malformed")
        if keystore not in KEYSTORE_KINDS:
            raise FileProblem(f"{source}: keystore {keystore!r}, want one of {KEYSTORE_KINDS}")
        defaults = data.get("defaults", {})
        if not isinstance(defaults, dict) or not all(
            key in DEFAULT_KEYS and isinstance(value, str) for key, value in defaults.items()
        ):
            raise FileProblem(f"{source}: [defaults] may hold only {', '.join(DEFAULT_KEYS)}")
        return cls(wallet_id=wallet_id, keystore=keystore, version=version, defaults=defaults)


def new_wallet_id(rng: Callable[[int], bytes]) -> str:
    """A fresh random wallet id: 16 lowercase hex characters drawn from `rng`."""
    return rng(8).hex()


@dataclass(frozen=True)
class Home:
    """An existing wallet home and its configuration."""

    path: Path
    config: Config

    @property
    def db_path(self) -> Path:
        return self.path / DB_NAME

    @property
    def config_path(self) -> Path:
        return self.path / CONFIG_NAME

    @classmethod
    def open(cls, path: Path) -> Home:
        """Open the wallet at `path`, or raise HomeError saying how to create one."""
        config_path = path / CONFIG_NAME
        try:
            text = config_path.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise HomeError(f"no wallet at {path}: run `wallet init` first") from None
        except OSError as exc:
            raise FileProblem(f"cannot read {config_path}: {exc.strerror}") from None
        config = Config.from_toml(text, config_path)
        # A home made by an older wallet, or opened up by hand, is closed again on use.
        try:
            if stat.S_IMODE(path.stat().st_mode) & 0o077:
                path.chmod(0o700)
        except OSError as exc:
            raise FileProblem(f"cannot make {path} private: {exc.strerror}") from None
        return cls(path=path, config=config)


def is_wallet(path: Path) -> bool:
    """Whether `path` already holds a wallet (config or database)."""
    return (path / CONFIG_NAME).exists() or (path / DB_NAME).exists()


def prepare_empty_home(path: Path) -> None:
    """Create `path` (mode 0700) for a new wallet, refusing one that holds a wallet already.

    A directory that exists already is made 0700 too: `mkdir` keeps the mode of an existing
    directory, and a home readable by others would show them what the wallet holds.
    """
    if is_wallet(path):
        raise HomeError(f"a wallet already exists at {path}; refusing to overwrite it")
    try:
        path.mkdir(mode=0o700, parents=True, exist_ok=True)
        path.chmod(0o700)
    except OSError as exc:
        raise FileProblem(f"cannot create {path}: {exc.strerror}") from None


def write_config(path: Path, config: Config) -> None:
    """Write `config.toml` atomically: a temporary file, fsync, then rename."""
    target = path / CONFIG_NAME
    temporary = path / f".{CONFIG_NAME}.tmp"
    try:
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(config.to_toml())
            handle.flush()
            os.fsync(handle.fileno())
        temporary.replace(target)
    except OSError as exc:
        raise FileProblem(f"cannot write {target}: {exc.strerror}") from None
