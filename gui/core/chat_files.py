"""A chat written to a file (Markdown, JSON or HTML) and a JSON export read back.

Qt-free, for the window and the command line alike.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from gui.core.errors import english

if TYPE_CHECKING:
    from pathlib import Path

    from gui.core.store import Conversation, Store
    from gui.values import ErrorInfo

__all__ = ["export_file", "import_file"]


def export_file(
    store: Store,
    conversation_id: int,
    path: Path,
    kind: str,
    *,
    label_of: Callable[[str], str],
    error_text: Callable[[ErrorInfo], str] | None = None,
) -> None:
    """Write a chat as Markdown ("md"), JSON or HTML; OSError when the file cannot.

    Markdown and HTML are documents for a person: providers by label (`label_of`), failures
    worded by `error_text` (else plain English, `gui.core.errors.english`), the active path
    only. JSON keeps the whole tree and both as data, for import."""
    if kind == "json":
        text = store.export_json(conversation_id)
    else:
        export = store.export_html if kind == "html" else store.export_markdown
        text = export(conversation_id, label_of=label_of, error_text=error_text or english)
    path.write_text(text, encoding="utf-8")


def import_file(store: Store, path: Path) -> Conversation:
    """Add a chat exported as JSON: OSError, UnicodeDecodeError or StoreError if not."""
    return store.import_json(path.read_text(encoding="utf-8"))
