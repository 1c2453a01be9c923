"""Provides atomic file replacement and the inter-process writer lock of the keystore file."""

from __future__ import annotations

import contextlib
import os
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from wallet.errors import FileProblem, KeystoreUnavailable

# How long a writer waits for another process to finish its read-modify-write.
_LOCK_TIMEOUT_S = 30.0


@contextlib.contextmanager
def locked(lock_path: Path) -> Iterator[None]:
    """Hold an exclusive lock on `lock_path` (created 0600 if absent) for the block."""
    try:
        lock_path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd = os.open(lock_path, os.O_RDWR | os.O_CREAT | getattr(os, "O_CLOEXEC", 0), 0o600)
    except OSError as exc:
        raise FileProblem(f"cannot open keystore lock {lock_path}: {exc.strerror}") from None
    try:
        _acquire(fd, lock_path)
        try:
            yield
        finally:
            _release(fd)
    finally:
        os.close(fd)


def replace_atomically(path: Path, data: bytes) -> None:
    """Write `data` to a 0600 temporary file beside `path`, flush it, and rename it over."""
    parent = path.parent
    try:
        fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=parent)
    except OSError as exc:
        raise FileProblem(f"cannot write in {parent}: {exc.strerror}") from None
    temporary = Path(name)
    try:
        # mkstemp creates the file readable and writable by its owner only (0600).
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        temporary.replace(path)
    except OSError as exc:
        with contextlib.suppress(OSError):
            temporary.unlink()
        raise FileProblem(f"cannot write keystore file {path}: {exc.strerror}") from None
    except BaseException:
        with contextlib.suppress(OSError):
            temporary.unlink()
        raise
    _fsync_directory(parent)


def _fsync_directory(directory: Path) -> None:
    """Flush the directory entry so the rename survives a crash (not possible on Windows)."""
    if os.name == "nt":
        return
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


if sys.platform == "win32":
    import msvcrt

    def _try_lock(fd: int) -> bool:
        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True

    def _release(fd: int) -> None:
        os.lseek(fd, 0, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)

else:
    import fcntl

    def _try_lock(fd: int) -> bool:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True

    def _release(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_UN)


def _acquire(fd: int, lock_path: Path) -> None:
    """Take the exclusive lock, polling so a stuck writer ends in an error, not a hang."""
    deadline = time.monotonic() + _LOCK_TIMEOUT_S
    delay = 0.005
    while not _try_lock(fd):
        if time.monotonic() > deadline:
            raise KeystoreUnavailable(
                f"keystore file is locked by another process ({lock_path}) "
                f"for more than {_LOCK_TIMEOUT_S:.0f} s"
            )
        time.sleep(delay)
        delay = min(delay * 2, 0.1)
