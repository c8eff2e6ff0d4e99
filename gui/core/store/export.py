"""Conversation exports (Markdown, JSON, HTML) and the checked reading of our JSON back.

The JSON export is the lossless one. It names no database ids: messages are listed oldest
first and a message's `parent` is the index of its parent in that list, so exporting, importing
and exporting again gives the very same text. Timestamps are kept as they were. The one change
on import is that a message exported while it was `streaming` comes back `interrupted`, since
nothing will finish it. No export contains secrets: the store never holds any, and `params`
is numbers only.
"""

from __future__ import annotations

import dataclasses
import html
import json
import math
import time
from collections.abc import Mapping, Sequence
from typing import Any

from gui.core.store.models import ROLES, Conversation, MessageStatus, StoredMessage, StoreError

FORMAT = "besedka-conversation"
FORMAT_VERSION = 1

_STATUS_NOTES = {
    MessageStatus.STOPPED: "Stopped before the reply was complete.",
    MessageStatus.INTERRUPTED: "Interrupted: the app closed while this reply was being written.",
    MessageStatus.STREAMING: "Still being written when exported.",
}


@dataclasses.dataclass(frozen=True)
class ImportedMessage:
    role: str
    text: str
    status: MessageStatus
    error: str
    provider: str
    model: str
    usage: dict[str, int]
    parent: int | None
    created_at: float


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


def _status_note(message: StoredMessage) -> str:
    if message.status is MessageStatus.FAILED:
        return f"Failed: {message.error}" if message.error else "Failed."
    return _STATUS_NOTES.get(message.status, "")


def _when(timestamp: float) -> str:
    return time.strftime("%Y-%m-%d %H:%M", time.localtime(timestamp))


def _single_line(text: str) -> str:
    return " ".join(text.split())


def _title(conversation: Conversation) -> str:
    return _single_line(conversation.title) or "Untitled conversation"


def _details(conversation: Conversation) -> list[str]:
    details = []
    if conversation.provider:
        details.append(f"Provider: {conversation.provider}")
    if conversation.model:
        details.append(f"Model: {conversation.model}")
    details.append(f"Started: {_when(conversation.created_at)}")
    if conversation.params:
        values = ", ".join(f"{key}={value}" for key, value in sorted(conversation.params.items()))
        details.append(f"Parameters: {values}")
    return details


def _speaker(message: StoredMessage) -> str:
    name = message.role.capitalize()
    return f"{name} · {message.model}" if message.role == "assistant" and message.model else name


def to_markdown(conversation: Conversation, messages: Sequence[StoredMessage]) -> str:
    parts = [f"# {_title(conversation)}", " · ".join(_details(conversation))]
    if conversation.system_prompt:
        parts += ["## System prompt", conversation.system_prompt]
    for message in messages:
        parts += [f"## {_speaker(message)}", message.text or "*(empty)*"]
        note = _status_note(message)
        if note:
            parts.append(f"> *{_single_line(note)}*")
    return "\n\n".join(parts) + "\n"


def to_json(conversation: Conversation, messages: Sequence[StoredMessage]) -> str:
    index = {message.id: position for position, message in enumerate(messages)}
    payload = {
        "format": FORMAT,
        "version": FORMAT_VERSION,
        "conversation": {
            "title": conversation.title,
            "provider": conversation.provider,
            "model": conversation.model,
            "system_prompt": conversation.system_prompt,
            "params": conversation.params,
            "pinned": conversation.pinned,
            "created_at": conversation.created_at,
            "updated_at": conversation.updated_at,
        },
        "messages": [
            {
                "role": message.role,
                "text": message.text,
                "status": str(message.status),
                "error": message.error,
                "provider": message.provider,
                "model": message.model,
                "usage": message.usage,
                "parent": index.get(message.parent_id) if message.parent_id is not None else None,
                "created_at": message.created_at,
            }
            for message in messages
        ],
    }
    return json.dumps(payload, ensure_ascii=False, indent=2, allow_nan=False) + "\n"


_CSS = """
:root { color-scheme: light dark; --fg: #1d1d1f; --bg: #ffffff; --muted: #6e6e73;
        --user: #eef3fb; --assistant: #f5f5f7; --system: #fbf6e9; --border: #d2d2d7; }
@media (prefers-color-scheme: dark) {
  :root { --fg: #f5f5f7; --bg: #1c1c1e; --muted: #a1a1a6;
          --user: #1f2b3d; --assistant: #2c2c2e; --system: #3a3422; --border: #3a3a3c; }
}
body { font: 16px/1.5 system-ui, sans-serif; color: var(--fg); background: var(--bg);
       max-width: 48rem; margin: 2rem auto; padding: 0 1rem; }
h1 { font-size: 1.5rem; margin-bottom: .25rem; }
.details { color: var(--muted); margin-top: 0; }
section { border: 1px solid var(--border); border-radius: .5rem; padding: .75rem 1rem;
          margin: 1rem 0; }
section.user { background: var(--user); }
section.assistant { background: var(--assistant); }
section.system { background: var(--system); }
h2 { font-size: .9rem; color: var(--muted); margin: 0 0 .5rem; }
.text { white-space: pre-wrap; overflow-wrap: anywhere; }
.note { color: var(--muted); font-style: italic; margin: .5rem 0 0; }
"""


def to_html(conversation: Conversation, messages: Sequence[StoredMessage]) -> str:
    """A standalone page: inline style only, no scripts, no remote resources, all text escaped."""
    escape = html.escape
    title = escape(_title(conversation))
    sections = []
    if conversation.system_prompt:
        sections.append(
            '<section class="system"><h2>System prompt</h2>'
            f'<div class="text">{escape(conversation.system_prompt)}</div></section>'
        )
    for message in messages:
        note = _status_note(message)
        note_html = f'<p class="note">{escape(note)}</p>' if note else ""
        sections.append(
            f'<section class="{escape(message.role)}"><h2>{escape(_speaker(message))}</h2>'
            f'<div class="text">{escape(message.text)}</div>{note_html}</section>'
        )
    details = escape(" · ".join(_details(conversation)))
    body = "\n".join(sections)
    return f"""<!DOCTYPE html>
<html>
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="Besedka">
<title>{title}</title>
<style>{_CSS}</style>
</head>
<body>
<h1>{title}</h1>
<p class="details">{details}</p>
{body}
</body>
</html>
"""


# Reading our JSON back: every value is checked, and the error says where the problem is.


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
    return value


def _number(data: Mapping[str, Any], key: str, where: str, default: float) -> float:
    value = data.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise _invalid(f"{where}.{key}", "must be a number")
    return float(value)


def _object(value: Any, where: str) -> Mapping[str, Any]:
    if not isinstance(value, dict):
        raise _invalid(where, "must be a JSON object")
    return value


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
        checked[key] = value
    return checked


def check_usage(usage: Mapping[str, Any], where: str = "usage") -> dict[str, int]:
    checked: dict[str, int] = {}
    for key, value in usage.items():
        if not isinstance(key, str) or isinstance(value, bool) or not isinstance(value, int):
            raise ValueError(f"{where}.{key} must be a whole number")
        checked[key] = value
    return checked


def _message(data: Any, position: int) -> ImportedMessage:
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
    return ImportedMessage(
        role=role,
        text=text,
        status=status,
        error=_text(item, "error", where),
        provider=_text(item, "provider", where),
        model=_text(item, "model", where),
        usage=usage,
        parent=parent,
        created_at=_number(item, "created_at", where, time.time()),
    )


def from_json(text: str) -> ImportedConversation:
    """Parse and check a JSON export; StoreError says what is wrong with foreign or broken files."""
    try:
        data = json.loads(text)
    except (json.JSONDecodeError, RecursionError) as error:
        raise StoreError(f"Cannot import: the file is not valid JSON ({error}).") from None
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
    created_at = _number(head, "created_at", "conversation", now)
    return ImportedConversation(
        title=_text(head, "title", "conversation"),
        provider=_text(head, "provider", "conversation"),
        model=_text(head, "model", "conversation"),
        system_prompt=_text(head, "system_prompt", "conversation"),
        params=params,
        pinned=pinned,
        created_at=created_at,
        updated_at=_number(head, "updated_at", "conversation", created_at),
        messages=tuple(_message(item, position) for position, item in enumerate(raw_messages)),
    )
