"""`wallet credential offer|receive`, `wallet presentation request` and `wallet present` in two
wallet homes over loopback: the issuer and the verifier run as real processes, the holder in
this process, and they talk over HTTP on 127.0.0.1."""

from __future__ import annotations

import base64
import json
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.wallet.cli_helpers import ROOT, Run, wallet
from tests.wallet.credential_helpers import CliWallet, make_cli_wallet

PERSON = {
    "given_name": "Ada",
    "family_name": "Lovelace",
    "birthdate": "1815-12-10",
    "nationality": "GB",
    "email": "ada@example.org",
}


def real_now() -> datetime:
    """The issuer and the verifier run as processes on the system clock, so the holder, in
    this process, must read the same clock: key proofs and key bindings carry times."""
    return datetime.now(UTC)


def as_holder(home: CliWallet, *args: str | Path) -> Run:
    return wallet(*args, env=home.env, clock=real_now)


@pytest.fixture(scope="module")
def issuer_home(tmp_path_factory: pytest.TempPathFactory) -> CliWallet:
    return make_cli_wallet(tmp_path_factory.mktemp("issuer-home"))


@pytest.fixture(scope="module")
def holder_home(tmp_path_factory: pytest.TempPathFactory) -> CliWallet:
    return make_cli_wallet(tmp_path_factory.mktemp("holder-home"))


@contextmanager
def serving(home: CliWallet, *args: str) -> Iterator[subprocess.Popen[str]]:
    """Run `wallet ARGS` in `home` as a process; stop it on the way out if still running."""
    process = subprocess.Popen(
        [sys.executable, "-m", "wallet", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=home.env,
        cwd=ROOT,
    )
    try:
        yield process
    finally:
        if process.poll() is None:
            process.terminate()
        process.wait(timeout=30)
        assert process.stdout is not None and process.stderr is not None
        process.stdout.close()
        process.stderr.close()


def _first_line(stream: object) -> str:
    line = stream.readline()  # type: ignore[attr-defined]
    assert isinstance(line, str) and line, "the server printed nothing"
    return line.strip()


def _tx_code(process: subprocess.Popen[str]) -> str:
    assert process.stderr is not None
    # The QR code comes first on stderr, then the transaction code's line; both are bounded.
    for _ in range(200):
        line = process.stderr.readline()
        if line.startswith("transaction code"):
            return line.rsplit(" ", 1)[-1].strip()
    raise AssertionError("no transaction code was printed")


def _offer_args(
    issuer: CliWallet,
    subject: str,
    fmt: str,
    *extra: str,
    issuer_label: str = "issuer",
    kind: str | None = None,
) -> list[str]:
    claims = [arg for name, value in PERSON.items() for arg in ("--claim", f"{name}={value}")]
    if kind is None:
        kind = "https://example.org/person" if fmt == "dc+sd-jwt" else "PersonCredential"
    disclosable = (
        [a for name in PERSON for a in ("--disclosable", name)] if fmt == "dc+sd-jwt" else []
    )
    return [
        "credential",
        "offer",
        "--issuer",
        issuer_label,
        "--subject",
        subject,
        "--type",
        kind,
        "--format",
        fmt,
        *claims,
        *disclosable,
        "--once",
        "--timeout",
        "60",
        "--listen",
        "127.0.0.1:0",
        *extra,
    ]


@pytest.fixture(scope="module")
def p256_identities(issuer_home: CliWallet, holder_home: CliWallet) -> tuple[str, str]:
    """P-256 identities `issuer-p256` in the issuer's home and `carol-p256` in the holder's:
    their DIDs (did:key `zDn…`)."""
    dids = []
    for home, label in ((issuer_home, "issuer-p256"), (holder_home, "carol-p256")):
        created = home.ok("--json", "did", "create", "--key", "p256", "--label", label).json()
        assert str(created["did"]).startswith("did:key:zDn")
        dids.append(str(created["did"]))
    return dids[0], dids[1]


def _jws_alg(held: str) -> str:
    header = held.split("~", 1)[0].split(".", 1)[0]
    decoded = json.loads(base64.urlsafe_b64decode(header + "=" * (-len(header) % 4)))
    return str(decoded["alg"])


@pytest.mark.parametrize(
    ("fmt", "tx_code", "key"),
    [
        ("dc+sd-jwt", False, "ed25519"),
        ("dc+sd-jwt", True, "ed25519"),
        ("dc+sd-jwt", False, "p256"),
        ("dc+sd-jwt", True, "p256"),
        ("ldp_vc", False, "ed25519"),
        ("ldp_vc", True, "ed25519"),
        ("ldp_vc", False, "p256"),
    ],
)
def test_offer_and_receive_in_two_homes(
    issuer_home: CliWallet,
    holder_home: CliWallet,
    fmt: str,
    tx_code: bool,
    key: str,
    tmp_path: Path,
    request: pytest.FixtureRequest,
) -> None:
    if key == "p256":
        issuer_label, holder_label = "issuer-p256", "carol-p256"
        issuer_did, holder_did = request.getfixturevalue("p256_identities")
    else:
        issuer_label, holder_label = "issuer", "alice"
        issuer_did, holder_did = issuer_home.issuer, holder_home.alice
    # A claim naming the case keeps two cases issued within one second from making the same
    # credential, which the holder's wallet would refuse as already held.
    extra = ["--claim", f"case={fmt}-{tx_code}-{key}", *(["--tx-code"] if tx_code else [])]
    if fmt == "dc+sd-jwt":
        extra += ["--disclosable", "case"]
    args = _offer_args(issuer_home, holder_did, fmt, *extra, issuer_label=issuer_label)
    with serving(issuer_home, *args) as server:
        offer = _first_line(server.stdout)
        assert offer.startswith("openid-credential-offer://")
        code = ["--tx-code", _tx_code(server)] if tx_code else []
        received = as_holder(
            holder_home,
            "credential",
            "receive",
            offer,
            "--identity",
            holder_label,
            *code,
            "--allow-private-network",
            "--json",
        )
        assert received.code == 0, received.stderr
        assert server.wait(timeout=30) == 0
    (summary,) = received.json()
    assert summary["issuer"] == issuer_did
    held = holder_home.ok("--json", "credential", "show", summary["id"]).json()["credential"]
    if fmt == "dc+sd-jwt":
        assert isinstance(held, str)
        assert _jws_alg(held) == ("ES256" if key == "p256" else "EdDSA")
    else:
        suite = "ecdsa-jcs-2019" if key == "p256" else "eddsa-jcs-2022"
        assert held["proof"]["cryptosuite"] == suite
    path = tmp_path / "received"
    path.write_text(held if isinstance(held, str) else json.dumps(held))
    verified = as_holder(holder_home, "credential", "verify", path, "--trust", issuer_did)
    assert verified.code == 0, verified.stdout + verified.stderr


def test_a_wrong_tx_code_is_refused_and_nothing_stored(
    issuer_home: CliWallet, holder_home: CliWallet
) -> None:
    before = holder_home.ok("--json", "credential", "list").json()
    args = _offer_args(issuer_home, holder_home.alice, "dc+sd-jwt", "--tx-code")
    with serving(issuer_home, *args) as server:
        offer = _first_line(server.stdout)
        real = _tx_code(server)
        wrong = "000000" if real != "000000" else "111111"
        refused = as_holder(
            holder_home,
            "credential",
            "receive",
            offer,
            "--identity",
            "alice",
            "--tx-code",
            wrong,
            "--allow-private-network",
        )
    assert refused.code == 1
    assert "invalid_grant" in refused.stderr and "tx_code" in refused.stderr
    assert holder_home.ok("--json", "credential", "list").json() == before


@pytest.fixture(scope="module")
def held_person(issuer_home: CliWallet, holder_home: CliWallet) -> None:
    with serving(issuer_home, *_offer_args(issuer_home, holder_home.bob, "dc+sd-jwt")) as server:
        offer = _first_line(server.stdout)
        done = as_holder(
            holder_home,
            "credential",
            "receive",
            offer,
            "--identity",
            "bob",
            "--allow-private-network",
        )
        assert done.code == 0, done.stderr


def _dcql(tmp_path: Path, claims: list[str], vct: str = "https://example.org/person") -> Path:
    query = {
        "credentials": [
            {
                "id": "person",
                "format": "dc+sd-jwt",
                "meta": {"vct_values": [vct]},
                "claims": [{"path": [c]} for c in claims],
            }
        ]
    }
    path = tmp_path / "query.json"
    path.write_text(json.dumps(query))
    return path


def test_presentation_request_and_present(
    issuer_home: CliWallet, holder_home: CliWallet, held_person: None, tmp_path: Path
) -> None:
    query = _dcql(tmp_path, ["given_name", "nationality"])
    args = [
        "presentation",
        "request",
        "--dcql",
        str(query),
        "--identity",
        "issuer",
        "--trust",
        issuer_home.issuer,
        "--once",
        "--timeout",
        "60",
        "--listen",
        "127.0.0.1:0",
    ]
    with serving(issuer_home, *args) as verifier:
        request = _first_line(verifier.stdout)
        assert request.startswith("openid4vp://")
        # Without --yes and with nobody at a terminal, the user is shown what would go, and
        # nothing is sent.
        unconfirmed = as_holder(holder_home, "present", request, "--allow-private-network")
        assert unconfirmed.code == 2
        assert "given_name" in unconfirmed.stderr and "nothing sent" in unconfirmed.stderr
        sent = as_holder(holder_home, "present", request, "--yes", "--allow-private-network")
        assert sent.code == 0, sent.stderr
        assert 'given_name = "Ada"' in sent.stderr and 'nationality = "GB"' in sent.stderr
        assert "email" not in sent.stderr.split("always visible")[0]
        assert verifier.wait(timeout=30) == 0
        assert verifier.stdout is not None
        report = verifier.stdout.read()
    assert report.splitlines()[0].startswith("verified")
    disclosed = sorted(line for line in report.splitlines() if line.startswith("  person:"))
    assert disclosed == ['  person: given_name = "Ada"', '  person: nationality = "GB"']


def test_a_claim_the_credential_lacks_is_refused(
    issuer_home: CliWallet, holder_home: CliWallet, held_person: None, tmp_path: Path
) -> None:
    query = _dcql(tmp_path, ["passport_number"])
    args = [
        "presentation",
        "request",
        "--dcql",
        str(query),
        "--once",
        "--timeout",
        "60",
        "--listen",
        "127.0.0.1:0",
    ]
    with serving(issuer_home, *args) as verifier:
        request = _first_line(verifier.stdout)
        refused = as_holder(holder_home, "present", request, "--yes", "--allow-private-network")
    assert refused.code == 1
    assert "passport_number" in refused.stderr


P256_PERSON = "https://example.org/person-es256"


def test_present_with_a_p256_holder_to_a_p256_verifier(
    issuer_home: CliWallet,
    holder_home: CliWallet,
    p256_identities: tuple[str, str],
    tmp_path: Path,
) -> None:
    """An ES256 credential bound to a P-256 holder is presented with an ES256 key-binding JWT
    to a verifier whose request object is signed with ES256, and the verifier accepts it."""
    issuer_did, holder_did = p256_identities
    args = _offer_args(
        issuer_home, holder_did, "dc+sd-jwt", issuer_label="issuer-p256", kind=P256_PERSON
    )
    with serving(issuer_home, *args) as server:
        offer = _first_line(server.stdout)
        done = as_holder(
            holder_home,
            "credential",
            "receive",
            offer,
            "--identity",
            "carol-p256",
            "--allow-private-network",
        )
        assert done.code == 0, done.stderr
        assert server.wait(timeout=30) == 0
    query = _dcql(tmp_path, ["given_name", "nationality"], vct=P256_PERSON)
    args = [
        "presentation",
        "request",
        "--dcql",
        str(query),
        "--identity",
        "issuer-p256",
        "--trust",
        issuer_did,
        "--once",
        "--timeout",
        "60",
        "--listen",
        "127.0.0.1:0",
    ]
    with serving(issuer_home, *args) as verifier:
        request = _first_line(verifier.stdout)
        assert request.startswith("openid4vp://")
        sent = as_holder(holder_home, "present", request, "--yes", "--allow-private-network")
        assert sent.code == 0, sent.stderr
        assert verifier.wait(timeout=30) == 0
        assert verifier.stdout is not None
        report = verifier.stdout.read()
    # A decentralized_identifier: client identifier means the request object was signed
    # (here with ES256), and the report verifies only with a valid key-binding JWT made with
    # the holder's P-256 key (the credential's cnf).
    lines = report.splitlines()
    assert lines[0] == f"verified (decentralized_identifier:{issuer_did})", report
    disclosed = sorted(line for line in lines if line.startswith("  person:"))
    assert disclosed == ['  person: given_name = "Ada"', '  person: nationality = "GB"']
