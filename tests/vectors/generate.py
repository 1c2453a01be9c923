#!/usr/bin/env python3
"""Provides the generator of the voting vectors in tests/vectors/voting (seeded, reproducible).

Run `python tests/vectors/generate.py [OUTDIR]`; with no argument it rewrites the committed
files. Every file is {"check", "expect", "input"}: `expect` is "ok" or the error class the
check must raise. The file name says which mutation a negative vector applies.
"""

from __future__ import annotations

import copy
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from voting import errors
from voting import shuffle as sh
from voting.ballot import (
    BallotOpening,
    EncryptedBallot,
    encrypt_ballot,
    verify_ballot,
    verify_opening,
)
from voting.election import Contest, Election, Manifest, Option
from voting.group import Point, Q, Scalar, base_mul, encrypt, random_scalar
from voting.tally import (
    DecryptionShare,
    ElectionResult,
    EncryptedTally,
    aggregate,
    combine,
    partial_decrypt,
    verify_decryption_share,
    verify_result,
)
from voting.testing import SeededRng
from voting.trustees import Trustee, TrusteeAnnouncement

HERE = Path(__file__).resolve().parent / "voting"
SMALL_ORDER_8 = "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05"


def _election(ctx: dict[str, Any]) -> Election:
    manifest = Manifest.from_json(ctx["manifest"])
    anns = [TrusteeAnnouncement.from_json(a) for a in ctx["announcements"]]
    return Election.create(manifest, anns)


def _check_election(ctx: dict[str, Any], inp: dict[str, Any]) -> None:
    election = _election({**ctx, **inp})
    got = {
        "manifestHash": election.manifest_hash.hex(),
        "jointKey": election.joint_key.hex(),
        "extendedHash": election.extended_hash.hex(),
        "publicShares": [p.hex() for p in election.public_shares],
    }
    if got != inp["expected"]:
        raise errors.CeremonyError("derived election values differ")


def _check_ballot(ctx: dict[str, Any], inp: dict[str, Any]) -> None:
    verify_ballot(_election(ctx), EncryptedBallot.from_json(inp["ballot"]))


def _check_opening(ctx: dict[str, Any], inp: dict[str, Any]) -> None:
    got = verify_opening(
        _election(ctx),
        EncryptedBallot.from_json(inp["ballot"]),
        BallotOpening.from_json(inp["opening"]),
    )
    if got != inp["choices"]:
        raise errors.BallotError("opening decodes to other choices")


def _check_share(ctx: dict[str, Any], inp: dict[str, Any]) -> None:
    verify_decryption_share(
        _election(ctx),
        EncryptedTally.from_json(inp["tally"]),
        DecryptionShare.from_json(inp["share"]),
    )


def _check_result(ctx: dict[str, Any], inp: dict[str, Any]) -> None:
    election = _election(ctx)
    ballots = [EncryptedBallot.from_json(b) for b in inp["ballots"]]
    tally = EncryptedTally.from_json(inp["tally"])
    if aggregate(election, ballots) != tally:
        raise errors.TallyError("tally differs from the aggregate of the ballots")
    verify_result(
        election,
        tally,
        [DecryptionShare.from_json(s) for s in inp["shares"]],
        ElectionResult.from_json(inp["result"]),
    )


def _check_shuffle(ctx: dict[str, Any], inp: dict[str, Any]) -> None:
    # Self-contained: the statement (record spec §10.1) is in the vector, not the context.
    sh.verify_shuffle(
        bytes.fromhex(inp["electionHash"]),
        inp["label"],
        Point.from_hex(inp["key"], what="key"),
        sh.rows_from_json(inp["inputs"], "inputs"),
        sh.rows_from_json(inp["outputs"], "outputs"),
        sh.ShuffleProof.from_json(inp["proof"]),
    )


CHECKS: dict[str, Callable[[dict[str, Any], dict[str, Any]], None]] = {
    "election": _check_election,
    "ballot": _check_ballot,
    "opening": _check_opening,
    "decryption-share": _check_share,
    "result": _check_result,
    "shuffle": _check_shuffle,
}


def run(ctx: dict[str, Any], vector: dict[str, Any]) -> str:
    """Run one vector: "ok", the package error's name, or "ShuffleError:" and its checks."""
    try:
        CHECKS[vector["check"]](ctx, vector["input"])
    except errors.ShuffleError as exc:
        return "ShuffleError:" + ",".join(exc.failed)
    except errors.VotingError as exc:
        return type(exc).__name__
    return "ok"


def _flip(obj: dict[str, Any], path: list[Any], byte: int = 0) -> dict[str, Any]:
    out = copy.deepcopy(obj)
    node = out
    for key in path[:-1]:
        node = node[key]
    raw = bytearray(bytes.fromhex(node[path[-1]]))
    raw[byte] ^= 0x01
    node[path[-1]] = raw.hex()
    return out


def _set(obj: dict[str, Any], path: list[Any], value: Any) -> dict[str, Any]:
    out = copy.deepcopy(obj)
    node = out
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    return out


def build() -> dict[str, dict[str, Any]]:
    """Return every vector file's content by relative name."""
    manifest = Manifest(
        "vector-election",
        "Vector election",
        3,
        2,
        (
            Contest(
                "mayor",
                "Mayor",
                tuple(Option(f"o{i}", f"Option {i}") for i in range(3)),
                0,
                1,
            ),
            Contest(
                "budget",
                "Budget points",
                (Option("parks", "Parks"), Option("roads", "Roads")),
                1,
                3,
                2,
            ),
        ),
    )
    rng = SeededRng(b"ssi-wallet voting vectors v1")
    trustees = [Trustee.generate(manifest, i, rng) for i in (1, 2, 3)]
    anns = [t.announce(rng) for t in trustees]
    election = Election.create(manifest, anns)
    keys = []
    for r in trustees:
        received = {
            d.index: r.open_share(anns[d.index - 1], d.seal_share(anns[r.index - 1]))
            for d in trustees
            if d is not r
        }
        keys.append(r.decryption_key(received))
    ctx: dict[str, Any] = {
        "manifest": manifest.to_json(),
        "announcements": [a.to_json() for a in anns],
    }
    votes = [
        {"mayor": {"o1": 1}, "budget": {"parks": 2, "roads": 1}},
        {"mayor": {}, "budget": {"roads": 1}},
        {"mayor": {"o0": 1}, "budget": {"parks": 1, "roads": 2}},
    ]
    ballots, openings = [], []
    for i, v in enumerate(votes):
        b, o = encrypt_ballot(election, f"ballot-{i}", f"did:example:voter{i}", v, rng)
        ballots.append(b.to_json())
        openings.append(o.to_json())
    tally = aggregate(election, [EncryptedBallot.from_json(b) for b in ballots])
    shares = [partial_decrypt(election, tally, k, rng) for k in keys]
    result = combine(election, tally, shares[:2])
    files: dict[str, dict[str, Any]] = {"context.json": ctx}

    def add(name: str, check: str, expect: str, inp: dict[str, Any]) -> None:
        files[f"{check}/{name}.json"] = {"check": check, "expect": expect, "input": inp}

    add(
        "happy-path",
        "election",
        "ok",
        {
            "expected": {
                "manifestHash": election.manifest_hash.hex(),
                "jointKey": election.joint_key.hex(),
                "extendedHash": election.extended_hash.hex(),
                "publicShares": [p.hex() for p in election.public_shares],
            }
        },
    )
    add(
        "modified-announcements[1].proofs[0].response-byte-0",
        "election",
        "CeremonyError",
        {
            "announcements": [
                ctx["announcements"][0],
                _flip(ctx["announcements"][1], ["proofs", 0, "response"]),
                ctx["announcements"][2],
            ],
            "expected": {},
        },
    )
    add(
        "identity-announcements[0].commitments[1]",
        "election",
        "GroupError",
        {
            "announcements": [
                _set(ctx["announcements"][0], ["commitments", 1], "01" + "00" * 31),
                *ctx["announcements"][1:],
            ],
            "expected": {},
        },
    )
    b0 = ballots[0]
    add("happy-path", "ballot", "ok", {"ballot": b0})
    opt = ["contests", 0, "options", 1]
    for name, path in [
        ("ciphertext.alpha", [*opt, "ciphertext", "alpha"]),
        ("ciphertext.beta", [*opt, "ciphertext", "beta"]),
        ("proof.challenges[0]", [*opt, "proof", "challenges", 0]),
        ("proof.responses[1]", [*opt, "proof", "responses", 1]),
    ]:
        got = _flip(b0, path, 5)
        add(
            f"modified-contests[0].options[1].{name}-byte-5",
            "ballot",
            run(ctx, {"check": "ballot", "input": {"ballot": got}}),
            {"ballot": got},
        )
    add(
        "modified-contests[1].limitProof.challenges[2]-byte-0",
        "ballot",
        "ProofError",
        {"ballot": _flip(b0, ["contests", 1, "limitProof", "challenges", 2])},
    )
    for name, key, value in [
        ("moved-ballot-id", "ballotId", "ballot-99"),
        ("moved-voter", "voter", "did:example:mallory"),
    ]:
        add(name, "ballot", "ProofError", {"ballot": _set(b0, [key], value)})
    swapped = copy.deepcopy(b0)
    options = swapped["contests"][0]["options"]
    options[0], options[1] = options[1], options[0]
    add("moved-option-0-to-1", "ballot", "ProofError", {"ballot": swapped})
    add(
        "identity-contests[0].options[0].ciphertext.alpha",
        "ballot",
        "GroupError",
        {"ballot": _set(b0, [*opt[:-1], 0, "ciphertext", "alpha"], "01" + "00" * 31)},
    )
    add(
        "small-order-contests[0].options[0].ciphertext.beta",
        "ballot",
        "GroupError",
        {"ballot": _set(b0, [*opt[:-1], 0, "ciphertext", "beta"], SMALL_ORDER_8)},
    )
    add(
        "non-canonical-point-y-equals-p",
        "ballot",
        "GroupError",
        {
            "ballot": _set(
                b0, [*opt, "ciphertext", "alpha"], (2**255 - 19).to_bytes(32, "little").hex()
            )
        },
    )
    response = Scalar.from_hex(b0["contests"][0]["options"][1]["proof"]["responses"][0])
    # A scalar below q plus q still fits in 32 bytes, since q < 2**253.
    add(
        "non-canonical-scalar-response-plus-q",
        "ballot",
        "GroupError",
        {
            "ballot": _set(
                b0,
                [*opt, "proof", "responses", 0],
                (response.value + Q).to_bytes(32, "little").hex(),
            )
        },
    )
    add(
        "happy-path",
        "opening",
        "ok",
        {
            "ballot": b0,
            "opening": openings[0],
            "choices": verify_opening(
                election,
                EncryptedBallot.from_json(b0),
                BallotOpening.from_json(openings[0]),
            ),
        },
    )
    add(
        "modified-selections-o1-to-o0",
        "opening",
        "BallotError",
        {"ballot": b0, "opening": _set(openings[0], ["selections", 0], [1, 0, 0]), "choices": {}},
    )
    add(
        "modified-nonces[0][1]-byte-0",
        "opening",
        "BallotError",
        {"ballot": b0, "opening": _flip(openings[0], ["nonces", 0, 1]), "choices": {}},
    )
    tj, sj = tally.to_json(), shares[1].to_json()
    add("happy-path", "decryption-share", "ok", {"tally": tj, "share": sj})
    add(
        "modified-contests[0][1].value-byte-0",
        "decryption-share",
        run(
            ctx,
            {
                "check": "decryption-share",
                "input": {"tally": tj, "share": _flip(sj, ["contests", 0, 1, "value"])},
            },
        ),
        {"tally": tj, "share": _flip(sj, ["contests", 0, 1, "value"])},
    )
    add(
        "modified-contests[1][0].proof.challenge-byte-0",
        "decryption-share",
        "ShareError",
        {"tally": tj, "share": _flip(sj, ["contests", 1, 0, "proof", "challenge"])},
    )
    add(
        "moved-trustee-2-to-3",
        "decryption-share",
        "ShareError",
        {"tally": tj, "share": _set(sj, ["trustee"], 3)},
    )
    rinp = {
        "ballots": ballots,
        "tally": tj,
        "shares": [s.to_json() for s in shares],
        "result": result.to_json(),
    }
    add("happy-path", "result", "ok", rinp)
    add(
        "modified-counts-mayor-o0",
        "result",
        "TallyError",
        _set(rinp, ["result", "contests", 0, "counts", 0, "count"], 2),
    )
    add("dropped-ballot-2", "result", "TallyError", {**rinp, "ballots": ballots[:2]})
    add(
        "too-few-shares",
        "result",
        "TallyError",
        {**_set(rinp, ["result", "trustees"], [1]), "shares": [shares[0].to_json()]},
    )
    return files


def build_shuffle(ctx: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Return the shuffle vectors (record spec §10): honest proofs and one file per mutation."""
    election = _election(ctx)
    key = election.joint_key
    h_e = election.extended_hash
    rng = SeededRng(b"ssi-wallet voting shuffle vectors v1")
    files: dict[str, dict[str, Any]] = {}

    def statement(rows: int, width: int, label: str) -> dict[str, Any]:
        inputs = [
            tuple(encrypt((3 * i + k) % 4, random_scalar(rng), key) for k in range(width))
            for i in range(rows)
        ]
        outputs, secret = sh.shuffle(key, inputs, rng)
        proof = sh.prove_shuffle(h_e, label, key, inputs, outputs, secret, rng)
        return {
            "electionHash": h_e.hex(),
            "label": label,
            "key": key.hex(),
            "inputs": sh.rows_to_json(inputs),
            "outputs": sh.rows_to_json(outputs),
            "proof": proof.to_json(),
        }

    def add(name: str, inp: dict[str, Any], expect: str | None = None) -> None:
        vector = {"check": "shuffle", "expect": "", "input": inp}
        got = run(ctx, vector)
        if expect is not None and got != expect:
            raise AssertionError(f"shuffle/{name}: got {got}, want {expect}")
        files[f"shuffle/{name}.json"] = {**vector, "expect": got}

    base = statement(5, 2, "mayor")
    add("happy-path", base, "ok")
    add("happy-path-width-1", statement(3, 1, "roster"), "ok")
    other = statement(5, 2, "mayor")
    fresh = encrypt(1, random_scalar(rng), key).to_json()
    point = base_mul(random_scalar(rng)).hex()
    q_plus = (Scalar.from_hex(base["proof"]["s1"]).value + Q).to_bytes(32, "little")
    swapped = copy.deepcopy(base)
    outs = swapped["outputs"]
    outs[0], outs[3] = outs[3], outs[0]
    u2 = "ShuffleError:t2,t3,t4"
    everything = "ShuffleError:t1,t2,t3,t4,chain"
    proof = ["proof"]
    for name, inp, expect in [
        ("replaced-outputs[2][1]", _set(base, ["outputs", 2, 1], fresh), u2),
        ("replaced-inputs[0][0]", _set(base, ["inputs", 0, 0], fresh), u2),
        ("swapped-outputs-0-and-3", swapped, u2),
        ("other-key", _set(base, ["key"], point), u2),
        ("other-label", _set(base, ["label"], "budget"), everything),
        ("other-election-hash", _set(base, ["electionHash"], "00" * 32), everything),
        ("proof-of-another-shuffle", _set(base, proof, other["proof"]), u2),
        ("outputs-of-another-shuffle", _set(base, ["outputs"], other["outputs"]), None),
        ("modified-outputs[1][0].beta-byte-0", _flip(base, ["outputs", 1, 0, "beta"]), None),
        (
            "identity-outputs[1][0].alpha",
            _set(base, ["outputs", 1, 0, "alpha"], "01" + "00" * 31),
            "GroupError",
        ),
        (
            "identity-proof.chainCommitments[2]",
            _set(base, [*proof, "chainCommitments", 2], "01" + "00" * 31),
            "GroupError",
        ),
        (
            "small-order-proof.permutationCommitments[1]",
            _set(base, [*proof, "permutationCommitments", 1], SMALL_ORDER_8),
            "GroupError",
        ),
        (
            "non-canonical-point-y-equals-p-inputs[3][1].beta",
            _set(base, ["inputs", 3, 1, "beta"], (2**255 - 19).to_bytes(32, "little").hex()),
            "GroupError",
        ),
        (
            "non-canonical-scalar-s1-plus-q",
            _set(base, [*proof, "s1"], q_plus.hex()),
            "GroupError",
        ),
        ("dropped-outputs[4]", _set(base, ["outputs"], base["outputs"][:4]), "ShuffleError:rows"),
        (
            "dropped-outputs-column-1",
            _set(base, ["outputs"], [row[:1] for row in base["outputs"]]),
            "ShuffleError:width",
        ),
        (
            "dropped-proof.chainResponses[4]",
            _set(base, [*proof, "chainResponses"], base["proof"]["chainResponses"][:4]),
            "ShuffleError:proof",
        ),
        (
            "dropped-proof.s4[1]",
            _set(base, [*proof, "s4"], base["proof"]["s4"][:1]),
            "ShuffleError:proof",
        ),
        (
            "replaced-proof.permutationCommitments[0]",
            _set(base, [*proof, "permutationCommitments", 0], point),
            "ShuffleError:t1,t2,t3,t4",
        ),
        (
            "replaced-proof.chainCommitments[2]",
            _set(base, [*proof, "chainCommitments", 2], point),
            "ShuffleError:chain",
        ),
        (
            "replaced-proof.chainCommitments[4]",
            _set(base, [*proof, "chainCommitments", 4], point),
            "ShuffleError:t2,chain",
        ),
        ("modified-proof.challenge-byte-0", _flip(base, [*proof, "challenge"]), everything),
        ("modified-proof.s1-byte-0", _flip(base, [*proof, "s1"]), "ShuffleError:t1"),
        ("modified-proof.s2-byte-0", _flip(base, [*proof, "s2"]), "ShuffleError:t2"),
        ("modified-proof.s3-byte-0", _flip(base, [*proof, "s3"]), "ShuffleError:t3"),
        ("modified-proof.s4[1]-byte-0", _flip(base, [*proof, "s4", 1]), "ShuffleError:t4"),
        (
            "modified-proof.chainResponses[1]-byte-0",
            _flip(base, [*proof, "chainResponses", 1]),
            "ShuffleError:chain",
        ),
        (
            "modified-proof.permutedResponses[2]-byte-0",
            _flip(base, [*proof, "permutedResponses", 2]),
            "ShuffleError:t3,t4,chain",
        ),
        (
            "modified-proof.digests.t3-byte-0",
            _flip(base, [*proof, "digests", "t3"]),
            "ShuffleError:t3",
        ),
        (
            "modified-proof.s1-byte-0-digests-recomputed",
            _forged_digests(base),
            "ShuffleError:challenge",
        ),
    ]:
        add(name, inp, expect)
    return files


def _forged_digests(inp: dict[str, Any]) -> dict[str, Any]:
    # A proof with s1 changed and every digest recomputed to match, so that every equation
    # holds and only the challenge (record spec §10.6 step 6) catches the change.
    from voting._shuffle import recompute

    tampered = _flip(inp, ["proof", "s1"])
    _, digests = recompute(
        bytes.fromhex(tampered["electionHash"]),
        tampered["label"],
        Point.from_hex(tampered["key"]),
        sh.rows_from_json(tampered["inputs"]),
        sh.rows_from_json(tampered["outputs"]),
        sh.ShuffleProof.from_json(tampered["proof"]),
    )
    return _set(tampered, ["proof", "digests"], {k: v.hex() for k, v in digests.items()})


def render(content: dict[str, Any]) -> bytes:
    """Return the committed byte form of one file."""
    return (json.dumps(content, indent=1, sort_keys=True, ensure_ascii=False) + "\n").encode()


def main(argv: list[str]) -> int:
    out = Path(argv[1]) if len(argv) > 1 else HERE
    files = build()
    ctx = files["context.json"]
    files.update(build_shuffle(ctx))
    for name, content in sorted(files.items()):
        if name != "context.json" and run(ctx, content) != content["expect"]:
            print(f"{name}: expectation does not hold", file=sys.stderr)
            return 1
        path = out / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(render(content))
    print(f"wrote {len(files)} files to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
