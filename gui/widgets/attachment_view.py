"""A sent question's files in the conversation: a line per file (name, size) and, for a
picture, its thumbnail. The thumbnail is our own small copy beside the file
(`<file>.thumb.png`, written when it was attached), given to the document as a resource
under an `attachment:` name: nothing is ever loaded from elsewhere."""

from __future__ import annotations

import html as html_lib
import weakref
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from PySide6.QtCore import QUrl
from PySide6.QtGui import QImage, QTextDocument

from gui.widgets.attachment_chips import human_size

__all__ = ["files_html", "files_of"]

THUMB_SIDE = 160
#: each document's messages' files: a re-render (theme, language) gets a message's text
#: and role again, not its files
_FILES: weakref.WeakKeyDictionary[QTextDocument, dict[int, tuple[Any, ...]]] = (
    weakref.WeakKeyDictionary()
)


def files_of(document: QTextDocument, message: Any) -> tuple[Any, ...]:
    """The files of a message shown in `document` (remembered for its re-renders)."""
    files = tuple(getattr(message, "attachments", ()) or ())
    known = _FILES.setdefault(document, {})
    if files:
        known[message.id] = files
        return files
    return known.get(message.id, ())


def _thumb_resource(document: QTextDocument, file: Any) -> str:
    """The resource name of a picture's thumbnail, added to `document`; "" for none."""
    if not str(getattr(file, "mime", "")).startswith("image/"):
        return ""
    thumb = Path(f"{file.path}.thumb.png")
    if not thumb.is_file() or thumb.stat().st_size > 2 * 1024 * 1024:
        return ""
    image = QImage(str(thumb))
    if image.isNull():
        return ""
    name = f"attachment:{file.sha256}"
    document.addResource(QTextDocument.ResourceType.ImageResource, QUrl(name), image)
    scale = min(1.0, THUMB_SIDE / max(image.width(), image.height(), 1))
    width, height = round(image.width() * scale), round(image.height() * scale)
    return f'<img src="{name}" width="{width}" height="{height}"><br>'


def files_html(document: QTextDocument, files: Sequence[Any], dark: bool = False) -> str:
    """HTML for the files above a question's text (names escaped)."""
    colour = "#a8adb7" if dark else "#5f6673"
    parts = []
    for file in files:
        image = _thumb_resource(document, file)
        name = html_lib.escape(str(file.name))
        parts.append(
            f'<p>{image}<span style="color:{colour}">📎 {name} · {human_size(int(file.size))}'
            "</span></p>"
        )
    return "".join(parts)
