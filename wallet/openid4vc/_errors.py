"""Provides the error subtree of the OpenID4VC exchange protocols, under `wallet.errors`.

    WalletError
    └── OpenID4VCError               root of this subpackage's errors (exit 1)
        ├── ProtocolError            a message that breaks OpenID4VCI / OpenID4VP / OAuth
        │   ├── UnsupportedFormat        an offer or query for a format we do not handle
        │   ├── UnknownClientIdPrefix    a client identifier prefix we do not accept
        │   ├── RequestNotTrusted        a request object whose signature or key fails
        │   └── DcqlError                a DCQL query that is malformed
        │       └── DcqlLimitExceeded        ...or too large or too deeply nested
        ├── EndpointRefused          the other party answered with an OAuth error
        │   ├── GrantRefused             token endpoint: invalid_grant and friends
        │   └── InvalidNonce             credential endpoint: invalid_nonce
        ├── IssuerRefused            what an issuer's own checks refuse (server side)
        │   ├── InvalidTxCode            wrong transaction code
        │   ├── NonceRejected            unknown, expired or already used c_nonce
        │   └── ProofRejected            a key proof that does not verify
        ├── VerifierRefused          what a verifier's own checks refuse (server side)
        │   └── ResponseReplayed         a response posted for a finished transaction
        ├── NoMatchingCredential     no held credential satisfies the verifier's query
        ├── ConsentDenied            the user said no; nothing was sent
        ├── CredentialRejected       a received credential that does not verify
        └── NetworkRefused           transport problems (exit 3, also an EnvironmentProblem)
            ├── PrivateAddressRefused    a URL pointing at a private or loopback address
            └── ResponseTooLarge         a response over the size limit

Every error names what was wrong. An `EndpointRefused` carries the OAuth `error` code and the
peer's `error_description` (shortened and stripped of control characters before display).
The server-side errors carry the OAuth `error` code they are answered with.
"""

from __future__ import annotations

from wallet.errors import EnvironmentProblem, WalletError


def clip(text: object, limit: int = 200) -> str:
    """Render untrusted text for a message: printable, one line, at most `limit` characters."""
    value = "".join(ch if ch.isprintable() else "?" for ch in str(text))
    return value if len(value) <= limit else value[: limit - 1] + "…"


class OpenID4VCError(WalletError):
    """Root of the errors of credential issuance and presentation exchanges."""


class ProtocolError(OpenID4VCError):
    """A message that does not follow the protocol: missing members, wrong types or values."""

    error = "invalid_request"


class UnsupportedFormat(ProtocolError):
    """A credential format this wallet does not issue, hold or present."""

    error = "unsupported_credential_format"


class UnknownClientIdPrefix(ProtocolError):
    """A client identifier whose prefix (OpenID4VP §5.9) is not one we accept."""

    error = "invalid_client"


class RequestNotTrusted(ProtocolError):
    """A request object that is unsigned where it must be signed, or whose signature fails."""

    error = "invalid_request_object"


class DcqlError(ProtocolError):
    """A DCQL query (OpenID4VP §6) that is not well formed."""


class DcqlLimitExceeded(DcqlError):
    """A DCQL query beyond this wallet's size or nesting limits."""


class EndpointRefused(OpenID4VCError):
    """The issuer or verifier answered with an OAuth error response."""

    def __init__(self, endpoint: str, error: str, description: str | None = None) -> None:
        self.endpoint = endpoint
        self.error = error
        self.description = description
        detail = f": {clip(description)}" if description else ""
        super().__init__(f"{endpoint} refused the request ({clip(error, 60)}){detail}")


class GrantRefused(EndpointRefused):
    """The token endpoint refused the grant (a wrong tx_code, a used or expired code)."""


class InvalidNonce(EndpointRefused):
    """The credential endpoint refused the key proof's nonce."""


class _Refusal(OpenID4VCError):
    """A request a server refuses; `error` and `status` are what it answers with."""

    error = "invalid_request"
    status = 400

    def __init__(self, message: str, *, error: str | None = None, status: int | None = None):
        super().__init__(message)
        if error is not None:
            self.error = error
        if status is not None:
            self.status = status


class IssuerRefused(_Refusal):
    """A request the issuer refuses; `error` is the OAuth error code it answers with."""


class InvalidTxCode(IssuerRefused):
    """The transaction code does not match the one bound to the pre-authorized code."""

    error = "invalid_grant"


class NonceRejected(IssuerRefused):
    """A key proof whose nonce was never issued, has expired or was already used."""

    error = "invalid_nonce"


class ProofRejected(IssuerRefused):
    """A key proof that is malformed or does not verify."""

    error = "invalid_proof"


class VerifierRefused(_Refusal):
    """A response the verifier refuses; `error` is the OAuth error code it answers with."""


class ResponseReplayed(VerifierRefused):
    """A second response to a transaction that already has one."""


class NoMatchingCredential(OpenID4VCError):
    """No held credential satisfies the query; says which credential query failed and why."""


class ConsentDenied(OpenID4VCError):
    """The user declined to share; nothing was sent."""


class CredentialRejected(OpenID4VCError):
    """A credential received from an issuer that does not verify; it was not stored."""


class NetworkRefused(OpenID4VCError, EnvironmentProblem):
    """The exchange could not be carried out over the network (exit 3)."""

    exit_code = 3


class PrivateAddressRefused(NetworkRefused):
    """A URL whose host is a private, loopback or link-local address, and no flag allows it."""


class ResponseTooLarge(NetworkRefused):
    """A response body over the configured size limit."""
