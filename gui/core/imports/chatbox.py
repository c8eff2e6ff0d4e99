"""Chatbox's export (Settings → Backup: "chatbox-exported-data-….json").

The file is Chatbox's storage as one JSON object: `__exported_items` and
`__exported_at` say what it holds; each conversation is a member `session:<id>` (older
versions keep them all in one list, `chat-sessions`). A session has `name`, `messages`
(each `{id, role, content or contentParts, reasoningContent, timestamp in ms, model}`),
`threads` (earlier threads of the session after "clear context", each with its own
messages) and `messageForksHash` (message id → `{position, lists: [{messages}]}`: the
other answers regenerated after that message; the one at `position` is the one shown,
kept in `messages`). A session's first system message is its system prompt; forks
become versions beside the answer shown; each thread becomes a chat of its own.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Iterator, Sequence
from typing import Any

from gui.core.imports.common import message, text_of, title_of, when
from gui.core.imports.report import Draft
from gui.core.store.conversations import title_from_text
from gui.core.store.json_import import ImportedConversation, ImportedMessage
from gui.core.store.models import MessageStatus

#: members that mark a Chatbox export
MARKERS = ("__exported_items", "__exported_at", "chat-sessions", "chat-sessions-list")


def is_marker(key: str | None) -> bool:
    return key is not None and (key in MARKERS or key.startswith("session:"))


def drafts(key: str | None, value: Any, skipped: Counter[str]) -> Iterator[Draft]:
    """The conversations one member of the export holds (none for settings and the like)."""
    if key is None:
        return
    if key == "chat-sessions" and isinstance(value, list):
        for session in value:
            yield from _session(session, skipped)
    elif key.startswith("session:"):
        yield from _session(value, skipped)


def _session(session: Any, skipped: Counter[str]) -> Iterator[Draft]:
    if not isinstance(session, dict) or not isinstance(session.get("messages", []), list):
        skipped["broken_conversations"] += 1
        return
    ident = text_of(session.get("id"))
    name = title_of(session.get("name"))
    threads = session.get("threads")
    for thread in threads if isinstance(threads, list) else []:
        if not isinstance(thread, dict) or not isinstance(thread.get("messages"), list):
            skipped["broken_conversations"] += 1
            continue
        thread_name = title_of(thread.get("name"))
        title = f"{name} — {thread_name}" if name and thread_name else name or thread_name
        thread_id = text_of(thread.get("id"))
        made = _conversation(thread["messages"], title, thread.get("createdAt"), skipped)
        if made is not None:
            yield Draft(f"chatbox:{ident}:{thread_id}" if ident and thread_id else None, made)
    made = _conversation(session.get("messages", []), name, None, skipped)
    if made is not None:
        yield Draft(f"chatbox:{ident}" if ident else None, made)


def _conversation(
    items: Sequence[Any], title: str, created: Any, skipped: Counter[str]
) -> ImportedConversation | None:
    now = time.time()
    stamps = [i.get("timestamp") for i in items if isinstance(i, dict)]
    started = when(created, when(stamps[0] if stamps else None, now, scale=0.001), scale=0.001)
    messages: list[ImportedMessage] = []
    system_prompt = ""
    if items and isinstance(items[0], dict) and items[0].get("role") == "system":
        system_prompt = _text(items[0], Counter())
        items = items[1:]
    active = _chain(items, None, started, messages, skipped, shown=True)
    if not messages:
        skipped["empty_conversations"] += 1
        return None
    return ImportedConversation(
        title=title or title_from_text(messages[0].text),
        provider="",
        model="",
        system_prompt=system_prompt,
        params={},
        pinned=False,
        created_at=started,
        updated_at=max(m.created_at for m in messages),
        messages=tuple(messages),
        active=active,
    )


def _chain(
    items: Sequence[Any],
    parent: int | None,
    started: float,
    messages: list[ImportedMessage],
    skipped: Counter[str],
    *,
    shown: bool,
) -> int | None:
    """Add a run of messages, each following the one before, and the forks under them;
    returns the index of the last one kept (where the path shown ends)."""
    last = parent
    for item in items:
        kept = _message(item, last, started, skipped)
        if kept is not None:
            messages.append(kept)
            last = len(messages) - 1
        forks = item.get("messageForksHash") if isinstance(item, dict) else None
        if not isinstance(forks, dict):
            continue
        # Forks are the other answers after a message: beside the one the run goes on with.
        for fork in forks.values():
            lists = fork.get("lists") if isinstance(fork, dict) else None
            position = fork.get("position") if isinstance(fork, dict) else None
            for number, branch in enumerate(lists if isinstance(lists, list) else []):
                branch_items = branch.get("messages") if isinstance(branch, dict) else None
                if number == position or not isinstance(branch_items, list):
                    continue
                _chain(branch_items, last, started, messages, skipped, shown=False)
    return last if shown else None


def _message(
    item: Any, parent: int | None, started: float, skipped: Counter[str]
) -> ImportedMessage | None:
    if not isinstance(item, dict):
        skipped["broken"] += 1
        return None
    role = item.get("role")
    if role == "system":
        skipped["system"] += 1
        return None
    if role == "tool":
        skipped["tool"] += 1
        return None
    if role not in ("user", "assistant"):
        skipped["broken"] += 1
        return None
    text = _text(item, skipped)
    reasoning = text_of(item.get("reasoningContent"))
    if not text.strip() and not reasoning.strip():
        skipped["empty"] += 1
        return None
    status = MessageStatus.INTERRUPTED if item.get("generating") else MessageStatus.COMPLETE
    if item.get("error") and role == "assistant":
        status = MessageStatus.FAILED
    return message(
        role,
        text,
        parent,
        when(item.get("timestamp"), started, scale=0.001),
        model=text_of(item.get("model")) if role == "assistant" else "",
        reasoning=reasoning,
        status=status,
    )


def _text(item: dict[str, Any], skipped: Counter[str]) -> str:
    """`contentParts`' text (newer Chatbox) or `content` (older); other parts counted."""
    parts = item.get("contentParts")
    if isinstance(parts, list) and parts:
        texts = []
        for part in parts:
            if isinstance(part, dict) and part.get("type") == "text":
                texts.append(text_of(part.get("text")))
            else:
                skipped["non_text_parts"] += 1
        return "\n\n".join(t for t in texts if t)
    content = item.get("content")
    if isinstance(content, list):  # a list of parts, as some versions wrote
        return _text({"contentParts": content}, skipped)
    return text_of(content)
