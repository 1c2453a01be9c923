"""Provides the credential use-cases: issue, import, list, show, delete and present.

Two formats (DESIGN §4): `di`, a VC Data Model 2.0 credential secured with an
`eddsa-jcs-2022` Data Integrity proof (the default), and `sd-jwt`, an SD-JWT VC (RFC 9901)
with selectively disclosable claims bound to the subject's key. Held credentials live in
`wallet.db`, sealed with the wallet's data key; only their local id and format are in clear.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from wallet._db import CredentialRow
from wallet.errors import NotFound, UsageError, VerificationFailed
from wallet.services._identities import credential_key, find_identity, method_of
from wallet.services._sealing import open_field, seal_field
from wallet.services._session import Wallet
from wallet.services._values import JsonObject, StatusEntry
from wallet.services._verifying import read_document, verify_document

FORMATS = ("di", "sd-jwt")
TABLE = "credentials"
_STAMP = "%Y-%m-%dT%H:%M:%SZ"


@dataclass(frozen=True)
class CredentialSummary:
    """What `credential list` shows of a held credential (decrypted on demand)."""

    id: str
    format: str
    types: tuple[str, ...]
    issuer: str
    subject: str | None
    valid_from: str | None
    valid_until: str | None
    added: str

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "format": self.format,
            "types": list(self.types),
            "issuer": self.issuer,
            "subject": self.subject,
            "validFrom": self.valid_from,
            "validUntil": self.valid_until,
            "added": self.added,
        }


@dataclass(frozen=True)
class HeldCredential:
    """A held credential and its summary; `content` is a JSON object (di) or text (sd-jwt)."""

    summary: CredentialSummary
    content: JsonObject | str

    def to_json(self) -> dict[str, Any]:
        return {**self.summary.to_json(), "credential": self.content}


@dataclass(frozen=True)
class Document:
    """A credential or presentation as issued: a JSON object (di) or SD-JWT text (sd-jwt)."""

    format: str
    content: JsonObject | str
    id: str | None = None
    status: StatusEntry | None = None

    def text(self) -> str:
        """The serialized form to write to a file or stdout."""
        if isinstance(self.content, str):
            return self.content
        return json.dumps(self.content, indent=2, ensure_ascii=False)

    def to_json(self) -> dict[str, Any]:
        result: dict[str, Any] = {"format": self.format, "id": self.id}
        if self.status is not None:
            result["status"] = self.status.to_json()
        return {**result, "credential": self.content}


# Parsing what the user gives.


def parse_time(text: str, what: str = "time") -> datetime:
    """Parse RFC 3339 / ISO 8601 (`2025-01-01`, `…T12:00:00Z`, `…+02:00`); naive means UTC."""
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        raise UsageError(f"{what}: got {text!r}, want e.g. 2025-01-01T00:00:00Z") from None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def claims_from_pairs(pairs: Iterable[str]) -> JsonObject:
    """Read `KEY=VALUE` claims; a value that is valid JSON is taken as JSON, else as text."""
    from did import parse_json
    from did.errors import DidError

    claims: dict[str, Any] = {}
    for pair in pairs:
        key, equals, raw = pair.partition("=")
        if not equals or not key:
            raise UsageError(f"--claim {pair!r}: want KEY=VALUE")
        if key in claims:
            raise UsageError(f"--claim {key!r} is given twice")
        # A value that is I-JSON is that value; anything else (text, or JSON the strict
        # parser refuses, such as NaN or deep nesting) is kept as the text given.
        try:
            claims[key] = parse_json(raw)
        except DidError:
            claims[key] = raw
    return claims


def claims_from_json(text: str) -> JsonObject:
    """Read a `--claims` file's text: one JSON object."""
    from did import parse_json
    from did.errors import DidError

    try:
        claims = parse_json(text)
    except DidError as exc:
        raise UsageError(f"--claims: {exc}") from None
    if not isinstance(claims, dict):
        raise UsageError("--claims: want a JSON object of claims")
    return claims


def pointer(claim: str) -> str:
    """A claim name as a JSON Pointer (`name` → `/name`); pointers pass through."""
    return claim if claim.startswith("/") else "/" + claim.replace("~", "~0").replace("/", "~1")


# Issuing.


def issue_credential(
    wallet: Wallet,
    *,
    issuer: str,
    subject: str,
    types: Sequence[str],
    claims: Mapping[str, Any],
    now: datetime,
    valid_from: datetime | None = None,
    valid_until: datetime | None = None,
    fmt: str = "di",
    disclosable: Sequence[str] = (),
    status_list: str | None = None,
    choose_index: Callable[[int], int] | None = None,
) -> Document:
    """Sign a credential about `subject` with the key of the wallet identity `issuer`.

    With `status_list`, the credential carries two Bitstring Status List entries at one
    index, one for revocation and one for suspension (see `wallet.services._status`); the
    index is drawn with `choose_index` (default: the environment's random source).
    """
    from did import issue_credential as sign_credential
    from did import issue_sd_jwt, parse_did
    from did.errors import DidError

    if fmt not in FORMATS:
        raise UsageError(f"format {fmt!r}: choose one of {', '.join(FORMATS)}")
    if not types:
        raise UsageError("give the credential's type with --type")
    if "id" in claims:
        raise UsageError("claim 'id' is the subject's DID; give it with --subject")
    try:
        parse_did(subject)
    except DidError as exc:
        raise UsageError(f"--subject: {exc}") from None
    start = valid_from or now
    if valid_until is not None and valid_until < start:
        raise UsageError("--valid-until is before the credential becomes valid")
    row, key = credential_key(wallet, issuer)
    method, _ = method_of(row.did, "assertionMethod")
    if fmt == "sd-jwt":
        if len(types) != 1:
            raise UsageError("an SD-JWT VC has exactly one type (its vct)")
        unknown = [c for c in disclosable if pointer(c)[1:].split("/")[0] not in claims]
        if unknown:
            raise UsageError(f"--disclosable names claims that are not given: {unknown}")
        _, holder_key = method_of(subject, "authentication")
        sd_status: dict[str, Any] = {}
        sd_id, sd_entry = None, None
        if status_list is not None:
            from did import token_status_claim
            from wallet.services._status import reserve_entries, token_uri

            # The credential's id names it for `wallet status revoke`; the SD-JWT carries only
            # the Token Status List reference (IETF Token Status List §6.2).
            sd_id = wallet.env.uuid_urn()
            _, sd_entry = reserve_entries(
                wallet, status_list, row.did, sd_id, now, choose_index or wallet.env.below
            )
            uri = token_uri(wallet.db.find_status_list(status_list))
            sd_status = {"status": token_status_claim(uri, sd_entry.index)}
        text = issue_sd_jwt(
            {"sub": subject, **claims, **sd_status},
            key=key,
            verification_method=method,
            vct=types[0],
            issued_at=now,
            disclosable=[pointer(c) for c in disclosable],
            holder_public_key=holder_key,
            valid_until=valid_until,
            not_before=valid_from,
        )
        return Document("sd-jwt", text, sd_id, sd_entry)
    if disclosable:
        raise UsageError("--disclosable needs --format sd-jwt (a di credential shows all claims)")
    credential_id = wallet.env.uuid_urn()
    entries, status = None, None
    if status_list is not None:
        from wallet.services._status import reserve_entries

        entries, status = reserve_entries(
            wallet, status_list, row.did, credential_id, now, choose_index or wallet.env.below
        )
    try:
        credential = sign_credential(
            {"id": subject, **claims},
            key=key,
            verification_method=method,
            valid_from=start,
            valid_until=valid_until,
            types=list(types),
            credential_id=credential_id,
            credential_status=entries,
            created=now,
        )
    except BaseException:
        if status_list is not None:
            wallet.db.release_status_index(credential_id)
        raise
    return Document("di", credential, credential_id, status)


# Holding.


def summarize(fmt: str, content: dict[str, Any] | str) -> dict[str, Any]:
    """Types, issuer, subject and validity of a credential, read without verifying it."""
    if isinstance(content, dict):
        types = content.get("type")
        types = [types] if isinstance(types, str) else types if isinstance(types, list) else []
        issuer = content.get("issuer")
        subject = content.get("credentialSubject")
        subject = subject[0] if isinstance(subject, list) and subject else subject
        return {
            "types": tuple(str(t) for t in types if t != "VerifiableCredential") or ("?",),
            "issuer": str(issuer.get("id") if isinstance(issuer, dict) else issuer),
            "subject": subject.get("id") if isinstance(subject, dict) else None,
            "valid_from": content.get("validFrom"),
            "valid_until": content.get("validUntil"),
        }
    from did.sd_jwt import Jws, SdJwt

    payload = Jws.from_text(SdJwt.from_text(content).issuer_jwt, "issuer-signed JWT").payload

    def stamp(name: str) -> str | None:
        from did import numeric_date
        from did.errors import DidError

        value = payload.get(name)
        if value is None:
            return None
        # A time no date can hold (stored by an older wallet) is shown as none, never an
        # internal error that would break every later listing.
        try:
            return numeric_date(value, name).strftime(_STAMP)
        except DidError:
            return None

    return {
        "types": (str(payload.get("vct")),),
        "issuer": str(payload.get("iss")),
        "subject": payload.get("sub") if isinstance(payload.get("sub"), str) else None,
        "valid_from": stamp("nbf") or stamp("iat"),
        "valid_until": stamp("exp"),
    }


def _open(wallet: Wallet, row: CredentialRow, key: bytes) -> HeldCredential:
    from did import parse_json

    plain = parse_json(open_field(key, TABLE, row.id, row.sealed))
    content = plain["credential"]
    summary = CredentialSummary(
        row.id, row.format, added=row.added, **summarize(row.format, content)
    )
    return HeldCredential(summary, content)


def import_credential(
    wallet: Wallet, text: str, *, now: datetime, held_ok: bool = False
) -> CredentialSummary:
    """Check a credential's syntax, signature and issuer key, then store it sealed.

    Validity, status and trust are judged when it is presented, not here: an expired or
    suspended credential is still the holder's to keep. A credential already held is a usage
    error, unless `held_ok` (then the one held is returned).
    """
    from did import canonicalize

    fmt, content = read_document(text)
    # Trust is the verifier's decision when it is presented; holding takes none (None).
    report = verify_document(fmt, content, now=now, trust=None)
    failed = [
        c
        for c in report.checks
        if c.outcome == "failed" and c.name not in ("validity", "status", "trust")
    ]
    if failed:
        raise VerificationFailed(f"not imported: {failed[0].name}: {failed[0].message}")
    key = wallet.data_key()
    serial = canonicalize(content) if isinstance(content, dict) else content.encode()
    # The local id is keyed with the data key: equal credentials get equal ids (so a second
    # import is noticed) while the id says nothing about the credential to anyone else.
    digest = hmac.new(key, b"credential-id\x00" + serial, hashlib.sha256).hexdigest()[:16]
    if wallet.db.find_credentials(digest):
        if held_ok:
            return _open(wallet, _row(wallet, digest), key).summary
        raise UsageError(f"this credential is already held as {digest}")
    added = now.astimezone(UTC).strftime(_STAMP)
    plain = json.dumps({"credential": content}).encode()
    sealed = seal_field(key, TABLE, digest, plain, random=wallet.env.rng)
    wallet.db.add_credential(CredentialRow(digest, fmt, sealed, added))
    return CredentialSummary(digest, fmt, added=added, **summarize(fmt, content))


def list_credentials(wallet: Wallet) -> list[CredentialSummary]:
    rows = wallet.db.credentials()
    if not rows:
        return []
    key = wallet.data_key()
    return [_open(wallet, row, key).summary for row in rows]


def _row(wallet: Wallet, credential_id: str) -> CredentialRow:
    rows = wallet.db.find_credentials(credential_id) if credential_id else []
    if not rows:
        raise NotFound(f"no credential {credential_id!r} in this wallet (see `credential list`)")
    if len(rows) > 1:
        raise UsageError(f"{credential_id!r} matches {len(rows)} credentials; give more of the id")
    return rows[0]


def show_credential(wallet: Wallet, credential_id: str) -> HeldCredential:
    """A held credential, by its id or a unique prefix of it."""
    return _open(wallet, _row(wallet, credential_id), wallet.data_key())


def delete_credential(wallet: Wallet, credential_id: str) -> str:
    """Delete a held credential (by id or unique prefix); return its full id."""
    row = _row(wallet, credential_id)
    wallet.db.delete_credential(row.id)
    return row.id


# Presenting.


def present_credential(
    wallet: Wallet,
    credential_id: str,
    *,
    holder: str,
    challenge: str,
    now: datetime,
    domain: str | None = None,
    disclose: Sequence[str] = (),
) -> Document:
    """Present a held credential to a verifier who gave `challenge` (and `domain`).

    A di credential goes into a Verifiable Presentation signed for `authentication`; an
    SD-JWT gets the chosen disclosures and a key-binding JWT (`nonce` = challenge, `aud` =
    domain). Presenting as someone other than the subject is allowed but announced, since
    every verifier will refuse it.
    """
    from did import create_presentation, present_sd_jwt

    if not challenge:
        raise UsageError("--challenge must not be empty")
    held = show_credential(wallet, credential_id)
    holder_row = find_identity(wallet, holder)
    if held.summary.subject not in (None, holder_row.did):
        wallet.env.notify(
            f"warning: {holder_row.did} is not the subject of this credential; "
            "verifiers will reject the holder binding"
        )
    _, key = credential_key(wallet, holder)
    if isinstance(held.content, str):
        if not domain:
            raise UsageError("an SD-JWT presentation needs --domain (the verifier, its `aud`)")
        text = present_sd_jwt(
            held.content,
            disclose=[pointer(c) for c in disclose],
            holder_key=key,
            audience=domain,
            nonce=challenge,
            issued_at=now,
        )
        return Document("sd-jwt", text)
    if disclose:
        raise UsageError("--disclose works with SD-JWT credentials; a di credential shows all")
    method, _ = method_of(holder_row.did, "authentication")
    presentation = create_presentation(
        [dict(held.content)],
        key=key,
        verification_method=method,
        challenge=challenge,
        created=now,
        domain=domain,
    )
    return Document("di", presentation)
