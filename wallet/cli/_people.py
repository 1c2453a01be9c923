"""Provides reading lists of people: `[NAME] DID` a line, as `init --label` helps to make.

`credential issue --subjects FILE` and `election create --trustees FILE` read them, so that
a list made once (`echo "$name $(wallet --home $name init --label $name)" >> people.txt`)
serves both.
"""

from __future__ import annotations

import re

# A name for a subject's file: what a label may hold, nothing that climbs out of DIR.
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")


def read_subjects(text: str, what: str) -> list[tuple[str, str]]:
    """`[NAME] DID` lines (blank lines and `#` comments skipped): (file name, DID) pairs."""
    from wallet.errors import UsageError

    found: list[tuple[str, str]] = []
    for number, line in enumerate(text.splitlines(), 1):
        words = line.split("#", 1)[0].split()
        if not words:
            continue
        if len(words) > 2 or not words[-1].startswith("did:"):
            raise UsageError(f"{what} line {number}: want `[NAME] DID`, got {line.strip()!r}")
        name = words[0] if len(words) == 2 else str(len(found) + 1)
        if not _NAME.fullmatch(name):
            raise UsageError(f"{what} line {number}: {name!r} is not a plain file name")
        if name in (n for n, _ in found):
            raise UsageError(f"{what} line {number}: the name {name!r} is given twice")
        found.append((name, words[-1]))
    if not found:
        raise UsageError(f"{what}: no DID in it")
    return found
