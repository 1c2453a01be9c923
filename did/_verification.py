"""Provides the structured verification result: checks with outcomes and VC DM 2.0 problem types.

VC Data Model 2.0 §7.1 (Verification) asks a verifier to return problem details whose `type` is
one of the URLs below. A report is a value: it lists every check that was run, in a fixed order,
each `passed`, `failed` or `skipped`; failed checks carry a typed problem, a short machine
`reason` and a message naming what was got and what was wanted.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal, TypeAlias

from did.errors import (
    CredentialError,
    CryptographicError,
    MalformedValueError,
    ParsingError,
    RangeError,
    StatusListLengthError,
    StatusRetrievalError,
)

__all__ = [
    "CRYPTOGRAPHIC_SECURITY_ERROR",
    "MALFORMED_VALUE_ERROR",
    "PARSING_ERROR",
    "RANGE_ERROR",
    "Check",
    "StatusListSource",
    "VerificationReport",
    "format_datetime",
    "parse_datetime",
    "show",
]

_BASE = "https://www.w3.org/TR/vc-data-model#"
PARSING_ERROR = _BASE + "PARSING_ERROR"
CRYPTOGRAPHIC_SECURITY_ERROR = _BASE + "CRYPTOGRAPHIC_SECURITY_ERROR"
MALFORMED_VALUE_ERROR = _BASE + "MALFORMED_VALUE_ERROR"
RANGE_ERROR = _BASE + "RANGE_ERROR"

_ERROR_FOR_TYPE: dict[str, type[CredentialError]] = {
    PARSING_ERROR: ParsingError,
    CRYPTOGRAPHIC_SECURITY_ERROR: CryptographicError,
    MALFORMED_VALUE_ERROR: MalformedValueError,
    RANGE_ERROR: RangeError,
    # Bitstring Status List §3.3 defines two problem types of its own for status checks.
    StatusRetrievalError.problem_type: StatusRetrievalError,
    StatusListLengthError.problem_type: StatusListLengthError,
}

Outcome: TypeAlias = Literal["passed", "failed", "skipped"]
_OUTCOMES = ("passed", "failed", "skipped")
_KINDS = ("credential", "presentation", "sd-jwt")

# XML Schema 1.1 dateTimeStamp (the type of `validFrom`, `validUntil` and a proof's `created`):
# a date, a time and a mandatory time zone offset.
_DATETIME_RE = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d+)?(Z|[+-]\d{2}:\d{2})"
)


def parse_datetime(value: Any, what: str) -> datetime:
    """Parse an XML Schema dateTimeStamp; raise MalformedValueError naming `what`."""
    if not isinstance(value, str):
        raise MalformedValueError(f"{what}: got {type(value).__name__}, want a date-time string")
    match = _DATETIME_RE.fullmatch(value)
    if match is None:
        raise MalformedValueError(f"{what}: got {value[:40]!r}, want e.g. 2024-01-01T00:00:00Z")
    fraction = (match.group(7) or "")[:7]
    zone = "+00:00" if match.group(8) == "Z" else match.group(8)
    text = f"{value[: match.start(7) if match.group(7) else match.start(8)]}{fraction}{zone}"
    try:
        parsed = datetime.fromisoformat(text)
        # The instant must be one a UTC date can hold too (`9999-12-31T23:59:59-14:00` is
        # not): every comparison and display of it goes through UTC.
        parsed.astimezone(UTC)
    except (ValueError, OverflowError):
        raise MalformedValueError(f"{what}: {value[:40]!r} is not a valid date-time") from None
    return parsed


# RFC 7519 §2 NumericDate: seconds since the epoch. Only the instants a date can hold are
# accepted, 1970-01-01T00:00:00Z to 9999-12-31T23:59:59Z: a time outside them means nothing
# to a verifier, and every reader that turns it into a date would fail on it later.
MIN_NUMERIC_DATE = 0
MAX_NUMERIC_DATE = 253_402_300_799


def numeric_date(value: Any, what: str) -> datetime:
    """Read a JWT NumericDate as an aware UTC datetime; raise MalformedValueError naming `what`
    for anything but a number between 1970 and the end of year 9999."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise MalformedValueError(f"{what}: got {show(value)}, want a NumericDate")
    if not MIN_NUMERIC_DATE <= value <= MAX_NUMERIC_DATE:
        raise MalformedValueError(
            f"{what}: got {show(value)}, want a NumericDate within "
            f"{MIN_NUMERIC_DATE}..{MAX_NUMERIC_DATE} (1970 to 9999)"
        )
    return datetime.fromtimestamp(value, UTC)


def format_datetime(value: datetime) -> str:
    """Format an aware datetime as UTC dateTimeStamp with whole seconds (`…T…Z`)."""
    if not isinstance(value, datetime) or value.tzinfo is None:
        raise MalformedValueError("date-time: want a timezone-aware datetime")
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def show(value: Any, limit: int = 60) -> str:
    """Render an untrusted value for a message: short, and never a deep or huge repr."""
    if isinstance(value, str):
        text = repr(value)
        return text if len(text) <= limit else text[: limit - 1] + "…"
    if value is None or isinstance(value, bool | float):
        return repr(value)
    if isinstance(value, int):
        return repr(value) if abs(value) < 10**20 else "<a very large integer>"
    return f"<{type(value).__name__}>"


def require_aware(now: Any) -> datetime:
    """Return `now` if it is a timezone-aware datetime; raise MalformedValueError otherwise."""
    if not isinstance(now, datetime) or now.tzinfo is None:
        raise MalformedValueError("now: want a timezone-aware datetime")
    return now


# A caller supplies status list credentials either as a mapping from the list credential's id
# to the (signed) list credential, or as a callable that fetches one by id.
StatusListSource: TypeAlias = Mapping[str, Any] | Callable[[str], Any]


@dataclass(frozen=True)
class Check:
    """One verification step: its name, outcome and, when it failed, a typed problem."""

    name: str
    outcome: Outcome
    message: str = ""
    problem_type: str | None = None
    reason: str | None = None

    def __post_init__(self) -> None:
        if self.outcome not in _OUTCOMES:
            raise MalformedValueError(f"check outcome: got {self.outcome!r}, want {_OUTCOMES}")
        if self.outcome == "failed" and self.problem_type not in _ERROR_FOR_TYPE:
            raise MalformedValueError(
                f"check {self.name!r}: a failed check needs a VC DM 2.0 problem type, "
                f"got {self.problem_type!r}"
            )

    @classmethod
    def passed(cls, name: str, message: str = "") -> Check:
        """A check that ran and succeeded."""
        return cls(name, "passed", message)

    @classmethod
    def skipped(cls, name: str, message: str) -> Check:
        """A check that was not run, with the reason why."""
        return cls(name, "skipped", message)

    @classmethod
    def failed(cls, name: str, error: CredentialError, reason: str | None = None) -> Check:
        """A check that failed with a package error; its class gives the problem type."""
        return cls(name, "failed", str(error), error.problem_type, reason)

    def to_json(self) -> dict[str, Any]:
        """The check as a JSON object; a failure carries VC DM 2.0 problem details."""
        result: dict[str, Any] = {"check": self.name, "outcome": self.outcome}
        if self.outcome == "failed":
            result["problem"] = {"type": self.problem_type, "title": self.reason or self.name}
            result["problem"]["detail"] = self.message
        elif self.message:
            result["message"] = self.message
        return result

    @classmethod
    def from_json(cls, data: Any) -> Check:
        """Rebuild a check from `to_json` output; raise ParsingError for any other shape."""
        if not isinstance(data, dict) or not isinstance(data.get("check"), str):
            raise ParsingError("check: want an object with a string 'check'")
        outcome = data.get("outcome")
        if outcome not in _OUTCOMES:
            raise ParsingError(f"check outcome: got {outcome!r}, want one of {_OUTCOMES}")
        if outcome == "failed":
            problem = data.get("problem")
            if not isinstance(problem, dict):
                raise ParsingError("failed check: want a 'problem' object")
            title = problem.get("title")
            reason = None if title == data["check"] else title
            return cls(data["check"], "failed", str(problem.get("detail", "")),
                       problem.get("type"), reason)  # fmt: skip
        return cls(data["check"], outcome, str(data.get("message", "")))


@dataclass(frozen=True)
class VerificationReport:
    """The result of verifying a credential, a presentation or an SD-JWT.

    `checks` are in the order they are defined for the kind of object; `credentials` holds the
    reports of the credentials inside a presentation; `claims` holds what an SD-JWT verifier
    may rely on (only the disclosed claims); `warnings` says what the caller should know even
    when every check passed (such as a `TrustAny` policy that checked no issuer).
    """

    kind: str
    subject: str | None
    checks: tuple[Check, ...]
    credentials: tuple[VerificationReport, ...] = ()
    claims: dict[str, Any] | None = field(default=None, compare=True)
    warnings: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.kind not in _KINDS:
            raise MalformedValueError(f"report kind: got {self.kind!r}, want one of {_KINDS}")

    @property
    def verified(self) -> bool:
        """True when no check here, nor in any contained credential, failed."""
        return all(c.outcome != "failed" for c in self.checks) and all(
            r.verified for r in self.credentials
        )

    def check(self, name: str) -> Check:
        """The check called `name`; raise MalformedValueError if this report has none."""
        for item in self.checks:
            if item.name == name:
                return item
        raise MalformedValueError(f"report has no check {name!r}")

    def failures(self) -> list[tuple[str, Check]]:
        """Every failed check, with a path such as `credential[0].status` naming where."""
        result = [(c.name, c) for c in self.checks if c.outcome == "failed"]
        for index, report in enumerate(self.credentials):
            result += [(f"credential[{index}].{p}", c) for p, c in report.failures()]
        return result

    def raise_for_failure(self) -> None:
        """Raise the `did.errors` subclass of the first failed check; return if all passed."""
        failures = self.failures()
        if not failures:
            return
        path, first = failures[0]
        error_class = _ERROR_FOR_TYPE.get(first.problem_type or "", CredentialError)
        raise error_class(f"{self.kind} verification failed: {path}: {first.message}")

    def to_json(self) -> dict[str, Any]:
        """The report as JSON (what `--json` prints)."""
        result: dict[str, Any] = {
            "kind": self.kind,
            "subject": self.subject,
            "verified": self.verified,
            "checks": [c.to_json() for c in self.checks],
        }
        if self.credentials:
            result["credentials"] = [r.to_json() for r in self.credentials]
        if self.claims is not None:
            result["claims"] = self.claims
        if self.warnings:
            result["warnings"] = list(self.warnings)
        return result

    def all_warnings(self) -> list[str]:
        """This report's warnings and those of the credentials inside it, without repeats."""
        found = list(self.warnings)
        for report in self.credentials:
            found += [w for w in report.all_warnings() if w not in found]
        return found

    @classmethod
    def from_json(cls, data: Any) -> VerificationReport:
        """Rebuild a report from `to_json` output; raise ParsingError for any other shape."""
        if not isinstance(data, dict):
            raise ParsingError("report: want a JSON object")
        checks, credentials = data.get("checks"), data.get("credentials", [])
        if not isinstance(checks, list) or not isinstance(credentials, list):
            raise ParsingError("report: 'checks' and 'credentials' must be arrays")
        subject, claims = data.get("subject"), data.get("claims")
        warnings = data.get("warnings", [])
        if not isinstance(warnings, list) or not all(isinstance(w, str) for w in warnings):
            raise ParsingError("report: 'warnings' must be an array of strings")
        if subject is not None and not isinstance(subject, str):
            raise ParsingError("report: 'subject' must be a string or null")
        if claims is not None and not isinstance(claims, dict):
            raise ParsingError("report: 'claims' must be an object")
        try:
            report = cls(
                str(data.get("kind")),
                subject,
                tuple(Check.from_json(c) for c in checks),
                tuple(cls.from_json(r) for r in credentials),
                claims,
                tuple(warnings),
            )
        except MalformedValueError as exc:
            raise ParsingError(f"report: {exc}") from None
        if data.get("verified") is not report.verified:
            raise ParsingError("report: 'verified' disagrees with its checks")
        return report
