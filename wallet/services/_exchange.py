"""Provides the exchange use-cases over OpenID4VCI and OpenID4VP (`wallet.openid4vc`).

Receive a credential from an offer and keep it; answer a presentation request after the
user's consent; offer a credential from a short-lived issuer; request a presentation from a
short-lived verifier and return its verification. The protocols live in `wallet.openid4vc`;
these functions bring the wallet's identities, keys and held credentials to them, with the
environment's clock and random source.
"""

from __future__ import annotations

import ssl
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from wallet.errors import UsageError
from wallet.services._session import Wallet

if TYPE_CHECKING:
    from wallet.openid4vc import (
        ConsentRequest,
        DcqlQuery,
        HolderKey,
        HttpPolicy,
        IssuedCredential,
        PresentationResult,
        PresentationSent,
        TxCode,
    )
    from wallet.server import Listen, Tls
    from wallet.services._credentials import CredentialSummary
    from wallet.services._verifying import TrustDecision

# The wallet's own format names and the OpenID4VC format identifiers they travel as.
WIRE_FORMATS = {"sd-jwt": "dc+sd-jwt", "di": "ldp_vc"}


@dataclass(frozen=True)
class Network:
    """How the holder reaches issuers and verifiers: a CA bundle, and whether private
    addresses (loopback, LAN) may be contacted."""

    allow_private_network: bool = False
    ca_file: Path | None = None
    deadline: float = 10.0

    def policy(self) -> HttpPolicy:
        from wallet.openid4vc import HttpPolicy

        verify: ssl.SSLContext | bool = True
        if self.ca_file is not None:
            try:
                verify = ssl.create_default_context(cafile=str(self.ca_file))
            except (OSError, ssl.SSLError) as exc:
                raise UsageError(f"--ca-file {self.ca_file}: {exc}") from None
        return HttpPolicy(self.allow_private_network, verify, self.deadline)


def _holder_key(wallet: Wallet, did_or_label: str) -> HolderKey:
    from wallet.openid4vc import HolderKey
    from wallet.services._identities import credential_key, method_of

    row, key = credential_key(wallet, did_or_label)
    method, _ = method_of(row.did, "authentication")
    return HolderKey(row.did, method, key)


def _default_identity(wallet: Wallet, given: str | None) -> str:
    from wallet.services._identities import list_identities

    if given is not None:
        return given
    identities = list_identities(wallet)
    if len(identities) != 1:
        raise UsageError(f"choose the identity with --identity (this wallet has {len(identities)})")
    return identities[0].did


def receive_offer(
    wallet: Wallet,
    offer: str,
    *,
    identity: str | None,
    network: Network,
    tx_code: Callable[[TxCode], str] | None = None,
    open_url: Callable[[str], None] | None = None,
    use_authorization_code: bool = False,
) -> list[CredentialSummary]:
    """Receive every credential an offer holds, bound to `identity`, verify and keep them."""
    import json

    from wallet.openid4vc import receive_credentials
    from wallet.services._credentials import import_credential

    holder = _holder_key(wallet, _default_identity(wallet, identity))
    received = receive_credentials(
        offer,
        holder=holder,
        policy=network.policy(),
        clock=wallet.env.clock,
        rng=wallet.env.rng,
        tx_code=tx_code,
        open_url=open_url,
        use_authorization_code=use_authorization_code,
    )
    stored = []
    for item in received:
        text = item.credential if isinstance(item.credential, str) else json.dumps(item.credential)
        stored.append(import_credential(wallet, text, now=wallet.env.now()))
    return stored


def present_request(
    wallet: Wallet,
    request: str,
    *,
    consent: Callable[[ConsentRequest], bool],
    network: Network,
    trust_anchors: Sequence[bytes] = (),
) -> PresentationSent:
    """Answer a presentation request with held credentials, after `consent` says yes."""
    from wallet.openid4vc import Candidate, present
    from wallet.services._credentials import list_credentials, show_credential
    from wallet.services._identities import list_identities

    held = []
    for summary in list_credentials(wallet):
        content = show_credential(wallet, summary.id).content
        held.append(
            Candidate(
                summary.id,
                WIRE_FORMATS[summary.format],
                content if isinstance(content, str) else dict(content),
            )
        )
    keys = [_holder_key(wallet, identity.did) for identity in list_identities(wallet)]
    return present(
        request,
        held=held,
        keys=keys,
        consent=consent,
        policy=network.policy(),
        clock=wallet.env.clock,
        rng=wallet.env.rng,
        trust_anchors=trust_anchors,
    )


@dataclass(frozen=True)
class Serving:
    """Where a short-lived server listens and, for HTTPS, its certificate and public name."""

    listen: Listen
    tls: Tls | None = None
    public_name: str | None = None


@dataclass(frozen=True)
class OfferMade:
    """What the issuer shows: the offer URI, its QR code and the transaction code."""

    uri: str
    qr: str
    tx_code: str | None

    def to_json(self) -> dict[str, Any]:
        return {"offer": self.uri, "tx_code": self.tx_code}


def offer_credential(
    wallet: Wallet,
    *,
    issuer: str,
    subject: str | None,
    types: Sequence[str],
    claims: Mapping[str, Any],
    disclosable: Sequence[str],
    fmt: str,
    tx_code: bool,
    serving: Serving,
    on_ready: Callable[[OfferMade], None],
    timeout: float,
    once: bool = True,
) -> list[IssuedCredential]:
    """Run an issuer: make an offer, wait until it is taken or `timeout` seconds pass;
    with `once` stop there, else make the next offer. Return what was issued."""
    from wallet.openid4vc import (
        CredentialConfiguration,
        CredentialTemplate,
        qr_text,
        running_issuer,
    )
    from wallet.services._credentials import pointer
    from wallet.services._identities import credential_key, method_of

    if fmt not in ("dc+sd-jwt", "ldp_vc"):
        raise UsageError(f"--format {fmt!r}: choose dc+sd-jwt or ldp_vc")
    if not types:
        raise UsageError("give the credential's type with --type")
    row, key = credential_key(wallet, issuer)
    method, _ = method_of(row.did, "assertionMethod")
    if fmt == "dc+sd-jwt":
        if len(types) != 1:
            raise UsageError("an SD-JWT VC has exactly one type (its vct)")
        config = CredentialConfiguration(_config_id(types[0]), fmt, vct=types[0])
    else:
        config = CredentialConfiguration(
            _config_id(types[-1]), fmt, types=("VerifiableCredential", *types)
        )
    template = CredentialTemplate(
        config, claims, tuple(pointer(c) for c in disclosable), subject=subject
    )
    with running_issuer(
        key,
        method,
        listen=serving.listen,
        tls=serving.tls,
        public_name=serving.public_name,
        clock=wallet.env.clock,
        rng=wallet.env.rng,
    ) as running:
        while True:
            running.issued_event.clear()
            handle = running.create_offer(template, tx_code=tx_code)
            uri = handle.offer.to_uri()
            on_ready(OfferMade(uri, qr_text(uri), handle.tx_code))
            taken = running.issued_event.wait(timeout)
            if once or not taken:
                return list(running.issued)


def _config_id(type_name: str) -> str:
    tail = type_name.rstrip("/").rsplit("/", 1)[-1].rsplit(":", 1)[-1]
    return "".join(ch if ch.isalnum() or ch in "_-" else "_" for ch in tail)[:64] or "credential"


@dataclass(frozen=True)
class RequestMade:
    """What the verifier shows: the request URI and its QR code."""

    uri: str
    qr: str

    def to_json(self) -> dict[str, Any]:
        return {"request": self.uri}


def request_presentation(
    wallet: Wallet,
    *,
    dcql: DcqlQuery,
    identity: str | None,
    serving: Serving,
    on_ready: Callable[[RequestMade], None],
    timeout: float,
    trust: TrustDecision | None,
    once: bool = True,
    on_result: Callable[[PresentationResult], None] | None = None,
) -> PresentationResult | None:
    """Run a verifier: make a request and wait up to `timeout` seconds for its response;
    with `once` stop there, else hand each result to `on_result` and make the next request.
    Return the last result, or None when no response arrived in time."""
    from wallet.openid4vc import qr_text, running_verifier
    from wallet.services._identities import credential_key, method_of

    key = method = None
    if identity is not None:
        row, key = credential_key(wallet, identity)
        method, _ = method_of(row.did, "authentication")
    with running_verifier(
        listen=serving.listen,
        tls=serving.tls,
        public_name=serving.public_name,
        clock=wallet.env.clock,
        rng=wallet.env.rng,
        key=key,
        verification_method=method,
        trust=None if trust is None else trust.policy(),
    ) as verifier:
        while True:
            handle = verifier.create_request(dcql)
            on_ready(RequestMade(handle.uri, qr_text(handle.uri)))
            result = verifier.result(handle.transaction_id, timeout=timeout)
            if once or result is None:
                return result
            if on_result is not None:
                on_result(result)


def dcql_from_claims(fmt: str, types: Sequence[str], claims: Sequence[str]) -> DcqlQuery:
    """A one-credential DCQL query for `--type T --claim C…` (claims as names or pointers)."""
    from wallet.openid4vc import DcqlQuery

    query: dict[str, Any] = {"id": "credential", "format": fmt}
    if fmt == "dc+sd-jwt":
        if types:
            query["meta"] = {"vct_values": list(types)}
        paths = [_path(c) for c in claims]
    else:
        if types:
            query["meta"] = {"type_values": [list(types)]}
        paths = [["credentialSubject", *_path(c)] for c in claims]
    if paths:
        query["claims"] = [{"path": p} for p in paths]
    return DcqlQuery.from_json({"credentials": [query]})


def _path(claim: str) -> list[str]:
    if not claim.startswith("/"):
        return claim.split(".")
    return [t.replace("~1", "/").replace("~0", "~") for t in claim[1:].split("/")]
