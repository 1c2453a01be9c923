"""Provides OpenID4VCI 1.0 and OpenID4VP 1.0 (with DCQL): holder, issuer and verifier.

Typed functions for the wallet's services: `receive_credentials` (holder, issuance),
`Issuer` with `issuer_app` (a short-lived credential issuer), and the presentation side in the
modules named after their roles. Servers run with `bind` and `serve`. Nothing here reads the
clock or the random source itself: every entry point takes a `clock` and an `rng`.
"""

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
from wallet.openid4vc._server import RunningServer, bind, serve

__all__ = [
    "FORMATS",
    "AuthorizationServerMetadata",
    "ConsentDenied",
    "CredentialConfiguration",
    "CredentialOffer",
    "CredentialRejected",
    "CredentialTemplate",
    "DcqlError",
    "DcqlLimitExceeded",
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
    "NetworkRefused",
    "NoMatchingCredential",
    "NonceRejected",
    "OfferHandle",
    "OpenID4VCError",
    "PrivateAddressRefused",
    "ProofRejected",
    "ProtocolError",
    "ReceivedCredential",
    "RequestNotTrusted",
    "ResponseReplayed",
    "ResponseTooLarge",
    "RunningServer",
    "TxCode",
    "UnknownClientIdPrefix",
    "UnsupportedFormat",
    "VerifierRefused",
    "bind",
    "check_url",
    "issuer_app",
    "locate_offer",
    "make_key_proof",
    "offer_uri_by_reference",
    "receive_credentials",
    "serve",
    "verify_key_proof",
]
