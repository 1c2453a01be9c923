"""Provides the OpenID4VCI 1.0 wallet: receive a credential from an offer, then verify it.

Steps (section numbers of OpenID4VCI 1.0):
1. read the offer, by value or by reference (§4.1);
2. fetch the issuer's metadata (§12.2) and its authorization server's (RFC 8414), and refuse
   an offered configuration in a format this wallet does not hold before anything is sent;
3. get an access token (§6): with the pre-authorized code (and the user's `tx_code`), or with
   an authorization code obtained through the user's browser and a loopback redirect, with
   PKCE (§5, RFC 7636, RFC 8252 §7.3);
4. for each offered configuration, fetch a fresh c_nonce (§7), sign a key proof (§8.2.1.1)
   and request the credential (§8);
5. verify each credential (signature, issuer key, validity, holder binding to our key) before
   returning it: the caller stores only what this function returns.
"""

from __future__ import annotations

import base64
import hashlib
import json
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from wallet.openid4vc._errors import (
    CredentialRejected,
    EndpointRefused,
    GrantRefused,
    InvalidNonce,
    NetworkRefused,
    ProtocolError,
    UnsupportedFormat,
    clip,
)
from wallet.openid4vc._http import HttpPolicy, WebClient
from wallet.openid4vc._metadata import (
    AuthorizationServerMetadata,
    CredentialConfiguration,
    IssuerMetadata,
    well_known_url,
)
from wallet.openid4vc._offer import CredentialOffer, TxCode, locate_offer
from wallet.openid4vc._proof import HolderKey, make_key_proof
from wallet.openid4vc._util import Clock, Rng, random_token

if TYPE_CHECKING:
    from did import VerificationReport

__all__ = ["ReceivedCredential", "receive_credentials"]

CLIENT_ID = "ssi-wallet"


@dataclass(frozen=True)
class ReceivedCredential:
    """A credential received and verified: its format, content and verification report."""

    credential_issuer: str
    configuration_id: str
    format: str
    credential: str | dict[str, Any]
    report: VerificationReport

    def to_json(self) -> dict[str, Any]:
        return {
            "credential_issuer": self.credential_issuer,
            "credential_configuration_id": self.configuration_id,
            "format": self.format,
            "credential": self.credential,
            "report": self.report.to_json(),
        }


def receive_credentials(
    offer_text: str,
    *,
    holder: HolderKey,
    policy: HttpPolicy,
    clock: Clock,
    rng: Rng,
    tx_code: Callable[[TxCode], str] | None = None,
    open_url: Callable[[str], None] | None = None,
    use_authorization_code: bool = False,
    resolver: Any = None,
    redirect_wait: float = 300.0,
) -> tuple[ReceivedCredential, ...]:
    """Run the offer's flow; return every offered credential, each verified.

    `tx_code` is asked for the transaction code when the offer requires one. The authorization
    code flow is used when the offer has no pre-authorized code, or when
    `use_authorization_code` is set; `open_url` is then given the URL the user must open.
    """
    from did import Resolver

    resolver = resolver or Resolver()
    with WebClient(policy) as web:
        offer = _fetch_offer(web, offer_text)
        metadata_url = well_known_url(offer.credential_issuer, "openid-credential-issuer")
        response = web.request("GET", metadata_url, what="issuer metadata")
        web.expect_ok(response, "issuer metadata", EndpointRefused)
        metadata = IssuerMetadata.from_json(
            response.json("issuer metadata"), offer.credential_issuer
        )
        configs = [metadata.configuration(i) for i in offer.credential_configuration_ids]
        for config in configs:
            if not config.accepts_proof_alg(holder.key.jws_alg):
                raise UnsupportedFormat(
                    f"configuration {config.id!r} takes key proofs in {list(config.proof_algs)}, "
                    f"this key signs {holder.key.jws_alg}"
                )
        server = offer.authorization_server or metadata.authorization_servers[0]
        response = web.request(
            "GET", well_known_url(server, "oauth-authorization-server"), what="AS metadata"
        )
        web.expect_ok(response, "authorization server metadata", EndpointRefused)
        as_metadata = AuthorizationServerMetadata.from_json(
            response.json("authorization server metadata"), server
        )
        if offer.pre_authorized_code is not None and not use_authorization_code:
            form = {
                "grant_type": "urn:ietf:params:oauth:grant-type:pre-authorized_code",
                "pre-authorized_code": offer.pre_authorized_code,
            }
            if offer.tx_code is not None:
                if tx_code is None:
                    raise ProtocolError("the offer needs a transaction code and none was given")
                form["tx_code"] = tx_code(offer.tx_code)
        elif offer.authorization_code_grant:
            form = _authorization_code(offer, as_metadata, rng, open_url, redirect_wait)
        else:
            raise ProtocolError("the offer has no grant this wallet can use")
        response = web.request("POST", as_metadata.token_endpoint, what="token", data=form)
        web.expect_ok(response, "token endpoint", GrantRefused)
        token = response.json_object("token response")
        access_token = token.get("access_token")
        if not isinstance(access_token, str) or str(token.get("token_type")).lower() != "bearer":
            raise ProtocolError("token response: want a Bearer access_token")
        grant = _Grant(
            access_token,
            form.get("client_id"),
            _credential_identifiers(token.get("authorization_details")),
        )
        return tuple(
            _request_credential(web, metadata, config, grant, holder, clock, resolver)
            for config in configs
        )


def _fetch_offer(web: WebClient, text: str) -> CredentialOffer:
    location = locate_offer(text)
    if location.offer is not None:
        return location.offer
    assert location.uri is not None
    response = web.request("GET", location.uri, what="credential_offer_uri")
    web.expect_ok(response, "credential_offer_uri", EndpointRefused)
    return CredentialOffer.from_json(response.json("credential offer"))


def _authorization_code(
    offer: CredentialOffer,
    server: AuthorizationServerMetadata,
    rng: Rng,
    open_url: Callable[[str], None] | None,
    wait: float,
) -> dict[str, str]:
    from wallet.openid4vc._server import bind, serve
    from wallet.server import Limits, Listen

    if server.authorization_endpoint is None or "S256" not in server.code_challenge_methods:
        raise ProtocolError("the authorization server offers no authorization endpoint with PKCE")
    if open_url is None:
        raise ProtocolError("the authorization code flow needs a way to show the user a URL")
    verifier = random_token(rng, 32)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest())
    state = random_token(rng, 16)
    callback = _Callback()
    bound = bind(Listen("127.0.0.1", 0))
    redirect_uri = f"{bound.base_url}/callback"
    details = [
        {"type": "openid_credential", "credential_configuration_id": config_id}
        for config_id in offer.credential_configuration_ids
    ]
    params = {
        "response_type": "code",
        "client_id": CLIENT_ID,
        "redirect_uri": redirect_uri,
        "code_challenge": challenge.rstrip(b"=").decode("ascii"),
        "code_challenge_method": "S256",
        "state": state,
        "authorization_details": json.dumps(details, separators=(",", ":")),
    }
    if offer.issuer_state is not None:
        params["issuer_state"] = offer.issuer_state
    with serve(callback.app(), bound, Limits(max_body=1024, active=4, connections=16)):
        open_url(f"{server.authorization_endpoint}?{urlencode(params)}")
        if not callback.done.wait(wait):
            raise NetworkRefused("no authorization response reached the loopback redirect in time")
    answer = callback.params
    if answer.get("state") != state:
        raise ProtocolError("authorization response: state does not match the request")
    # RFC 9207: the response names the server that issued it, against mix-up attacks.
    if "iss" in answer and answer["iss"] != server.issuer:
        raise ProtocolError("authorization response: iss is not the authorization server")
    if "error" in answer:
        raise GrantRefused(
            "authorization endpoint", answer["error"], answer.get("error_description")
        )
    if not answer.get("code"):
        raise ProtocolError("authorization response: no code")
    return {
        "grant_type": "authorization_code",
        "code": answer["code"],
        "redirect_uri": redirect_uri,
        "client_id": CLIENT_ID,
        "code_verifier": verifier,
    }


class _Callback:
    """The loopback redirect target: keeps the first authorization response it receives."""

    def __init__(self) -> None:
        self.done = threading.Event()
        self.params: dict[str, str] = {}

    def app(self) -> Any:
        from starlette.requests import Request
        from starlette.responses import PlainTextResponse, Response
        from starlette.routing import Route

        from wallet.server import Limits, application

        async def callback(request: Request) -> Response:
            if not self.done.is_set():
                self.params = {k: v[:2048] for k, v in request.query_params.items()}
                self.done.set()
            return PlainTextResponse("You may close this window and return to the terminal.")

        routes = [Route("/callback", callback, methods=["GET"])]
        return application(routes, Limits(max_body=1024, active=4, connections=16))


@dataclass(frozen=True)
class _Grant:
    """What the token endpoint granted: the token, our client id (if any), and the
    credential identifiers it assigned per configuration (§6.2, `authorization_details`)."""

    access_token: str = field(repr=False)
    client_id: str | None
    identifiers: Mapping[str, str]


def _credential_identifiers(details: Any) -> dict[str, str]:
    found: dict[str, str] = {}
    for entry in details if isinstance(details, list) else []:
        if not isinstance(entry, dict) or entry.get("type") != "openid_credential":
            continue
        config_id = entry.get("credential_configuration_id")
        identifiers = entry.get("credential_identifiers")
        if not isinstance(config_id, str) or not isinstance(identifiers, list):
            continue
        if identifiers and isinstance(identifiers[0], str):
            found.setdefault(config_id, identifiers[0])
    return found


def _request_credential(
    web: WebClient,
    metadata: IssuerMetadata,
    config: CredentialConfiguration,
    grant: _Grant,
    holder: HolderKey,
    clock: Clock,
    resolver: Any,
) -> ReceivedCredential:
    if metadata.nonce_endpoint is None:
        raise ProtocolError("the issuer has no nonce endpoint; key proofs need its c_nonce")
    response = web.request("POST", metadata.nonce_endpoint, what="nonce")
    web.expect_ok(response, "nonce endpoint", EndpointRefused)
    c_nonce = response.json_object("nonce response").get("c_nonce")
    if not isinstance(c_nonce, str) or not c_nonce:
        raise ProtocolError("nonce response: want a string c_nonce")
    proof = make_key_proof(
        holder,
        audience=metadata.credential_issuer,
        nonce=c_nonce,
        issued_at=clock(),
        client_id=grant.client_id,
    )
    # §8.2: a credential identifier from the token response replaces the configuration id.
    identifier = grant.identifiers.get(config.id)
    body: dict[str, Any] = (
        {"credential_identifier": identifier}
        if identifier is not None
        else {"credential_configuration_id": config.id}
    )
    body["proofs"] = {"jwt": [proof]}
    response = web.request(
        "POST",
        metadata.credential_endpoint,
        what="credential",
        json_body=body,
        headers={"Authorization": f"Bearer {grant.access_token}"},
    )
    if response.status == 400 and _error_of(response) == "invalid_nonce":
        web.expect_ok(response, "credential endpoint", InvalidNonce)
    web.expect_ok(response, "credential endpoint", EndpointRefused)
    answer = response.json_object("credential response")
    if "transaction_id" in answer:
        raise ProtocolError("deferred issuance (transaction_id) is not supported")
    items = answer.get("credentials")
    if not isinstance(items, list) or len(items) != 1 or not isinstance(items[0], dict):
        raise ProtocolError("credential response: want credentials with exactly one entry")
    credential = items[0].get("credential")
    report = verify_received(credential, config, holder, clock, resolver)
    assert isinstance(credential, str | dict)
    return ReceivedCredential(
        metadata.credential_issuer, config.id, config.format, credential, report
    )


def _error_of(response: Any) -> str | None:
    try:
        value = response.json_object("error").get("error")
    except ProtocolError:
        return None
    return value if isinstance(value, str) else None


def verify_received(
    credential: Any,
    config: CredentialConfiguration,
    holder: HolderKey,
    clock: Clock,
    resolver: Any,
) -> VerificationReport:
    """Verify an issued credential and its binding to `holder`; raise CredentialRejected."""
    # The holder checks what it receives is intact, bound to its key and of the offered
    # type; whom to trust as an issuer is each verifier's decision, not the holder's.
    from did import TrustAny, verify_credential, verify_sd_jwt

    now = clock()
    if config.format == "dc+sd-jwt":
        if not isinstance(credential, str):
            raise CredentialRejected("dc+sd-jwt credential: want SD-JWT text")
        report = verify_sd_jwt(
            credential,
            now=now,
            audience=None,
            nonce=None,
            resolver=resolver,
            require_key_binding=False,
            trust=TrustAny(),
        )
        _raise_unless_verified(report)
        from did import SdJwt
        from did.sd_jwt import Jws

        payload = Jws.from_text(SdJwt.from_text(credential).issuer_jwt).payload
        if payload.get("vct") != config.vct:
            got = clip(payload.get("vct"), 80)
            raise CredentialRejected(f"vct: got {got!r}, want {config.vct!r}")
        cnf = payload.get("cnf", {}).get("jwk", {})
        if not same_public_jwk(cnf, holder.jwk):
            raise CredentialRejected("cnf: the credential is not bound to this wallet's key")
        return report
    if not isinstance(credential, dict):
        raise CredentialRejected("ldp_vc credential: want a JSON object")
    report = verify_credential(credential, now=now, resolver=resolver, trust=TrustAny())
    _raise_unless_verified(report)
    subject = credential.get("credentialSubject")
    if not isinstance(subject, Mapping) or subject.get("id") != holder.bound_did:
        raise CredentialRejected("credentialSubject.id: the credential is not about this holder")
    types = credential.get("type", [])
    missing = [t for t in config.types if t not in types]
    if missing:
        raise CredentialRejected(f"type: missing {missing}")
    return report


def same_public_jwk(a: Any, b: Mapping[str, str]) -> bool:
    """Whether the JWK `a` names the same public key as `b` (key type, curve, coordinates)."""
    if not isinstance(a, dict):
        return False
    return all(a.get(name) == b.get(name) for name in ("kty", "crv", "x", "y"))


def _raise_unless_verified(report: VerificationReport) -> None:
    # Whether the issuer is trusted is decided when the credential is used, not on receipt
    # (docs/decisions.md); every other check must pass before the wallet keeps it.
    failures = [(path, check) for path, check in report.failures() if check.name != "trust"]
    if failures:
        path, check = failures[0]
        raise CredentialRejected(f"the issued credential does not verify: {path}: {check.message}")
