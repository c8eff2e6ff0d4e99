"""The active path's history kept between questions, so a long chat is not read again.

Every question sends the whole path; reading 1,000 messages back from SQLite is about
1.5 ms on the GUI thread before the request can start. The store keeps what it read last
for a few conversations and changes it with its own writes (a message added at the end, a
text saved); anything else it does to a path forgets it, and so does a write by another
connection (`PRAGMA data_version` moves then).
"""

from __future__ import annotations

import dataclasses
import sqlite3

#: conversations kept: the open one and a few others streaming meanwhile
KEPT = 4


@dataclasses.dataclass
class _Path:
    leaf: int
    ids: list[int]
    turns: list[tuple[str, str]]
    index: dict[int, int]


class PathMemo:
    """(role, text) along each conversation's path, as of the store's last read or write."""

    def __init__(self) -> None:
        self._paths: dict[int, _Path] = {}
        self._data_version: int | None = None

    def get(
        self, conn: sqlite3.Connection, conversation_id: int, leaf: int
    ) -> list[tuple[str, str]] | None:
        if self._paths and self._version(conn) != self._data_version:
            self._paths.clear()  # another connection wrote: it may have changed anything
        path = self._paths.get(conversation_id)
        if path is None or path.leaf != leaf:
            return None
        return list(path.turns)

    def put(
        self,
        conn: sqlite3.Connection,
        conversation_id: int,
        leaf: int,
        rows: list[tuple[int, str, str]],
    ) -> list[tuple[str, str]]:
        """Keep a path just read (rows of id, role, text, root first); its turns."""
        if not self._paths:
            self._data_version = self._version(conn)
        ids = [row[0] for row in rows]
        turns = [(row[1], row[2]) for row in rows]
        self._paths.pop(conversation_id, None)
        self._paths[conversation_id] = _Path(leaf, ids, turns, {m: i for i, m in enumerate(ids)})
        while len(self._paths) > KEPT:
            del self._paths[next(iter(self._paths))]
        return list(turns)

    def appended(
        self, conversation_id: int, parent: int | None, message_id: int, role: str, text: str
    ) -> None:
        """A message was added (and became the leaf) in this conversation."""
        path = self._paths.get(conversation_id)
        if path is None:
            return
        if parent != path.leaf:
            del self._paths[conversation_id]
            return
        path.index[message_id] = len(path.ids)
        path.ids.append(message_id)
        path.turns.append((role, text))
        path.leaf = message_id

    def text_changed(self, message_id: int, text: str) -> None:
        for path in self._paths.values():
            position = path.index.get(message_id)
            if position is not None:
                path.turns[position] = (path.turns[position][0], text)

    def forget(self) -> None:
        """The store changed a path some other way (delete, switch, import…)."""
        self._paths.clear()

    @staticmethod
    def _version(conn: sqlite3.Connection) -> int:
        return int(conn.execute("PRAGMA data_version").fetchone()[0])
