"""The short-lived servers as the command line runs them, and terminal QR codes."""

from __future__ import annotations

import pytest

from did import TrustAny
from tests.openid4vc.helpers import (
    LDP_CONFIG,
    LOOPBACK,
    LOOPBACK_PORT_0,
    FakeClock,
    held_sd_jwt,
    holder_key,
    key,
    method_of,
    seeded_rng,
)
from tests.openid4vc.test_presentation import TWO_OF_FIVE, Consent
from wallet.errors import UsageError
from wallet.openid4vc import (
    CredentialTemplate,
    DcqlQuery,
    ProtocolError,
    present,
    qr_text,
    receive_credentials,
    running_issuer,
    running_verifier,
)
from wallet.server import Listen


def test_an_issuer_and_a_verifier_run_and_stop() -> None:
    clock = FakeClock()
    signer = key(130)
    _, method = method_of(signer)
    holder = holder_key()
    with running_issuer(
        signer, method, listen=LOOPBACK_PORT_0, clock=clock, rng=seeded_rng(1).randbytes
    ) as issuer:
        handle = issuer.create_offer(CredentialTemplate(LDP_CONFIG, {"degree": "BSc"}))
        receive_credentials(
            handle.offer.to_uri(),
            holder=holder,
            policy=LOOPBACK,
            clock=clock,
            rng=seeded_rng(2).randbytes,
        )
        assert issuer.issued_event.is_set()
    with running_verifier(
        listen=LOOPBACK_PORT_0, clock=clock, rng=seeded_rng(3).randbytes, trust=TrustAny()
    ) as verifier:
        request = verifier.create_request(DcqlQuery.from_json(TWO_OF_FIVE))
        present(
            request.uri,
            held=[held_sd_jwt(holder)],
            keys=[holder],
            consent=Consent(),
            policy=LOOPBACK,
            clock=clock,
        )
        result = verifier.result(request.transaction_id, timeout=5)
    assert result is not None and result.verified


def test_plain_http_is_refused_off_loopback() -> None:
    with (
        pytest.raises(UsageError, match="loopback"),
        running_verifier(
            listen=Listen("192.0.2.1", 0),
            clock=FakeClock(),
            rng=seeded_rng(1).randbytes,
            trust=TrustAny(),
        ),
    ):
        pass


def test_a_qr_code_is_drawn_in_half_blocks() -> None:
    lines = qr_text("openid4vp://?client_id=x").splitlines()
    assert len(lines) >= 12
    assert len({len(line) for line in lines}) == 1
    assert set("".join(lines)) <= {"█", "▀", "▄", " "}


def test_a_uri_too_long_for_a_qr_code_is_refused() -> None:
    with pytest.raises(ProtocolError, match="by reference"):
        qr_text("x" * 5000)


def test_importing_the_package_loads_no_server_or_network_stack() -> None:
    import json
    import subprocess
    import sys

    probe = (
        "import sys, json, wallet.openid4vc\n"
        "print(json.dumps(sorted({m.split('.')[0] for m in sys.modules})))"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=60
    )
    loaded = set(json.loads(done.stdout))
    assert loaded.isdisjoint({"starlette", "uvicorn", "httpx", "cryptography", "segno"})
