"""Provides verifying credentials and presentations from files, as a verifier does.

Both formats go through the `did` verifiers and come back as a `Verification`: every check
with its outcome and, for failures, a typed problem. Status lists are looked up
first among the list credentials the caller gave as files (by their `id`), then fetched from
their `statusListCredential` URL when it is `https://`; otherwise the status check fails
saying the list is unavailable.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from wallet.errors import FileProblem, UsageError, VerificationFailed
from wallet.services._values import JsonObject
from wallet.services._verification import Verification, from_credential_report

if TYPE_CHECKING:
    from did import Fetcher, Resolver, TrustPolicy, VerificationReport


@dataclass(frozen=True)
class TrustDecision:
    """Whom the verifier decided to trust: issuers by DID or https URL, keys, or anyone.

    `issuer_key` is a key given out of band (`--issuer-key`): an SD-JWT is verified with it,
    and it is trusted like a key named with `--trust FILE`.
    """

    issuers: tuple[str, ...] = ()
    keys: tuple[tuple[str, bytes], ...] = ()
    any_issuer: bool = False
    issuer_key: tuple[str, bytes] | None = None

    def policy(self) -> TrustPolicy:
        """The `did` trust policy this decision stands for."""
        from did import TrustAny, TrustIssuers

        if self.any_issuer:
            return TrustAny()
        keys = (*self.keys, *(() if self.issuer_key is None else (self.issuer_key,)))
        return TrustIssuers.of(self.issuers, keys)


def trust_decision(
    trust: Sequence[str], *, trust_any: bool = False, issuer_key: Path | None = None
) -> TrustDecision | None:
    """Read `--trust DID|URL|FILE…`, `--trust-any` and `--issuer-key FILE` into a decision.

    None when nothing was decided: verification then fails its trust check, saying how to
    decide. A `--trust` value that is not a DID or an https URL is a key file.
    """
    if trust_any and trust:
        raise UsageError("--trust-any accepts every issuer; do not combine it with --trust")
    issuers, keys = [], []
    for entry in trust:
        if entry.startswith(("did:", "https://")):
            issuers.append(entry)
        else:
            keys.append(_key_file(Path(entry)))
    given = None if issuer_key is None else _key_file(issuer_key)
    if not (trust or trust_any or given):
        return None
    return TrustDecision(tuple(issuers), tuple(keys), trust_any, given)


def _key_file(path: Path) -> tuple[str, bytes]:
    from did import read_public_key
    from did.errors import DidError

    try:
        data = path.read_bytes()
    except OSError as exc:
        raise FileProblem(f"key file {path}: {exc.strerror}") from None
    try:
        key_type, raw = read_public_key(data)
    except DidError as exc:
        raise UsageError(f"{path}: {exc}") from None
    return key_type, raw


def read_text(path: Path, what: str = "file") -> str:
    """Read a UTF-8 file the user named; raise FileProblem (exit 3) when it cannot be read."""
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) else "not UTF-8 text"
        raise FileProblem(f"{what} {path}: {reason}") from None


def read_document(text: str) -> tuple[str, dict[str, Any] | str]:
    """Tell a JSON credential or presentation (`di`) from SD-JWT text; parse the former."""
    from did import parse_json
    from did.errors import DidError

    stripped = text.strip()
    if stripped.startswith("{"):
        try:
            document = parse_json(stripped)
        except DidError as exc:
            raise VerificationFailed(str(exc)) from None
        return "di", document
    if "~" in stripped and "\n" not in stripped:
        return "sd-jwt", stripped
    raise VerificationFailed("neither a JSON credential nor an SD-JWT (`jwt~…~`)")


def status_source(
    files: Sequence[Path],
    fetch: Callable[[str], Any] | None = None,
    *,
    allow_private_network: bool = False,
) -> Callable[[str], JsonObject]:
    """A status list source: the list credentials in `files` by id, else an https fetch
    (to this machine or a private network only with `allow_private_network`)."""
    from did import fetch_status_list, parse_json
    from did.errors import CredentialError, DidError, StatusRetrievalError

    given: dict[str, JsonObject] = {}
    for path in files:
        text = read_text(path, "status list")
        if not text.lstrip().startswith("{"):
            continue  # a Status List Token, for SD-JWT VCs (`token_status_source`)
        try:
            credential = parse_json(text)
        except DidError as exc:
            raise FileProblem(f"status list {path}: {exc}") from None
        list_id = credential.get("id") if isinstance(credential, dict) else None
        if not isinstance(list_id, str):
            raise FileProblem(f"status list {path}: not a status list credential with an id")
        given[list_id] = credential

    def fetch_public(url: str) -> Any:
        return fetch_status_list(url, allow_private_network=allow_private_network)

    download = fetch or fetch_public

    def source(url: str) -> JsonObject:
        # Retrieval failures are raised as the root CredentialError: `did.Check` accepts only
        # the VC Data Model problem types, not Bitstring Status List's STATUS_RETRIEVAL_ERROR.
        if url in given:
            return given[url]
        if url.startswith("https://"):
            try:
                fetched: JsonObject = download(url)
            except StatusRetrievalError as exc:
                raise CredentialError(f"status list unavailable: {exc}") from None
            return fetched
        raise CredentialError(
            f"status list {url[:80]!r} is unavailable: give it with --status-list-file "
            "(or publish it at an https:// URL)"
        )

    return source


def _resolver(resolver: Resolver | None) -> Resolver:
    from did import Resolver

    return resolver if resolver is not None else Resolver()


def verify_document(
    fmt: str,
    content: dict[str, Any] | str,
    *,
    now: datetime,
    trust: TrustDecision | None,
    status_lists: Callable[[str], Any] | None = None,
    resolver: Resolver | None = None,
    issuer_metadata: Fetcher | None = None,
    token_lists: Callable[[str], str] | None = None,
) -> VerificationReport:
    """Verify a parsed credential of either format; return its `did.VerificationReport`.

    `trust` None is no decision: the report's trust check fails saying how to decide.
    """
    from did import public_key_jwk, verify_credential, verify_sd_jwt

    policy = None if trust is None else trust.policy()
    if isinstance(content, str):
        given = None if trust is None else trust.issuer_key
        # An issued SD-JWT has no key binding yet; the holder adds one when presenting.
        return verify_sd_jwt(
            content,
            now=now,
            audience=None,
            nonce=None,
            resolver=_resolver(resolver),
            issuer_jwk=None if given is None else public_key_jwk(given[1], given[0]),
            issuer_metadata=issuer_metadata,
            status_lists=token_lists,
            require_key_binding=False,
            trust=policy,
        )
    return verify_credential(
        content,
        now=now,
        resolver=_resolver(resolver),
        trust=policy,
        status_lists=status_lists,
    )


def token_status_source(
    files: Sequence[Path], fetch: Callable[[str], bytes] | None = None
) -> Callable[[str], str]:
    """Status List Tokens (IETF Token Status List) from `files` by their `sub`, else https."""
    from did.errors import CredentialError, DidError, StatusRetrievalError
    from did.sd_jwt import HttpsFetcher, Jws

    given: dict[str, str] = {}
    for path in files:
        text = read_text(path, "status list").strip()
        if text.startswith("{"):
            continue  # a Bitstring Status List credential, for W3C credentials
        try:
            subject = Jws.from_text(text, "status list token").payload.get("sub")
        except DidError as exc:
            raise FileProblem(f"status list {path}: {exc}") from None
        if isinstance(subject, str):
            given[subject] = text
    download = fetch or HttpsFetcher()

    def source(uri: str) -> str:
        if uri in given:
            return given[uri]
        if not uri.startswith("https://"):
            raise StatusRetrievalError(
                f"status list token {uri[:80]!r} is unavailable: give it with --status-list-file"
            )
        try:
            return download(uri).decode("ascii")
        except CredentialError as exc:
            raise StatusRetrievalError(f"status list token unavailable: {exc}") from None
        except UnicodeDecodeError:
            raise CredentialError(f"status list token {uri[:80]!r} is not a JWT") from None

    return source


def verify_credential_text(
    text: str,
    *,
    now: datetime,
    trust: TrustDecision | None,
    status_list_files: Sequence[Path] = (),
    resolver: Resolver | None = None,
    issuer_metadata: Fetcher | None = None,
    allow_private_network: bool = False,
) -> Verification:
    """Verify a credential (JSON or SD-JWT text); an unreadable one fails its syntax check.

    `trust` is the verifier's decision (`trust_decision`); None fails the trust check.
    `issuer_metadata` reads an https issuer's JWT VC Issuer Metadata (default: over https).
    """
    from did import Resolver
    from did.sd_jwt import HttpsFetcher

    try:
        fmt, content = read_document(text)
    except VerificationFailed as exc:
        return from_credential_report(_syntax_failure("credential", str(exc)))
    report = verify_document(
        fmt,
        content,
        now=now,
        trust=trust,
        status_lists=status_source(status_list_files, allow_private_network=allow_private_network),
        resolver=resolver or Resolver(allow_private_network=allow_private_network),
        issuer_metadata=issuer_metadata
        or HttpsFetcher(allow_private_network=allow_private_network),
        token_lists=token_status_source(status_list_files),
    )
    return from_credential_report(report)


def verify_presentation_text(
    text: str,
    *,
    challenge: str,
    domain: str | None,
    now: datetime,
    trust: TrustDecision | None,
    status_list_files: Sequence[Path] = (),
    resolver: Resolver | None = None,
    issuer_metadata: Fetcher | None = None,
) -> Verification:
    """Verify a presentation made for `challenge` and `domain`; return every check."""
    from did import public_key_jwk, verify_presentation, verify_sd_jwt
    from did.sd_jwt import HttpsFetcher

    if not challenge:
        raise UsageError("--challenge must not be empty")
    try:
        _, content = read_document(text)
    except VerificationFailed as exc:
        return from_credential_report(_syntax_failure("presentation", str(exc)))
    policy = None if trust is None else trust.policy()
    if isinstance(content, str):
        if not domain:
            raise UsageError("an SD-JWT presentation is checked against --domain (its `aud`)")
        given = None if trust is None else trust.issuer_key
        report = verify_sd_jwt(
            content,
            now=now,
            audience=domain,
            nonce=challenge,
            resolver=_resolver(resolver),
            issuer_jwk=None if given is None else public_key_jwk(given[1], given[0]),
            issuer_metadata=issuer_metadata or HttpsFetcher(),
            status_lists=token_status_source(status_list_files),
            trust=policy,
        )
    else:
        report = verify_presentation(
            content,
            challenge=challenge,
            domain=domain,
            now=now,
            resolver=_resolver(resolver),
            trust=policy,
            status_lists=status_source(status_list_files),
        )
    return from_credential_report(report)


def _syntax_failure(kind: str, message: str) -> VerificationReport:
    from did import Check, VerificationReport
    from did.errors import ParsingError

    return VerificationReport(
        kind, None, (Check.failed("syntax", ParsingError(message), f"malformed_{kind}"),)
    )
