"""Provides the DID documents recorded on the chain, and a resolver that reads only them.

The record must be judged the same offline, anywhere, years later (election-entries §2.1).
did:key and did:jwk are self-certifying: their documents follow from the DID itself. A
did:web document lives on a server that may change or vanish, so the first entry that
depends on a did:web DID (its author, a ballot's credential issuer, a frozen list's issuer)
carries that DID's document in its `documents` member; the board checks it is the document
it resolves live, and from then on that recorded document is the DID's document for the
election. `RecordedResolver` resolves did:web only from the recorded documents (never the
network) and the other methods offline, as the audit and the board's own checks do.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import did
from did.errors import DidError, ResolutionError
from voting.errors import EncodingError

# An entry depends on a few DIDs at most: its author, an issuer, the issuers of the lists.
MAX_DOCUMENTS = 16
WEB_PREFIX = "did:web:"


def check_documents(value: object) -> dict[str, dict[str, Any]]:
    """Parse an entry's `documents` member: did:web DID -> its DID document (EncodingError)."""
    if not isinstance(value, dict) or not 1 <= len(value) <= MAX_DOCUMENTS:
        raise EncodingError(f"entry.documents: want an object of 1..{MAX_DOCUMENTS} members")
    for key, document in value.items():
        if not isinstance(key, str) or not key.startswith(WEB_PREFIX) or "#" in key:
            raise EncodingError("entry.documents: only did:web DIDs need a recorded document")
        try:
            did.DidDocument.from_json(document, expected_id=key)
        except DidError as exc:
            raise EncodingError(f"entry.documents[{key[:80]!r}]: {exc}") from None
    return value


def documents_needed(
    recorded: Mapping[str, object], wanted: list[str], live: did.Resolver
) -> dict[str, dict[str, Any]]:
    """The did:web documents an entry depending on `wanted` DIDs must carry: resolved live.

    A client calls this before signing an entry (`sign_entry(..., documents=...)`).
    """
    needed: dict[str, dict[str, Any]] = {}
    for item in wanted:
        if item.startswith(WEB_PREFIX) and item not in recorded:
            needed[item] = live.resolve_document(item).to_json()
    return needed


class RecordedResolver(did.Resolver):
    """Resolves did:web from documents recorded on the chain; did:key and did:jwk offline.

    `recorded` maps a DID to (index of the entry that recorded it, document); only those
    recorded at or before `at` are visible (all of them when `at` is None). `carried` are
    the documents of the entry being checked itself.
    """

    def __init__(
        self,
        recorded: Mapping[str, tuple[int, dict[str, Any]]] | None = None,
        *,
        at: int | None = None,
        carried: Mapping[str, dict[str, Any]] | None = None,
    ) -> None:
        super().__init__()
        self.recorded = recorded if recorded is not None else {}
        self.at = at
        self.carried = carried if carried is not None else {}
        self._parsed: dict[str, did.DidDocument] = {}

    def resolve_document(self, did_: str) -> did.DidDocument:
        """Resolve; a did:web DID without a visible recorded document is a ResolutionError."""
        if not isinstance(did_, str) or not did_.startswith(WEB_PREFIX):
            return super().resolve_document(did_)
        raw = self.carried.get(did_)
        if raw is None:
            found = self.recorded.get(did_)
            if found is not None and (self.at is None or found[0] <= self.at):
                raw = found[1]
        if raw is None:
            raise ResolutionError(f"{did_[:80]}: no DID document is recorded on the chain for it")
        key = f"{did_}\n{id(raw)}"
        document = self._parsed.get(key)
        if document is None:
            document = did.DidDocument.from_json(raw, expected_id=did_)
            self._parsed[key] = document
        return document
