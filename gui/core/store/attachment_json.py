"""Attachments in our JSON export (format 5 and later, optional key `attachments` of a
message): each file's name, type, size, SHA-256 and bytes (base64), so an import brings
the files back into the history's folder, checked against their hash."""

from __future__ import annotations

import base64
import binascii
import contextlib
import dataclasses
import hashlib
import os
import sqlite3
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from gui.core.store.attachments import content_path
from gui.core.store.models import StoreError

__all__ = ["ImportedFile", "exported", "imported", "link"]

#: what an export may carry of one file (above any attachment limit)
MAX_FILE_BYTES = 64 * 1024 * 1024


@dataclasses.dataclass(frozen=True)
class ImportedFile:
    name: str
    mime: str
    sha256: str
    data: bytes


def exported(files: Sequence[Any]) -> list[dict[str, Any]]:
    """The files as the export carries them (a file gone from the disk: without data)."""
    out: list[dict[str, Any]] = []
    for file in files:
        item: dict[str, Any] = {
            "name": file.name,
            "mime": file.mime,
            "size": file.size,
            "sha256": file.sha256,
        }
        with contextlib.suppress(OSError):  # gone from the disk: named, without bytes
            item["data"] = base64.b64encode(Path(file.path).read_bytes()).decode("ascii")
        out.append(item)
    return out


def imported(raw: Any, where: str) -> tuple[ImportedFile, ...]:
    """A message's `attachments`, checked (a file whose bytes do not match its hash is
    refused; one exported without its bytes is left out)."""
    if raw is None:
        return ()
    if not isinstance(raw, list):
        raise StoreError(f"Cannot import: {where}.attachments must be a list.")
    files: list[ImportedFile] = []
    for number, item in enumerate(raw):
        at = f"{where}.attachments[{number}]"
        if not isinstance(item, dict) or not all(
            isinstance(item.get(k), str) for k in ("name", "mime", "sha256")
        ):
            raise StoreError(f"Cannot import: {at} must have a name, a type and a hash.")
        if not isinstance(item.get("data"), str):
            continue
        if len(item["data"]) > MAX_FILE_BYTES * 4 // 3 + 4:
            raise StoreError(f"Cannot import: {at} is too big.")
        try:
            data = base64.b64decode(item["data"], validate=True)
        except (binascii.Error, ValueError):
            raise StoreError(f"Cannot import: {at}.data is not base64.") from None
        sha256 = hashlib.sha256(data).hexdigest()
        if sha256 != item["sha256"]:
            raise StoreError(f"Cannot import: {at} does not match its hash.")
        name = os.path.basename(item["name"]) or sha256[:12]  # a name, never a path
        files.append(ImportedFile(name, item["mime"], sha256, data))
    return tuple(files)


def link(
    conn: sqlite3.Connection,
    directory: Path,
    conversation_id: int,
    message_id: int,
    files: Sequence[ImportedFile],
) -> None:
    """Put imported files in the folder (if not there) and attach them to the message."""
    for position, file in enumerate(files):
        target = content_path(directory, file.sha256)
        if not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            partial = target.with_name(f".import-{file.sha256}")
            partial.write_bytes(file.data)
            os.replace(partial, target)
        conn.execute(
            "INSERT OR IGNORE INTO attachments (sha256, name, mime, size, created_at)"
            " VALUES (?, ?, ?, ?, ?)",
            (file.sha256, file.name, file.mime, len(file.data), time.time()),
        )
        conn.execute(
            "INSERT INTO message_attachments"
            " (message_id, position, conversation_id, sha256, name) VALUES (?, ?, ?, ?, ?)",
            (message_id, position, conversation_id, file.sha256, file.name),
        )


#: pictures an HTML export shows inline, as data URIs (never a link to elsewhere)
_INLINE = frozenset({"image/png", "image/jpeg", "image/gif", "image/webp", "image/bmp"})


def html_files(files: Sequence[Any]) -> str:
    """A question's files in an HTML export: pictures inline (data URIs), others named."""
    import html

    parts: list[str] = []
    for file in files:
        name = html.escape(str(file.name))
        if file.mime in _INLINE:
            try:
                data = base64.b64encode(Path(file.path).read_bytes()).decode("ascii")
            except OSError:
                data = ""
            if data:
                parts.append(
                    f'<figure><img src="data:{file.mime};base64,{data}" alt="{name}"'
                    f' style="max-width:100%"><figcaption>{name}</figcaption></figure>'
                )
                continue
        parts.append(f'<p class="note">📎 {name} ({int(file.size)} bytes)</p>')
    return "".join(parts)
