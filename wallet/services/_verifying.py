"""Provides verifying credentials and presentations from files, as a verifier does.

Both formats go through the `did` verifiers and come back as a `Verification`: every check
with its outcome and, for failures, a typed problem. Status lists are looked up
first among the list credentials the caller gave as files (by their `id`), then fetched from
their `statusListCredential` URL when it is `https://`; otherwise the status check fails
saying the list is unavailable.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from wallet.errors import FileProblem, UsageError, VerificationFailed
from wallet.services._values import JsonObject
from wallet.services._verification import Verification, from_credential_report

if TYPE_CHECKING:
    from did import Resolver, VerificationReport


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
        try:
            credential = parse_json(read_text(path, "status list"))
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
    trusted_issuers: set[str] | None = None,
    status_lists: Callable[[str], Any] | None = None,
    resolver: Resolver | None = None,
) -> VerificationReport:
    """Verify a parsed credential of either format; return its `did.VerificationReport`."""
    from did import verify_credential, verify_sd_jwt

    if isinstance(content, str):
        # An issued SD-JWT has no key binding yet; the holder adds one when presenting.
        return verify_sd_jwt(
            content,
            now=now,
            audience=None,
            nonce=None,
            resolver=_resolver(resolver),
            require_key_binding=False,
            trust=_policy(trusted_issuers),
        )
    return verify_credential(
        content,
        now=now,
        resolver=_resolver(resolver),
        trust=_policy(trusted_issuers),
        status_lists=status_lists,
    )


def _policy(trusted_issuers: Any) -> Any:
    """The did-level trust policy for a list of trusted issuers.

    Until the command line asks for a decision (`--trust`/`--trust-any`), an empty list keeps
    the earlier behaviour, now visibly: any issuer is accepted and the report warns about it.
    """
    from did import TrustAny, TrustIssuers

    return TrustIssuers.of(trusted_issuers) if trusted_issuers else TrustAny()


def verify_credential_text(
    text: str,
    *,
    now: datetime,
    trusted_issuers: Sequence[str] = (),
    status_list_files: Sequence[Path] = (),
    resolver: Resolver | None = None,
    allow_private_network: bool = False,
) -> Verification:
    """Verify a credential (JSON or SD-JWT text); an unreadable one fails its syntax check."""
    report = _credential_report(
        text,
        now=now,
        trusted_issuers=trusted_issuers,
        status_list_files=status_list_files,
        resolver=resolver,
        allow_private_network=allow_private_network,
    )
    return from_credential_report(report)


def _credential_report(
    text: str,
    *,
    now: datetime,
    trusted_issuers: Sequence[str],
    status_list_files: Sequence[Path],
    resolver: Resolver | None,
    allow_private_network: bool = False,
) -> VerificationReport:
    from did import Resolver

    try:
        fmt, content = read_document(text)
    except VerificationFailed as exc:
        return _syntax_failure("credential", str(exc))
    return verify_document(
        fmt,
        content,
        now=now,
        trusted_issuers=set(trusted_issuers) or None,
        status_lists=status_source(status_list_files, allow_private_network=allow_private_network),
        resolver=resolver or Resolver(allow_private_network=allow_private_network),
    )


def verify_presentation_text(
    text: str,
    *,
    challenge: str,
    domain: str | None,
    now: datetime,
    trusted_issuers: Sequence[str] = (),
    status_list_files: Sequence[Path] = (),
    resolver: Resolver | None = None,
) -> Verification:
    """Verify a presentation made for `challenge` and `domain`; return every check."""
    report = _presentation_report(
        text,
        challenge=challenge,
        domain=domain,
        now=now,
        trusted_issuers=trusted_issuers,
        status_list_files=status_list_files,
        resolver=resolver,
    )
    return from_credential_report(report)


def _presentation_report(
    text: str,
    *,
    challenge: str,
    domain: str | None,
    now: datetime,
    trusted_issuers: Sequence[str],
    status_list_files: Sequence[Path],
    resolver: Resolver | None,
) -> VerificationReport:
    from did import verify_presentation, verify_sd_jwt

    if not challenge:
        raise UsageError("--challenge must not be empty")
    try:
        _, content = read_document(text)
    except VerificationFailed as exc:
        return _syntax_failure("presentation", str(exc))
    trusted = set(trusted_issuers) or None
    if isinstance(content, str):
        if not domain:
            raise UsageError("an SD-JWT presentation is checked against --domain (its `aud`)")
        return verify_sd_jwt(
            content,
            now=now,
            audience=domain,
            nonce=challenge,
            resolver=_resolver(resolver),
            trust=_policy(trusted),
        )
    return verify_presentation(
        content,
        challenge=challenge,
        domain=domain,
        now=now,
        resolver=_resolver(resolver),
        trust=_policy(trusted),
        status_lists=status_source(status_list_files),
    )


def _syntax_failure(kind: str, message: str) -> VerificationReport:
    from did import Check, VerificationReport
    from did.errors import ParsingError

    return VerificationReport(
        kind, None, (Check.failed("syntax", ParsingError(message), f"malformed_{kind}"),)
    )
