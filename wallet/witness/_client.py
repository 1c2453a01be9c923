"""Provides the client side of C2SP tlog-witness: a log asking one witness to cosign.

The log sends its checkpoint with the old size it believes the witness holds and the
consistency proof from there. A 409 names the witness's real size: the client retries once
from that size (tlog-witness §add-checkpoint: "a client ... MAY initially make a request
with a old size of zero to obtain it"). The witness's answer is accepted only as far as it
is a valid cosignature from the key the client expects; other lines are ignored, as the
spec requires.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import httpx

from voting.chain import (
    Checkpoint,
    CosignatureVerifier,
    Note,
    NoteSignature,
    WitnessPolicy,
    verify_quorum,
)
from voting.errors import (
    CheckpointError,
    InconsistentCheckpoint,
    MalformedRequest,
    SizeConflict,
    UnknownLog,
    UntrustedCheckpoint,
    WitnessError,
)
from voting.witness import SIZE_CONTENT_TYPE, AddCheckpoint, parse_size_body
from wallet.errors import FileProblem

#: Given (old size, new size) with 0 < old < new, the log's consistency proof between them.
ProofSource = Callable[[int, int], Sequence[bytes]]

REFUSALS: dict[int, type[WitnessError]] = {
    400: MalformedRequest,
    403: UntrustedCheckpoint,
    404: UnknownLog,
    422: InconsistentCheckpoint,
}


def request_body(note: Note, size: int, old: int, proofs: ProofSource) -> bytes:
    """The add-checkpoint body asking for `note` (of `size`) from the witness's `old` size."""
    proof = tuple(proofs(old, size)) if 0 < old < size else ()
    return AddCheckpoint(old, proof, note).to_bytes()


def cosignature_line(note: Note, witness: CosignatureVerifier, body: str) -> NoteSignature:
    """The witness's own valid line in a 200 body; lines of other keys are ignored."""
    if not body.endswith("\n") or not body:
        raise CheckpointError(f"witness {witness.name}: response is not signature lines")
    lines = [NoteSignature.from_line(line) for line in body[:-1].split("\n")]
    ours = [s for s in lines if (s.name, s.key_id) == (witness.name, witness.key_id)]
    if not ours:
        raise CheckpointError(f"witness {witness.name}: no cosignature from its key")
    verify_quorum(Note(note.text, (*note.signatures, ours[0])), WitnessPolicy((witness,), 1))
    return ours[0]


def request_cosignature(
    client: httpx.Client,
    url: str,
    witness: CosignatureVerifier,
    note: Note,
    *,
    old_size: int,
    proofs: ProofSource,
) -> Note:
    """Ask the witness at `url` to cosign `note`; return the note with its cosignature.

    Raises the `voting.errors.WitnessError` that matches the witness's refusal (SizeConflict
    when, even from the size it named, the witness will not cosign), CheckpointError when
    its answer is not a valid cosignature from `witness`, FileProblem when it is unreachable.
    """
    size = Checkpoint.from_text(note.text).size
    endpoint = url.rstrip("/") + "/add-checkpoint"
    old = old_size
    for attempt in (1, 2):
        try:
            reply = client.post(endpoint, content=request_body(note, size, old, proofs))
        except httpx.HTTPError as exc:
            raise FileProblem(f"witness {witness.name} at {url}: unreachable ({exc})") from None
        if reply.status_code == 200:
            return note.with_signature(cosignature_line(note, witness, reply.text))
        if reply.status_code == 409 and reply.headers.get("content-type") == SIZE_CONTENT_TYPE:
            current = parse_size_body(reply.content)
            # A witness ahead of this checkpoint has seen a bigger tree: nothing to retry.
            if attempt == 1 and current <= size and current != old:
                old = current
                continue
            raise SizeConflict(Checkpoint.from_text(note.text).origin, old, current)
        refusal = REFUSALS.get(reply.status_code)
        detail = reply.text[:200]
        if refusal is None:
            raise FileProblem(f"witness {witness.name}: HTTP {reply.status_code}: {detail}")
        raise refusal(f"witness {witness.name}: {detail}")
    raise AssertionError("unreachable: the loop returns or raises")
