"""Provides DID resolution and its result object (W3C DID Resolution, §"DID Resolution Result").

`Resolver.resolve` follows the resolution function's contract: it never raises for bad input,
it reports `invalidDid`, `methodNotSupported`, `notFound` or `invalidDidDocument` (and the
did:key codes `invalidPublicKey`, `invalidPublicKeyLength`, `unsupportedPublicKeyType`) in
`didResolutionMetadata`. `resolve_document` and `resolve_verification_method` raise instead,
for callers that verify. did:key and did:jwk resolve offline; did:web uses HTTPS.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from did._did_jwk import did_jwk_document
from did._did_key import did_key_document
from did._document import DidDocument, VerificationMethod, parse_did
from did.errors import (
    DidError,
    InvalidDid,
    InvalidDidDocument,
    InvalidPublicKey,
    InvalidPublicKeyLength,
    MethodNotSupported,
    ResolutionError,
    UnsupportedPublicKeyType,
)

if TYPE_CHECKING:
    import httpx

__all__ = ["ResolutionResult", "Resolver", "resolve"]

RESOLUTION_CONTEXT = "https://w3id.org/did-resolution/v1"
DID_LD_JSON = "application/did+ld+json"
SUPPORTED_METHODS = ("key", "jwk", "web")


@dataclass(frozen=True)
class ResolutionResult:
    """The outcome of resolving one DID: a document, or an error code with a message."""

    did_document: DidDocument | None
    error: str | None = None
    message: str | None = None
    document_metadata: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if (self.did_document is None) == (self.error is None):
            raise ResolutionError("a resolution result holds either a document or an error")

    @property
    def ok(self) -> bool:
        """True when resolution produced a document."""
        return self.error is None

    def raise_for_error(self) -> DidDocument:
        """Return the document, or raise the DidError subclass matching `error`."""
        if self.did_document is not None:
            return self.did_document
        kind = _ERROR_CLASSES.get(str(self.error), ResolutionError)
        raise kind(self.message or str(self.error))

    @classmethod
    def from_error(cls, exc: DidError) -> ResolutionResult:
        """Describe a failed resolution by the error's resolution code."""
        code = getattr(exc, "code", ResolutionError.code)
        return cls(None, error=str(code), message=str(exc))

    def to_json(self) -> dict[str, Any]:
        """Return the W3C DID Resolution result JSON."""
        metadata: dict[str, Any]
        if self.did_document is not None:
            metadata = {"contentType": DID_LD_JSON}
        else:
            metadata = {"error": self.error, "errorMessage": self.message or ""}
        return {
            "@context": RESOLUTION_CONTEXT,
            "didDocument": None if self.did_document is None else self.did_document.to_json(),
            "didResolutionMetadata": metadata,
            "didDocumentMetadata": dict(self.document_metadata),
        }

    @classmethod
    def from_json(cls, obj: object) -> ResolutionResult:
        """Read a DID Resolution result; raise ResolutionError when it is malformed."""
        if not isinstance(obj, dict):
            raise ResolutionError(f"resolution result is {type(obj).__name__}, want an object")
        metadata = obj.get("didResolutionMetadata", {})
        document_metadata = obj.get("didDocumentMetadata", {})
        if not isinstance(metadata, dict) or not isinstance(document_metadata, dict):
            raise ResolutionError("resolution metadata must be JSON objects")
        error = metadata.get("error")
        if error is not None:
            if not isinstance(error, str) or obj.get("didDocument") is not None:
                raise ResolutionError("an error result must have a string error and no document")
            message = metadata.get("errorMessage")
            return cls(None, error, message if isinstance(message, str) else None)
        document = DidDocument.from_json(obj.get("didDocument"))
        return cls(document, document_metadata=dict(document_metadata))


# Resolution error codes mapped back to the exception a raising caller expects.
_ERROR_CLASSES: dict[str, type[DidError]] = {
    cls.code: cls
    for cls in (
        InvalidDid,
        InvalidPublicKey,
        InvalidPublicKeyLength,
        UnsupportedPublicKeyType,
        MethodNotSupported,
        ResolutionError,
        InvalidDidDocument,
    )
}


class Resolver:
    """Resolves did:key, did:jwk and did:web DIDs.

    `http_client` (an `httpx.Client`) is used for did:web when given, which lets callers and
    tests choose TLS trust and transports; otherwise a client is made per lookup with
    `timeout` seconds, `verify` (True, False is refused, or a CA bundle path or SSL context)
    and `trust_env` (whether proxy variables apply), as httpx defines them.

    did:web hosts on this machine or a private network (`localhost`, names resolving to
    loopback, private, link-local or other non-public addresses) are refused unless
    `allow_private_network` is True; without it, proxy variables are not used either, since
    a proxy would resolve the name where it cannot be checked.
    """

    def __init__(
        self,
        http_client: httpx.Client | None = None,
        timeout: float = 5.0,
        *,
        verify: Any = True,
        trust_env: bool = True,
        max_document_bytes: int = 1 << 20,
        allow_private_network: bool = False,
    ) -> None:
        if verify is False:
            raise ResolutionError("did:web needs verified TLS; verify=False is refused")
        self.allow_private_network = allow_private_network
        self.http_client = http_client
        self.timeout = timeout
        self.verify = verify
        self.trust_env = trust_env
        self.max_document_bytes = max_document_bytes

    def resolve(self, did: str) -> ResolutionResult:
        """Resolve a DID; errors are reported in the result, never raised."""
        try:
            return ResolutionResult(self.resolve_document(did))
        except DidError as exc:
            return ResolutionResult.from_error(exc)

    def resolve_document(self, did: str) -> DidDocument:
        """Resolve a DID to its document; raise InvalidDid, MethodNotSupported or
        ResolutionError (InvalidDidDocument for a document that fails DID Core)."""
        if not isinstance(did, str):
            raise InvalidDid(f"DID must be text, got {type(did).__name__}")
        # Fast path first: verifiers resolve did:key on every credential.
        if did.startswith("did:key:"):
            return did_key_document(did)
        url = parse_did(did)
        if not url.is_bare_did:
            raise InvalidDid("resolution takes a DID; a DID URL must be dereferenced")
        if url.method == "jwk":
            return did_jwk_document(did)
        if url.method == "web":
            from did._did_web import fetch_did_web_document

            return fetch_did_web_document(
                did,
                http_client=self.http_client,
                timeout=self.timeout,
                verify=self.verify,
                trust_env=self.trust_env,
                max_bytes=self.max_document_bytes,
                allow_private_network=self.allow_private_network,
            )
        raise MethodNotSupported(
            f"method {url.method!r} is not supported, want one of {', '.join(SUPPORTED_METHODS)}"
        )

    def resolve_verification_method(
        self, did_url: str, purpose: str | None = None
    ) -> VerificationMethod:
        """Dereference a DID URL with a fragment to its verification method.

        With `purpose` (e.g. "assertionMethod"), the method must also be authorized for it
        by the DID document (DID Core §5.3), or ResolutionError is raised.
        """
        if not isinstance(did_url, str):
            raise InvalidDid(f"DID URL must be text, got {type(did_url).__name__}")
        did, _, fragment = did_url.partition("#")
        # Fast path for did:key, which verifiers dereference on every credential: the DID
        # part is checked by the (cached) did:key decoder, and the fragment only ever matches
        # the method id exactly, so the full DID URL grammar need not run each time.
        if did.startswith("did:key:") and fragment:
            document = did_key_document(did)
        else:
            url = parse_did(did_url)
            if url.fragment is None or url.path or url.query is not None:
                raise InvalidDid("verification method URL needs a fragment and no path or query")
            document = self.resolve_document(url.did)
        method = document.find_verification_method(did_url)
        if purpose is not None and not document.authorizes(method.id, purpose):
            raise ResolutionError(f"{method.id[:80]!r} is not authorized for {purpose}")
        return method


def resolve(did: str) -> ResolutionResult:
    """Resolve a DID with a default Resolver; errors are reported in the result."""
    return Resolver().resolve(did)
