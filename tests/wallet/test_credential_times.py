"""Tests that an SD-JWT with a time no date can hold (`exp: 1e300`, signed by anyone) is
refused at import, and that one an older wallet stored anyway never breaks `credential list`
(issue 14, finding 9)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from did import Ed25519Key, SdJwt, did_key_from_public_key, issue_sd_jwt
from did.sd_jwt import Jws, sign_jws
from tests.wallet.fakes import fixed_environment
from wallet._db import CredentialRow
from wallet.errors import VerificationFailed
from wallet.services import Wallet, import_credential, init_wallet, list_credentials
from wallet.services._sealing import seal_field

NOW = datetime(2030, 6, 1, tzinfo=UTC)
KEY = Ed25519Key.from_seed(bytes([51]) * 32)
ISSUER = did_key_from_public_key(KEY.public_key)


def far_future_sd_jwt() -> str:
    issued = SdJwt.from_text(
        issue_sd_jwt(
            {"sub": ISSUER, "name": "Erika"},
            key=KEY,
            verification_method=f"{ISSUER}#{ISSUER.removeprefix('did:key:')}",
            vct="https://credentials.example/member",
            issued_at=NOW,
            disclosable=["/name"],
            rng=lambda size: bytes(size),
        )
    )
    jws = Jws.from_text(issued.issuer_jwt)
    payload = {**jws.payload, "exp": 1e300}
    return SdJwt(sign_jws(jws.header, payload, KEY), issued.disclosures).to_text()


@pytest.fixture
def wallet(tmp_path: Path) -> Wallet:
    env = fixed_environment({"WALLET_PASSPHRASE": "test passphrase"})
    init_wallet(tmp_path / "w", env, keystore="file")
    return Wallet.open(tmp_path / "w", env)


def test_import_refuses_a_time_no_date_can_hold(wallet: Wallet) -> None:
    with wallet, pytest.raises(VerificationFailed, match="syntax"):
        import_credential(wallet, far_future_sd_jwt(), now=NOW)


def test_one_stored_by_an_older_wallet_still_lists(wallet: Wallet) -> None:
    token = far_future_sd_jwt()
    with wallet:
        key = wallet.data_key()
        plain = json.dumps({"credential": token}).encode()
        sealed = seal_field(key, "credentials", "00aa", plain, random=wallet.env.rng)
        wallet.db.add_credential(CredentialRow("00aa", "sd-jwt", sealed, "2030-06-01T00:00:00Z"))
        (listed,) = list_credentials(wallet)
    assert listed.id == "00aa" and listed.valid_until is None
