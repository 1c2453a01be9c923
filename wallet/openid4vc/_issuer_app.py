"""Provides the HTTP face of `Issuer`: a Starlette app with the OpenID4VCI endpoints.

Routes: the two metadata documents (§12.2.2, RFC 8414 §3), the offer by reference (§4.1.3),
`/authorize` (§5), `/token` (§6, form-encoded), `/nonce` (§7, POST) and `/credential` (§8).
Errors are OAuth error objects (RFC 6749 §5.2, §8.3.1.2) with `Cache-Control: no-store`; what
the guard of `wallet.server` refuses first (a body over the limit, a request over its deadline,
too many at once) is answered as problem details.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from wallet.openid4vc._errors import IssuerRefused
from wallet.openid4vc._issuer import Issuer

if TYPE_CHECKING:
    from starlette.requests import Request
    from starlette.responses import Response

    from wallet.server import Guard, Limits

__all__ = ["issuer_app"]

MAX_BODY = 64 * 1024
_NO_STORE = {"Cache-Control": "no-store"}


def _json(data: Any, status: int = 200) -> Response:
    from starlette.responses import JSONResponse

    return JSONResponse(data, status_code=status, headers=_NO_STORE)


def _refusal(exc: IssuerRefused) -> Response:
    from starlette.responses import JSONResponse

    headers = dict(_NO_STORE)
    if exc.status == 401:
        headers["WWW-Authenticate"] = f'Bearer error="{exc.error}"'
    body = {"error": exc.error, "error_description": str(exc)}
    return JSONResponse(body, status_code=exc.status, headers=headers)


async def read_form(request: Request) -> dict[str, str]:
    """A form body (application/x-www-form-urlencoded) with each field given at most once.

    The guard in front of the app has already read the body within its size limit.
    """
    from urllib.parse import parse_qs

    if request.headers.get("content-type", "").split(";")[0] != (
        "application/x-www-form-urlencoded"
    ):
        raise IssuerRefused("want an application/x-www-form-urlencoded body")
    text = (await request.body()).decode("utf-8", "replace")
    fields = parse_qs(text, keep_blank_values=True, max_num_fields=32)
    if any(len(values) != 1 for values in fields.values()):
        raise IssuerRefused("a form field is given more than once")
    return {name: values[0] for name, values in fields.items()}


def issuer_app(issuer: Issuer, limits: Limits | None = None) -> Guard:
    """The guarded app serving `issuer` (request bodies at most 64 KiB by default)."""
    from starlette.responses import RedirectResponse
    from starlette.routing import Route

    from did import parse_json
    from did.errors import DidError
    from wallet.server import Limits, application

    async def issuer_metadata(_: Request) -> Response:
        return _json(issuer.metadata().to_json())

    async def server_metadata(_: Request) -> Response:
        return _json(issuer.authorization_server_metadata().to_json())

    async def offer(request: Request) -> Response:
        try:
            return _json(issuer.offer_document(request.path_params["offer_id"]))
        except IssuerRefused as exc:
            return _refusal(exc)

    async def authorize(request: Request) -> Response:
        try:
            params = dict(request.query_params)
            return RedirectResponse(issuer.authorize(params), status_code=302)
        except IssuerRefused as exc:
            return _refusal(exc)

    async def token(request: Request) -> Response:
        try:
            return _json(issuer.token(await read_form(request)))
        except IssuerRefused as exc:
            return _refusal(exc)

    async def nonce(_: Request) -> Response:
        return _json(issuer.nonce())

    async def credential(request: Request) -> Response:
        try:
            try:
                body = parse_json(await request.body(), max_depth=8)
            except DidError as exc:
                raise IssuerRefused(
                    f"credential request: {exc}", error="invalid_credential_request"
                ) from None
            return _json(issuer.credential(request.headers.get("authorization"), body))
        except IssuerRefused as exc:
            return _refusal(exc)

    routes = [
        Route("/.well-known/openid-credential-issuer", issuer_metadata, methods=["GET"]),
        Route("/.well-known/oauth-authorization-server", server_metadata, methods=["GET"]),
        Route("/offers/{offer_id}", offer, methods=["GET"]),
        Route("/authorize", authorize, methods=["GET"]),
        Route("/token", token, methods=["POST"]),
        Route("/nonce", nonce, methods=["POST"]),
        Route("/credential", credential, methods=["POST"]),
    ]
    return application(routes, limits or Limits(max_body=MAX_BODY))
