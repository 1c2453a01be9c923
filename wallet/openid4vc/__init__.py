"""Provides OpenID4VCI 1.0 and OpenID4VP 1.0 (with DCQL): holder, issuer and verifier.

Typed functions for the wallet's services: `receive_credentials` (holder, issuance),
`Issuer` with `issuer_app` (a short-lived credential issuer), and the presentation side in the
modules named after their roles. Servers run with `bind` and `serve`. Nothing here reads the
clock or the random source itself: every entry point takes a `clock` and an `rng`.
"""

from wallet.openid4vc._dcql import (
    ClaimQuery,
    CredentialQuery,
    CredentialSetQuery,
    DcqlLimits,
    DcqlQuery,
    select_claims,
)
from wallet.openid4vc._errors import (
    ConsentDenied,
    CredentialRejected,
    DcqlError,
    DcqlLimitExceeded,
    EndpointRefused,
    GrantRefused,
    InvalidNonce,
    InvalidTxCode,
    IssuerRefused,
    NetworkRefused,
    NoMatchingCredential,
    NonceRejected,
    OpenID4VCError,
    PrivateAddressRefused,
    ProofRejected,
    ProtocolError,
    RequestNotTrusted,
    ResponseReplayed,
    ResponseTooLarge,
    UnknownClientIdPrefix,
    UnsupportedFormat,
    VerifierRefused,
)
from wallet.openid4vc._holder_issuance import ReceivedCredential, receive_credentials
from wallet.openid4vc._holder_presentation import (
    Candidate,
    ConsentItem,
    ConsentRequest,
    Match,
    PresentationSent,
    SharedClaim,
    build_vp_token,
    consent_request,
    fetch_request,
    match_request,
    present,
    send_response,
)
from wallet.openid4vc._http import HttpPolicy, check_url
from wallet.openid4vc._issuer import CredentialTemplate, IssuedCredential, Issuer, OfferHandle
from wallet.openid4vc._issuer_app import issuer_app
from wallet.openid4vc._metadata import (
    FORMATS,
    AuthorizationServerMetadata,
    CredentialConfiguration,
    IssuerMetadata,
)
from wallet.openid4vc._offer import CredentialOffer, TxCode, locate_offer, offer_uri_by_reference
from wallet.openid4vc._proof import HolderKey, make_key_proof, verify_key_proof
from wallet.openid4vc._request import (
    PREFIXES,
    AuthorizationRequest,
    client_id_prefix,
    locate_request,
    request_uri_of,
)
from wallet.openid4vc._request_object import verify_request_object
from wallet.openid4vc._running import qr_text, running_issuer, running_verifier
from wallet.openid4vc._server import BoundSocket, RunningServer, bind, serve
from wallet.openid4vc._verifier import PresentationResult, RequestHandle, Verifier
from wallet.openid4vc._verifier_app import verifier_app

__all__ = [
    "FORMATS",
    "PREFIXES",
    "AuthorizationRequest",
    "AuthorizationServerMetadata",
    "BoundSocket",
    "Candidate",
    "ClaimQuery",
    "ConsentDenied",
    "ConsentItem",
    "ConsentRequest",
    "CredentialConfiguration",
    "CredentialOffer",
    "CredentialQuery",
    "CredentialRejected",
    "CredentialSetQuery",
    "CredentialTemplate",
    "DcqlError",
    "DcqlLimitExceeded",
    "DcqlLimits",
    "DcqlQuery",
    "EndpointRefused",
    "GrantRefused",
    "HolderKey",
    "HttpPolicy",
    "InvalidNonce",
    "InvalidTxCode",
    "IssuedCredential",
    "Issuer",
    "IssuerMetadata",
    "IssuerRefused",
    "Match",
    "NetworkRefused",
    "NoMatchingCredential",
    "NonceRejected",
    "OfferHandle",
    "OpenID4VCError",
    "PresentationResult",
    "PresentationSent",
    "PrivateAddressRefused",
    "ProofRejected",
    "ProtocolError",
    "ReceivedCredential",
    "RequestHandle",
    "RequestNotTrusted",
    "ResponseReplayed",
    "ResponseTooLarge",
    "RunningServer",
    "SharedClaim",
    "TxCode",
    "UnknownClientIdPrefix",
    "UnsupportedFormat",
    "Verifier",
    "VerifierRefused",
    "bind",
    "build_vp_token",
    "check_url",
    "client_id_prefix",
    "consent_request",
    "fetch_request",
    "issuer_app",
    "locate_offer",
    "locate_request",
    "make_key_proof",
    "match_request",
    "offer_uri_by_reference",
    "present",
    "qr_text",
    "receive_credentials",
    "request_uri_of",
    "running_issuer",
    "running_verifier",
    "select_claims",
    "send_response",
    "serve",
    "verifier_app",
    "verify_key_proof",
    "verify_request_object",
]
