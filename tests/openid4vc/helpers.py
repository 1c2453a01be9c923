"""Provides the OpenID4VC tests' fixed clock, seeded random source, keys and servers."""

from __future__ import annotations

import random
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from did import Ed25519Key, TrustAny, did_key_from_public_key, issue_credential, issue_sd_jwt
from wallet.openid4vc import (
    Candidate,
    CredentialConfiguration,
    HolderKey,
    HttpPolicy,
    Issuer,
    Verifier,
    bind,
    issuer_app,
    serve,
    verifier_app,
)
from wallet.server import Limits, Listen

START = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
# Servers in the tests listen on a free port of the loopback address.
LOOPBACK_PORT_0 = Listen("127.0.0.1", 0)
# The holder may reach servers on 127.0.0.1 only because the tests allow it explicitly.
LOOPBACK = HttpPolicy(allow_private_network=True, deadline=10.0)

SD_JWT_CONFIG = CredentialConfiguration(
    "UniversityDegree_sd", "dc+sd-jwt", vct="https://example.edu/degree"
)
LDP_CONFIG = CredentialConfiguration(
    "UniversityDegree_ldp", "ldp_vc", types=("VerifiableCredential", "UniversityDegree")
)


class FakeClock:
    """A clock that moves only when a test moves it."""

    def __init__(self, start: datetime = START) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, delta: timedelta) -> None:
        self.now += delta


def seeded_rng(seed: int) -> random.Random:
    """A deterministic random source; call `.randbytes(n)`."""
    return random.Random(seed)


def key(seed: int) -> Ed25519Key:
    return Ed25519Key.from_seed(bytes([seed]) * 32)


def method_of(signer: Ed25519Key) -> tuple[str, str]:
    """The did:key of `signer` and its verification method id."""
    did = did_key_from_public_key(signer.public_key)
    return did, f"{did}#{did.removeprefix('did:key:')}"


def holder_key(seed: int = 7) -> HolderKey:
    return HolderKey.did_key(key(seed))


@dataclass
class IssuerSite:
    issuer: Issuer
    base_url: str
    issuer_did: str


@contextmanager
def running_issuer(clock: FakeClock, seed: int = 1) -> Iterator[IssuerSite]:
    """A real issuer on a free loopback port, served by uvicorn in a thread."""
    signer = key(100 + seed)
    did, method = method_of(signer)
    bound = bind(LOOPBACK_PORT_0)
    issuer = Issuer(
        bound.base_url,
        key=signer,
        verification_method=method,
        clock=clock,
        rng=seeded_rng(seed).randbytes,
    )
    with serve(issuer_app(issuer), bound, Limits()) as server:
        yield IssuerSite(issuer, server.base_url, did)


@dataclass
class StaticSite:
    """A loopback server answering fixed JSON per path, counting the requests it gets."""

    base_url: str
    hits: list[str]
    bodies: list[bytes]


@contextmanager
def static_site(pages: dict[str, object]) -> Iterator[StaticSite]:
    """Serve `pages` (path -> JSON value, or bytes served as they are) on 127.0.0.1."""
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import JSONResponse, Response

    hits: list[str] = []
    bodies: list[bytes] = []
    bound = bind(LOOPBACK_PORT_0)

    async def app_handler(request: Request) -> Response:
        hits.append(request.url.path)
        bodies.append(await request.body())
        page = pages.get(request.url.path)
        if page is None:
            return JSONResponse({"error": "not_found"}, status_code=404)
        if isinstance(page, bytes):
            return Response(page, media_type="application/json")
        text = str(page).replace("BASE", bound.base_url) if isinstance(page, str) else None
        if text is not None:
            return Response(text, media_type="application/json")
        return JSONResponse(_substitute(page, bound.base_url))

    app = Starlette()
    app.add_route("/{path:path}", app_handler, methods=["GET", "POST"])
    with serve(app, bound, Limits()) as server:
        yield StaticSite(server.base_url, hits, bodies)


def _substitute(value: object, base: str) -> object:
    if isinstance(value, str):
        return value.replace("BASE", base)
    if isinstance(value, dict):
        return {k: _substitute(v, base) for k, v in value.items()}
    if isinstance(value, list):
        return [_substitute(v, base) for v in value]
    return value


@dataclass
class VerifierSite:
    verifier: Verifier
    base_url: str


@contextmanager
def running_verifier(
    clock: FakeClock, *, signing: bool = False, seed: int = 2, response_mode: str = "direct_post"
) -> Iterator[VerifierSite]:
    """A real verifier on a free loopback port; with `signing`, known by its did:key."""
    bound = bind(LOOPBACK_PORT_0)
    signer = key(200 + seed)
    _, method = method_of(signer)
    verifier = Verifier(
        bound.base_url,
        clock=clock,
        rng=seeded_rng(seed).randbytes,
        key=signer if signing else None,
        verification_method=method if signing else None,
        response_mode=response_mode,
        trust=TrustAny(),
    )
    with serve(verifier_app(verifier), bound, Limits()) as server:
        yield VerifierSite(verifier, server.base_url)


PERSON = {
    "given_name": "Ada",
    "family_name": "Lovelace",
    "birthdate": "1815-12-10",
    "nationality": "GB",
    "email": "ada@example.org",
}


def held_sd_jwt(holder: HolderKey, issuer_seed: int = 50) -> Candidate:
    """An SD-JWT VC with five disclosable claims, bound to `holder`."""
    signer = key(issuer_seed)
    _, method = method_of(signer)
    text = issue_sd_jwt(
        PERSON,
        key=signer,
        verification_method=method,
        vct="https://example.org/person",
        issued_at=START - timedelta(days=1),
        disclosable=[f"/{name}" for name in PERSON],
        holder_public_key=holder.public_key,
        rng=seeded_rng(issuer_seed).randbytes,
    )
    return Candidate("cred-sd", "dc+sd-jwt", text)


def held_ldp(holder: HolderKey, issuer_seed: int = 51) -> Candidate:
    """A W3C credential with an eddsa-jcs-2022 proof about `holder`."""
    signer = key(issuer_seed)
    _, method = method_of(signer)
    credential = issue_credential(
        {"id": holder.did, "degree": {"type": "BachelorDegree", "name": "BSc Mathematics"}},
        key=signer,
        verification_method=method,
        valid_from=START - timedelta(days=1),
        types=["UniversityDegreeCredential"],
    )
    return Candidate("cred-ldp", "ldp_vc", credential)
