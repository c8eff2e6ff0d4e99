"""What an import hands back: counts as data (the window and the command line word them),
refusals as reason codes, and the conversation drafts the readers make."""

from __future__ import annotations

import dataclasses
from collections import Counter
from typing import Any

from gui.core.store.json_import import ImportedConversation
from gui.core.store.models import StoreError

#: the formats `detect` tells apart
BESEDKA, LIBRARY, CHATGPT, CHATBOX = "besedka", "besedka-library", "chatgpt", "chatbox"

#: Why something was left out, as `Report.skipped` counts it. Messages: "system" (a
#: system or developer message), "tool" (a tool's output, or a reply addressed to a
#: tool), "hidden" (marked hidden from the chat: custom instructions, context), "non_text"
#: (an image, code run, browsing result, thoughts…: nothing we can show as text), "empty"
#: (no text at all), "broken" (not the shape the format has). "non_text_parts": pieces of
#: a kept message that were not text (an image beside a question). Conversations:
#: "empty_conversations" (nothing left to show), "broken_conversations".
SKIP_REASONS = (
    "system",
    "tool",
    "hidden",
    "non_text",
    "empty",
    "broken",
    "non_text_parts",
    "empty_conversations",
    "broken_conversations",
)


@dataclasses.dataclass(frozen=True)
class Draft:
    """A conversation ready to be written; `key` names it across imports (None: a copy is
    added every time, as a single Besedka chat file always was)."""

    key: str | None
    conversation: ImportedConversation
    #: the sidebar folder it was in (a library's "folder"; None: the top level)
    folder: str | None = None


@dataclasses.dataclass
class Report:
    """What one file gave: conversations and messages added, conversations already in the
    history (`duplicates`), what was left out by reason (`SKIP_REASONS`)."""

    path: str
    format: str = ""
    conversations: int = 0
    messages: int = 0
    duplicates: int = 0
    skipped: Counter[str] = dataclasses.field(default_factory=Counter)
    #: ids of the conversations added, in the order of the file
    ids: list[int] = dataclasses.field(default_factory=list)
    #: the first conversation's title (a single chat imported is named)
    first_title: str = ""
    #: how far through the file the reading is, for a progress bar
    done_bytes: int = 0
    total_bytes: int = 0
    cancelled: bool = False

    def to_data(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "format": self.format,
            "conversations": self.conversations,
            "messages": self.messages,
            "duplicates": self.duplicates,
            "skipped": dict(self.skipped),
            "cancelled": self.cancelled,
        }


class ImportRefused(StoreError):
    """A file that cannot be imported, as a reason code and its values; the text (plain
    English) is for logs and for callers that show StoreError as it is.

    Reasons: "unknown_format", "not_json", "too_big" (size, limit in bytes),
    "no_conversations_json" (a zip without a ChatGPT export), "damaged" (an archive
    that breaks while read), "invalid" (where)."""

    def __init__(self, reason: str, english: str, **params: str | int) -> None:
        super().__init__(f"Cannot import: {english}")
        self.reason = reason
        self.params = params


class Cancelled(Exception):
    """The person cancelled the import; everything it had written was taken back."""
