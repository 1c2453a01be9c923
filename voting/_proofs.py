"""Provides the zero-knowledge proofs: Schnorr, Chaum-Pedersen and disjunctive range (§5).

All proofs use the compact form (challenges and responses; the verifier recomputes the
commitments) and strong Fiat-Shamir: the challenge covers the proof kind, the election hash,
the whole statement, the context and every commitment (record spec §3.4).
"""

from __future__ import annotations

from dataclasses import dataclass

from voting._elgamal import Ciphertext, small_multiple
from voting._group import Point, Q, Rng, base_mul, parse_scalar, random_scalar, scalar_hex
from voting._hashing import challenge, fields, points, u32
from voting._json import JsonObject, keys
from voting.errors import EncodingError, ProofError


@dataclass(frozen=True, slots=True)
class CompactProof:
    """A Schnorr or Chaum-Pedersen proof (c, v) with v = u - c·x mod q."""

    challenge: int
    response: int

    def to_json(self) -> JsonObject:
        """Return {"challenge": hex, "response": hex}."""
        return {"challenge": scalar_hex(self.challenge), "response": scalar_hex(self.response)}

    @classmethod
    def from_json(cls, obj: object, what: str) -> CompactProof:
        """Parse a proof; both scalars must be canonical."""
        if not isinstance(obj, dict):
            raise EncodingError(f"{what}: want an object")
        keys(obj, what, {"challenge", "response"})
        return cls(
            parse_scalar(obj["challenge"], f"{what}.challenge"),
            parse_scalar(obj["response"], f"{what}.response"),
        )


@dataclass(frozen=True, slots=True)
class RangeProof:
    """A disjunctive Chaum-Pedersen proof that a ciphertext encrypts a value in [lo, hi]."""

    challenges: tuple[int, ...]
    responses: tuple[int, ...]

    def to_json(self) -> JsonObject:
        """Return {"challenges": [hex…], "responses": [hex…]}, one pair per value."""
        return {
            "challenges": [scalar_hex(c) for c in self.challenges],
            "responses": [scalar_hex(v) for v in self.responses],
        }

    @classmethod
    def from_json(cls, obj: object, what: str) -> RangeProof:
        """Parse a range proof; lengths are checked against the statement when verifying."""
        if not isinstance(obj, dict):
            raise EncodingError(f"{what}: want an object")
        keys(obj, what, {"challenges", "responses"})
        cs, vs = obj["challenges"], obj["responses"]
        if not isinstance(cs, list) or not isinstance(vs, list) or len(cs) != len(vs):
            raise EncodingError(f"{what}: want two arrays of equal length")
        if not 1 <= len(cs) <= 101:
            raise EncodingError(f"{what}: got {len(cs)} branches, want 1..101")
        return cls(
            tuple(parse_scalar(c, f"{what}.challenges[{i}]") for i, c in enumerate(cs)),
            tuple(parse_scalar(v, f"{what}.responses[{i}]") for i, v in enumerate(vs)),
        )


# §5.2: Schnorr proof of knowledge of x with X = x·G.


def prove_schnorr(
    secret: int, public: Point, election_hash: bytes, context: bytes, rng: Rng | None
) -> CompactProof:
    """Prove knowledge of the discrete logarithm of `public`."""
    u = random_scalar(rng)
    h = base_mul(u)
    c = challenge("schnorr", election_hash, fields(public.to_bytes()), context, points([h]))
    return CompactProof(c, (u - c * secret) % Q)


def verify_schnorr(
    public: Point, proof: CompactProof, election_hash: bytes, context: bytes
) -> None:
    """Raise ProofError unless the proof verifies."""
    h = base_mul(proof.response) + public * proof.challenge
    c = challenge("schnorr", election_hash, fields(public.to_bytes()), context, points([h]))
    if c != proof.challenge:
        raise ProofError("schnorr: challenge mismatch")


# §5.3: Chaum-Pedersen proof that log_G(X) = log_A(Y).


def prove_dleq(
    secret: int,
    base: Point,
    public: Point,
    image: Point,
    election_hash: bytes,
    context: bytes,
    rng: Rng | None,
) -> CompactProof:
    """Prove that public = secret·G and image = secret·base."""
    u = random_scalar(rng)
    a, b = base_mul(u), base * u
    statement = fields(public.to_bytes(), base.to_bytes(), image.to_bytes())
    c = challenge("decryption", election_hash, statement, context, points([a, b]))
    return CompactProof(c, (u - c * secret) % Q)


def verify_dleq(
    base: Point,
    public: Point,
    image: Point,
    proof: CompactProof,
    election_hash: bytes,
    context: bytes,
) -> None:
    """Raise ProofError unless log_G(public) = log_base(image) is proven."""
    c, v = proof.challenge, proof.response
    a = base_mul(v) + public * c
    b = base * v + image * c
    statement = fields(public.to_bytes(), base.to_bytes(), image.to_bytes())
    if challenge("decryption", election_hash, statement, context, points([a, b])) != c:
        raise ProofError("chaum-pedersen: challenge mismatch")


# §5.4: disjunctive range proof that (alpha, beta) encrypts some m in [lo, hi] under K.


def _range_statement(key: Point, ct: Ciphertext, lo: int, hi: int) -> bytes:
    return fields(key.to_bytes(), ct.alpha.to_bytes(), ct.beta.to_bytes(), u32(lo), u32(hi))


def prove_range(
    kind: str,
    sigma: int,
    nonce: int,
    key: Point,
    ct: Ciphertext,
    lo: int,
    hi: int,
    election_hash: bytes,
    context: bytes,
    rng: Rng | None,
) -> RangeProof:
    """Prove that ct = Enc(sigma; xi) with lo ≤ sigma ≤ hi, hiding which value it is."""
    if not lo <= sigma <= hi:
        raise ProofError(f"{kind}: value {sigma} outside {lo}..{hi}")
    count = hi - lo + 1
    cs, vs = [0] * count, [0] * count
    commitments: list[Point] = []
    u = random_scalar(rng)
    for i in range(count):
        m = lo + i
        if m == sigma:
            commitments += [base_mul(u), key * u]
            continue
        # A simulated branch: the prover knows xi, so vG + calpha = (v + cxi)G and
        # vK + c(beta - mG) = (v + cxi)K + c(sigma - m)G, which needs fewer multiplications.
        cs[i], vs[i] = random_scalar(rng), random_scalar(rng)
        w = (vs[i] + cs[i] * nonce) % Q
        commitments += [base_mul(w), key * w + base_mul(cs[i] * (sigma - m))]
    c = challenge(
        kind, election_hash, _range_statement(key, ct, lo, hi), context, points(commitments)
    )
    real = sigma - lo
    cs[real] = (c - sum(cs)) % Q
    vs[real] = (u - cs[real] * nonce) % Q
    return RangeProof(tuple(cs), tuple(vs))


def verify_range(
    kind: str,
    proof: RangeProof,
    key: Point,
    ct: Ciphertext,
    lo: int,
    hi: int,
    election_hash: bytes,
    context: bytes,
) -> None:
    """Raise ProofError unless the proof shows ct encrypts a value in [lo, hi]."""
    count = hi - lo + 1
    if len(proof.challenges) != count or len(proof.responses) != count:
        raise ProofError(f"{kind}: got {len(proof.challenges)} branches, want {count}")
    commitments: list[Point] = []
    for i in range(count):
        c, v = proof.challenges[i], proof.responses[i]
        shifted = ct.beta - small_multiple(lo + i)
        commitments += [base_mul(v) + ct.alpha * c, key * v + shifted * c]
    expected = challenge(
        kind, election_hash, _range_statement(key, ct, lo, hi), context, points(commitments)
    )
    if sum(proof.challenges) % Q != expected:
        raise ProofError(f"{kind}: challenges do not sum to the hash")
