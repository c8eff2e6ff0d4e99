"""Assistants: named presets of a system prompt, provider, model and parameters (issue
#22), kept in `assistants.json` beside the settings, in the person's order.

A chat started from an assistant gets a copy of them (the conversation's own system
prompt, provider, model and parameters), so editing the assistant later never rewrites
old chats. The file is written whole to a temporary file and renamed; a damaged or
missing file gives the shipped assistants in the interface language.
"""

from __future__ import annotations

import json
import math
import os
import tempfile
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

FILE_NAME = "assistants.json"
FORMAT_VERSION = 1
#: Parameters an assistant may set, and their ranges (the Parameters dialog's).
PARAMS: dict[str, tuple[float, float]] = {
    "temperature": (0.0, 2.0),
    "top_p": (0.0, 1.0),
    "max_tokens": (1, 1_000_000),
    "reasoning_effort": (1, 3),  # low, medium, high, as the Parameters dialog keeps it
}
WHOLE = frozenset({"max_tokens", "reasoning_effort"})
MAX_PROMPT_CHARS = 100_000


@dataclass(frozen=True)
class Assistant:
    id: str
    name: str
    icon: str = ""
    system_prompt: str = ""
    #: "" = the provider (and model) chosen when the chat starts
    provider: str = ""
    model: str = ""
    params: dict[str, float | int] = field(default_factory=dict)

    def duplicate(self, name: str) -> Assistant:
        return replace(self, id=new_id(), name=name, params=dict(self.params))

    def to_data(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "icon": self.icon,
            "system_prompt": self.system_prompt,
            "provider": self.provider,
            "model": self.model,
            "params": dict(self.params),
        }


def new_id() -> str:
    return uuid.uuid4().hex[:12]


def checked(data: Mapping[str, Any]) -> Assistant | None:
    """An assistant from saved or edited data; None when it is not one (no name)."""
    name = str(data.get("name", "")).strip()[:80]
    if not name:
        return None
    params: dict[str, float | int] = {}
    raw = data.get("params")
    for key, (low, high) in PARAMS.items():
        value = raw.get(key) if isinstance(raw, Mapping) else None
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            continue
        if math.isfinite(value) and low <= value <= high:
            params[key] = int(value) if key in WHOLE else float(value)
    return Assistant(
        id=str(data.get("id") or new_id())[:40],
        name=name,
        icon=str(data.get("icon", ""))[:8],
        system_prompt=str(data.get("system_prompt", ""))[:MAX_PROMPT_CHARS],
        provider=str(data.get("provider", ""))[:80],
        model=str(data.get("model", ""))[:200],
        params=params,
    )


def shipped(language: str) -> list[Assistant]:
    """The assistants a new profile starts with, in the interface language."""
    russian = language == "ru"
    table = _SHIPPED_RU if russian else _SHIPPED_EN
    return [
        Assistant(id=ident, name=name, icon=icon, system_prompt=prompt, params=dict(params))
        for ident, icon, name, prompt, params in table
    ]


class AssistantBook:
    """The assistants file of a profile."""

    def __init__(self, config_dir: Path, language: str = "en") -> None:
        self.path = config_dir / FILE_NAME
        self.language = language

    def load(self) -> list[Assistant]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return shipped(self.language)
        items = data.get("assistants") if isinstance(data, dict) else None
        if not isinstance(items, list):
            return shipped(self.language)
        found = [a for item in items if isinstance(item, dict) and (a := checked(item))]
        seen: set[str] = set()
        unique = []
        for assistant in found:  # ids stay unique whatever the file says
            if assistant.id in seen:
                assistant = replace(assistant, id=new_id())
            seen.add(assistant.id)
            unique.append(assistant)
        return unique

    def save(self, assistants: Iterable[Assistant]) -> None:
        """Written whole and renamed over the old file: a crash leaves one or the other."""
        payload = {
            "format": FORMAT_VERSION,
            "assistants": [assistant.to_data() for assistant in assistants],
        }
        text = json.dumps(payload, ensure_ascii=False, indent=2)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=".assistants-", dir=self.path.parent)
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                out.write(text)
                out.flush()
                os.fsync(out.fileno())
            os.replace(temporary, self.path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise


_SHIPPED_EN = (
    (
        "editor",
        "✍️",
        "Careful editor",
        "You are a careful editor. Correct grammar, spelling and style; keep the author's"
        " meaning and voice. Reply with the corrected text, then a short list of what"
        " you changed and why.",
        {"temperature": 0.3},
    ),
    (
        "translator",
        "🌐",
        "Translator",
        "You translate between Russian and English. Keep the meaning, tone and formatting;"
        " reply with the translation only.",
        {"temperature": 0.2},
    ),
    (
        "reviewer",
        "🔍",
        "Code reviewer",
        "You are a senior engineer reviewing code. Point out bugs, risks and unclear parts,"
        " most important first, each with a concrete fix.",
        {"temperature": 0.2},
    ),
    (
        "summarizer",
        "📝",
        "Summarizer",
        "Summarize the text you are given in a few short bullet points, then one sentence"
        " with the main conclusion.",
        {"temperature": 0.3},
    ),
)
_SHIPPED_RU = (
    (
        "editor",
        "✍️",
        "Внимательный редактор",
        "Ты внимательный редактор. Исправляй грамматику, орфографию и стиль, сохраняя"
        " смысл и голос автора. Ответь исправленным текстом, затем коротким списком"
        " правок и их причин.",
        {"temperature": 0.3},
    ),
    (
        "translator",
        "🌐",
        "Переводчик",
        "Ты переводишь с русского на английский и с английского на русский. Сохраняй смысл,"
        " тон и оформление; отвечай только переводом.",
        {"temperature": 0.2},
    ),
    (
        "reviewer",
        "🔍",
        "Ревьюер кода",
        "Ты опытный инженер и проверяешь код. Укажи ошибки, риски и неясные места, начиная"
        " с самых важных, и для каждого — конкретное исправление.",
        {"temperature": 0.2},
    ),
    (
        "summarizer",
        "📝",
        "Краткое изложение",
        "Изложи данный текст в нескольких коротких пунктах, затем одним предложением —"
        " главный вывод.",
        {"temperature": 0.3},
    ),
)
