"""The survey database: one SQLite row per surveyed .deb, keyed by its sha256.

What makes a survey of a whole archive restartable: a record is committed
as soon as its package is done (WAL journal, so a reader, or a second look
at a running survey, never blocks the writer), and the next run skips every
.deb whose sha256 has a row.  A .deb of a Packages index is known by the
index's sha256 before anything is read or downloaded; a .deb named
directly is known again by its path, size and modification time (the
``files`` table), as make and rsync know a file, so a finished package is
not even opened.  Packages that failed are kept apart (``errors``) and
tried again by the next run: a failure may be a network's or a full disk's.

Shards (``--shard K/N`` on separate machines) write separate databases;
:meth:`Store.merge` joins them, a later row for the same sha256 replacing
an earlier one (the same .deb gives the same record).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from dh_aimodel.core.errors import UsageError
from dh_aimodel.tree.atomic import write_error

#: Bumped when the tables or the records change shape: an older database is refused.
SCHEMA = "1"

_TABLES = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS packages (
    sha256 TEXT PRIMARY KEY, package TEXT NOT NULL, version TEXT, architecture TEXT,
    record TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS files (
    path TEXT PRIMARY KEY, size INTEGER NOT NULL, mtime_ns INTEGER NOT NULL,
    sha256 TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS errors (path TEXT PRIMARY KEY, sha256 TEXT, message TEXT NOT NULL);
"""


class Store:
    """An open survey database (created when missing)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            self.db = sqlite3.connect(path, timeout=30, isolation_level=None)
        except sqlite3.OperationalError as exc:  # no such directory, not writable
            raise write_error(str(path), OSError(str(exc))) from exc
        try:
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA synchronous=NORMAL")
            self.db.executescript(_TABLES)
            self.db.execute("INSERT OR IGNORE INTO meta VALUES ('schema', ?)", (SCHEMA,))
            self._check(self.db, str(path))
        except sqlite3.DatabaseError as exc:
            self.db.close()
            raise UsageError(f"--db {path}: not a survey database ({exc}); name a new file") \
                from exc
        except BaseException:
            self.db.close()
            raise

    @staticmethod
    def _check(db: sqlite3.Connection, name: str, schema: str = "main") -> None:
        row = db.execute(f"SELECT value FROM {schema}.meta WHERE key = 'schema'").fetchone()
        if row is None or row[0] != SCHEMA:
            raise UsageError(f"{name}: a survey database of another version (schema "
                             f"{row[0] if row else 'none'}, this is {SCHEMA}); survey again "
                             "into a new --db")

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- resume -----------------------------------------------------------------

    def done(self, sha256: str) -> bool:
        """Whether the .deb with this sha256 has a record."""
        return self.db.execute("SELECT 1 FROM packages WHERE sha256 = ?",
                               (sha256,)).fetchone() is not None

    def seen(self, path: str, size: int, mtime_ns: int) -> str | None:
        """The sha256 of the surveyed file at ``path`` if it has not changed since."""
        row = self.db.execute(
            "SELECT f.sha256 FROM files f JOIN packages p ON p.sha256 = f.sha256 "
            "WHERE f.path = ? AND f.size = ? AND f.mtime_ns = ?",
            (path, size, mtime_ns)).fetchone()
        return row[0] if row else None

    # -- writing: each call is its own committed transaction --------------------

    def put(self, record: dict[str, Any], size: int | None, mtime_ns: int | None) -> None:
        """Store a record; its file is remembered by size and mtime when they are known."""
        with self.db:
            self.db.execute("BEGIN")
            self.db.execute("INSERT OR REPLACE INTO packages VALUES (?, ?, ?, ?, ?)",
                            (record["sha256"], record["package"], record["version"],
                             record["architecture"], json.dumps(record, sort_keys=True)))
            self.db.execute("DELETE FROM errors WHERE path = ?", (record["path"],))
            if size is not None and mtime_ns is not None:
                self.db.execute("INSERT OR REPLACE INTO files VALUES (?, ?, ?, ?)",
                                (record["path"], size, mtime_ns, record["sha256"]))

    def fail(self, path: str, sha256: str | None, message: str) -> None:
        with self.db:
            self.db.execute("BEGIN")
            self.db.execute("INSERT OR REPLACE INTO errors VALUES (?, ?, ?)",
                            (path, sha256, message))

    # -- reading ------------------------------------------------------------------

    def records(self, only: Iterable[str] | None = None) -> list[dict[str, Any]]:
        """The records (of the sha256s in ``only``, else all), by package, version, arch."""
        wanted = None if only is None else set(only)
        rows = self.db.execute("SELECT sha256, record FROM packages "
                               "ORDER BY package, version, architecture, sha256")
        return [json.loads(r) for sha, r in rows if wanted is None or sha in wanted]

    def errors(self, only: Iterable[str] | None = None) -> list[dict[str, Any]]:
        """The failures (of the paths in ``only``, else all), by path."""
        wanted = None if only is None else set(only)
        rows = self.db.execute("SELECT path, sha256, message FROM errors ORDER BY path")
        return [{"path": p, "sha256": s, "message": m} for p, s, m in rows
                if wanted is None or p in wanted]

    # -- shards -------------------------------------------------------------------

    def merge(self, shard: Path) -> None:
        """Join the records and failures of a shard database into this one.

        A failure is dropped where some database has the package's record:
        another shard (or a rerun) surveyed it.
        """
        if not shard.is_file():
            raise UsageError(f"--merge {shard}: no such database")
        try:
            self.db.execute("ATTACH DATABASE ? AS shard", (str(shard),))
        except sqlite3.DatabaseError as exc:
            raise UsageError(f"--merge {shard}: not a survey database ({exc})") from exc
        try:
            self._check(self.db, str(shard), "shard")
            with self.db:
                self.db.execute("BEGIN")
                self.db.execute("INSERT OR REPLACE INTO packages SELECT * FROM shard.packages")
                self.db.execute("INSERT OR REPLACE INTO errors SELECT * FROM shard.errors")
                self.db.execute("DELETE FROM errors WHERE sha256 IN "
                                "(SELECT sha256 FROM packages)")
        except sqlite3.DatabaseError as exc:
            raise UsageError(f"--merge {shard}: not a survey database ({exc})") from exc
        finally:
            self.db.execute("DETACH DATABASE shard")
