"""Provides the short-lived issuer and verifier as context managers, and terminal QR codes.

This is what the command line's `credential offer` and `presentation request` run: bind a
socket (so the URL is known), build the issuer or verifier for that URL, serve it in a thread,
and stop it on exit. Offers and requests are shown as URIs and as QR codes drawn with Unicode
half blocks (two modules per character cell), which any terminal font renders.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from wallet.openid4vc._errors import ProtocolError
from wallet.openid4vc._issuer import Issuer
from wallet.openid4vc._issuer_app import issuer_app
from wallet.openid4vc._server import bind, serve
from wallet.openid4vc._util import Clock, Rng
from wallet.openid4vc._verifier import Verifier
from wallet.openid4vc._verifier_app import verifier_app

if TYPE_CHECKING:
    from did import SigningKey, TrustPolicy
    from wallet.server import Limits, Listen, Tls

__all__ = ["qr_text", "running_issuer", "running_verifier"]


@contextmanager
def running_issuer(
    key: SigningKey,
    verification_method: str,
    *,
    listen: Listen,
    clock: Clock,
    rng: Rng,
    tls: Tls | None = None,
    public_name: str | None = None,
    limits: Limits | None = None,
    resolver: Any = None,
) -> Iterator[Issuer]:
    """Serve an issuer signing with `key`; yield it (its `base_url` is where it answers).

    `public_name` is the host name in the URLs it hands out (its certificate's name).
    """
    from wallet.server import Limits

    bound = bind(listen, tls, public_name=public_name)
    issuer = Issuer(
        bound.base_url,
        key=key,
        verification_method=verification_method,
        clock=clock,
        rng=rng,
        resolver=resolver,
    )
    limits = limits or Limits(max_body=64 * 1024)
    with serve(issuer_app(issuer, limits), bound, limits):
        yield issuer


@contextmanager
def running_verifier(
    *,
    listen: Listen,
    clock: Clock,
    rng: Rng,
    tls: Tls | None = None,
    public_name: str | None = None,
    limits: Limits | None = None,
    key: SigningKey | None = None,
    verification_method: str | None = None,
    trust: TrustPolicy,
    resolver: Any = None,
    response_mode: str = "direct_post",
) -> Iterator[Verifier]:
    """Serve a verifier (signing its requests when given a key); yield it."""
    from wallet.server import Limits

    bound = bind(listen, tls, public_name=public_name)
    verifier = Verifier(
        bound.base_url,
        clock=clock,
        rng=rng,
        key=key,
        verification_method=verification_method,
        trust=trust,
        resolver=resolver,
        response_mode=response_mode,
    )
    limits = limits or Limits(max_body=512 * 1024)
    with serve(verifier_app(verifier, limits), bound, limits):
        yield verifier


def qr_text(data: str, *, border: int = 2) -> str:
    """A QR code of `data` as lines of Unicode half blocks; refuse what a QR code cannot hold."""
    import segno
    from segno import DataOverflowError

    try:
        code = segno.make(data, error="l", micro=False)
    except DataOverflowError:
        raise ProtocolError(
            f"{len(data)} characters do not fit in a QR code; pass the offer or request by "
            "reference"
        ) from None
    out = io.StringIO()
    code.terminal(out=out, compact=True, border=border)
    return out.getvalue()
