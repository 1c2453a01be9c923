"""Provides the OpenID4VCI 1.0 credential issuer and its authorization server, without HTTP.

`Issuer` keeps the state of a short-lived issuer: offers (§4), pre-authorized codes with their
transaction codes (§3.5, §6.1), authorization codes with PKCE (RFC 7636, §5), access tokens
(§6), c_nonces (§7) and credential requests (§8). Every method takes the parsed request and
returns the JSON answer or raises an `IssuerRefused` carrying the OAuth error to answer with.
The HTTP layer (`_issuer_app`) only translates. Codes, tokens and nonces are single-use and
expire; a pre-authorized code is burned after a few wrong transaction codes.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import threading
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode, urlsplit

from wallet.openid4vc._errors import (
    InvalidTxCode,
    IssuerRefused,
    NonceRejected,
    ProofRejected,
    ProtocolError,
    clip,
)
from wallet.openid4vc._issuer_records import (
    AuthCodeRecord,
    CredentialTemplate,
    GrantRecord,
    IssuedCredential,
    OfferHandle,
    TokenRecord,
)
from wallet.openid4vc._metadata import (
    AuthorizationServerMetadata,
    CredentialConfiguration,
    IssuerMetadata,
)
from wallet.openid4vc._offer import PRE_AUTHORIZED_GRANT, CredentialOffer, TxCode
from wallet.openid4vc._proof import verify_key_proof
from wallet.openid4vc._util import Clock, Rng, random_digits, random_token

if TYPE_CHECKING:
    from did import SigningKey

__all__ = ["CredentialTemplate", "IssuedCredential", "Issuer", "OfferHandle"]

CODE_LIFETIME = timedelta(minutes=10)
TOKEN_LIFETIME = timedelta(minutes=5)
NONCE_LIFETIME = timedelta(minutes=5)
MAX_TX_CODE_ATTEMPTS = 3
TX_CODE_LENGTH = 6


def _same(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode("utf-8"), b.encode("utf-8"))


def _loopback_redirect(uri: str) -> bool:
    # RFC 8252 §7.3: a native client's redirect is plain http to a loopback address.
    parts = urlsplit(uri)
    return parts.scheme == "http" and parts.hostname in ("127.0.0.1", "::1", "localhost")


class Issuer:
    """A credential issuer that is also its own authorization server (§3, §12.2)."""

    def __init__(
        self,
        base_url: str,
        *,
        key: SigningKey,
        verification_method: str,
        clock: Clock,
        rng: Rng,
        resolver: Any = None,
    ) -> None:
        from did import Resolver

        self.base_url = base_url.rstrip("/")
        self._key = key
        self._method = verification_method
        self._clock = clock
        self._rng = rng
        self._resolver = resolver or Resolver()
        self._lock = threading.Lock()
        self._grants: dict[str, GrantRecord] = {}
        self._codes: dict[str, AuthCodeRecord] = {}
        self._tokens: dict[str, TokenRecord] = {}
        self._nonces: dict[str, datetime] = {}
        self._configurations: dict[str, CredentialConfiguration] = {}
        self.issued: list[IssuedCredential] = []
        self.issued_event = threading.Event()

    # Metadata (§12.2, RFC 8414).

    def metadata(self) -> IssuerMetadata:
        return IssuerMetadata(
            self.base_url,
            f"{self.base_url}/credential",
            f"{self.base_url}/nonce",
            (self.base_url,),
            tuple(self._configurations.values()),
        )

    def authorization_server_metadata(self) -> AuthorizationServerMetadata:
        return AuthorizationServerMetadata(
            self.base_url, f"{self.base_url}/token", f"{self.base_url}/authorize", ("S256",)
        )

    # Offers (§4.1).

    def create_offer(
        self,
        template: CredentialTemplate,
        *,
        tx_code: bool = False,
        pre_authorized: bool = True,
        authorization_code: bool = False,
    ) -> OfferHandle:
        """Make an offer for one credential; say which grants it allows."""
        if not pre_authorized and not authorization_code:
            raise ProtocolError("an offer needs at least one grant")
        config = template.configuration
        with self._lock:
            known = self._configurations.setdefault(config.id, config)
            if known != config:
                raise ProtocolError(f"configuration {config.id!r} is already defined otherwise")
            offer_id = random_token(self._rng, 16)
            grant = GrantRecord(offer_id, template, self._clock() + CODE_LIFETIME)
            if pre_authorized:
                grant.pre_code = random_token(self._rng)
                if tx_code:
                    grant.tx_code = random_digits(self._rng, TX_CODE_LENGTH)
            if authorization_code:
                grant.issuer_state = random_token(self._rng)
            self._grants[offer_id] = grant
        offer = CredentialOffer(
            self.base_url,
            (config.id,),
            grant.pre_code,
            TxCode("numeric", TX_CODE_LENGTH, "the code the issuer told you") if tx_code else None,
            grant.issuer_state,
            authorization_code,
        )
        return OfferHandle(offer_id, offer, grant.tx_code)

    def offer_document(self, offer_id: str) -> dict[str, Any]:
        """The offer JSON served at `credential_offer_uri` (§4.1.3)."""
        handle = self._grants.get(offer_id)
        if handle is None or handle.used:
            raise IssuerRefused("no such offer", error="not_found", status=404)
        return self._offer_of(handle).to_json()

    def offer_url(self, offer_id: str) -> str:
        return f"{self.base_url}/offers/{offer_id}"

    def _offer_of(self, grant: GrantRecord) -> CredentialOffer:
        tx = TxCode("numeric", TX_CODE_LENGTH) if grant.tx_code is not None else None
        config_id = grant.template.configuration.id
        return CredentialOffer(
            self.base_url,
            (config_id,),
            grant.pre_code,
            tx,
            grant.issuer_state,
            grant.issuer_state is not None,
        )

    # Authorization endpoint (§5, RFC 6749 §4.1, RFC 7636).

    def authorize(self, params: Mapping[str, str]) -> str:
        """Check an authorization request; return the redirect URL carrying the code."""
        redirect_uri = params.get("redirect_uri", "")
        if not _loopback_redirect(redirect_uri):
            raise IssuerRefused("redirect_uri: want http on a loopback address (RFC 8252 §7.3)")
        if params.get("response_type") != "code":
            raise IssuerRefused("response_type: want code", error="unsupported_response_type")
        if params.get("code_challenge_method") != "S256" or not params.get("code_challenge"):
            raise IssuerRefused("PKCE: want a code_challenge with code_challenge_method S256")
        client_id = params.get("client_id", "")
        if not client_id:
            raise IssuerRefused("client_id: missing")
        state = params.get("issuer_state", "")
        now = self._clock()
        with self._lock:
            grant = next(
                (
                    g
                    for g in self._grants.values()
                    if g.issuer_state is not None and _same(g.issuer_state, state)
                ),
                None,
            )
            # The issuer_state stands for the user this offer was made to, who is thereby
            # authenticated: a terminal issuer has no login of its own.
            if grant is None or grant.used or grant.expires < now:
                raise IssuerRefused("issuer_state: unknown, used or expired", error="access_denied")
            code = random_token(self._rng)
            self._codes[code] = AuthCodeRecord(
                grant, params["code_challenge"], redirect_uri, client_id, now + CODE_LIFETIME
            )
        query = {"code": code, "iss": self.base_url}
        if "state" in params:
            query["state"] = params["state"]
        separator = "&" if urlsplit(redirect_uri).query else "?"
        return f"{redirect_uri}{separator}{urlencode(query)}"

    # Token endpoint (§6).

    def token(self, form: Mapping[str, str]) -> dict[str, Any]:
        """Exchange a pre-authorized or authorization code for an access token."""
        grant_type = form.get("grant_type")
        now = self._clock()
        with self._lock:
            if grant_type == PRE_AUTHORIZED_GRANT:
                grant = self._pre_authorized(form, now)
            elif grant_type == "authorization_code":
                grant = self._authorization_code(form, now)
            else:
                raise IssuerRefused(
                    f"grant_type {clip(grant_type, 60)!r} is not supported",
                    error="unsupported_grant_type",
                )
            grant.used = True
            token = random_token(self._rng)
            self._tokens[token] = TokenRecord(grant, now + TOKEN_LIFETIME)
        return {
            "access_token": token,
            "token_type": "Bearer",
            "expires_in": int(TOKEN_LIFETIME.total_seconds()),
        }

    def _pre_authorized(self, form: Mapping[str, str], now: datetime) -> GrantRecord:
        code = form.get("pre-authorized_code", "")
        grant = next(
            (g for g in self._grants.values() if g.pre_code and _same(g.pre_code, code)), None
        )
        if grant is None or grant.used or grant.expires < now:
            raise IssuerRefused(
                "pre-authorized_code: unknown, used or expired", error="invalid_grant"
            )
        if grant.tx_code is not None:
            given = form.get("tx_code")
            if given is None or not _same(given, grant.tx_code):
                grant.attempts += 1
                if grant.attempts >= MAX_TX_CODE_ATTEMPTS:
                    # Six digits are guessable with unlimited tries; burn the code instead.
                    grant.used = True
                raise InvalidTxCode("tx_code does not match" if given else "tx_code is missing")
        elif "tx_code" in form:
            raise IssuerRefused("tx_code: this offer has none", error="invalid_grant")
        return grant

    def _authorization_code(self, form: Mapping[str, str], now: datetime) -> GrantRecord:
        entry = self._codes.pop(form.get("code", ""), None)
        if entry is None or entry.expires < now or entry.grant.used:
            raise IssuerRefused("code: unknown, used or expired", error="invalid_grant")
        if form.get("redirect_uri") != entry.redirect_uri or form.get("client_id") != (
            entry.client_id
        ):
            raise IssuerRefused(
                "redirect_uri or client_id differ from the authorization request",
                error="invalid_grant",
            )
        verifier = form.get("code_verifier", "")
        digest = hashlib.sha256(verifier.encode("ascii", "replace")).digest()
        challenge = base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")
        if not 43 <= len(verifier) <= 128 or not _same(challenge, entry.challenge):
            raise IssuerRefused(
                "code_verifier does not match the code_challenge", error="invalid_grant"
            )
        return entry.grant

    # Nonce endpoint (§7).

    def nonce(self) -> dict[str, Any]:
        now = self._clock()
        with self._lock:
            # Expired nonces are dropped here, so the table stays as small as the traffic.
            for stale in [n for n, t in self._nonces.items() if t < now]:
                del self._nonces[stale]
            value = random_token(self._rng)
            self._nonces[value] = now + NONCE_LIFETIME
        return {"c_nonce": value}

    # Credential endpoint (§8).

    def credential(self, authorization: str | None, body: Any) -> dict[str, Any]:
        """Issue the credential of an access token to the key proven in the request."""
        now = self._clock()
        scheme, _, token = (authorization or "").partition(" ")
        with self._lock:
            entry = self._tokens.get(token) if scheme.lower() == "bearer" else None
            if entry is None or entry.expires < now:
                raise IssuerRefused(
                    "access token missing, unknown or expired", error="invalid_token", status=401
                )
        grant = entry.grant
        config = grant.template.configuration
        jwts = self._read_request(body, config.id)
        proven = verify_key_proof(
            jwts[0], audience=self.base_url, now=now, resolve_method=self._resolve_key
        )
        with self._lock:
            expires = self._nonces.pop(proven.nonce, None)
            if expires is None or expires < now:
                raise NonceRejected("key proof nonce: unknown, expired or already used")
            if self._tokens.pop(token, None) is None:
                raise IssuerRefused("access token already used", error="invalid_token", status=401)
        subject = grant.template.subject
        if subject is not None and proven.did != subject:
            raise IssuerRefused(
                f"this offer is for {clip(subject, 80)}, "
                f"the key proof is by {clip(proven.did, 80)}",
                error="credential_request_denied",
            )
        credential = self._sign(grant.template, proven.did, proven.public_key, now)
        with self._lock:
            issued = IssuedCredential(grant.offer_id, proven.did, config.format, credential)
            self.issued.append(issued)
            self.issued_event.set()
        return {"credentials": [{"credential": credential}]}

    def _read_request(self, body: Any, config_id: str) -> Sequence[str]:
        if not isinstance(body, dict):
            raise IssuerRefused(
                "credential request: want a JSON object", error="invalid_credential_request"
            )
        if body.get("credential_configuration_id") != config_id:
            raise IssuerRefused(
                f"credential_configuration_id: want {config_id!r}",
                error="unknown_credential_configuration",
            )
        proofs = body.get("proofs")
        jwts = proofs.get("jwt") if isinstance(proofs, dict) and len(proofs) == 1 else None
        if not isinstance(jwts, list) or len(jwts) != 1 or not isinstance(jwts[0], str):
            raise ProofRejected('proofs: want {"jwt": [one key proof]}')
        return jwts

    def _resolve_key(self, kid: str) -> tuple[str, bytes]:
        method = self._resolver.resolve_verification_method(kid, "authentication")
        return str(method.key_type), bytes(method.public_key)

    def _sign(
        self, template: CredentialTemplate, holder: str, public_key: bytes, now: datetime
    ) -> str | dict[str, Any]:
        from did import issue_credential, issue_sd_jwt

        config = template.configuration
        until = now + template.valid_for if template.valid_for is not None else None
        if config.format == "dc+sd-jwt":
            assert config.vct is not None
            return issue_sd_jwt(
                dict(template.claims),
                key=self._key,
                verification_method=self._method,
                vct=config.vct,
                issued_at=now,
                disclosable=template.disclosable,
                holder_public_key=public_key,
                valid_until=until,
                rng=self._rng,
            )
        types = [t for t in config.types if t != "VerifiableCredential"]
        return issue_credential(
            {"id": holder, **template.claims},
            key=self._key,
            verification_method=self._method,
            valid_from=now,
            valid_until=until,
            types=types,
        )
