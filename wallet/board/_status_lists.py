"""Provides `StatusLists`: the status list credentials issuers published to a board, which
its eligibility checks read (never the network), and `Refused`, a refusal with its HTTP
status that the board's parts raise."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from did import parse_json
from did.errors import DidError
from wallet.board._host import BoardHost

if TYPE_CHECKING:
    from voting.chain import LogStore


class Refused(Exception):
    """A submission the board refuses: HTTP status, problem name, detail, extensions."""

    def __init__(self, status: int, name: str, detail: str, **extensions: Any) -> None:
        super().__init__(detail)
        self.status = status
        self.name = name
        self.detail = detail
        self.extensions = extensions


class StatusLists:
    """The status list credentials issuers published to the board, for its eligibility checks.

    A SQLite board keeps them where a local board does (`<board>.status/`); a PostgreSQL
    board in the table `board_status_lists`, so every server process reads the same lists.
    """

    def __init__(self, host: BoardHost, store: Callable[[], LogStore]) -> None:
        self.host = host
        self._store = store
        self._table = False

    @staticmethod
    def key(url: str) -> str:
        """The name a list is served under: the first 32 hex digits of SHA-256(its id)."""
        return hashlib.sha256(url.encode()).hexdigest()[:32]

    @classmethod
    def _name(cls, url: str) -> str:
        return cls.key(url) + ".json"

    def by_key(self, key: str) -> Any:
        """The published list served under `key` (Refused 404 when there is none)."""
        if len(key) != 32 or any(c not in "0123456789abcdef" for c in key):
            raise Refused(404, "unknown-status-list", "no status list by that name")
        try:
            if self.host.is_postgres:
                with self._pg() as db:
                    rows = db.execute("SELECT url, credential FROM board_status_lists").fetchall()
                for url, text in rows:
                    if self.key(url) == key:
                        return parse_json(text)
                raise OSError
            return parse_json((self._folder() / f"{key}.json").read_bytes())
        except (OSError, DidError):
            raise Refused(404, "unknown-status-list", "no status list by that name") from None

    def _folder(self) -> Path:
        return Path(self.host.store).with_name(Path(self.host.store).name + ".status")

    @contextmanager
    def _pg(self) -> Iterator[Any]:
        from wallet.board._postgres import PostgresLogStore

        store = self._store()
        assert isinstance(store, PostgresLogStore)
        db = store.connection
        if not self._table:
            # Once made, the table stays: ballots' eligibility checks read it, so they are
            # spared a DDL statement (and its catalog lock) each.
            db.execute(
                "CREATE TABLE IF NOT EXISTS board_status_lists (url TEXT PRIMARY KEY,"
                " credential TEXT NOT NULL)"
            )
            self._table = True
        yield db

    def publish(self, credential: dict[str, Any]) -> None:
        list_id = credential.get("id")
        if not isinstance(list_id, str) or not list_id:
            raise Refused(400, "malformed-status-list", "a status list credential needs an id")
        text = json.dumps(credential, separators=(",", ":"))
        if self.host.is_postgres:
            with self._pg() as db:
                db.execute(
                    "INSERT INTO board_status_lists (url, credential) VALUES (%s, %s)"
                    " ON CONFLICT (url) DO UPDATE SET credential = EXCLUDED.credential",
                    (list_id, text),
                )
            return
        from wallet.services._boards import write_atomically

        folder = self._folder()
        folder.mkdir(exist_ok=True)
        write_atomically(folder / self._name(list_id), text + "\n")

    def source(self) -> Callable[[str], Any]:
        from did.errors import StatusRetrievalError

        def read(url: str) -> Any:
            try:
                if self.host.is_postgres:
                    with self._pg() as db:
                        row = db.execute(
                            "SELECT credential FROM board_status_lists WHERE url = %s", (url,)
                        ).fetchone()
                    if row is None:
                        raise OSError
                    return parse_json(row[0])
                return parse_json((self._folder() / self._name(url)).read_bytes())
            except (OSError, DidError):
                raise StatusRetrievalError(
                    f"status list {url[:80]!r} was not published to this board"
                ) from None

        return read
