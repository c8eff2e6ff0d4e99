"""Chat history in SQLite: conversations, messages, full-text search, export and import.

Qt-free and aiohttp-free on purpose, so the window, `besedka ask` and tests share one store.
"""

from gui.core.store.models import (
    Conversation,
    DatabaseTooNewError,
    MessageStatus,
    SearchHit,
    StoredMessage,
    StoreError,
)
from gui.core.store.store import Store, title_from_text

__all__ = [
    "Conversation",
    "DatabaseTooNewError",
    "MessageStatus",
    "SearchHit",
    "Store",
    "StoreError",
    "StoredMessage",
    "title_from_text",
]
