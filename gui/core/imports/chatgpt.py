"""ChatGPT's data export (`conversations.json`): its message graph becomes our tree.

Each conversation keeps its messages in `mapping`, node id → {message, parent,
children}; an edited question or a regenerated answer is a second child of the same
parent, which is exactly a version here. `current_node` ends the branch the person saw
last: it becomes the path shown. What the chat never showed as text is left out and
counted: system and developer messages, tool calls and their output, messages marked
hidden (custom instructions), images, code runs and browsing. A message left out
hands its children to its nearest kept ancestor, so the conversation reads on. A
reasoning model's thoughts become the thinking of the reply that follows them.
"""

from __future__ import annotations

import dataclasses
import time
from collections import Counter
from collections.abc import Mapping
from typing import Any

from gui.core.imports.common import message, text_of, title_of, when
from gui.core.imports.report import Draft
from gui.core.store.conversations import title_from_text
from gui.core.store.json_import import ImportedConversation, ImportedMessage

_TEXT_TYPES = ("text", "multimodal_text")


def looks_like(value: Any) -> bool:
    """A ChatGPT conversation: an object with a `mapping` of nodes."""
    return isinstance(value, dict) and isinstance(value.get("mapping"), dict)


def draft(item: Any, skipped: Counter[str]) -> Draft | None:
    """One conversation of the export, or None (counted in `skipped`) when nothing of it
    can be shown."""
    if not looks_like(item):
        skipped["broken_conversations"] += 1
        return None
    mapping: Mapping[str, Any] = item["mapping"]
    started = when(item.get("create_time"), time.time())
    messages: list[ImportedMessage] = []
    #: node id → the index of the message it continues (itself when kept)
    placed: dict[str, int | None] = {}
    #: node id → the thinking above it not yet given to a reply
    thinking: dict[str, str] = {}
    for node_id, node, parent_id in _preorder(mapping):
        parent = placed.get(parent_id) if parent_id is not None else None
        above = thinking.get(parent_id, "") if parent_id is not None else ""
        thought = _thoughts(node)
        if thought is not None:  # a reasoning model's thinking: the next reply's
            placed[node_id] = parent
            thinking[node_id] = "\n\n".join(t for t in (above, thought) if t)
            continue
        kept = _message(node, parent, started, skipped)
        if kept is not None:
            if above and kept.role == "assistant":
                kept = dataclasses.replace(kept, reasoning=above)
            messages.append(kept)
            placed[node_id] = len(messages) - 1
        else:
            placed[node_id] = parent
            if above:
                thinking[node_id] = above
    if not messages:
        skipped["empty_conversations"] += 1
        return None
    current = item.get("current_node")
    active = placed.get(current) if isinstance(current, str) else None
    ident = item.get("conversation_id") or item.get("id")
    conversation = ImportedConversation(
        title=title_of(item.get("title")) or title_from_text(messages[0].text),
        provider="",
        model=text_of(item.get("default_model_slug")),
        system_prompt="",
        params={},
        pinned=False,
        created_at=started,
        updated_at=when(item.get("update_time"), started),
        messages=tuple(messages),
        active=active if active is not None else len(messages) - 1,
    )
    key = f"chatgpt:{ident}" if isinstance(ident, str) and ident else None
    return Draft(key, conversation)


def _preorder(mapping: Mapping[str, Any]) -> list[tuple[str, Any, str | None]]:
    """(node id, node, parent id) with every parent before its children, each node once
    (a graph with a cycle or a missing parent still reads; no recursion: chats are long)."""
    order: list[tuple[str, Any, str | None]] = []
    seen: set[str] = set()
    roots = [
        node_id
        for node_id, node in mapping.items()
        if not isinstance(node, dict) or node.get("parent") not in mapping
    ]
    # Nodes on a cycle have a parent in the mapping but no root above them: walk them last.
    for start in [*roots, *mapping]:
        if start in seen:
            continue
        stack: list[tuple[str, str | None]] = [(start, None)]
        while stack:
            node_id, parent_id = stack.pop()
            if node_id in seen or node_id not in mapping:
                continue
            seen.add(node_id)
            node = mapping[node_id]
            order.append((node_id, node, parent_id))
            children = node.get("children") if isinstance(node, dict) else None
            if isinstance(children, list):
                stack.extend((c, node_id) for c in reversed(children) if isinstance(c, str))
    return order


def _thoughts(node: Any) -> str | None:
    """The text of a node of thinking ("thoughts", "reasoning_recap"), None for others."""
    data = node.get("message") if isinstance(node, dict) else None
    content = data.get("content") if isinstance(data, dict) else None
    if not isinstance(content, dict):
        return None
    kind = content.get("content_type")
    if kind == "reasoning_recap":
        return ""  # "Thought for 8 seconds": the thinking itself came before
    if kind != "thoughts":
        return None
    pieces = content.get("thoughts")
    texts: list[str] = []
    for piece in pieces if isinstance(pieces, list) else []:
        if isinstance(piece, dict):
            texts.extend(text_of(piece.get(k)) for k in ("summary", "content"))
    return "\n\n".join(t for t in texts if t.strip())


def _message(
    node: Any, parent: int | None, started: float, skipped: Counter[str]
) -> ImportedMessage | None:
    if not isinstance(node, dict):
        skipped["broken"] += 1
        return None
    data = node.get("message")
    if data is None:
        return None  # the graph's root holds no message: nothing was left out
    author = data.get("author") if isinstance(data, dict) else None
    content = data.get("content") if isinstance(data, dict) else None
    if not isinstance(author, dict) or not isinstance(content, dict):
        skipped["broken"] += 1
        return None
    role = author.get("role")
    metadata = data.get("metadata")
    metadata = metadata if isinstance(metadata, dict) else {}
    if role in ("system", "developer"):
        # Every conversation starts with an empty hidden one: structure, not content.
        parts = content.get("parts")
        said = isinstance(parts, list) and any(isinstance(p, str) and p.strip() for p in parts)
        if said:
            skipped["system"] += 1
        return None
    if role == "tool" or (role == "assistant" and data.get("recipient", "all") != "all"):
        skipped["tool"] += 1
        return None
    if role not in ("user", "assistant"):
        skipped["broken"] += 1
        return None
    if metadata.get("is_visually_hidden_from_conversation") or metadata.get(
        "is_user_system_message"
    ):
        skipped["hidden"] += 1
        return None
    kind = content.get("content_type")
    if kind == "user_editable_context":
        skipped["hidden"] += 1
        return None
    if kind not in _TEXT_TYPES:
        skipped["non_text"] += 1
        return None
    parts = content.get("parts")
    parts = parts if isinstance(parts, list) else []
    texts = [part for part in parts if isinstance(part, str)]
    others = len(parts) - len(texts)
    text = text_of("\n\n".join(part for part in texts if part))
    if not text.strip():
        skipped["non_text" if others else "empty"] += 1
        return None
    if others:
        skipped["non_text_parts"] += others
    model = text_of(metadata.get("model_slug")) if role == "assistant" else ""
    return message(role, text, parent, when(data.get("create_time"), started), model=model)
