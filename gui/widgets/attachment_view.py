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

__all__ = ["FILE_LINK", "file_link", "files_html", "files_of", "parse_file_link"]

#: A file's link in the view: `besedka:attachment/<message id>/<index>` (Tab reaches it,
#: Enter or a click opens its preview).
FILE_LINK = "besedka:attachment/"

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


def file_link(message_id: int, index: int) -> str:
    return f"{FILE_LINK}{message_id}/{index}"


def parse_file_link(url: str) -> tuple[int, int] | None:
    """(message id, index of the file) of a file's link; None for any other link."""
    if not url.startswith(FILE_LINK):
        return None
    ident, _, index = url[len(FILE_LINK) :].partition("/")
    return (int(ident), int(index)) if ident.isdigit() and index.isdigit() else None


def _message_of(document: QTextDocument, files: Sequence[Any]) -> int | None:
    """Which shown message these files are (files_of hands out the tuple it keeps)."""
    known = _FILES.get(document, {})
    found = next((ident for ident, kept in known.items() if kept is files), None)
    return (
        found
        if found is not None
        else next((ident for ident, kept in known.items() if kept == tuple(files)), None)
    )


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
    return f'<img src="{name}" width="{width}" height="{height}">'


def files_html(document: QTextDocument, files: Sequence[Any], dark: bool = False) -> str:
    """HTML for the files above a question's text (names escaped)."""
    from PySide6.QtCore import QCoreApplication

    colour = "#a8adb7" if dark else "#5f6673"
    message_id = _message_of(document, files)
    parts = []
    for index, file in enumerate(files):
        image = _thumb_resource(document, file)
        name = html_lib.escape(str(file.name))
        label = f"📎 {name} · {human_size(int(file.size))}"
        if message_id is None:
            shown = f"{image}<br>" if image else ""
            parts.append(f'<p>{shown}<span style="color:{colour}">{label}</span></p>')
            continue
        href = file_link(message_id, index)
        title = html_lib.escape(
            QCoreApplication.translate("Attachments", "Preview {0}").format(file.name), quote=True
        )
        opened = f'<a href="{href}" title="{title}" style="color:{colour}; text-decoration:none">'
        picture = f"{opened}{image}</a><br>" if image else ""
        parts.append(f"<p>{picture}{opened}{label}</a></p>")
    return "".join(parts)
