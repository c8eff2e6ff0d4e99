"""Exports as other clients write them, built node by node (ChatGPT) or session by
session (Chatbox), with the fields those files really carry."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

T0 = 1_700_000_000.0


def node(
    ident: str,
    parent: str | None,
    children: list[str],
    role: str | None,
    parts: list[Any] | None = None,
    *,
    kind: str = "text",
    recipient: str = "all",
    when: float | None = T0,
    **metadata: Any,
) -> dict[str, Any]:
    message = None
    if role is not None:
        message = {
            "id": ident,
            "author": {"role": role, "name": None, "metadata": {}},
            "create_time": when,
            "update_time": None,
            "content": {"content_type": kind, "parts": parts if parts is not None else [""]},
            "status": "finished_successfully",
            "end_turn": True,
            "weight": 1.0,
            "metadata": metadata,
            "recipient": recipient,
        }
    return {"id": ident, "message": message, "parent": parent, "children": children}


def branched_chat(ident: str = "conv-1", title: str = "Ветки") -> dict[str, Any]:
    """A question answered twice (regenerated), the second answer continued; then the
    follow-up question edited, and the edit answered: the person last saw the edit."""
    mapping = {
        "root": node("root", None, ["sys"], None),
        "sys": node(
            "sys", "root", ["u1"], "system", [""], is_visually_hidden_from_conversation=True
        ),
        "u1": node("u1", "sys", ["a1", "a1b"], "user", ["Как дела?"], when=T0 + 1),
        "a1": node("a1", "u1", [], "assistant", ["Хорошо."], when=T0 + 2, model_slug="gpt-4o"),
        "a1b": node("a1b", "u1", ["u2", "u2e"], "assistant", ["Отлично!"], when=T0 + 3),
        "u2": node(
            "u2",
            "a1b",
            ["a2"],
            "user",
            ["Покажи картинку", {"asset": "x"}],
            kind="multimodal_text",
            when=T0 + 4,
        ),
        "a2": node(
            "a2",
            "u2",
            ["tool"],
            "assistant",
            ['{"query": "cat"}'],
            recipient="dalle.text2im",
            when=T0 + 5,
        ),
        "tool": node("tool", "a2", [], "tool", [{"asset": "image"}], kind="multimodal_text"),
        "u2e": node("u2e", "a1b", ["a3"], "user", ["Расскажи анекдот"], when=T0 + 6),
        "a3": node("a3", "u2e", ["code"], "assistant", ["Колобок повесился."], when=T0 + 7),
        "code": node("code", "a3", [], "assistant", ["print(1)"], kind="code", when=T0 + 8),
    }
    return {
        "id": ident,
        "conversation_id": ident,
        "title": title,
        "create_time": T0,
        "update_time": T0 + 8,
        "mapping": mapping,
        "current_node": "code",
        "default_model_slug": "gpt-4o",
        "moderation_results": [],
        "is_archived": False,
    }


def simple_chat(ident: str, turns: int, words: str = "слово word") -> dict[str, Any]:
    """`turns` questions and answers in one branch."""
    mapping: dict[str, Any] = {"root": node("root", None, [], None)}
    parent = "root"
    for number in range(turns * 2):
        name = f"{ident}-m{number}"
        role = "user" if number % 2 == 0 else "assistant"
        mapping[name] = node(name, parent, [], role, [f"{words} {number}"], when=T0 + number)
        mapping[parent]["children"].append(name)
        parent = name
    return {
        "id": ident,
        "title": f"Chat {ident}",
        "create_time": T0,
        "update_time": T0 + turns * 2,
        "mapping": mapping,
        "current_node": parent,
    }


def write_chatgpt(path: Path, conversations: list[dict[str, Any]]) -> Path:
    path.write_text(json.dumps(conversations, ensure_ascii=False), encoding="utf-8")
    return path


def chatbox_export() -> dict[str, Any]:
    """A Chatbox backup: one session with a system prompt, a regenerated answer kept in
    `messageForksHash`, an image part; an earlier thread; settings with a key that must
    never be read."""
    session = {
        "id": "s-1",
        "name": "Рецепты",
        "type": "chat",
        "messages": [
            {"id": "m0", "role": "system", "content": "Ты повар.", "timestamp": 1_700_000_000_000},
            {
                "id": "m1",
                "role": "user",
                "contentParts": [
                    {"type": "text", "text": "Как сварить борщ?"},
                    {"type": "image", "storageKey": "picture:1"},
                ],
                "timestamp": 1_700_000_001_000,
                "messageForksHash": {
                    "m1": {
                        "position": 1,
                        "lists": [
                            {
                                "id": "f0",
                                "messages": [
                                    {
                                        "id": "m2a",
                                        "role": "assistant",
                                        "content": "Первый ответ",
                                        "timestamp": 1_700_000_002_000,
                                    },
                                ],
                            },
                            {"id": "f1", "messages": []},
                        ],
                        "createdAt": 1_700_000_002_500,
                    }
                },
            },
            {
                "id": "m2",
                "role": "assistant",
                "contentParts": [{"type": "text", "text": "Свёкла, капуста…"}],
                "reasoningContent": "Подумаем.",
                "model": "deepseek-chat",
                "aiProvider": "deepseek",
                "timestamp": 1_700_000_003_000,
            },
            {"id": "m3", "role": "assistant", "content": "", "timestamp": 1_700_000_004_000},
        ],
        "threads": [
            {
                "id": "t-1",
                "name": "Раньше",
                "createdAt": 1_690_000_000_000,
                "messages": [
                    {
                        "id": "o1",
                        "role": "user",
                        "content": "Старый вопрос",
                        "timestamp": 1_690_000_000_000,
                    },
                    {
                        "id": "o2",
                        "role": "assistant",
                        "content": "Старый ответ",
                        "timestamp": 1_690_000_001_000,
                    },
                ],
            }
        ],
    }
    return {
        "__exported_items": ["setting", "conversations", "copilot"],
        "__exported_at": "2024-05-01T10:00:00.000Z",
        "settings": {"providers": {"openai": {"apiKey": "sk-secret-never-imported"}}},
        "chat-sessions-list": [{"id": "s-1", "name": "Рецепты", "type": "chat", "starred": True}],
        "session:s-1": session,
        "my-copilots": [],
    }
