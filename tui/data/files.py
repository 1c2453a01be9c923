"""Provides file helpers: saving a presentation to a new, private file, and showing a path."""

from __future__ import annotations

import os
from pathlib import Path


class SaveError(Exception):
    """The file could not be written; the message says why, as the error dialog shows."""


def save_new_file(path: Path, text: str) -> Path:
    """Write `text` to `path`, which must not exist yet; only its owner may read it.

    A presentation holds personal data, so the file is created with mode 0600, and an
    existing file is never overwritten by a keystroke.
    """
    target = path.expanduser()
    try:
        descriptor = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raise SaveError(f"{target} already exists; choose another name") from None
    except OSError as exc:
        raise SaveError(f"cannot create {target}: {exc.strerror}") from None
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(text if text.endswith("\n") else text + "\n")
    return target


def shown_path(path: str | Path, cwd: Path | None = None) -> str:
    """`path` as the screens show it: relative to the working directory when it is inside it
    (a board's URL as it is).

    Boards and records are usually named from the folder the TUI was started in, so the
    short form is the one the person typed; a path elsewhere is shown whole.
    """
    if isinstance(path, str) and path.startswith(("https://", "http://")):
        return path
    target = Path(path)
    base = Path.cwd() if cwd is None else cwd
    try:
        return str(target.relative_to(base))
    except ValueError:
        return str(target)
