"""Provides trust policies: the caller's decision of whose credentials count as verified.

A valid signature from an unknown key proves only that someone signed. Verification therefore
takes a policy as a required argument (as sigstore's `VerificationPolicy` does), so that a
"verified" result can never come from an argument left out:

- `TrustIssuers`: issuers named by identifier (a DID or an https issuer URL) and/or by public
  key; anything else fails the `trust` check.
- `TrustAny`: the visibly named opt-out. The `trust` check passes, and the report carries a
  warning saying that no issuer was checked.
- `None`: no decision. The `trust` check fails (reason `no_trust_decision`) with a message
  saying how to decide.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Protocol

from did._verification import Check
from did.errors import RangeError

__all__ = [
    "NO_TRUST_DECISION",
    "TRUST_ANY_WARNING",
    "TrustAny",
    "TrustIssuers",
    "TrustPolicy",
    "trust_check",
]

# The reason code a front end branches on to tell the user how to decide (never the text).
NO_TRUST_DECISION = "no_trust_decision"
TRUST_ANY_WARNING = "trust-any: the issuer was not checked against any trusted issuer or key"


class TrustPolicy(Protocol):
    """Decides whether an issuer, known by identifier and (when known) its key, is trusted."""

    def check(self, issuer: str, key: tuple[str, bytes] | None) -> Check:
        """Return the `trust` check for `issuer`, whose verified key is `key` (type, raw)."""
        ...

    @property
    def warning(self) -> str | None:
        """A warning the report must carry whenever this policy is used, or None."""
        ...


@dataclass(frozen=True)
class TrustIssuers:
    """Trust exactly these issuer identifiers and these public keys `(key type, raw bytes)`.

    An issuer is trusted when its identifier is listed, or when the key that verified its
    signature is listed (a key given out of band, as with `--issuer-key`).
    """

    issuers: frozenset[str] = field(default_factory=frozenset)
    keys: frozenset[tuple[str, bytes]] = field(default_factory=frozenset)

    @classmethod
    def of(
        cls, issuers: Iterable[str] = (), keys: Iterable[tuple[str, bytes]] = ()
    ) -> TrustIssuers:
        """Build a policy from any iterables of identifiers and keys."""
        return cls(frozenset(issuers), frozenset(keys))

    @property
    def warning(self) -> str | None:
        """Naming whom to trust is a decision; there is nothing to warn about."""
        return None

    def check(self, issuer: str, key: tuple[str, bytes] | None) -> Check:
        """Pass when the issuer or its key is listed; fail with `untrusted_issuer` otherwise."""
        if issuer in self.issuers:
            return Check.passed("trust", f"issuer {_clip(issuer)} is trusted")
        if key is not None and key in self.keys:
            return Check.passed("trust", f"issuer {_clip(issuer)} signed with a trusted key")
        error = RangeError(f"issuer {_clip(issuer)!r} is not among the trusted issuers or keys")
        return Check.failed("trust", error, "untrusted_issuer")


@dataclass(frozen=True)
class TrustAny:
    """Accept any issuer whose signature verifies. Unsafe: the report carries a warning."""

    @property
    def warning(self) -> str | None:
        """The warning every report verified under this policy carries."""
        return TRUST_ANY_WARNING

    def check(self, issuer: str, key: tuple[str, bytes] | None) -> Check:
        """Always passes, saying that nothing was checked."""
        return Check.passed("trust", f"issuer {_clip(issuer)} accepted without a trust decision")


def trust_check(
    policy: TrustPolicy | None, issuer: str, key: tuple[str, bytes] | None
) -> tuple[Check, tuple[str, ...]]:
    """Run `policy` for `issuer`; return the `trust` check and the warnings it adds.

    With no policy the check fails: verification never passes on an omitted decision.
    """
    if policy is None:
        error = RangeError(
            "no trust decision was made: trust named issuers or keys (TrustIssuers; on the "
            "command line --trust DID|FILE) or accept any issuer explicitly (TrustAny; "
            "--trust-any)"
        )
        return Check.failed("trust", error, NO_TRUST_DECISION), ()
    warning = policy.warning
    return policy.check(issuer, key), (() if warning is None else (warning,))


def _clip(text: str, limit: int = 80) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
