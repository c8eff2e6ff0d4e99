"""Messages as rows: the columns read, and a row turned into a `StoredMessage`.

A message's error is data (`ErrorInfo`, JSON in the `error` column, NULL for none), so the
interface can say it in its own language. A row is read leniently: a value a person (or a
damaged disk) changed into something we never write still shows, instead of stopping the
window from opening the chat.
"""

from __future__ import annotations

import json
import sqlite3

from gui.core.store.clean import clean
from gui.core.store.models import MessageStatus, StoredMessage, ToolStep
from gui.values import ErrorInfo

COLUMNS = (
    "id, conversation_id, role, text, status, error, provider, model, usage, parent_id,"
    " created_at, finish_reason, reasoning, reasoning_ms, tools"
)


def error_json(error: ErrorInfo | None) -> str | None:
    """An error as the `error` column holds it."""
    return None if error is None else clean(error.to_json())


def _error(text: str | None) -> ErrorInfo | None:
    if not text:
        return None
    try:
        return ErrorInfo.from_json(text)
    except ValueError:  # edited by hand, say: still show what it says
        return ErrorInfo(kind="failed", detail=text)


def _status(value: str) -> MessageStatus:
    try:
        return MessageStatus(value)
    except ValueError:  # nothing will finish it: as a crash leaves a reply
        return MessageStatus.INTERRUPTED


def _usage(text: str) -> dict[str, int]:
    try:
        usage = json.loads(text)
    except (TypeError, ValueError):
        return {}
    if not isinstance(usage, dict):
        return {}
    return {k: v for k, v in usage.items() if isinstance(v, int) and not isinstance(v, bool)}


def tools_json(steps: tuple[ToolStep, ...] | list[ToolStep]) -> str:
    """Steps as the `tools` column holds them ('' for none)."""
    if not steps:
        return ""
    return clean(json.dumps([step.to_data() for step in steps], ensure_ascii=False))


def tool_steps(text: str) -> tuple[ToolStep, ...]:
    """The `tools` column read leniently: what is not a step is left out."""
    if not text:
        return ()
    try:
        data = json.loads(text)
    except ValueError:
        return ()
    if not isinstance(data, list):
        return ()
    steps = (ToolStep.from_data(item) for item in data)
    return tuple(step for step in steps if step is not None)


def message_from_row(row: sqlite3.Row) -> StoredMessage:
    """A row of COLUMNS (plus `version` and `versions` where the query counted them)."""
    keys = row.keys()
    return StoredMessage(
        id=row["id"],
        conversation_id=row["conversation_id"],
        role=row["role"],
        text=row["text"],
        status=_status(row["status"]),
        error=_error(row["error"]),
        provider=row["provider"],
        model=row["model"],
        usage=_usage(row["usage"]),
        parent_id=row["parent_id"],
        created_at=row["created_at"],
        finish_reason=row["finish_reason"],
        version=row["version"] if "version" in keys else 1,
        versions=row["versions"] if "versions" in keys else 1,
        reasoning=row["reasoning"],
        reasoning_ms=row["reasoning_ms"],
        tools=tool_steps(row["tools"]) if "tools" in keys else (),
    )
