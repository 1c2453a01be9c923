"""Provides the HTTP face of `Verifier`: a Starlette app serving requests and responses.

Routes: `GET /request/{id}` answers the signed request object (RFC 9101 §5.2.3, media type
`application/oauth-authz-req+jwt`); `POST /response` takes a `direct_post` response
(OpenID4VP 1.0 §8.2, form-encoded) and answers `{}` when the presentation verified, or an
OAuth error object naming why it was refused. The guard of `wallet.server` bounds bodies,
time and concurrency before a handler runs.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from wallet.openid4vc._errors import IssuerRefused, VerifierRefused
from wallet.openid4vc._issuer_app import read_form
from wallet.openid4vc._verifier import Verifier

if TYPE_CHECKING:
    from starlette.requests import Request
    from starlette.responses import Response

    from wallet.server import Guard, Limits

__all__ = ["verifier_app"]

_NO_STORE = {"Cache-Control": "no-store"}
MAX_RESPONSE_BODY = 512 * 1024


def verifier_app(verifier: Verifier, limits: Limits | None = None) -> Guard:
    """The guarded app serving `verifier` (response bodies at most 512 KiB by default)."""
    from starlette.responses import JSONResponse, Response
    from starlette.routing import Route

    from wallet.server import Limits, application

    def refusal(error: str, description: str, status: int) -> Response:
        body = {"error": error, "error_description": description}
        return JSONResponse(body, status_code=status, headers=_NO_STORE)

    async def request_object(request: Request) -> Response:
        try:
            jwt = verifier.request_object(request.path_params["transaction_id"])
        except VerifierRefused as exc:
            return refusal(exc.error, str(exc), exc.status)
        return Response(jwt, media_type="application/oauth-authz-req+jwt", headers=_NO_STORE)

    async def response(request: Request) -> Response:
        try:
            form = await read_form(request)
            return JSONResponse(verifier.respond(form), headers=_NO_STORE)
        except (VerifierRefused, IssuerRefused) as exc:
            return refusal(exc.error, str(exc), exc.status)

    routes = [
        Route("/request/{transaction_id}", request_object, methods=["GET"]),
        Route("/response", response, methods=["POST"]),
    ]
    return application(routes, limits or Limits(max_body=MAX_RESPONSE_BODY))
