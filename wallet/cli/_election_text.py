"""Provides the human form of `election show`: the state, the window, and what comes next."""

from __future__ import annotations

from datetime import datetime
from typing import Any


def _local(stamp: str) -> datetime:
    return datetime.fromisoformat(stamp).astimezone()


def _when(moment: datetime, now: datetime) -> str:
    minutes = round((moment - now).total_seconds() / 60)
    span = f"{abs(minutes)} min" if abs(minutes) < 120 else f"{abs(minutes) / 60:.1f} h"
    return f"in {span}" if minutes >= 0 else f"{span} ago"


def next_step(data: dict[str, Any], now: datetime) -> str:
    """What happens next in the election, and who does it, by its phase and the clock."""
    name, phase = data["election"], data["phase"]
    opens, closes = _local(data["window"]["opens"]), _local(data["window"]["closes"])
    if phase in ("empty", "setup"):
        keys, shares, count = len(data["keys"]), len(data["shares"]), len(data["trustees"])
        return (
            f"the trustees' key ceremony ({keys} of {count} keys, {shares} of {count} shares "
            f"posted): each trustee runs `wallet trustee follow {name}` (or keygen, then shares "
            f"until none is missing); then the authority runs `wallet election open {name}`"
        )
    if phase == "open":
        if now < opens:
            return f"voting opens {opens:%Y-%m-%d %H:%M %Z} ({_when(opens, now)})"
        if now < closes:
            return (
                f"voters run `wallet vote {name} --choice CONTEST=OPTION`; voting closes "
                f"{closes:%Y-%m-%d %H:%M %Z} ({_when(closes, now)})"
            )
        return (
            f"voting closed {closes:%Y-%m-%d %H:%M %Z}: the authority runs "
            f"`wallet election finish {name}` (close, tally, result)"
        )
    if phase == "closed":
        return f"the authority runs `wallet election finish {name}` (tally, then the result)"
    if phase == "tallied":
        have, need = len(data["decryptionShares"]), data["threshold"]
        return (
            f"decryption: {have} of the {need} shares needed; trustees run `wallet trustee "
            f"decrypt {name}`; then the authority runs `wallet election finish {name}`"
        )
    return (
        f"the result is final; anyone can check it: `wallet election export {name} -o DIR`, "
        "then `wallet audit DIR`"
    )


def summary_text(data: dict[str, Any], now: datetime) -> str:
    """`election show` for people, without a final newline."""
    opens, closes = _local(data["window"]["opens"]), _local(data["window"]["closes"])
    lines = [
        f"{data['election']}: {data['title']}",
        f"phase:       {data['phase']}",
        f"window:      {opens:%Y-%m-%d %H:%M} .. {closes:%Y-%m-%d %H:%M %Z} (local time)",
        f"trustees:    {len(data['trustees'])}, threshold {data['threshold']}",
        f"ballots:     {data['ballots']} cast, {data['challenged']} challenged "
        f"(revoting: the {data['revoting']} counts)",
    ]
    if "launchCode" in data:
        lines.append(
            f"launch code: {data['launchCode']} (vote only if it is the code the authority "
            "published for this election)"
        )
    for contest, counts in (data.get("result") or {}).items():
        lines.append(f"result:      {contest}: " + ", ".join(f"{o} {n}" for o, n in counts.items()))
    lines.append(f"next:        {next_step(data, now)}")
    return "\n".join(lines)
