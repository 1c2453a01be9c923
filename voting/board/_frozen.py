"""Provides the check of the status lists a `close` entry freezes (election-entries §5.4).

The board's `close` rule and the audit's V5 call this one function, so they judge the same.
A frozen list must (a) be named by some ballot's credential, and every named list must be
frozen; (b) verify as a credential at the close entry's time; (c) be issued by the very
issuer of every credential that names it, itself one of the eligibility rule's issuers;
(d) be current: its `validFrom` is present, not after the close and not before the last
ballot, so a list signed before a voter was revoked cannot stand in for the list in force.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from datetime import datetime
from typing import Any

import did
from did.errors import DidError
from voting.board._eligibility import EligibilityRule


def frozen_list_problems(
    rule: EligibilityRule,
    frozen: Mapping[str, dict[str, Any]],
    references: Mapping[str, Collection[str]],
    *,
    close_time: datetime,
    last_ballot_time: datetime | None,
    resolver: Any,
) -> list[tuple[str, str, str]]:
    """Return (code, list URL, message) for every problem of the frozen lists; [] if none.

    `references` maps each status list URL named by a ballot's credential to the issuers of
    the credentials naming it (`status_references`).
    """
    problems: list[tuple[str, str, str]] = []
    for url in sorted(set(references) - set(frozen)):
        problems.append(("status-list-missing", url, "named by a credential but not frozen"))
    for url in sorted(set(frozen) - set(references)):
        problems.append(("status-list-unused", url, "named by no ballot's credential"))
    for url, credential in sorted(frozen.items()):
        # (b) The list in force at close is judged at the close entry's own time.
        try:
            report = did.verify_credential(
                credential,
                now=close_time,
                resolver=resolver,
                trust=did.TrustIssuers.of(rule.issuers),
            )
        except DidError as exc:
            problems.append(("status-list-invalid", url, str(exc)))
            continue
        # The issuer is judged in (c), with its own reason code, so (b) leaves `trust` to it.
        failures = [(path, check) for path, check in report.failures() if path != "trust"]
        if failures:
            path, check = failures[0]
            problems.append(("status-list-invalid", url, f"at close: {path}: {check.message}"))
        # (c) Only the issuer of the credentials naming the list may say they are revoked.
        issuer = credential.get("issuer")
        issuer = issuer.get("id") if isinstance(issuer, dict) else issuer
        # A credential of an unlisted issuer makes no voter eligible, so only listed ones bind.
        named_by = set(references.get(url, ())) & set(rule.issuers)
        if issuer not in rule.issuers:
            problems.append(("status-list-issuer", url, "not issued by a listed issuer"))
        elif named_by and named_by != {issuer}:
            problems.append(
                ("status-list-issuer", url, "not issued by the issuer of the credentials naming it")
            )
        # (d) Current: signed after the last ballot, and no later than the close.
        valid_from = _moment(credential.get("validFrom"))
        if valid_from is None:
            problems.append(("status-list-stale", url, "has no readable validFrom"))
            continue
        if valid_from > close_time or (
            last_ballot_time is not None and valid_from < last_ballot_time
        ):
            problems.append(
                ("status-list-stale", url, "validFrom is not between the last ballot and the close")
            )
    return problems


def _moment(value: object) -> datetime | None:
    # The credential verified above, so `validFrom` is an XML Schema dateTimeStamp when
    # present; only its instant is needed here.
    if not isinstance(value, str) or len(value) > 64:
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else None
