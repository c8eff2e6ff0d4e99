"""Reading our JSON export back: every value is checked, and the error says where the problem is.

Format version 1 kept a message's error as an English sentence; it is read back as data as
well as it can be (the same reading as the schema v4 migration). Version 2 keeps the data.
Version 3 holds a tree; a chat of an older version whose messages name no parents is one
branch, each message following the one before it. Version 4 adds a reply's thinking,
version 5 its tool calls.

A file is someone else's data: above MAX_IMPORT_BYTES it is refused before it is parsed
(a 300 MB file would hold the window for minutes), a date must be one a clock can show
(1970 to 9999: the exports print it), and text JSON can carry but UTF-8 cannot (a lone
"\\ud800") is kept with U+FFFD in its place.
"""

from __future__ import annotations

import dataclasses
import json
import math
import sqlite3
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from gui.core.store import legacy_errors
from gui.core.store.attachment_json import ImportedFile, imported, link
from gui.core.store.clean import clean
from gui.core.store.database import dump
from gui.core.store.export import FORMAT, FORMAT_VERSION
from gui.core.store.models import ROLES, MessageStatus, StoreError, ToolStep
from gui.core.store.rows import error_json, tools_json
from gui.values import ErrorInfo


@dataclasses.dataclass(frozen=True)
class ImportedMessage:
    role: str
    text: str
    status: MessageStatus
    error: ErrorInfo | None
    provider: str
    model: str
    usage: dict[str, int]
    parent: int | None
    created_at: float
    finish_reason: str = ""
    reasoning: str = ""
    reasoning_ms: int = 0
    #: the tool calls a reply made and their results (format 5)
    tools: tuple[ToolStep, ...] = ()
    #: the files of a question, with their bytes (attachment_json)
    attachments: tuple[ImportedFile, ...] = ()


@dataclasses.dataclass(frozen=True)
class ImportedConversation:
    title: str
    provider: str
    model: str
    system_prompt: str
    params: dict[str, float | int]
    pinned: bool
    created_at: float
    updated_at: float
    messages: tuple[ImportedMessage, ...]
    #: the index of the end of the path shown (None: the last message)
    active: int | None = None


#: the largest export imported: far above any real chat, far below what freezes the window
MAX_IMPORT_BYTES = 100 * 1024 * 1024
#: the dates a message may carry: 1970-01-01 to 9999-12-31 (UTC)
LATEST_TIMESTAMP = 253_402_300_799.0
#: a day of thinking, in milliseconds
LONGEST_REASONING_MS = 86_400_000


def too_big(size: int) -> StoreError | None:
    """The refusal for a file of `size` bytes (or characters), None when it may be read."""
    if size <= MAX_IMPORT_BYTES:
        return None
    return StoreError(
        f"Cannot import: the file is {size / 1_048_576:.0f} MB; Besedka imports chats of up"
        f" to {MAX_IMPORT_BYTES // 1_048_576} MB."
    )


def _invalid(where: str, problem: str) -> StoreError:
    return StoreError(f"Cannot import: {where} {problem}.")


def _text(data: Mapping[str, Any], key: str, where: str, *, required: bool = False) -> str:
    if key not in data:
        if required:
            raise _invalid(f"{where}.{key}", "is missing")
        return ""
    value = data[key]
    if not isinstance(value, str):
        raise _invalid(f"{where}.{key}", "must be a string")
    return clean(value)


def _number(data: Mapping[str, Any], key: str, where: str, default: float) -> float:
    value = data.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise _invalid(f"{where}.{key}", "must be a number")
    return float(value)


def _timestamp(data: Mapping[str, Any], key: str, where: str, default: float) -> float:
    """Seconds since 1970 for a date between 1970 and 9999."""
    value = _number(data, key, where, default)
    if not 0.0 <= value <= LATEST_TIMESTAMP:
        raise _invalid(f"{where}.{key}", "must be a date between 1970 and 9999")
    return value


def _reasoning_ms(data: Mapping[str, Any], where: str) -> int:
    value = data.get("reasoning_ms", 0)
    if (
        isinstance(value, bool)
        or not isinstance(value, int)
        or not 0 <= value <= LONGEST_REASONING_MS
    ):
        raise _invalid(f"{where}.reasoning_ms", "must be a whole number of milliseconds")
    return value


def _object(value: Any, where: str) -> Mapping[str, Any]:
    if not isinstance(value, dict):
        raise _invalid(where, "must be a JSON object")
    return value


#: Parameters whose number is a whole count or a code (gui.core.context): the range each
#: may take. `reasoning_effort` 1, 2, 3 stand for low, medium, high.
_WHOLE_PARAMS = {"context_tokens": (0, 100_000_000), "reasoning_effort": (1, 3)}


def check_params(params: Mapping[str, Any], where: str = "params") -> dict[str, float | int]:
    """Parameters are numbers keyed by name; anything else (a key, say) is refused."""
    checked: dict[str, float | int] = {}
    for key, value in params.items():
        if (
            not isinstance(key, str)
            or isinstance(value, bool)
            or not isinstance(value, int | float)
            or (isinstance(value, float) and not math.isfinite(value))
        ):
            raise ValueError(f"{where}.{key} must be a finite number")
        if key in _WHOLE_PARAMS:
            low, high = _WHOLE_PARAMS[key]
            if value != int(value) or not low <= value <= high:
                raise ValueError(f"{where}.{key} must be a whole number from {low} to {high}")
            value = int(value)
        checked[key] = value
    return checked


def check_usage(usage: Mapping[str, Any], where: str = "usage") -> dict[str, int]:
    checked: dict[str, int] = {}
    for key, value in usage.items():
        if not isinstance(key, str) or isinstance(value, bool) or not isinstance(value, int):
            raise ValueError(f"{where}.{key} must be a whole number")
        checked[key] = value
    return checked


_ERROR_TEXTS = ("kind", "reason", "provider", "detail")


def _error(item: Mapping[str, Any], where: str) -> ErrorInfo | None:
    """null, an object as `ErrorInfo.to_data()` writes it, or a sentence (format 1)."""
    value = item.get("error")
    where = f"{where}.error"
    if value is None:
        return None
    if isinstance(value, str):
        return legacy_errors.parse(value)
    data = _object(value, where)
    for key in _ERROR_TEXTS:
        _text(data, key, where, required=key == "kind")
    status = data.get("status")
    if status is not None and (isinstance(status, bool) or not isinstance(status, int)):
        raise _invalid(f"{where}.status", "must be null or a whole number")
    for key, param in _object(data.get("params", {}), f"{where}.params").items():
        if isinstance(param, bool) or not isinstance(param, str | int | float):
            raise _invalid(f"{where}.params.{key}", "must be a string or a number")
        if isinstance(param, float) and not math.isfinite(param):
            raise _invalid(f"{where}.params.{key}", "must be a finite number")
    return ErrorInfo.from_data(data)


def _message(data: Any, position: int, now: float) -> ImportedMessage:
    where = f"messages[{position}]"
    item = _object(data, where)
    role = _text(item, "role", where, required=True)
    if role not in ROLES:
        raise _invalid(f"{where}.role", f"must be one of {', '.join(ROLES)}")
    text = _text(item, "text", where, required=True)
    status_name = item.get("status", MessageStatus.COMPLETE.value)
    try:
        status = MessageStatus(status_name)
    except ValueError:
        allowed = ", ".join(status.value for status in MessageStatus)
        raise _invalid(f"{where}.status", f"must be one of {allowed}") from None
    if status is MessageStatus.STREAMING:
        status = MessageStatus.INTERRUPTED
    parent = item.get("parent")
    if parent is not None and (
        isinstance(parent, bool) or not isinstance(parent, int) or not 0 <= parent < position
    ):
        raise _invalid(f"{where}.parent", "must be null or the index of an earlier message")
    try:
        usage = check_usage(_object(item.get("usage", {}), f"{where}.usage"), f"{where}.usage")
    except ValueError as error:
        raise StoreError(f"Cannot import: {error}.") from None
    raw_tools = item.get("tools", [])
    if not isinstance(raw_tools, list):
        raise _invalid(f"{where}.tools", "must be a list")
    tools = tuple(ToolStep.from_data(step) for step in raw_tools)
    if None in tools:
        raise _invalid(f"{where}.tools", "must hold tool steps")
    return ImportedMessage(
        role=role,
        text=text,
        status=status,
        error=_error(item, where),
        tools=tuple(step for step in tools if step is not None),
        provider=_text(item, "provider", where),
        model=_text(item, "model", where),
        usage=usage,
        parent=parent,
        created_at=_timestamp(item, "created_at", where, now),
        finish_reason=_text(item, "finish_reason", where),
        reasoning=_text(item, "reasoning", where),
        reasoning_ms=_reasoning_ms(item, where),
        attachments=imported(item.get("attachments"), where),
    )


def from_json(text: str) -> ImportedConversation:
    """Parse and check a JSON export; StoreError says what is wrong with foreign or broken files."""
    refusal = too_big(len(text))
    if refusal is not None:
        raise refusal
    try:
        data = json.loads(text)
    except (json.JSONDecodeError, RecursionError) as error:
        raise StoreError(f"Cannot import: the file is not valid JSON ({error}).") from None
    return from_data(data)


def from_data(data: Any) -> ImportedConversation:
    """Check an export already parsed (one entry of a library, say), as `from_json` does."""
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise StoreError(
            f'Cannot import: this is not a Besedka conversation export (no "format": "{FORMAT}").'
        )
    version = data.get("version")
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise _invalid("version", "must be a positive whole number")
    if version > FORMAT_VERSION:
        raise StoreError(
            f"Cannot import: the export has format version {version}, made by a newer Besedka; "
            f"this one reads up to version {FORMAT_VERSION}. Update Besedka to import it."
        )
    head = _object(data.get("conversation"), "conversation")
    try:
        params = check_params(_object(head.get("params", {}), "conversation.params"))
    except ValueError as error:
        raise StoreError(f"Cannot import: conversation.{error}.") from None
    pinned = head.get("pinned", False)
    if not isinstance(pinned, bool):
        raise _invalid("conversation.pinned", "must be true or false")
    raw_messages = data.get("messages")
    if not isinstance(raw_messages, list):
        raise _invalid("messages", "must be a list")
    now = time.time()
    created_at = _timestamp(head, "created_at", "conversation", now)
    messages = tuple(_message(item, n, now) for n, item in enumerate(raw_messages))
    active = data.get("active")
    if active is not None and (
        isinstance(active, bool) or not isinstance(active, int) or not 0 <= active < len(messages)
    ):
        raise _invalid("active", "must be null or the index of a message")
    if version < 3 and all(message.parent is None for message in messages):
        # Before trees a chat was its messages in order: each follows the one before.
        messages = tuple(
            dataclasses.replace(message, parent=position - 1 if position else None)
            for position, message in enumerate(messages)
        )
    return ImportedConversation(
        title=_text(head, "title", "conversation"),
        provider=_text(head, "provider", "conversation"),
        model=_text(head, "model", "conversation"),
        system_prompt=_text(head, "system_prompt", "conversation"),
        params=params,
        pinned=pinned,
        created_at=created_at,
        updated_at=_timestamp(head, "updated_at", "conversation", created_at),
        messages=messages,
        active=active,
    )


def insert_conversation(
    conn: sqlite3.Connection, data: ImportedConversation, files_dir: Path | None = None
) -> int:
    """Write a checked conversation, its whole tree and the path shown inside the caller's
    transaction; returns its id. `Store.import_json` and the importers of other clients'
    exports (`gui.core.imports`) share it, so a tree is stored one way."""
    cursor = conn.execute(
        "INSERT INTO conversations (title, provider, model, system_prompt, params, pinned,"
        " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (
            data.title,
            data.provider,
            data.model,
            data.system_prompt,
            dump(data.params),
            int(data.pinned),
            data.created_at,
            data.updated_at,
        ),
    )
    conversation_id = cursor.lastrowid
    assert conversation_id is not None
    ids: list[int] = []
    for message in data.messages:
        cursor = conn.execute(
            "INSERT INTO messages (conversation_id, role, text, status, error, provider,"
            " model, usage, parent_id, created_at, updated_at, finish_reason,"
            " reasoning, reasoning_ms, tools)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                conversation_id,
                message.role,
                message.text,
                message.status.value,
                error_json(message.error),
                message.provider,
                message.model,
                dump(message.usage),
                None if message.parent is None else ids[message.parent],
                message.created_at,
                message.created_at,
                message.finish_reason,
                message.reasoning,
                message.reasoning_ms,
                tools_json(message.tools),
            ),
        )
        assert cursor.lastrowid is not None
        ids.append(cursor.lastrowid)
        if message.attachments and files_dir is not None:  # into the history's folder
            link(conn, files_dir, conversation_id, cursor.lastrowid, message.attachments)
    if ids:
        leaf = ids[data.active] if data.active is not None else ids[-1]
        conn.execute("UPDATE conversations SET leaf_id = ? WHERE id = ?", (leaf, conversation_id))
    return conversation_id
