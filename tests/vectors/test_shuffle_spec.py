"""Tests that record spec §10 alone decides every shuffle vector, as a third party would.

This is an independent verifier written from docs/record-spec.md §1-§3 and §10 only: plain
integers for edwards25519 (RFC 8032 formulas), hashlib for the hashes, no libsodium and no
import of the `voting` package. It must reach each vector's `expect` by itself.
"""

from __future__ import annotations

import hashlib
import json
from functools import cache
from pathlib import Path
from typing import Any

import pytest

HERE = Path(__file__).resolve().parent / "voting" / "shuffle"
FILES = sorted(HERE.glob("*.json"))

# §2.1 and §10.2: the field, the curve, the group order and the base point.
P = 2**255 - 19
D = -121665 * pow(121666, -1, P) % P
Q = 2**252 + 27742317777372353535851937790883648493
A_MONT = 486662
SQRT_M1 = pow(2, (P - 1) // 4, P)
Point = tuple[int, int, int, int]
ZERO: Point = (0, 1, 1, 0)
EQUATIONS = ("t1", "t2", "t3", "t4", "chain")


class SpecError(Exception):
    """A verification failure, named as the vectors name it."""


def add(p1: Point, p2: Point) -> Point:
    x1, y1, z1, t1 = p1
    x2, y2, z2, t2 = p2
    a = (y1 - x1) * (y2 - x2) % P
    b = (y1 + x1) * (y2 + x2) % P
    c = 2 * D * t1 * t2 % P
    d = 2 * z1 * z2 % P
    e, f, g, h = b - a, d - c, d + c, b + a
    return (e * f % P, g * h % P, f * g % P, e * h % P)


def neg(p1: Point) -> Point:
    return (-p1[0] % P, p1[1], p1[2], -p1[3] % P)


def mul(k: int, p1: Point) -> Point:
    out = ZERO
    k %= Q
    while k:
        if k & 1:
            out = add(out, p1)
        p1 = add(p1, p1)
        k >>= 1
    return out


def encode(p1: Point) -> bytes:
    zi = pow(p1[2], -1, P)
    x, y = p1[0] * zi % P, p1[1] * zi % P
    return (y | (x & 1) << 255).to_bytes(32, "little")


def recover_x(y: int, sign: int) -> int | None:
    # RFC 8032 §5.1.3 step 3.
    xx = (y * y - 1) * pow(D * y * y + 1, -1, P) % P
    x = pow(xx, (P + 3) // 8, P)
    if (x * x - xx) % P:
        x = x * SQRT_M1 % P
    if (x * x - xx) % P:
        return None
    if x & 1 != sign:
        x = P - x
    return x % P


@cache
def point(text: str) -> Point:
    """§2.2: 64 lowercase hex digits of a canonical point of the prime-order subgroup, not O."""
    raw = int.from_bytes(hexbytes(text), "little")
    y, sign = raw & ((1 << 255) - 1), raw >> 255
    if y >= P:
        raise SpecError("GroupError")
    x = recover_x(y, sign)
    if x is None or (x == 0 and sign):
        raise SpecError("GroupError")
    p1 = (x, y, 1, x * y % P)
    if encode(p1) == encode(ZERO) or encode(mul(8, p1)) == encode(ZERO):
        raise SpecError("GroupError")
    if encode(mul_full(Q, p1)) != encode(ZERO):
        raise SpecError("GroupError")
    return p1


def mul_full(k: int, p1: Point) -> Point:
    out = ZERO
    while k:
        if k & 1:
            out = add(out, p1)
        p1 = add(p1, p1)
        k >>= 1
    return out


def hexbytes(text: object) -> bytes:
    if not isinstance(text, str) or len(text) != 64 or text.lower() != text:
        raise SpecError("EncodingError")
    return bytes.fromhex(text)


def scalar(text: object) -> int:
    value = int.from_bytes(hexbytes(text), "little")
    if value >= Q:
        raise SpecError("GroupError")
    return value


G = point("5866666666666666666666666666666666666666666666666666666666666666")


# §3.1-§3.3: framing, digests, hash to scalar.
def lp(data: bytes) -> bytes:
    return len(data).to_bytes(4, "big") + data


def frame(tag: str, *parts: bytes) -> bytes:
    head = lp(("ssi-wallet/voting/" + tag).encode()) + (1).to_bytes(4, "big")
    return head + b"".join(lp(x) for x in parts)


def sha256(tag: str, *parts: bytes) -> bytes:
    return hashlib.sha256(frame(tag, *parts)).digest()


def to_scalar(tag: str, *parts: bytes) -> int:
    return int.from_bytes(hashlib.sha512(frame(tag, *parts)).digest(), "little") % Q


def u32(n: int) -> bytes:
    return n.to_bytes(4, "big")


@cache
def gen(h_e: bytes, label: str, j: int) -> Point:
    """§10.2 steps 1-5."""
    b = hashlib.sha512(frame("shuffle/generator", h_e, label.encode(), u32(j))).digest()[:32]
    s = b[31] >> 7
    r = int.from_bytes(b, "little") % 2**255 % P
    u = -A_MONT * pow(1 + 2 * r * r, -1, P) % P
    f = (u**3 + A_MONT * u * u + u) % P
    if pow(f, (P - 1) // 2, P) == P - 1:
        u = (-u - A_MONT) % P
    if u in (0, P - 1):
        raise SpecError("generator")
    y = (u - 1) * pow(u + 1, -1, P) % P
    x = recover_x(y, s)
    assert x is not None
    h = mul_full(8, (x, y, 1, x * y % P))
    if encode(h) == encode(ZERO):
        raise SpecError("generator")
    return h


def verify(inp: dict[str, Any]) -> None:
    h_e = bytes.fromhex(inp["electionHash"])
    label = inp["label"]
    key = point(inp["key"])
    rows_in = [[(point(c["alpha"]), point(c["beta"])) for c in row] for row in inp["inputs"]]
    rows_out = [[(point(c["alpha"]), point(c["beta"])) for c in row] for row in inp["outputs"]]
    pr = inp["proof"]
    cs = [point(x) for x in pr["permutationCommitments"]]
    chain = [point(x) for x in pr["chainCommitments"]]
    c = scalar(pr["challenge"])
    s1, s2, s3 = scalar(pr["s1"]), scalar(pr["s2"]), scalar(pr["s3"])
    s4 = [scalar(x) for x in pr["s4"]]
    s_hat = [scalar(x) for x in pr["chainResponses"]]
    s_prime = [scalar(x) for x in pr["permutedResponses"]]
    digests = {name: hexbytes(pr["digests"][name]) for name in EQUATIONS}
    # Step 1: the statement.
    n, w = len(rows_in), len(rows_in[0])
    if not 1 <= len(label) <= 256 or any(ord(ch) < 0x20 or 0x7F <= ord(ch) < 0xA0 for ch in label):
        raise SpecError("ShuffleError:label")
    if len(rows_out) != n:
        raise SpecError("ShuffleError:rows")
    if any(len(row) != w for row in rows_in + rows_out):
        raise SpecError("ShuffleError:width")
    # Step 2: the proof's sizes.
    if {len(cs), len(chain), len(s_hat), len(s_prime)} != {n} or len(s4) != w:
        raise SpecError("ShuffleError:proof")
    # Step 3: generators, seed, row challenges.
    hs = [gen(h_e, label, i) for i in range(n)]
    big_h = gen(h_e, label, 2**32 - 1)

    def flat(rows: list[list[tuple[Point, Point]]]) -> bytes:
        return b"".join(encode(a) + encode(b) for row in rows for a, b in row)

    rho = sha256(
        "shuffle/seed",
        h_e,
        label.encode(),
        u32(n),
        u32(w),
        encode(key),
        flat(rows_in),
        flat(rows_out),
        b"".join(encode(x) for x in cs),
    )
    u = [to_scalar("shuffle/u", rho, u32(j)) for j in range(n)]

    def lin(pairs: list[tuple[int, Point]]) -> Point:
        out = ZERO
        for k, p1 in pairs:
            out = add(out, mul(k, p1))
        return out

    # Step 4: every commitment.
    c_bar = lin([(1, x) for x in cs] + [(Q - 1, h) for h in hs])
    t1 = add(mul(s1, G), mul(c, c_bar))
    prod = 1
    for x in u:
        prod = prod * x % Q
    t2 = add(mul(s2, G), mul(c, add(chain[-1], neg(mul(prod, big_h)))))
    weighted = [(c * x, cj) for x, cj in zip(u, cs, strict=True)]
    t3 = lin([(s3, G), *zip(s_prime, hs, strict=True), *weighted])
    t4 = []
    for k in range(w):
        for part, base in ((0, G), (1, key)):
            t4.append(
                lin(
                    [(s_prime[i], rows_out[i][k][part]) for i in range(n)]
                    + [(Q - s4[k], base)]
                    + [(c * u[j], rows_in[j][k][part]) for j in range(n)]
                )
            )
    prevs = [big_h, *chain[:-1]]
    t_hat = [lin([(s_hat[i], G), (s_prime[i], prevs[i]), (c, chain[i])]) for i in range(n)]
    # Step 5: digests, each equation named.
    groups = {"t1": [t1], "t2": [t2], "t3": [t3], "t4": t4, "chain": t_hat}
    mine = {
        name: sha256("shuffle/commitment", name.encode(), b"".join(encode(x) for x in ps))
        for name, ps in groups.items()
    }
    failed = [name for name in EQUATIONS if mine[name] != digests[name]]
    if failed:
        raise SpecError("ShuffleError:" + ",".join(failed))
    # Step 6: the challenge.
    chi = sha256("shuffle/chain", b"".join(encode(x) for x in chain))
    want = to_scalar(
        "challenge/shuffle",
        h_e,
        lp(rho) + lp(chi),
        lp(label.encode()),
        b"".join(lp(mine[name]) for name in EQUATIONS),
    )
    if want != c:
        raise SpecError("ShuffleError:challenge")


def outcome(inp: dict[str, Any]) -> str:
    try:
        verify(inp)
    except SpecError as exc:
        return str(exc)
    return "ok"


def test_the_generator_map_is_libsodium_from_uniform() -> None:
    # §10.2 says steps 2-5 are libsodium's map; check the text against it on many inputs.
    from nacl.bindings import crypto_core_ed25519_from_uniform

    for i in range(64):
        b = hashlib.sha512(b"generator check %d" % i).digest()[:32]
        s = b[31] >> 7
        r = int.from_bytes(b, "little") % 2**255 % P
        u = -A_MONT * pow(1 + 2 * r * r, -1, P) % P
        if pow((u**3 + A_MONT * u * u + u) % P, (P - 1) // 2, P) == P - 1:
            u = (-u - A_MONT) % P
        y = (u - 1) * pow(u + 1, -1, P) % P
        x = recover_x(y, s)
        assert x is not None
        assert encode(mul_full(8, (x, y, 1, x * y % P))) == crypto_core_ed25519_from_uniform(b)


# The negative cases issue 15 asks for, by the start of their file names.
REQUIRED = (
    "replaced-outputs",  # a tampered row
    "swapped-outputs",  # two rows swapped after proving
    "other-key",
    "identity-",
    "non-canonical-point",
    "non-canonical-scalar",  # a scalar >= q
    "dropped-outputs[",  # a wrong length
    "dropped-outputs-column",  # a wrong width
    "proof-of-another-shuffle",  # a proof from another list
    "other-label",
    "other-election-hash",
)


def test_every_required_negative_case_has_a_vector() -> None:
    names = [p.name for p in FILES]
    assert "happy-path.json" in names
    for prefix in REQUIRED:
        hits = [n for n in names if n.startswith(prefix)]
        assert hits, prefix
        for name in hits:
            assert json.loads((HERE / name).read_text())["expect"] != "ok", name


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_spec_alone_reaches_the_vector_expectation(path: Path) -> None:
    vector = json.loads(path.read_text())
    assert outcome(vector["input"]) == vector["expect"]
