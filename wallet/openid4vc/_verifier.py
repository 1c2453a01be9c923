"""Provides the OpenID4VP 1.0 verifier, without HTTP: requests, responses, verification.

`Verifier.create_request` makes a transaction with a fresh nonce and state and returns the
request URI to show the user: by reference with a signed request object when the verifier has
a DID (`decentralized_identifier:` client id), else by value (`redirect_uri:`). `respond`
takes a `direct_post` response (§8.2), accepts exactly one per transaction (a second is
`ResponseReplayed`, even if the first failed), verifies every presentation against the nonce
and the client id, checks it answers the DCQL query, and records a `PresentationResult`.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from wallet.openid4vc._dcql import CredentialQuery, DcqlQuery, select_claims
from wallet.openid4vc._errors import ResponseReplayed, VerifierRefused, clip
from wallet.openid4vc._jwe import P256Decrypter
from wallet.openid4vc._request import AuthorizationRequest, request_uri_of
from wallet.openid4vc._util import Clock, Rng, random_token

if TYPE_CHECKING:
    from did import SigningKey, TrustPolicy, VerificationReport

__all__ = ["PresentationResult", "RequestHandle", "Verifier"]

TRANSACTION_LIFETIME = timedelta(minutes=10)
# Registered SD-JWT VC claims: what `disclosed` leaves out, since they are never personal data.
_REGISTERED = ("iss", "iat", "nbf", "exp", "cnf", "vct", "status")


@dataclass(frozen=True)
class RequestHandle:
    """A request made: its transaction id, the URI to show, and the request itself."""

    transaction_id: str
    uri: str
    request: AuthorizationRequest


@dataclass(frozen=True)
class PresentationResult:
    """The verification of one response: a report per presentation and the claims received."""

    transaction_id: str
    client_id: str
    verified: bool
    reports: tuple[tuple[str, VerificationReport], ...]
    disclosed: tuple[tuple[str, dict[str, Any]], ...]
    problems: tuple[str, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "transaction_id": self.transaction_id,
            "client_id": self.client_id,
            "verified": self.verified,
            "presentations": [{"query_id": q, "report": r.to_json()} for q, r in self.reports],
            "disclosed": [{"query_id": q, "claims": c} for q, c in self.disclosed],
            "problems": list(self.problems),
        }


@dataclass
class _Transaction:
    id: str
    request: AuthorizationRequest
    expires: datetime
    responded: bool = False
    result: PresentationResult | None = None
    done: threading.Event = field(default_factory=threading.Event)


class Verifier:
    """A short-lived verifier serving requests and receiving `direct_post` responses."""

    def __init__(
        self,
        base_url: str,
        *,
        clock: Clock,
        rng: Rng,
        key: SigningKey | None = None,
        verification_method: str | None = None,
        resolver: Any = None,
        trust: TrustPolicy,
        response_mode: str = "direct_post",
    ) -> None:
        from did import Resolver

        if (key is None) != (verification_method is None):
            raise VerifierRefused("a signing verifier needs both its key and its method")
        if response_mode not in ("direct_post", "direct_post.jwt"):
            raise VerifierRefused(f"response_mode {response_mode!r} is not supported")
        self.response_mode = response_mode
        self._decrypter = (
            P256Decrypter(rng, random_token(rng, 8)) if response_mode == "direct_post.jwt" else None
        )
        self.base_url = base_url.rstrip("/")
        self._key = key
        self._method = verification_method
        self._clock = clock
        self._rng = rng
        self._resolver = resolver or Resolver()
        self._trust = trust
        self._lock = threading.Lock()
        self._by_id: dict[str, _Transaction] = {}
        self._by_state: dict[str, _Transaction] = {}

    @property
    def response_uri(self) -> str:
        return f"{self.base_url}/response"

    @property
    def client_id(self) -> str:
        if self._method is not None:
            return "decentralized_identifier:" + self._method.partition("#")[0]
        return "redirect_uri:" + self.response_uri

    def create_request(self, dcql: DcqlQuery) -> RequestHandle:
        """Start a transaction for `dcql`; return the URI to give the holder."""
        now = self._clock()
        request = AuthorizationRequest(
            self.client_id,
            self.response_uri,
            random_token(self._rng),
            dcql,
            random_token(self._rng),
            self.response_mode,
            signed=self._key is not None,
            client_metadata=self._client_metadata(),
        )
        transaction = _Transaction(random_token(self._rng, 16), request, now + TRANSACTION_LIFETIME)
        with self._lock:
            self._by_id[transaction.id] = transaction
            assert request.state is not None
            self._by_state[request.state] = transaction
        if self._key is None:
            uri = request.to_uri()
        else:
            uri = request_uri_of(self.client_id, f"{self.base_url}/request/{transaction.id}")
        return RequestHandle(transaction.id, uri, request)

    def _client_metadata(self) -> dict[str, Any] | None:
        if self._decrypter is None:
            return None
        return {
            "jwks": {"keys": [self._decrypter.public_jwk]},
            "encrypted_response_enc_values_supported": ["A128GCM"],
        }

    def _open(self, form: Mapping[str, str]) -> tuple[str, Any]:
        # §8.3: with direct_post.jwt the state and vp_token travel inside the JWE.
        if self._decrypter is None:
            return form.get("state", ""), form.get("vp_token")
        from did import parse_json
        from did.errors import DidError

        if "response" not in form:
            raise VerifierRefused("response: this verifier takes only encrypted responses")
        try:
            payload = parse_json(self._decrypter.decrypt(form["response"]), max_depth=32)
        except DidError as exc:
            raise VerifierRefused(f"response: {exc}") from None
        if not isinstance(payload, dict):
            raise VerifierRefused("response: want a JSON object")
        return str(payload.get("state", "")), payload.get("vp_token")

    def request_object(self, transaction_id: str) -> str:
        """The signed request object of a transaction (served at its request_uri)."""
        transaction = self._by_id.get(transaction_id)
        if transaction is None or self._key is None or self._method is None:
            raise VerifierRefused("no such request", error="not_found", status=404)
        return transaction.request.to_jwt(self._key, self._method, self._clock())

    def result(
        self, transaction_id: str, timeout: float | None = None
    ) -> PresentationResult | None:
        """The transaction's result, waiting up to `timeout` seconds for it to arrive."""
        transaction = self._by_id.get(transaction_id)
        if transaction is None:
            return None
        if timeout is not None:
            transaction.done.wait(timeout)
        return transaction.result

    def respond(self, form: Mapping[str, str]) -> dict[str, Any]:
        """Take a `direct_post` response; raise VerifierRefused when it is refused."""
        now = self._clock()
        state, vp_token = self._open(form)
        with self._lock:
            transaction = self._by_state.get(state)
            if transaction is None:
                raise VerifierRefused("state: no transaction has this state")
            if transaction.responded:
                raise ResponseReplayed("a response for this transaction was already received")
            transaction.responded = True
        try:
            if transaction.expires < now:
                raise VerifierRefused("the transaction has expired")
            if "error" in form:
                raise VerifierRefused(f"the wallet declined: {clip(form['error'], 60)}")
            result = self._verify(transaction, vp_token, now)
        except VerifierRefused as exc:
            result = PresentationResult(
                transaction.id, transaction.request.client_id, False, (), (), (str(exc),)
            )
        transaction.result = result
        transaction.done.set()
        if not result.verified:
            raise VerifierRefused(f"presentation refused: {result.problems[0]}")
        return {}

    def _verify(self, transaction: _Transaction, raw: Any, now: datetime) -> PresentationResult:
        from did import parse_json
        from did.errors import DidError

        request = transaction.request
        if isinstance(raw, dict):
            token: Any = raw
        elif not isinstance(raw, str) or len(raw) > 256 * 1024:
            raise VerifierRefused("vp_token: missing or larger than 256 KiB")
        else:
            try:
                token = parse_json(raw, max_depth=32)
            except DidError as exc:
                raise VerifierRefused(f"vp_token: {exc}") from None
        if not isinstance(token, dict):
            raise VerifierRefused("vp_token: want a JSON object keyed by credential query id")
        reports: list[tuple[str, VerificationReport]] = []
        disclosed: list[tuple[str, dict[str, Any]]] = []
        problems: list[str] = []
        answered: set[str] = set()
        for query_id, presentations in token.items():
            query = next((q for q in request.dcql_query.credentials if q.id == query_id), None)
            if query is None:
                raise VerifierRefused(f"vp_token: {clip(query_id, 60)!r} was not asked for")
            if not isinstance(presentations, list) or not presentations:
                raise VerifierRefused(f"vp_token.{query_id}: want a non-empty array")
            if len(presentations) > 1 and not query.multiple:
                raise VerifierRefused(f"vp_token.{query_id}: one presentation was asked for")
            ok = True
            for presentation in presentations:
                report, claims, problem = self._check(query, presentation, request, now)
                reports.append((query_id, report))
                if problem is not None:
                    problems.append(f"{query_id}: {problem}")
                    ok = False
                else:
                    disclosed.append((query_id, claims))
            if ok:
                answered.add(query_id)
        for options in request.dcql_query.required_options():
            if not any(all(i in answered for i in option) for option in options):
                problems.append(f"no valid presentation for {[list(o) for o in options]}")
        return PresentationResult(
            transaction.id,
            request.client_id,
            not problems,
            tuple(reports),
            tuple(disclosed),
            tuple(problems),
        )

    def _check(
        self,
        query: CredentialQuery,
        presentation: Any,
        request: AuthorizationRequest,
        now: datetime,
    ) -> tuple[VerificationReport, dict[str, Any], str | None]:
        from did import verify_presentation, verify_sd_jwt

        if query.format == "dc+sd-jwt":
            if not isinstance(presentation, str):
                raise VerifierRefused(f"vp_token.{query.id}: want SD-JWT text")
            report = verify_sd_jwt(
                presentation,
                now=now,
                audience=request.client_id,
                nonce=request.nonce,
                resolver=self._resolver,
                trust=self._trust,
            )
            if not report.verified:
                return report, {}, _first_failure(report)
            claims = dict(report.claims or {})
            views: list[tuple[dict[str, Any], tuple[str, ...]]] = [
                (claims, (str(claims.get("vct")),))
            ]
            shown = {k: v for k, v in claims.items() if k not in _REGISTERED}
        else:
            if not isinstance(presentation, dict):
                raise VerifierRefused(f"vp_token.{query.id}: want a presentation object")
            report = verify_presentation(
                presentation,
                challenge=request.nonce,
                domain=request.client_id,
                now=now,
                resolver=self._resolver,
                trust=self._trust,
            )
            if not report.verified:
                return report, {}, _first_failure(report)
            embedded = presentation.get("verifiableCredential", [])
            views = [(c, _types(c)) for c in embedded if isinstance(c, dict)]
            shown = {"credentials": [v for v, _ in views]}
        for view, types in views:
            if query.vct_values is not None and types[0] not in query.vct_values:
                return report, {}, f"vct {clip(types[0], 60)!r} was not asked for"
            if query.type_values is not None and not any(
                set(t) <= set(types) for t in query.type_values
            ):
                return report, {}, f"type {list(types)} was not asked for"
            if select_claims(query, view) is None:
                return report, {}, "the presentation lacks claims the query asks for"
        return report, shown, None


def _types(credential: dict[str, Any]) -> tuple[str, ...]:
    types = credential.get("type", [])
    types = [types] if isinstance(types, str) else types
    return tuple(t for t in types if isinstance(t, str))


def _first_failure(report: VerificationReport) -> str:
    path, check = report.failures()[0]
    return f"{path} ({check.reason}): {check.message}"
