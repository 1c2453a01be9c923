"""Provides the did:web document for one of the wallet's keys (did:web Method §3.1, §3.2).

The wallet's own identities are did:key or did:jwk. Publishing the `did.json` written here
at the URL it names makes `did:web:<domain>` resolve to the same Ed25519 key, so whoever
controls the domain can point it at a key the wallet holds.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from wallet.errors import UsageError
from wallet.services._identities import find_identity
from wallet.services._session import Wallet
from wallet.services._values import JsonObject


@dataclass(frozen=True)
class WebDocument:
    """A did:web, the HTTPS URL its document must be served at, and the document."""

    did: str
    url: str
    document: JsonObject

    def to_json(self) -> dict[str, Any]:
        return {"did": self.did, "url": self.url, "didDocument": self.document}


def did_web_for(domain: str) -> str:
    """The did:web of a domain: `host`, `host:port` (→ `host%3Aport`) or `host/path/…`."""
    from did import did_web_url
    from did.errors import DidError

    text = domain.strip().removeprefix("https://").rstrip("/")
    host, _, path = text.partition("/")
    if not host:
        raise UsageError(f"--domain {domain!r}: want a host, host:port or host/path")
    # §3.1: a port is written percent-encoded, path segments are separated by colons.
    segments = [quote(segment, safe="") for segment in path.split("/")] if path else []
    did = ":".join(["did:web", host.replace(":", "%3A"), *segments])
    try:
        did_web_url(did)
    except DidError as exc:
        raise UsageError(f"--domain {domain!r}: {exc}") from None
    return did


def web_document(wallet: Wallet, did_or_label: str, domain: str) -> WebDocument:
    """The `did.json` that makes `did:web:<domain>` resolve to the key of `did_or_label`."""
    from did import did_web_url, web_did_document

    row = find_identity(wallet, did_or_label)
    did = did_web_for(domain)
    return WebDocument(did, did_web_url(did), web_did_document(did, row.public_key))
