"""Provides the OpenID4VCI 1.0 key proof JWT (§8.2.1.1, Appendix F.1) and the holder's key.

A key proof shows the issuer that the wallet holds the key the credential will be bound to. Its
header has `typ` `openid4vci-proof+jwt`, the signing `alg` and exactly one of `kid` (a DID URL:
did:key or did:jwk here) or `jwk`; its claims are `aud` (the credential issuer identifier),
`iat` and `nonce` (the c_nonce from the nonce endpoint). An anonymous pre-authorized flow has
no `iss` (§F.1: it is omitted when there is no client id).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from wallet.openid4vc._errors import ProofRejected, clip

if TYPE_CHECKING:
    from did import SigningKey

__all__ = [
    "PROOF_ALGS",
    "PROOF_TYP",
    "HolderKey",
    "ProvenKey",
    "make_key_proof",
    "verify_key_proof",
]

PROOF_TYP = "openid4vci-proof+jwt"
# EdDSA (Ed25519, also by its fully specified name) and ES256 (P-256): HAIP asks for ES256.
PROOF_ALGS = ("EdDSA", "Ed25519", "ES256")
# How old a proof may be, and how far in the future a holder's clock may run.
MAX_PROOF_AGE = timedelta(minutes=5)
CLOCK_SKEW = timedelta(seconds=60)


@dataclass(frozen=True)
class HolderKey:
    """The holder's signing key and the DID it is known by (did:key or did:jwk).

    `key` is an Ed25519 or P-256 key whose `repr` is redacted. With `use_jwk`, key proofs
    carry the public key as `jwk` instead of a `kid`.
    """

    did: str
    verification_method: str
    key: SigningKey
    use_jwk: bool = False

    @property
    def public_key(self) -> bytes:
        return self.key.public_key

    @property
    def jwk(self) -> dict[str, str]:
        """The public JWK of the key (what an SD-JWT's `cnf` names)."""
        from did import public_key_jwk

        return public_key_jwk(self.key.public_key, self.key.key_type)

    @property
    def bound_did(self) -> str:
        """The DID an issuer binds a W3C credential to: with `jwk` proofs, the key's did:jwk."""
        if not self.use_jwk:
            return self.did
        from did import did_jwk_from_public_key

        return did_jwk_from_public_key(self.public_key, self.key.key_type)

    @classmethod
    def did_key(cls, key: SigningKey, *, use_jwk: bool = False) -> HolderKey:
        """The holder key known by the did:key of `key`."""
        from did import did_key_from_public_key

        did = did_key_from_public_key(key.public_key, key.key_type)
        return cls(did, f"{did}#{did.removeprefix('did:key:')}", key, use_jwk)

    @classmethod
    def did_jwk(cls, key: SigningKey) -> HolderKey:
        """The holder key known by the did:jwk of `key`."""
        from did import did_jwk_from_public_key

        did = did_jwk_from_public_key(key.public_key, key.key_type)
        return cls(did, f"{did}#0", key)


def make_key_proof(
    holder: HolderKey,
    *,
    audience: str,
    nonce: str,
    issued_at: datetime,
    client_id: str | None = None,
) -> str:
    """Sign a key proof JWT for the credential issuer `audience` and its `nonce`.

    `client_id` becomes `iss`; it is left out when the token came anonymously through a
    pre-authorized code (§F.1).
    """
    from did.sd_jwt import sign_jws

    header: dict[str, Any] = {"alg": holder.key.jws_alg, "typ": PROOF_TYP}
    if holder.use_jwk:
        header["jwk"] = holder.jwk
    else:
        header["kid"] = holder.verification_method
    payload: dict[str, Any] = {"aud": audience, "iat": int(issued_at.timestamp()), "nonce": nonce}
    if client_id is not None:
        payload["iss"] = client_id
    return sign_jws(header, payload, holder.key)


@dataclass(frozen=True)
class ProvenKey:
    """What a verified key proof establishes: the holder's key (type and raw public key),
    the DID it is known by, and the proof's nonce."""

    key_type: str
    public_key: bytes
    did: str
    nonce: str


def verify_key_proof(
    jwt: Any,
    *,
    audience: str,
    now: datetime,
    resolve_method: Callable[[str], tuple[str, bytes]],
) -> ProvenKey:
    """Verify a key proof (§8.2.1.1 steps) and return the key; raise ProofRejected.

    `resolve_method` maps a `kid` DID URL to the key it names (authentication), as its key
    type and raw public key. The nonce is returned, not judged: the issuer checks it against
    those it handed out.
    """
    from did import decode_public_jwk, did_jwk_from_public_key, public_key_jwk
    from did.errors import DidError
    from did.sd_jwt import Jws, verify_jws

    try:
        jws = Jws.from_text(jwt, "key proof")
    except DidError as exc:
        raise ProofRejected(str(exc)) from None
    header, claims = jws.header, jws.payload
    # (1) The type and algorithm say what this JWT is and how it is signed.
    if header.get("typ") != PROOF_TYP:
        raise ProofRejected(f"key proof typ: got {clip(header.get('typ'), 40)!r}, want {PROOF_TYP}")
    if header.get("alg") not in PROOF_ALGS:
        raise ProofRejected(
            f"key proof alg: got {clip(header.get('alg'), 20)!r}, want EdDSA or ES256"
        )
    # (2) Exactly one way of naming the key (kid, jwk or x5c; x5c is not supported here).
    named = [name for name in ("kid", "jwk", "x5c") if name in header]
    if len(named) != 1 or named[0] == "x5c":
        raise ProofRejected(f"key proof: want exactly one of kid or jwk, got {named or 'none'}")
    try:
        if named[0] == "kid":
            kid = header["kid"]
            if not isinstance(kid, str) or not kid.startswith(("did:key:", "did:jwk:")):
                raise ProofRejected("key proof kid: want a did:key or did:jwk DID URL")
            key_type, public_key = resolve_method(kid)
            did = kid.partition("#")[0]
        else:
            # decode_public_jwk refuses private members, other curves and bad points.
            key_type, public_key = decode_public_jwk(header["jwk"])
            did = did_jwk_from_public_key(public_key, key_type)
        # verify_jws requires the header's alg to match the key's type.
        verify_jws(jws, public_key_jwk(public_key, key_type), "key proof")
    except DidError as exc:
        raise ProofRejected(f"key proof: {exc}") from None
    # (3) The audience is this issuer, the proof is fresh, and it carries a nonce.
    if claims.get("aud") != audience:
        raise ProofRejected(
            f"key proof aud: got {clip(claims.get('aud'), 80)!r}, want {clip(audience, 80)!r}"
        )
    iat = claims.get("iat")
    if isinstance(iat, bool) or not isinstance(iat, int | float):
        raise ProofRejected("key proof iat: want a NumericDate")
    stamp = now.timestamp()
    if not stamp - MAX_PROOF_AGE.total_seconds() <= iat <= stamp + CLOCK_SKEW.total_seconds():
        raise ProofRejected(f"key proof iat: {iat:.0f} is not within 5 minutes of {stamp:.0f}")
    nonce = claims.get("nonce")
    if not isinstance(nonce, str) or not nonce:
        raise ProofRejected("key proof nonce: want the c_nonce from the nonce endpoint")
    return ProvenKey(key_type, public_key, did, nonce)
