"""Provides the Data Integrity proof machinery shared by the JCS cryptosuites.

`eddsa-jcs-2022` (W3C vc-di-eddsa §3.3) and `ecdsa-jcs-2019` (W3C vc-di-ecdsa §3.3) run the
same algorithms and differ only in the key type, the hash and the signature: both canonicalize
with JCS (RFC 8785), hash the canonical proof configuration and the canonical document, sign
the concatenation (configuration hash first) and encode the signature as a base58btc multibase
`proofValue`. This module holds those common steps; each suite module names its parameters.
Step numbers below are those of the suites' §3.3 (identical in both) and of Verifiable
Credential Data Integrity 1.0 §4 (proof sets, §4.3 verification).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from did._cryptosuite import JcsCryptosuite
from did._ecdsa_jcs_2019 import ECDSA_JCS_2019
from did._eddsa_jcs_2022 import EDDSA_JCS_2022
from did._jcs import canonicalize
from did._keys import verify_signature as verify_signature_bytes
from did._multibase import b58decode, b58encode
from did._verification import format_datetime, parse_datetime, show
from did.errors import (
    CryptographicError,
    DidError,
    EncodingError,
    InvalidDid,
    MalformedValueError,
    ParsingError,
)

__all__ = [
    "DataIntegrityProof",
    "JcsCryptosuite",
    "ProofSteps",
    "Signer",
    "add_proof",
    "check_challenge_and_domain",
    "create_proof_steps",
    "resolve_proof_key",
    "split_proof",
    "split_proofs",
    "suite_for_key",
    "suites",
    "verify_proof",
    "verify_signature",
]

PROOF_TYPE = "DataIntegrityProof"
_PURPOSES = ("assertionMethod", "authentication")
# A proof set larger than this is refused before any signature is checked.
MAX_PROOFS = 16


class Signer(Protocol):
    """Anything that signs: the package's `Ed25519Key` or `P256Key`.

    A key without a `key_type` attribute is taken to be Ed25519.
    """

    def sign(self, message: bytes) -> bytes: ...


def suites() -> dict[str, JcsCryptosuite]:
    """The JCS cryptosuites this package signs and verifies, by name."""
    return {EDDSA_JCS_2022.name: EDDSA_JCS_2022, ECDSA_JCS_2019.name: ECDSA_JCS_2019}


def suite_for_key(key: Signer) -> JcsCryptosuite:
    """The suite that signs with `key`: eddsa-jcs-2022 for Ed25519, ecdsa-jcs-2019 for P-256."""
    key_type = getattr(key, "key_type", "Ed25519")
    for suite in suites().values():
        if suite.key_type == key_type:
            return suite
    raise MalformedValueError(f"no JCS cryptosuite signs with a {key_type!r} key")


class _Method(Protocol):
    @property
    def id(self) -> str: ...
    @property
    def key_type(self) -> str: ...
    @property
    def controller(self) -> str: ...
    @property
    def public_key(self) -> bytes: ...


class _Document(Protocol):
    def find_verification_method(self, vm_id: str) -> Any: ...
    def authorizes(self, vm_id: str, purpose: str) -> bool: ...


class DocumentResolver(Protocol):
    """The part of the package's `Resolver` that proof verification uses."""

    def resolve_document(self, did: str) -> Any: ...


@dataclass(frozen=True)
class DataIntegrityProof:
    """A parsed `DataIntegrityProof` of one of the registered JCS suites.

    `options` keeps every member except `proofValue`, unknown ones included, because all of
    them are covered by the signature (§3.3.2 step 2).
    """

    suite: JcsCryptosuite
    verification_method: str
    proof_purpose: str
    proof_value: bytes
    created: datetime | None
    challenge: str | None
    domain: str | tuple[str, ...] | None
    options: dict[str, Any]

    @classmethod
    def from_json(cls, proof: Any) -> DataIntegrityProof:
        """Check a proof object's members; raise ParsingError/MalformedValueError."""
        if not isinstance(proof, dict):
            raise ParsingError(f"proof: got {type(proof).__name__}, want an object")
        if proof.get("type") != PROOF_TYPE:
            raise MalformedValueError(
                f"proof type: got {show(proof.get('type'))}, want {PROOF_TYPE!r}"
            )
        name, known = proof.get("cryptosuite"), suites()
        suite = known.get(name) if isinstance(name, str) else None
        if suite is None:
            raise MalformedValueError(f"cryptosuite: got {show(name)}, want one of {sorted(known)}")
        method, purpose = proof.get("verificationMethod"), proof.get("proofPurpose")
        # Whether the string is a DID URL is left to resolution, which names the problem.
        if not isinstance(method, str):
            raise MalformedValueError(f"verificationMethod: got {show(method)}, want a DID URL")
        if purpose not in _PURPOSES:
            raise MalformedValueError(f"proofPurpose: got {show(purpose)}, want one of {_PURPOSES}")
        value = proof.get("proofValue")
        # §3.3.2 step 3: the proof value is a base58btc multibase string.
        if not isinstance(value, str) or not value.startswith("z"):
            raise MalformedValueError("proofValue: want a base58btc multibase string ('z…')")
        try:
            signature = b58decode(value[1:])
        except EncodingError as exc:
            raise MalformedValueError(f"proofValue: {exc}") from None
        if len(signature) != suite.signature_size:
            raise MalformedValueError(
                f"proofValue: got {len(signature)} bytes, want {suite.signature_size}"
            )
        created = proof.get("created")
        # §3.3.5 step 4: a present `created` must be an XML Schema dateTimeStamp.
        when = None if created is None else parse_datetime(created, "proof created")
        challenge = proof.get("challenge")
        if challenge is not None and not isinstance(challenge, str):
            raise MalformedValueError("proof challenge: want a string")
        domain = proof.get("domain")
        if isinstance(domain, list) and domain and all(isinstance(d, str) for d in domain):
            domain = tuple(domain)
        elif domain is not None and not isinstance(domain, str):
            raise MalformedValueError("proof domain: want a string or a list of strings")
        # A null @context would be dropped by the configuration step and so escape the
        # signature; only the spec's forms (absent, a string or an array) are accepted.
        if "@context" in proof and not isinstance(proof["@context"], list | str):
            raise MalformedValueError("proof @context: want a string or an array")
        # Proof chains (VC Data Integrity §2.1.2) sign over earlier proofs; they are refused
        # here with their name rather than failing later as a bad signature.
        if "previousProof" in proof:
            raise MalformedValueError("proof chains (previousProof) are not supported")
        options = {k: v for k, v in proof.items() if k != "proofValue"}
        return cls(suite, method, purpose, signature, when, challenge, domain, options)

    def to_json(self) -> dict[str, Any]:
        """The proof object, with its `proofValue`."""
        return {**self.options, "proofValue": "z" + b58encode(self.proof_value)}


@dataclass(frozen=True)
class ProofSteps:
    """Every intermediate value of §3.3.1, so tests can compare each with the spec's vectors."""

    suite: JcsCryptosuite
    canonical_document: bytes
    proof_config: dict[str, Any]
    canonical_proof_config: bytes
    proof_config_hash: bytes
    document_hash: bytes
    hash_data: bytes
    signature: bytes
    proof: dict[str, Any]


def _proof_configuration(options: dict[str, Any]) -> bytes:
    # §3.3.5 steps 1-5: the configuration is a clone of the proof options (type, cryptosuite
    # and created already checked), canonicalized with JCS. Nothing is added to it: the
    # document's @context enters only through the proof itself, which Create Proof (§3.3.1
    # step 2) gives the document's @context. A proof made without one, as earlier drafts and
    # the vc-di-ecdsa test vectors did, is hashed exactly as it stands.
    return canonicalize(dict(options))


def _hash_data(suite: JcsCryptosuite, canonical_config: bytes, canonical_document: bytes) -> bytes:
    # §3.3.4: the hash of the proof configuration, then the hash of the document, concatenated.
    return suite.digest(canonical_config) + suite.digest(canonical_document)


def create_proof_steps(
    document: dict[str, Any],
    key: Signer,
    verification_method: str,
    *,
    created: datetime | None,
    proof_purpose: str = "assertionMethod",
    challenge: str | None = None,
    domain: str | None = None,
) -> ProofSteps:
    """Run §3.3.1 Create Proof with the suite of `key` and return every intermediate value."""
    if not isinstance(document, dict):
        raise MalformedValueError(f"document: got {type(document).__name__}, want an object")
    if "proof" in document:
        raise MalformedValueError("document already has a proof; add proofs to a proof set")
    if proof_purpose not in _PURPOSES:
        raise MalformedValueError(f"proofPurpose: got {proof_purpose!r}, want one of {_PURPOSES}")
    suite = suite_for_key(key)
    options: dict[str, Any] = {"type": PROOF_TYPE, "cryptosuite": suite.name}
    if created is not None:
        options["created"] = format_datetime(created)
    options["verificationMethod"] = verification_method
    options["proofPurpose"] = proof_purpose
    if challenge is not None:
        options["challenge"] = challenge
    if domain is not None:
        options["domain"] = domain
    # §3.3.1 step 2: the proof carries the document's @context, so the configuration that is
    # hashed equals the proof without its value.
    if "@context" in document:
        options["@context"] = document["@context"]
    canonical_config = _proof_configuration(options)
    # §3.3.3: the transformation is JCS of the unsecured document.
    canonical_document = canonicalize(document)
    hash_data = _hash_data(suite, canonical_config, canonical_document)
    # §3.3.6: sign the hash data with the key of the verification method.
    signature = key.sign(hash_data)
    proof = {**options, "proofValue": "z" + b58encode(signature)}
    half = len(hash_data) // 2
    return ProofSteps(
        suite,
        canonical_document,
        {**options},
        canonical_config,
        hash_data[:half],
        hash_data[half:],
        hash_data,
        signature,
        proof,
    )


def add_proof(
    document: dict[str, Any],
    key: Signer,
    verification_method: str,
    proof_purpose: str = "assertionMethod",
    *,
    created: datetime | None,
    challenge: str | None = None,
    domain: str | None = None,
) -> dict[str, Any]:
    """Return a copy of `document` secured with a proof of the suite of `key`."""
    steps = create_proof_steps(
        document,
        key,
        verification_method,
        created=created,
        proof_purpose=proof_purpose,
        challenge=challenge,
        domain=domain,
    )
    return {**document, "proof": steps.proof}


def split_proofs(document: Any) -> tuple[dict[str, Any], tuple[DataIntegrityProof, ...]]:
    """Separate a secured document into the unsecured document and its parsed proofs.

    `proof` is one proof object or a proof set: an array of them (VC Data Integrity §2.1.1),
    as ACA-Py emits even for a single proof. Each proof of a set signs the document without
    the `proof` member, so each is verified on its own.
    """
    if not isinstance(document, dict):
        raise ParsingError(f"secured document: got {type(document).__name__}, want an object")
    proof = document.get("proof")
    if proof is None:
        raise ParsingError("secured document has no proof")
    proofs = proof if isinstance(proof, list) else [proof]
    if not proofs:
        raise ParsingError("secured document has an empty proof set")
    if len(proofs) > MAX_PROOFS:
        raise MalformedValueError(f"proof set: got {len(proofs)} proofs, limit {MAX_PROOFS}")
    unsecured = {k: v for k, v in document.items() if k != "proof"}
    return unsecured, tuple(DataIntegrityProof.from_json(p) for p in proofs)


def split_proof(document: Any) -> tuple[dict[str, Any], DataIntegrityProof]:
    """Separate a document secured by exactly one proof (an object, or a one-element set)."""
    unsecured, proofs = split_proofs(document)
    if len(proofs) != 1:
        raise MalformedValueError(f"proof set: got {len(proofs)} proofs, want exactly one")
    return unsecured, proofs[0]


def verify_signature(
    unsecured: dict[str, Any], proof: DataIntegrityProof, public_key: bytes, key_type: str
) -> None:
    """Run §3.3.2 Verify Proof steps 4-9 with a known public key; raise CryptographicError.

    The key must be of the suite's type: an Ed25519 key never verifies an ECDSA proof.
    """
    suite = proof.suite
    if key_type != suite.key_type:
        raise CryptographicError(
            f"{suite.name} needs a {suite.key_type} key, the verification method has {key_type}"
        )
    document = unsecured
    context = proof.options.get("@context")
    if context is not None:
        # §3.3.2 step 4: the document's @context must start with the proof's, in order.
        doc_context = document.get("@context")
        want = context if isinstance(context, list) else [context]
        have = doc_context if isinstance(doc_context, list) else [doc_context]
        if have[: len(want)] != want:
            raise CryptographicError("proof @context is not a prefix of the document's @context")
        document = {**unsecured, "@context": context}
    # Steps 5-7: transform the document, configure the proof from its own options, hash both.
    canonical_config = _proof_configuration(proof.options)
    hash_data = _hash_data(suite, canonical_config, canonicalize(document))
    try:
        verify_signature_bytes(suite.key_type, public_key, hash_data, proof.proof_value)
    except CryptographicError:
        raise CryptographicError(f"{suite.name} signature does not verify") from None


def resolve_proof_key(proof: DataIntegrityProof, resolver: DocumentResolver) -> _Method:
    """Resolve the proof's verification method and check the DID document authorizes it.

    Data Integrity §4.3 (verify proof) steps: the method must be listed under the proof's
    purpose (`assertionMethod` or `authentication`) in its controller's DID document.
    """
    did = proof.verification_method.partition("#")[0]
    try:
        document: _Document = resolver.resolve_document(did)
        method: _Method = document.find_verification_method(proof.verification_method)
        authorized = document.authorizes(proof.verification_method, proof.proof_purpose)
    except (InvalidDid, EncodingError) as exc:
        raise MalformedValueError(f"verificationMethod {_clip(did)}: {exc}") from None
    except DidError as exc:
        raise CryptographicError(f"verificationMethod {_clip(did)}: {exc}") from None
    if not authorized:
        raise CryptographicError(
            f"verificationMethod {_clip(proof.verification_method)} is not authorized for "
            f"{proof.proof_purpose} in its DID document"
        )
    return method


def check_challenge_and_domain(
    proof: DataIntegrityProof, challenge: str | None, domain: str | None
) -> None:
    """Data Integrity §4.3: an expected challenge and domain must equal the proof's."""
    if challenge is not None and proof.challenge != challenge:
        raise CryptographicError(
            f"challenge: got {_clip(str(proof.challenge))!r}, want {_clip(challenge)!r}"
        )
    if domain is not None:
        have = proof.domain if isinstance(proof.domain, tuple) else (proof.domain,)
        if domain not in have:
            raise CryptographicError(f"domain: got {show(proof.domain)}, want {show(domain)}")


def verify_proof(
    document: Any,
    resolver: DocumentResolver,
    expected_purpose: str = "assertionMethod",
    challenge: str | None = None,
    domain: str | None = None,
) -> _Method:
    """Verify a document's single Data Integrity proof; return the verification method used.

    Raises ParsingError/MalformedValueError for a malformed proof, CryptographicError for a
    key that cannot be resolved or is not authorized, a wrong purpose, challenge or domain, or
    a signature that does not verify. Whether the method's controller is the right party (the
    credential's issuer, the presentation's holder) is the caller's check.
    """
    unsecured, proof = split_proof(document)
    if proof.proof_purpose != expected_purpose:
        raise CryptographicError(
            f"proofPurpose: got {proof.proof_purpose!r}, want {expected_purpose!r}"
        )
    method = resolve_proof_key(proof, resolver)
    verify_signature(unsecured, proof, method.public_key, method.key_type)
    check_challenge_and_domain(proof, challenge, domain)
    return method


def _clip(text: str, limit: int = 80) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
