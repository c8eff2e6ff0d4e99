"""Besedka's library file (`besedka export --all`): every chat, whole trees, in one file.

    {"format": "besedka-library", "version": 1, "exported_at": <seconds>,
     "conversations": [<a conversation export, format v4>, ...]}

Each entry is exactly what a single chat's JSON export holds ("format":
"besedka-conversation", "version" 4, the conversation, "active", every message) plus
"key", the chat's identity: where it came from when it was imported (ChatGPT's id,
Chatbox's session id), else when it started and how it began (`common.native_key`). An
import skips entries whose key the history already holds, so importing a library twice
(or into the profile it came from) adds nothing the second time. A chat in a sidebar
folder has "folder", the folder's name: an import puts it in the folder of that name
(made when there is none).
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

from gui.core.chat_files import write_atomically
from gui.core.imports.report import Draft, ImportRefused, Report
from gui.core.imports.writer import key_of, noted_keys
from gui.core.store import Store
from gui.core.store.json_import import from_data

LIBRARY_FORMAT = "besedka-library"
LIBRARY_VERSION = 1


def check_version(value: Any) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ImportRefused(
            "invalid", "the library's version must be a whole number.", where="version"
        )
    if value > LIBRARY_VERSION:
        raise ImportRefused(
            "newer_version",
            f"the library has version {value}, made by a newer Besedka; update Besedka.",
            version=value,
        )


def draft(entry: Any, position: int) -> Draft:
    """One entry checked as a chat file is (`json_import.from_data`)."""
    if not isinstance(entry, dict):
        raise ImportRefused(
            "invalid", f"conversations[{position}] must be an object.", where=str(position)
        )
    key = entry.get("key")
    conversation = from_data(entry)
    folder = entry.get("folder")
    return Draft(
        key if isinstance(key, str) and key else None,
        conversation,
        folder if isinstance(folder, str) and folder.strip() else None,
    )


def export_library(store: Store, path: Path) -> Report:
    """Write every chat in the list (not the Trash) to `path` in one step; the report
    counts what went in. OSError when the file cannot be written (the old one stays)."""
    report = Report(str(path), format=LIBRARY_FORMAT)
    keys = noted_keys(store)
    folders = {folder.id: folder.name for folder in store.list_folders()}
    entries: list[str] = []
    for conversation in store.list_conversations():
        data = json.loads(store.export_json(conversation.id))
        with store._reading() as conn:
            key = keys.get(conversation.id) or key_of(
                conn, conversation.id, conversation.created_at
            )
        entry = {"key": key, **data}
        if conversation.folder_id in folders:
            entry["folder"] = folders[conversation.folder_id]
        entries.append(json.dumps(entry, ensure_ascii=False, allow_nan=False))
        report.conversations += 1
        report.messages += len(data["messages"])
        report.ids.append(conversation.id)
    head = json.dumps(
        {"format": LIBRARY_FORMAT, "version": LIBRARY_VERSION, "exported_at": time.time()}
    )
    text = head[:-1] + ', "conversations": [\n' + ",\n".join(entries) + "\n]}\n"
    write_atomically(path, text.encode("utf-8"))
    return report
