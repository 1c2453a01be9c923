"""Provides the issuer's records: what an offer issues, the offer made, what was issued.

`CredentialTemplate`, `OfferHandle` and `IssuedCredential` are the values the services layer
hands to and gets from an `Issuer`; the private records keep the state of codes and tokens.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from wallet.openid4vc._errors import ProtocolError, UnsupportedFormat
from wallet.openid4vc._metadata import FORMATS, CredentialConfiguration
from wallet.openid4vc._offer import CredentialOffer

__all__ = ["CredentialTemplate", "IssuedCredential", "OfferHandle"]


@dataclass(frozen=True)
class CredentialTemplate:
    """What one offer issues: a configuration, its claims, and who may receive it.

    `subject`, when given, is the only holder DID the credential may be bound to (the key
    proof must be made with that DID's key). `disclosable` lists JSON Pointers for SD-JWT.
    """

    configuration: CredentialConfiguration
    claims: Mapping[str, Any]
    disclosable: tuple[str, ...] = ()
    subject: str | None = None
    valid_for: timedelta | None = None

    def __post_init__(self) -> None:
        if self.configuration.format not in FORMATS:
            raise UnsupportedFormat(f"format {self.configuration.format!r} cannot be issued")
        if self.disclosable and self.configuration.format != "dc+sd-jwt":
            raise ProtocolError("disclosable claims need the dc+sd-jwt format")


@dataclass(frozen=True)
class OfferHandle:
    """An offer made: the offer, its id and the transaction code to tell the user (or None)."""

    offer_id: str
    offer: CredentialOffer
    tx_code: str | None = field(repr=False)


@dataclass(frozen=True)
class IssuedCredential:
    """A credential the issuer handed out: for whom, in which format, and the credential."""

    offer_id: str
    holder: str
    format: str
    credential: str | dict[str, Any]


@dataclass
class GrantRecord:
    offer_id: str
    template: CredentialTemplate
    expires: datetime
    pre_code: str | None = None
    tx_code: str | None = None
    issuer_state: str | None = None
    attempts: int = 0
    used: bool = False


@dataclass
class AuthCodeRecord:
    grant: GrantRecord
    challenge: str
    redirect_uri: str
    client_id: str
    expires: datetime


@dataclass
class TokenRecord:
    grant: GrantRecord
    expires: datetime
