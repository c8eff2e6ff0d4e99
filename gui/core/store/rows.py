"""Messages as rows: the columns read, and a row turned into a `StoredMessage`.

A message's error is data (`ErrorInfo`, JSON in the `error` column, NULL for none), so the
interface can say it in its own language.
"""

from __future__ import annotations

import json
import sqlite3

from gui.core.store.models import MessageStatus, StoredMessage
from gui.values import ErrorInfo

COLUMNS = (
    "id, conversation_id, role, text, status, error, provider, model, usage, parent_id,"
    " created_at, finish_reason"
)


def error_json(error: ErrorInfo | None) -> str | None:
    """An error as the `error` column holds it."""
    return None if error is None else error.to_json()


def _error(text: str | None) -> ErrorInfo | None:
    if not text:
        return None
    try:
        return ErrorInfo.from_json(text)
    except ValueError:  # edited by hand, say: still show what it says
        return ErrorInfo(kind="failed", detail=text)


def message_from_row(row: sqlite3.Row) -> StoredMessage:
    """A row of COLUMNS (plus `version` and `versions` where the query counted them)."""
    keys = row.keys()
    return StoredMessage(
        id=row["id"],
        conversation_id=row["conversation_id"],
        role=row["role"],
        text=row["text"],
        status=MessageStatus(row["status"]),
        error=_error(row["error"]),
        provider=row["provider"],
        model=row["model"],
        usage=json.loads(row["usage"]),
        parent_id=row["parent_id"],
        created_at=row["created_at"],
        finish_reason=row["finish_reason"],
        version=row["version"] if "version" in keys else 1,
        versions=row["versions"] if "versions" in keys else 1,
    )
