"""Provides DIDs (did:key, did:jwk, did:web), their documents and resolution, and credentials:
JCS, eddsa-jcs-2022 Data Integrity proofs, VC Data Model 2.0, presentations, SD-JWT VC and
Bitstring Status List."""

from did._credential import (
    issue_credential,
    verify_credential,
)
from did._data_integrity import (
    DataIntegrityProof,
    ProofSteps,
    Signer,
    add_proof,
    create_proof_steps,
    verify_proof,
)
from did._did_jwk import (
    did_jwk_document,
    did_jwk_from_public_key,
)
from did._did_key import (
    did_key_document,
    did_key_from_public_key,
    key_type_of_did_key,
    public_key_from_did_key,
)
from did._did_web import (
    did_web_url,
    web_did_document,
)
from did._document import (
    DidDocument,
    DidUrl,
    VerificationMethod,
    parse_did,
)
from did._jcs import (
    canonicalize,
    parse_json,
)
from did._key_files import read_public_key
from did._keys import (
    Ed25519Key,
    SigningKey,
    decode_multikey,
    decode_public_jwk,
    load_signing_key,
    multikey,
    public_key_jwk,
    verify_ed25519,
    verify_signature,
)
from did._multibase import (
    b58decode,
    b58encode,
    b64url_decode,
    b64url_encode,
    multibase_decode,
    multibase_encode,
)
from did._network import AddressLookup, is_public_address, web_transport
from did._p256 import (
    P256Key,
    verify_p256,
)
from did._presentation import (
    create_presentation,
    verify_presentation,
)
from did._resolver import (
    ResolutionResult,
    Resolver,
    resolve,
)
from did._status_list import (
    StatusList,
    check_status,
    fetch_status_list,
    status_entry,
    status_list_credential,
)
from did._token_status_list import (
    STATUS_INVALID,
    STATUS_SUSPENDED,
    STATUS_VALID,
    TokenStatusList,
    read_status_list_token,
    status_list_token,
    token_status,
    token_status_claim,
)
from did._trust import (
    NO_TRUST_DECISION,
    TrustAny,
    TrustIssuers,
    TrustPolicy,
)
from did._verification import (
    Check,
    StatusListSource,
    VerificationReport,
    numeric_date,
    parse_datetime,
)
from did.sd_jwt import (
    Disclosure,
    Fetcher,
    HttpsFetcher,
    SdJwt,
    disclosure_paths,
    issue_sd_jwt,
    present_sd_jwt,
    verify_sd_jwt,
)

__all__ = [
    "NO_TRUST_DECISION",
    "STATUS_INVALID",
    "STATUS_SUSPENDED",
    "STATUS_VALID",
    "AddressLookup",
    "Check",
    "DataIntegrityProof",
    "DidDocument",
    "DidUrl",
    "Disclosure",
    "Ed25519Key",
    "Fetcher",
    "HttpsFetcher",
    "P256Key",
    "ProofSteps",
    "ResolutionResult",
    "Resolver",
    "SdJwt",
    "Signer",
    "SigningKey",
    "StatusList",
    "StatusListSource",
    "TokenStatusList",
    "TrustAny",
    "TrustIssuers",
    "TrustPolicy",
    "VerificationMethod",
    "VerificationReport",
    "add_proof",
    "b58decode",
    "b58encode",
    "b64url_decode",
    "b64url_encode",
    "canonicalize",
    "check_status",
    "create_presentation",
    "create_proof_steps",
    "decode_multikey",
    "decode_public_jwk",
    "did_jwk_document",
    "did_jwk_from_public_key",
    "did_key_document",
    "did_key_from_public_key",
    "did_web_url",
    "disclosure_paths",
    "fetch_status_list",
    "is_public_address",
    "issue_credential",
    "issue_sd_jwt",
    "key_type_of_did_key",
    "load_signing_key",
    "multibase_decode",
    "multibase_encode",
    "multikey",
    "numeric_date",
    "parse_datetime",
    "parse_did",
    "parse_json",
    "present_sd_jwt",
    "public_key_from_did_key",
    "public_key_jwk",
    "read_public_key",
    "read_status_list_token",
    "resolve",
    "status_entry",
    "status_list_credential",
    "status_list_token",
    "token_status",
    "token_status_claim",
    "verify_credential",
    "verify_ed25519",
    "verify_p256",
    "verify_presentation",
    "verify_proof",
    "verify_sd_jwt",
    "verify_signature",
    "web_did_document",
    "web_transport",
]
