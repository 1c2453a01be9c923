"""Provides a verifiable shuffle of ElGamal ciphertext rows (record spec §10).

A mix re-encrypts every row of a list with fresh nonces and permutes the rows; the proof of
shuffle is the commitment-consistent proof of Terelius and Wikström (AFRICACRYPT 2010), in
the form whose pseudo-code the CHVote and Belenios specifications publish, extended to rows
of w ciphertexts with one re-encryption response per column. It is in the record's compact
form: the proof carries the permutation and chain commitments, the challenge, a digest of
each group of recomputed commitments (so that a failure names its equation) and the
responses; the verifier recomputes every commitment before hashing (§10.6).
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Sequence
from dataclasses import dataclass

from nacl import bindings as _sodium

from voting import _ed25519 as ed
from voting._elgamal import Ciphertext
from voting._group import IDENTITY, G, Point, Q, Rng, base_mul, random_scalar
from voting._hashing import RECORD_VERSION, TAG_PREFIX, digest, fields, hash_to_scalar, lp, u32
from voting._shuffle_wire import Row, ShuffleProof, check_label
from voting.errors import ShuffleError

# The index of the chain's base generator H (§10.2); row generators use indices 0..N-1.
CHAIN_INDEX = 0xFFFFFFFF

EQUATIONS = ("t1", "t2", "t3", "t4", "chain")


@dataclass(frozen=True, slots=True)
class ShuffleSecret:
    """The mix's witness: output i re-encrypts input permutation[i] with nonces[i]."""

    permutation: tuple[int, ...]
    nonces: tuple[tuple[int, ...], ...]

    def __repr__(self) -> str:
        return "ShuffleSecret(<redacted>)"


def generator(election_hash: bytes, label: str, index: int) -> Point:
    """Return the independent generator of §10.2 for a list label and an index."""
    framed = (
        lp((TAG_PREFIX + "shuffle/generator").encode("ascii"))
        + u32(RECORD_VERSION)
        + fields(election_hash, label.encode("utf-8"), u32(index))
    )
    enc = _sodium.crypto_core_ed25519_from_uniform(hashlib.sha512(framed).digest()[:32])
    if enc == IDENTITY.to_bytes():  # pragma: no cover - needs a preimage of a small-order point.
        raise ShuffleError(("generator",), f"generator {index} is the identity")
    return Point._trusted(enc)


def _below(rng: Rng, bound: int) -> int:
    # A uniform integer in [0, bound) by rejection from 64-bit draws (§10.4).
    limit = (1 << 64) - (1 << 64) % bound
    while True:
        value = int.from_bytes(rng(8), "little")
        if value < limit:
            return value % bound


def shuffle(
    key: Point, rows: Sequence[Row], rng: Rng | None
) -> tuple[tuple[Row, ...], ShuffleSecret]:
    """Re-encrypt and permute the rows under `key`; return the outputs and the witness."""
    n = len(rows)
    if n == 0:
        raise ShuffleError(("rows",), "got 0 rows, want at least 1")
    source = rng if rng is not None else os.urandom
    perm = list(range(n))
    # Fisher-Yates, from the last position down (§10.4).
    for i in range(n - 1, 0, -1):
        j = _below(source, i + 1)
        perm[i], perm[j] = perm[j], perm[i]
    nonces = tuple(tuple(random_scalar(source) for _ in rows[p]) for p in perm)
    outputs = tuple(
        tuple(
            Ciphertext(ct.alpha + base_mul(r), ct.beta + key * r)
            for ct, r in zip(rows[p], rs, strict=True)
        )
        for p, rs in zip(perm, nonces, strict=True)
    )
    return outputs, ShuffleSecret(tuple(perm), nonces)


def _flat(rows: Sequence[Row]) -> list[Point]:
    return [p for row in rows for ct in row for p in (ct.alpha, ct.beta)]


def _seed(
    election_hash: bytes,
    label: str,
    key: Point,
    inputs: Sequence[Row],
    outputs: Sequence[Row],
    commitments: Sequence[Point],
) -> bytes:
    # §10.3: the whole statement and the permutation commitments, hashed once.
    return digest(
        "shuffle/seed",
        election_hash,
        label.encode("utf-8"),
        u32(len(inputs)),
        u32(len(inputs[0])),
        key.to_bytes(),
        b"".join(p.to_bytes() for p in _flat(inputs)),
        b"".join(p.to_bytes() for p in _flat(outputs)),
        b"".join(p.to_bytes() for p in commitments),
    )


def _challenges(seed: bytes, n: int) -> list[int]:
    return [hash_to_scalar("shuffle/u", seed, u32(j)) for j in range(n)]


def _digests(groups: dict[str, list[Point]]) -> dict[str, bytes]:
    return {
        name: digest("shuffle/commitment", name.encode("ascii"), b"".join(p.to_bytes() for p in ps))
        for name, ps in groups.items()
    }


def _challenge(
    election_hash: bytes, label: str, seed: bytes, chain: Sequence[Point], ds: dict[str, bytes]
) -> int:
    chain_hash = digest("shuffle/chain", b"".join(p.to_bytes() for p in chain))
    return hash_to_scalar(
        "challenge/shuffle",
        election_hash,
        fields(seed, chain_hash),
        fields(label.encode("utf-8")),
        fields(*(ds[name] for name in EQUATIONS)),
    )


def _check_statement(
    election_hash: bytes, key: Point, inputs: Sequence[Row], outputs: Sequence[Row]
) -> int:
    """Return the width after checking the statement's shape (§10.6 step 1)."""
    if not isinstance(election_hash, bytes) or len(election_hash) != 32:
        raise ShuffleError(("election",), "the election hash must be 32 bytes")
    if key.is_identity:
        raise ShuffleError(("key",), "the key is the identity")
    if not inputs:
        raise ShuffleError(("rows",), "got 0 input rows, want at least 1")
    if len(outputs) != len(inputs):
        raise ShuffleError(("rows",), f"got {len(outputs)} output rows, want {len(inputs)}")
    width = len(inputs[0])
    if width == 0:
        raise ShuffleError(("width",), "got rows of width 0")
    for name, rows in (("input", inputs), ("output", outputs)):
        for i, row in enumerate(rows):
            if len(row) != width:
                raise ShuffleError(("width",), f"{name} row {i}: got {len(row)}, want {width}")
            for ct in row:
                if ct.alpha.is_identity or ct.beta.is_identity:
                    raise ShuffleError(("rows",), f"{name} row {i}: identity point")
    return width


def prove_shuffle(
    election_hash: bytes,
    label: str,
    key: Point,
    inputs: Sequence[Row],
    outputs: Sequence[Row],
    secret: ShuffleSecret,
    rng: Rng | None,
) -> ShuffleProof:
    """Prove that `outputs` re-encrypt a permutation of `inputs` under `key` (§10.5)."""
    check_label(label)
    w = _check_statement(election_hash, key, inputs, outputs)
    n = len(inputs)
    perm = secret.permutation
    if sorted(perm) != list(range(n)) or [len(ns) for ns in secret.nonces] != [w] * n:
        raise ShuffleError(("proof",), "the witness does not fit the statement")
    source = rng if rng is not None else os.urandom
    hs = [generator(election_hash, label, i) for i in range(n)]
    chain_base = generator(election_hash, label, CHAIN_INDEX)
    # Step 1: commit to the permutation, c_perm[i] = r_perm[i]·G + h_i.
    r = [random_scalar(source) for _ in range(n)]
    c_list: list[Point] = [IDENTITY] * n
    for i in range(n):
        c_list[perm[i]] = base_mul(r[perm[i]]) + hs[i]
    seed = _seed(election_hash, label, key, inputs, outputs, c_list)
    u = _challenges(seed, n)
    u_perm = [u[perm[i]] for i in range(n)]
    # Step 2: the chain ĉ_i = r̂_i·G + u'_i·ĉ_(i-1), from ĉ_(-1) = H.
    r_hat = [random_scalar(source) for _ in range(n)]
    chain: list[Point] = []
    prev = chain_base
    for i in range(n):
        prev = base_mul(r_hat[i]) + prev * u_perm[i]
        chain.append(prev)
    # Step 3: the commitments.
    w1, w2, w3 = random_scalar(source), random_scalar(source), random_scalar(source)
    w4 = [random_scalar(source) for _ in range(w)]
    w_hat = [random_scalar(source) for _ in range(n)]
    w_prime = [random_scalar(source) for _ in range(n)]
    h_niels = [ed.decode(h) for h in hs]
    t3 = ed.to_point(ed.msm([w3, *w_prime], [_G_NIELS, *h_niels]))
    t4: list[Point] = []
    neg_key = ed.neg(ed.decode(key))
    for k in range(w):
        alphas = [ed.decode(row[k].alpha) for row in outputs]
        betas = [ed.decode(row[k].beta) for row in outputs]
        t4.append(ed.to_point(ed.msm([w4[k], *w_prime], [_NEG_G_NIELS, *alphas])))
        t4.append(ed.to_point(ed.msm([w4[k], *w_prime], [neg_key, *betas])))
    prevs = [chain_base, *chain[:-1]]
    t_hat = [base_mul(w_hat[i]) + prevs[i] * w_prime[i] for i in range(n)]
    groups = {"t1": [base_mul(w1)], "t2": [base_mul(w2)], "t3": [t3], "t4": t4, "chain": t_hat}
    ds = _digests(groups)
    c = _challenge(election_hash, label, seed, chain, ds)
    # Step 4: the responses v = ω - c·x (record spec §5).
    v = [0] * n
    acc = 1
    for i in range(n - 1, -1, -1):
        v[i] = acc
        acc = acc * u_perm[i] % Q
    r_bar = sum(r) % Q
    r_hat_sum = sum(a * b for a, b in zip(r_hat, v, strict=True)) % Q
    r_tilde = sum(a * b for a, b in zip(r, u, strict=True)) % Q
    r_prime = [sum(secret.nonces[i][k] * u_perm[i] for i in range(n)) % Q for k in range(w)]
    return ShuffleProof(
        permutation_commitments=tuple(c_list),
        chain_commitments=tuple(chain),
        challenge=c,
        digests=tuple(ds[name] for name in EQUATIONS),
        s1=(w1 - c * r_bar) % Q,
        s2=(w2 - c * r_hat_sum) % Q,
        s3=(w3 - c * r_tilde) % Q,
        s4=tuple((w4[k] - c * r_prime[k]) % Q for k in range(w)),
        chain_responses=tuple((w_hat[i] - c * r_hat[i]) % Q for i in range(n)),
        permuted_responses=tuple((w_prime[i] - c * u_perm[i]) % Q for i in range(n)),
    )


_G_NIELS = ed.decode(G)
_NEG_G_NIELS = ed.neg(_G_NIELS)


def recompute(
    election_hash: bytes,
    label: str,
    key: Point,
    inputs: Sequence[Row],
    outputs: Sequence[Row],
    proof: ShuffleProof,
) -> tuple[bytes, dict[str, bytes]]:
    """Run §10.6 steps 1-5 and return the seed and each equation's recomputed digest."""
    # (1) The statement and (2) the proof's sizes.
    check_label(label)
    w = _check_statement(election_hash, key, inputs, outputs)
    n = len(inputs)
    proof.check_size(n, w)
    c = proof.challenge
    cs, chain = proof.permutation_commitments, proof.chain_commitments
    s_prime = proof.permuted_responses
    # (3) The generators, the seed and the challenges u_j.
    hs = [generator(election_hash, label, i) for i in range(n)]
    chain_base = generator(election_hash, label, CHAIN_INDEX)
    seed = _seed(election_hash, label, key, inputs, outputs, cs)
    u = _challenges(seed, n)
    cu = [c * x % Q for x in u]
    # (4) Every commitment. Each sum of products is one multi-scalar multiplication, with
    # c·Σ u_j·X_j folded in as Σ (c·u_j)·X_j.
    h_niels = [ed.decode(h) for h in hs]
    c_niels = [ed.decode(p) for p in cs]
    total = ed.ZERO
    for a in c_niels:
        total = ed.madd(total, a)
    for h in h_niels:
        total = ed.madd(total, ed.neg(h))
    t1 = base_mul(proof.s1) + ed.to_point(total) * c
    prod = 1
    for x in u:
        prod = prod * x % Q
    t2 = base_mul(proof.s2) + (chain[-1] - chain_base * prod) * c
    t3 = ed.to_point(ed.msm([proof.s3, *s_prime, *cu], [_G_NIELS, *h_niels, *c_niels]))
    t4: list[Point] = []
    neg_key = ed.neg(ed.decode(key))
    for k in range(w):
        for which, base in (("alpha", _NEG_G_NIELS), ("beta", neg_key)):
            outs = [ed.decode(getattr(row[k], which)) for row in outputs]
            ins = [ed.decode(getattr(row[k], which)) for row in inputs]
            t4.append(ed.to_point(ed.msm([proof.s4[k], *s_prime, *cu], [base, *outs, *ins])))
    prevs = [chain_base, *chain[:-1]]
    t_hat = [
        base_mul(proof.chain_responses[i]) + prevs[i] * s_prime[i] + chain[i] * c for i in range(n)
    ]
    # (5) The digests.
    return seed, _digests({"t1": [t1], "t2": [t2], "t3": [t3], "t4": t4, "chain": t_hat})


def verify_shuffle(
    election_hash: bytes,
    label: str,
    key: Point,
    inputs: Sequence[Row],
    outputs: Sequence[Row],
    proof: ShuffleProof,
) -> None:
    """Raise ShuffleError unless `proof` shows that `outputs` shuffle `inputs` (§10.6)."""
    seed, ds = recompute(election_hash, label, key, inputs, outputs, proof)
    # (5) Name every equation whose recomputed commitments differ from the proof's digest.
    failed = tuple(name for name, d in zip(EQUATIONS, proof.digests, strict=True) if ds[name] != d)
    if failed:
        raise ShuffleError(failed, "recomputed commitments differ from the proof's digests")
    # (6) The Fiat-Shamir challenge.
    chain = proof.chain_commitments
    if _challenge(election_hash, label, seed, chain, ds) != proof.challenge:
        raise ShuffleError(("challenge",), "the challenge is not the hash of the commitments")
