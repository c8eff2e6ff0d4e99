"""Chat history in SQLite: conversations, messages, full-text search, export and import.

Qt-free and aiohttp-free on purpose, so the window, `besedka ask` and tests share one store.
"""

from gui.core.store.folders import Folder
from gui.core.store.models import (
    UNCHANGED,
    ChatTools,
    Conversation,
    DamagedHistoryError,
    DatabaseTooNewError,
    MessageStatus,
    SearchHit,
    StoredMessage,
    StoreError,
    ToolStep,
    Unchanged,
)
from gui.core.store.store import Store, title_from_text

__all__ = [
    "UNCHANGED",
    "ChatTools",
    "Conversation",
    "DamagedHistoryError",
    "DatabaseTooNewError",
    "Folder",
    "MessageStatus",
    "SearchHit",
    "Store",
    "StoreError",
    "StoredMessage",
    "ToolStep",
    "Unchanged",
    "title_from_text",
]
