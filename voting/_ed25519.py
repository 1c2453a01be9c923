"""Provides batch arithmetic on edwards25519 for long proofs: multi-scalar multiplication (§2).

libsodium computes one scalar multiplication at a time and validates its input point every
time; a proof of shuffle needs sums of thousands of products. This module works on points
already validated by `voting._group.Point` (record spec §2.2) in extended twisted Edwards
coordinates (Hisil, Wong, Carter and Dawson 2008, curve a = -1) and sums products with
Pippenger's bucket method. Nothing here parses outside input: decoding assumes a valid
encoding.

Field elements are GMP integers when gmpy2 is installed and Python integers otherwise; both
give the same results, but GMP's field operations are about four times faster, which makes a
shuffle's proof and verification about twice as fast (bench/shuffle).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from voting._group import IDENTITY, Point

if TYPE_CHECKING:

    def mpz(value: int) -> int: ...

else:
    try:
        from gmpy2 import mpz
    except ImportError:  # pragma: no cover - the pure-Python fallback gives equal results.
        mpz = int

P = mpz(2**255 - 19)
_D = mpz(-121665 * pow(121666, -1, 2**255 - 19) % (2**255 - 19))
_D2 = mpz(2 * _D % P)
_SQRT_M1 = mpz(pow(2, (2**255 - 20) // 4, 2**255 - 19))
_EXP = (2**255 - 24) // 8  # (p - 5) / 8, for the square root in decoding.
_MASK = (1 << 255) - 1
# x·y from (2x)(2y) when a bucket starts from an affine point with Z = 2.
_INV2 = mpz(pow(2, -1, 2**255 - 19))

Ext = tuple[int, int, int, int]
"""A point in extended coordinates (X, Y, Z, T) with x = X/Z, y = Y/Z, x·y = T/Z."""

Niels = tuple[int, int, int]
"""An affine point prepared for mixed addition: (y + x, y - x, 2·d·x·y)."""

ZERO: Ext = (mpz(0), mpz(1), mpz(1), mpz(0))


def decode(point: Point) -> Niels:
    """Return the affine coordinates of a validated point, prepared for mixed addition."""
    raw = int.from_bytes(point.to_bytes(), "little")
    y = mpz(raw & _MASK)
    # RFC 8032 §5.1.3: x = u·v³·(u·v⁷)^((p-5)/8), times sqrt(-1) when that squares to -u/v.
    yy = y * y % P
    u = yy - 1
    v = _D * yy + 1
    v3 = v * v % P * v % P
    x = u * v3 % P * pow(u * v3 % P * v3 % P * v % P, _EXP, P) % P
    if (v * x % P * x - u) % P != 0:
        x = x * _SQRT_M1 % P
    if int(x) & 1 != raw >> 255:
        x = P - x
    return ((y + x) % P, (y - x) % P, _D2 * x % P * y % P)


def neg(n: Niels) -> Niels:
    """Return the negation of a prepared point."""
    return (n[1], n[0], P - n[2])


def madd(p: Ext, n: Niels) -> Ext:
    """Return p + n (madd-2008-hwcd-3, seven multiplications)."""
    x1, y1, z1, t1 = p
    a = (y1 - x1) * n[1] % P
    b = (y1 + x1) * n[0] % P
    c = t1 * n[2] % P
    d = z1 + z1
    e, f, g, h = b - a, d - c, d + c, b + a
    return (e * f % P, g * h % P, f * g % P, e * h % P)


def add(p: Ext, q: Ext) -> Ext:
    """Return p + q for two points in extended coordinates (add-2008-hwcd-3)."""
    x1, y1, z1, t1 = p
    x2, y2, z2, t2 = q
    a = (y1 - x1) * (y2 - x2) % P
    b = (y1 + x1) * (y2 + x2) % P
    c = t1 * _D2 % P * t2 % P
    d = 2 * z1 * z2 % P
    e, f, g, h = b - a, d - c, d + c, b + a
    return (e * f % P, g * h % P, f * g % P, e * h % P)


def double(p: Ext) -> Ext:
    """Return 2·p (dbl-2008-hwcd with the signs of a = -1 folded in)."""
    x1, y1, z1, _ = p
    a = x1 * x1 % P
    b = y1 * y1 % P
    c = 2 * z1 * z1 % P
    h = a + b
    e = h - (x1 + y1) * (x1 + y1) % P
    g = a - b
    f = c + g
    return (e * f % P, g * h % P, f * g % P, e * h % P)


def _window(n: int) -> int:
    # The bucket width that minimises (256 / c)·(n mixed additions + 2^c full additions), a
    # full addition costing about 1.7 mixed ones here.
    best, best_cost = 1, float("inf")
    for c in range(1, 17):
        cost = -(-256 // c) * (n + 1.7 * (1 << c))
        if cost < best_cost:
            best, best_cost = c, cost
    return best


def _columns(scalars: Sequence[int], c: int, count: int) -> list[list[int]]:
    # Signed base-2^c digits in [-2^(c-1), 2^(c-1)), one list per window: adding 2^(c-1) to
    # every digit position first turns the signed recoding into plain bit slicing.
    half, mask = 1 << (c - 1), (1 << c) - 1
    offset = sum(half << (c * i) for i in range(count))
    shifted = [k + offset for k in scalars]
    return [[((k >> (c * i)) & mask) - half for k in shifted] for i in range(count)]


def msm(scalars: Sequence[int], points: Sequence[Niels]) -> Ext:
    """Return the sum of scalars[i]·points[i] (Pippenger's method with signed digits)."""
    n = len(points)
    if n == 0:
        return ZERO
    c = _window(n)
    count = 256 // c + 1
    columns = _columns(scalars, c, count)
    negs = [neg(pt) for pt in points]
    half = 1 << (c - 1)
    p, d2 = P, _D2
    result = ZERO
    for w in range(count - 1, -1, -1):
        for _ in range(c if w < count - 1 else 0):
            result = double(result)
        buckets: list[Ext | None] = [None] * (half + 1)
        for d, pos, ng in zip(columns[w], points, negs, strict=True):
            if d == 0:
                continue
            if d > 0:
                yp, ym, t2d = pos
            else:
                yp, ym, t2d = ng
                d = -d
            acc = buckets[d]
            if acc is None:
                # The first point in a bucket: (y+x, y-x) back to extended coordinates.
                x2, y2 = yp - ym, yp + ym
                buckets[d] = (x2, y2, mpz(2), x2 * y2 % p * _INV2 % p)
                continue
            # madd-2008-hwcd-3, inlined: this loop is where a proof of shuffle spends its time.
            x1, y1, z1, t1 = acc
            a = (y1 - x1) * ym % p
            b = (y1 + x1) * yp % p
            cc = t1 * t2d % p
            dd = z1 + z1
            e, f, g, h = b - a, dd - cc, dd + cc, b + a
            buckets[d] = (e * f % p, g * h % p, f * g % p, e * h % p)
        # Running sums: the sum over d of d·B_d is the sum over d of (B_half + ... + B_d).
        running: Ext | None = None
        total: Ext | None = None
        for d in range(half, 0, -1):
            bk = buckets[d]
            if bk is not None:
                running = bk if running is None else _add(running, bk, p, d2)
            if running is not None:
                total = running if total is None else _add(total, running, p, d2)
        if total is not None:
            result = add(result, total)
    return result


def _add(q1: Ext, q2: Ext, p: int, d2: int) -> Ext:
    # add-2008-hwcd-3 with the constants passed in as locals, for the bucket sums.
    x1, y1, z1, t1 = q1
    x2, y2, z2, t2 = q2
    a = (y1 - x1) * (y2 - x2) % p
    b = (y1 + x1) * (y2 + x2) % p
    c = t1 * d2 % p * t2 % p
    d = 2 * z1 * z2 % p
    e, f, g, h = b - a, d - c, d + c, b + a
    return (e * f % p, g * h % p, f * g % p, e * h % p)


def encode_many(points: Sequence[Ext]) -> list[bytes]:
    """Return the canonical encodings, sharing one field inversion (Montgomery's trick)."""
    if not points:
        return []
    prefix = [mpz(1)] * (len(points) + 1)
    for i, p in enumerate(points):
        prefix[i + 1] = prefix[i] * p[2] % P
    inv = pow(prefix[-1], -1, P)
    out: list[bytes] = [b""] * len(points)
    for i in range(len(points) - 1, -1, -1):
        zi = inv * prefix[i] % P
        inv = inv * points[i][2] % P
        x, y = points[i][0] * zi % P, points[i][1] * zi % P
        out[i] = (int(y) | (int(x) & 1) << 255).to_bytes(32, "little")
    return out


def to_point(p: Ext) -> Point:
    """Return the group element; the identity is returned as `IDENTITY`."""
    enc = encode_many([p])[0]
    return IDENTITY if enc == IDENTITY.to_bytes() else Point._trusted(enc)
