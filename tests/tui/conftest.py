"""Provides TUI fixtures: file-keystore wallets, and one seeded with identities from fixed seeds.

Every service here runs in an environment with a fixed clock and a seeded random source, so
keys, DIDs and ids (and so the snapshots) are the same on every run.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.tui.election import ElectionWorld, add_election, finish_election, make_election
from tests.wallet.fakes import KeySeeds, SeededStream, fixed_environment
from wallet.services import (
    Environment,
    Wallet,
    create_identity,
    import_credential,
    init_wallet,
    issue_credential,
)

PASSPHRASE = "tui test passphrase"
CREATED = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
#: The clock the TUI runs on in tests: a week after the credentials were issued.
NOW = CREATED + timedelta(days=7)
LATER = CREATED + timedelta(days=60)


def locked_env(rng: Callable[[int], bytes] | None = None) -> Environment:
    """A service environment with no passphrase: the TUI has to ask for it."""
    return fixed_environment({}, clock=lambda: NOW, rng=rng)


def unlocked_env(rng: Callable[[int], bytes] | None = None) -> Environment:
    """The passphrase given, on a clock that stands at the credentials' issue time."""
    return fixed_environment({"WALLET_PASSPHRASE": PASSPHRASE}, clock=lambda: CREATED, rng=rng)


@pytest.fixture
def home(tmp_path: Path) -> Path:
    """An empty wallet with a file keystore, a fixed wallet id and a fixed data key.

    Held credentials' local ids are keyed with the data key, so fixing it keeps those ids,
    and the snapshots showing them, the same on every run.
    """
    path = tmp_path / "wallet"
    init_wallet(path, unlocked_env(SeededStream(b"tui home")), keystore="file")
    return path


@pytest.fixture
def seeded_home(home: Path) -> Path:
    """A wallet holding three identities with fixed keys (seeds 0x01…, 0x02…, 0x03…)."""
    with Wallet.open(home, unlocked_env(KeySeeds())) as wallet:
        create_identity(wallet, label="personal")
        create_identity(wallet, label="work", method="jwk")
        create_identity(wallet, label="issuer")
    return home


def _identity_dids(home: Path) -> dict[str, str]:
    from wallet.services import list_identities

    with Wallet.open(home, unlocked_env()) as wallet:
        return {i.label or "": i.did for i in list_identities(wallet)}


@pytest.fixture
def credentials(seeded_home: Path, tmp_path: Path) -> Credentials:
    """Files holding credentials the seeded wallet's "issuer" gave to its "personal" identity."""
    dids = _identity_dids(seeded_home)
    files = Credentials(
        di=tmp_path / "degree.json",
        sd_jwt=tmp_path / "degree.sd-jwt",
        expired=tmp_path / "expired.json",
        holder=dids["personal"],
        issuer=dids["issuer"],
    )
    with Wallet.open(seeded_home, unlocked_env(SeededStream(b"credential ids"))) as wallet:
        for path, fmt, types, until in (
            (files.di, "di", ["UniversityDegreeCredential"], None),
            (files.sd_jwt, "sd-jwt", ["https://example.edu/degree"], None),
            (files.expired, "di", ["LibraryCard"], CREATED + timedelta(days=30)),
        ):
            document = issue_credential(
                wallet,
                issuer="issuer",
                subject=files.holder,
                types=types,
                claims={"name": "Alice Example", "degree": "BSc Physics"},
                now=CREATED,
                valid_until=until,
                fmt=fmt,
                disclosable=["name", "degree"] if fmt == "sd-jwt" else (),
            )
            path.write_text(document.text(), encoding="utf-8")
    return files


@dataclass(frozen=True)
class Credentials:
    di: Path
    sd_jwt: Path
    expired: Path
    holder: str
    issuer: str


@pytest.fixture
def holding_home(seeded_home: Path, credentials: Credentials) -> Path:
    """The seeded wallet holding the di degree credential (imported at a fixed time)."""
    with Wallet.open(seeded_home, unlocked_env()) as wallet:
        import_credential(wallet, credentials.di.read_text(encoding="utf-8"), now=CREATED)
    return seeded_home


# Elections are made once per session and copied for each test that needs one: the ceremony
# is the slow part, and with fixed seeds and a fixed clock every copy is the same world.


@pytest.fixture(scope="session")
def open_template(tmp_path_factory: pytest.TempPathFactory) -> ElectionWorld:
    """town-vote, open, on a board file; the voter has not voted."""
    return make_election(tmp_path_factory.mktemp("open-election"))


@pytest.fixture(scope="session")
def two_elections_template(tmp_path_factory: pytest.TempPathFactory) -> ElectionWorld:
    """town-vote finished (a neighbour's one ballot, Mayor: Ada), budget-vote open, on one
    board file; the voter has not voted in either."""
    root = tmp_path_factory.mktemp("two-elections")
    world = make_election(root)
    finish_election(root, world, root / "record")
    add_election(world)
    return world
