"""What every reader of a foreign export checks the same way: text, dates, messages."""

from __future__ import annotations

import hashlib
import math
from typing import Any

from gui.core.store.clean import clean
from gui.core.store.json_import import LATEST_TIMESTAMP, ImportedMessage
from gui.core.store.models import MessageStatus

#: a title longer than this is cut (a whole first message pasted as a name)
TITLE_LIMIT = 500


def text_of(value: Any) -> str:
    """A string as the store can keep it (lone surrogates replaced); "" for anything else."""
    return clean(value) if isinstance(value, str) else ""


def title_of(value: Any) -> str:
    return " ".join(text_of(value).split())[:TITLE_LIMIT]


def when(value: Any, default: float, *, scale: float = 1.0) -> float:
    """Seconds since 1970 for a date between 1970 and 9999 (`value` in units of `scale`
    seconds: 0.001 for milliseconds); `default` for anything else."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return default
    seconds = float(value) * scale
    if not math.isfinite(seconds) or not 0.0 <= seconds <= LATEST_TIMESTAMP:
        return default
    return seconds


def message(
    role: str,
    text: str,
    parent: int | None,
    created_at: float,
    *,
    model: str = "",
    reasoning: str = "",
    status: MessageStatus = MessageStatus.COMPLETE,
) -> ImportedMessage:
    return ImportedMessage(
        role=role,
        text=text,
        status=status,
        error=None,
        provider="",
        model=model,
        usage={},
        parent=parent,
        created_at=created_at,
        reasoning=reasoning,
    )


def native_key(created_at: float, first_text: str) -> str:
    """The identity of a chat made in Besedka, for a library export: when it started and
    how it began, which neither a rename nor a new message changes."""
    digest = hashlib.sha256(f"{created_at!r}\0{first_text}".encode("utf-8", "replace"))
    return f"besedka:{digest.hexdigest()[:32]}"
