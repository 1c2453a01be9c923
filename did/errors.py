"""Provides the error tree of the `did` package.

    DidError                      root of everything this package raises
    ├── InvalidDid                a DID or DID URL that breaks its method's syntax
    │   ├── InvalidPublicKey          did:key bytes that are not a usable Ed25519 point
    │   ├── InvalidPublicKeyLength    did:key key bytes of the wrong length
    │   └── UnsupportedPublicKeyType  did:key or did:jwk key of a type other than Ed25519
    ├── MethodNotSupported        a well-formed DID of a method we do not resolve
    ├── ResolutionError           a DID we could not resolve (network, bad document)
    │   ├── InvalidDidDocument    a fetched document that is not a valid DID document
    │   └── PrivateNetworkRefused a did:web host on this machine or a private network
    ├── EncodingError             bad multibase, base58, base64url, multicodec or JWK
    └── CredentialError           credentials, presentations, proofs, SD-JWT, status lists
        ├── ParsingError          input that is not the expected structure
        ├── CryptographicError    a signature, digest or key that does not verify
        ├── MalformedValueError   a value of the wrong type or form
        ├── RangeError            a value outside what is allowed (time window, index)
        │   └── StatusListLengthError   a status list shorter than the required 131,072 bits
        └── StatusRetrievalError  a status list that could not be fetched or read

The credential errors carry the problem-detail types of VC Data Model 2.0 (`PARSING_ERROR`,
`CRYPTOGRAPHIC_SECURITY_ERROR`, `MALFORMED_VALUE_ERROR`, `RANGE_ERROR`) in `problem_type`; the
two status-list errors carry those of Bitstring Status List v1.0 §3.3.
"""

from __future__ import annotations


class DidError(Exception):
    """Root of every error the `did` package raises."""


class InvalidDid(DidError):
    """A DID or DID URL that does not follow its method's syntax (resolution error `invalidDid`)."""

    code = "invalidDid"


class InvalidPublicKey(InvalidDid):
    """A did:key whose key bytes do not encode a usable Ed25519 public key."""

    code = "invalidPublicKey"


class InvalidPublicKeyLength(InvalidDid):
    """A did:key whose key bytes have the wrong length for their multicodec type."""

    code = "invalidPublicKeyLength"


class UnsupportedPublicKeyType(InvalidDid):
    """A did:key multicodec or did:jwk JWK naming a key type this library does not use."""

    code = "unsupportedPublicKeyType"


class MethodNotSupported(DidError):
    """A syntactically valid DID whose method this library does not resolve."""

    code = "methodNotSupported"


class ResolutionError(DidError):
    """A DID that could not be resolved: unreachable host, bad document, mismatched id."""

    code = "notFound"


class InvalidDidDocument(ResolutionError):
    """A DID document that is not a JSON object, breaks DID Core, or names another DID."""

    code = "invalidDidDocument"


class PrivateNetworkRefused(ResolutionError):
    """A did:web host that is, or resolves to, this machine or a private network, refused
    because the caller did not allow private networks."""


class EncodingError(DidError):
    """Malformed multibase, base58btc, base64url, multicodec prefix or JWK."""


class CredentialError(DidError):
    """Root of errors about credentials, presentations, proofs and status lists."""

    problem_type = "https://www.w3.org/TR/vc-data-model#PARSING_ERROR"


class ParsingError(CredentialError):
    """Input that is not the expected JSON or JWT structure."""

    problem_type = "https://www.w3.org/TR/vc-data-model#PARSING_ERROR"


class CryptographicError(CredentialError):
    """A signature, digest or key that does not verify."""

    problem_type = "https://www.w3.org/TR/vc-data-model#CRYPTOGRAPHIC_SECURITY_ERROR"


class MalformedValueError(CredentialError):
    """A value of the wrong type or form."""

    problem_type = "https://www.w3.org/TR/vc-data-model#MALFORMED_VALUE_ERROR"


class RangeError(CredentialError):
    """A value outside the allowed range: a validity window, a status index."""

    problem_type = "https://www.w3.org/TR/vc-data-model#RANGE_ERROR"


class StatusListLengthError(RangeError):
    """A decoded status list shorter than the minimum length (Bitstring Status List §3.3)."""

    problem_type = "https://www.w3.org/ns/credentials/status-list#STATUS_LIST_LENGTH_ERROR"


class StatusRetrievalError(CredentialError):
    """A status list credential that could not be retrieved (Bitstring Status List §3.3)."""

    problem_type = "https://www.w3.org/ns/credentials/status-list#STATUS_RETRIEVAL_ERROR"
