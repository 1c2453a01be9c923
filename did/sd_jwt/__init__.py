"""Provides SD-JWT VC (RFC 9901, draft-ietf-oauth-sd-jwt-vc) by role: issuer, holder, verifier."""

from did.sd_jwt._common import Disclosure, SdJwt, sd_digest
from did.sd_jwt._holder import disclosure_paths, present_sd_jwt
from did.sd_jwt._issuer import issue_sd_jwt
from did.sd_jwt._issuer_keys import (
    Fetcher,
    HttpsFetcher,
    issuer_jwk_from_metadata,
    issuer_jwk_from_x5c,
    jwt_vc_issuer_metadata_url,
)
from did.sd_jwt._jws import Jws, ed25519_jwk, sign_jws, verify_jws
from did.sd_jwt._verifier import process_disclosures, verify_sd_jwt

__all__ = [
    "Disclosure",
    "Fetcher",
    "HttpsFetcher",
    "Jws",
    "SdJwt",
    "disclosure_paths",
    "ed25519_jwk",
    "issue_sd_jwt",
    "issuer_jwk_from_metadata",
    "issuer_jwk_from_x5c",
    "jwt_vc_issuer_metadata_url",
    "present_sd_jwt",
    "process_disclosures",
    "sd_digest",
    "sign_jws",
    "verify_jws",
    "verify_sd_jwt",
]
