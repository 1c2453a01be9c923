"""Provides the OpenID4VP 1.0 wallet: read a request, match it, ask consent, answer.

Steps (section numbers of OpenID4VP 1.0):
1. read the request (§5) and check the client identifier prefix before fetching anything;
   fetch and verify a request object when it comes by reference (§5.9.3);
2. match the DCQL query against the held credentials (§6, §7); a query nothing satisfies is
   refused, naming the credential query and the missing claim;
3. show the user exactly which claims go to which verifier and ask (`consent`);
4. build the presentations (SD-JWT VC with a key-binding JWT whose `aud` is the client id and
   `nonce` the request's, §B.3.6; a W3C presentation with a Data Integrity proof whose
   `challenge` is the nonce and `domain` the client id, §B.1.3.2) and post them with
   `direct_post` (§8.2).
Nothing is sent before the user agrees, and nothing at all when matching fails.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from wallet.openid4vc._dcql import CredentialQuery, DcqlLimits, select_claims
from wallet.openid4vc._errors import (
    ConsentDenied,
    EndpointRefused,
    NoMatchingCredential,
    ProtocolError,
    clip,
)
from wallet.openid4vc._http import HttpPolicy, WebClient
from wallet.openid4vc._jwe import encrypt_to
from wallet.openid4vc._proof import HolderKey
from wallet.openid4vc._request import AuthorizationRequest, locate_request
from wallet.openid4vc._request_object import verify_request_object
from wallet.openid4vc._util import Clock, Rng

__all__ = [
    "Candidate",
    "ConsentItem",
    "ConsentRequest",
    "Match",
    "PresentationSent",
    "SharedClaim",
    "build_vp_token",
    "consent_request",
    "credential_view",
    "fetch_request",
    "match_request",
    "present",
    "send_response",
]


@dataclass(frozen=True)
class Candidate:
    """A held credential offered to the matcher: local id, format and content."""

    id: str
    format: str
    content: str | dict[str, Any]


@dataclass(frozen=True)
class SharedClaim:
    """One claim that will be shared: its concrete path and value."""

    path: tuple[str | int, ...]
    value: Any

    def to_json(self) -> dict[str, Any]:
        return {"path": list(self.path), "value": self.value}


@dataclass(frozen=True)
class Match:
    """A held credential chosen for a credential query, with the claims selected."""

    query_id: str
    candidate: Candidate
    claims: tuple[SharedClaim, ...]


@dataclass(frozen=True)
class ConsentItem:
    """What one credential gives away: requested claims, and what is visible regardless."""

    query_id: str
    credential_id: str
    format: str
    issuer: str
    claims: tuple[SharedClaim, ...]
    whole_credential: bool
    always_visible: tuple[str, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "query_id": self.query_id,
            "credential_id": self.credential_id,
            "format": self.format,
            "issuer": self.issuer,
            "claims": [c.to_json() for c in self.claims],
            "whole_credential": self.whole_credential,
            "always_visible": list(self.always_visible),
        }


@dataclass(frozen=True)
class ConsentRequest:
    """Everything the user decides on: who asks, how they are known, and what goes."""

    verifier: str
    prefix: str
    signed: bool
    response_uri: str
    items: tuple[ConsentItem, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "verifier": self.verifier,
            "client_id_prefix": self.prefix,
            "signed_request": self.signed,
            "response_uri": self.response_uri,
            "items": [i.to_json() for i in self.items],
        }


@dataclass(frozen=True)
class PresentationSent:
    """What was sent, to whom, and where the verifier asks the user to go next (if anywhere)."""

    shared: ConsentRequest
    vp_token: dict[str, list[Any]]
    state: str | None
    redirect_uri: str | None


def fetch_request(
    text: str,
    *,
    web: WebClient,
    clock: Clock,
    resolver: Any,
    trust_anchors: Sequence[bytes] = (),
    limits: DcqlLimits | None = None,
) -> AuthorizationRequest:
    """Read a request by value or by reference and verify it (see the module doc)."""
    location = locate_request(text)
    if location.params is not None:
        return AuthorizationRequest.from_json(location.params, signed=False, limits=limits)
    jwt = location.request
    if jwt is None:
        assert location.request_uri is not None
        response = web.request("GET", location.request_uri, what="request_uri")
        web.expect_ok(response, "request_uri", EndpointRefused)
        if response.content_type != "application/oauth-authz-req+jwt":
            raise ProtocolError(
                f"request_uri: content type {clip(response.content_type, 60)!r}, "
                "want application/oauth-authz-req+jwt"
            )
        jwt = response.body.decode("ascii", "replace").strip()
    return verify_request_object(
        jwt,
        client_id=location.client_id,
        now=clock(),
        resolver=resolver,
        trust_anchors=trust_anchors,
        limits=limits,
    )


def credential_view(candidate: Candidate) -> tuple[dict[str, Any], str, tuple[str, ...]]:
    """The claims a query is matched against, the issuer, and the type (vct or types)."""
    from did import SdJwt
    from did.sd_jwt import Disclosure, Jws, process_disclosures

    if candidate.format == "dc+sd-jwt" and isinstance(candidate.content, str):
        sd_jwt = SdJwt.from_text(candidate.content)
        payload = Jws.from_text(sd_jwt.issuer_jwt).payload
        view = process_disclosures(
            payload, [Disclosure.from_encoded(d) for d in sd_jwt.disclosures]
        )
        return view, str(payload.get("iss")), (str(payload.get("vct")),)
    if candidate.format == "ldp_vc" and isinstance(candidate.content, dict):
        content = candidate.content
        types = content.get("type", [])
        types = [types] if isinstance(types, str) else types
        issuer = content.get("issuer")
        issuer = issuer.get("id") if isinstance(issuer, dict) else issuer
        return content, str(issuer), tuple(t for t in types if isinstance(t, str))
    raise ProtocolError(f"held credential {candidate.id!r}: format {candidate.format!r} unreadable")


def _fits_meta(query: CredentialQuery, types: tuple[str, ...]) -> bool:
    if query.vct_values is not None:
        return types[0] in query.vct_values
    if query.type_values is not None:
        return any(set(wanted) <= set(types) for wanted in query.type_values)
    return True


def _matches_for(query: CredentialQuery, held: Sequence[Candidate]) -> tuple[list[Match], str]:
    matches: list[Match] = []
    of_kind = 0
    from did.errors import DidError

    for candidate in held:
        if candidate.format != query.format:
            continue
        try:
            view, _, types = credential_view(candidate)
        except (DidError, ProtocolError):
            # A held credential the wallet cannot read matches nothing; it is not the
            # verifier's fault, and the other credentials may still answer.
            continue
        if not _fits_meta(query, types):
            continue
        of_kind += 1
        selected = select_claims(query, view)
        if selected is not None:
            claims = tuple(SharedClaim(path, value) for path, value in selected)
            matches.append(Match(query.id, candidate, claims))
    if matches:
        return matches, ""
    wanted = query.vct_values or query.type_values or "any type"
    if not of_kind:
        return [], f"no held {query.format} credential of {wanted}"
    paths = [list(c.path) for c in query.claims or ()]
    return [], f"the held {query.format} credentials of {wanted} lack the claims {paths}"


def match_request(request: AuthorizationRequest, held: Sequence[Candidate]) -> tuple[Match, ...]:
    """Choose credentials for the query (§6.4); raise NoMatchingCredential naming the gap."""
    dcql = request.dcql_query
    found = {q.id: _matches_for(q, held) for q in dcql.credentials}
    chosen: list[str] = []
    sets = dcql.credential_sets
    options_list = (
        [(((q.id,),), True) for q in dcql.credentials]
        if sets is None
        else [(s.options, s.required) for s in sets]
    )
    for options, required in options_list:
        option = next((o for o in options if all(found[i][0] for i in o)), None)
        if option is not None:
            chosen += [i for i in option if i not in chosen]
        elif required:
            first = next(i for i in options[0] if not found[i][0])
            raise NoMatchingCredential(f"credential query {first!r}: {found[first][1]}")
    result: list[Match] = []
    for query_id in chosen:
        matches = found[query_id][0]
        result += matches if dcql.query(query_id).multiple else matches[:1]
    return tuple(result)


def consent_request(request: AuthorizationRequest, matches: Sequence[Match]) -> ConsentRequest:
    """Describe exactly what would be shared with whom."""
    from did import SdJwt
    from did.sd_jwt import Jws

    items = []
    for match in matches:
        _, issuer, _ = credential_view(match.candidate)
        visible: tuple[str, ...] = ()
        whole = match.candidate.format == "ldp_vc"
        if not whole:
            assert isinstance(match.candidate.content, str)
            payload = Jws.from_text(SdJwt.from_text(match.candidate.content).issuer_jwt).payload
            visible = tuple(k for k in payload if k not in ("_sd", "_sd_alg"))
        items.append(
            ConsentItem(
                match.query_id,
                match.candidate.id,
                match.candidate.format,
                issuer,
                match.claims,
                whole,
                visible,
            )
        )
    return ConsentRequest(
        request.client_id, request.prefix, request.signed, request.response_uri, tuple(items)
    )


def _pointer(path: tuple[str | int, ...]) -> str:
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in path)


def _key_for(match: Match, keys: Sequence[HolderKey]) -> HolderKey:
    from did.sd_jwt import Jws
    from wallet.openid4vc._holder_issuance import same_public_jwk

    content = match.candidate.content
    for key in keys:
        if isinstance(content, str):
            payload = Jws.from_text(content.split("~")[0]).payload
            cnf = payload.get("cnf", {}).get("jwk", {})
            if same_public_jwk(cnf, key.jwk):
                return key
        else:
            subject = content.get("credentialSubject")
            if isinstance(subject, dict) and subject.get("id") == key.did:
                return key
    raise NoMatchingCredential(f"credential {match.candidate.id!r}: no key of this wallet binds it")


def build_vp_token(
    request: AuthorizationRequest,
    matches: Sequence[Match],
    keys: Sequence[HolderKey],
    clock: Clock,
) -> dict[str, list[Any]]:
    """The `vp_token` (§8.1): for each credential query id, its presentations."""
    from did import create_presentation, present_sd_jwt

    token: dict[str, list[Any]] = {}
    now = clock()
    for match in matches:
        key = _key_for(match, keys)
        content = match.candidate.content
        if isinstance(content, str):
            presented: Any = present_sd_jwt(
                content,
                disclose=[_pointer(c.path) for c in match.claims],
                holder_key=key.key,
                audience=request.client_id,
                nonce=request.nonce,
                issued_at=now,
            )
        else:
            presented = create_presentation(
                [content],
                key=key.key,
                verification_method=key.verification_method,
                challenge=request.nonce,
                domain=request.client_id,
                created=now,
            )
        token.setdefault(match.query_id, []).append(presented)
    return token


def send_response(
    web: WebClient,
    request: AuthorizationRequest,
    vp_token: dict[str, list[Any]],
    rng: Rng = os.urandom,
) -> str | None:
    """Post the response (`direct_post` §8.2, or encrypted as `direct_post.jwt` §8.3);
    return the verifier's redirect_uri, if it gave one."""
    if request.response_mode == "direct_post.jwt":
        key, enc = request.encryption_key()
        payload: dict[str, Any] = {"vp_token": vp_token}
        if request.state is not None:
            payload["state"] = request.state
        form = {"response": encrypt_to(key, payload, enc, rng)}
    else:
        form = {"vp_token": json.dumps(vp_token, separators=(",", ":"))}
        if request.state is not None:
            form["state"] = request.state
    response = web.request("POST", request.response_uri, what="response_uri", data=form)
    web.expect_ok(response, "verifier", EndpointRefused)
    if not response.body.strip():
        return None
    redirect = response.json_object("verifier response").get("redirect_uri")
    return redirect if isinstance(redirect, str) else None


def present(
    text: str,
    *,
    held: Sequence[Candidate],
    keys: Sequence[HolderKey],
    consent: Callable[[ConsentRequest], bool],
    policy: HttpPolicy,
    clock: Clock,
    rng: Rng = os.urandom,
    resolver: Any = None,
    trust_anchors: Sequence[bytes] = (),
    limits: DcqlLimits | None = None,
) -> PresentationSent:
    """Answer a presentation request with the user's consent; raise if anything is refused."""
    from did import Resolver

    resolver = resolver or Resolver()
    with WebClient(policy) as web:
        request = fetch_request(
            text,
            web=web,
            clock=clock,
            resolver=resolver,
            trust_anchors=trust_anchors,
            limits=limits,
        )
        web.check(request.response_uri, "response_uri")
        matches = match_request(request, held)
        shared = consent_request(request, matches)
        if not consent(shared):
            raise ConsentDenied("the presentation was declined; nothing was sent")
        vp_token = build_vp_token(request, matches, keys, clock)
        redirect = send_response(web, request, vp_token, rng)
    return PresentationSent(shared, vp_token, request.state, redirect)
