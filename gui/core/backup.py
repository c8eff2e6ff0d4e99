"""A full backup in one file (issue #22): every chat with its whole tree (Besedka's
library format), the assistants and the settings — never a key: keys live in the
keychain and the settings file holds none. A .zip written to a temporary file and
renamed, so a failure leaves the old backup (or nothing) and never half a file.

Restoring is importing it (`gui.core.imports` reads the library inside; chats already
in the history are not added twice), then `restore_extras`: assistants merged by id,
the settings taken only by a profile that has none, the sidebar folders merged by their
key (or name) with each chat put back in its folder unless it is in one already.
Automatic backups go to the data folder's `backups/`, one a day at most, the newest
KEEP kept.
"""

from __future__ import annotations

import json
import os
import sqlite3
import tempfile
import time
import zipfile
from pathlib import Path
from typing import Any

from gui.core.assistants import FILE_NAME as ASSISTANTS_FILE
from gui.core.imports import Report, export_library
from gui.core.store import Store

BACKUP_FORMAT = "besedka-backup"
BACKUP_VERSION = 1
MANIFEST, LIBRARY, SETTINGS = "manifest.json", "library.json", "besedka.ini"
FOLDERS = "folders.json"
KEEP = 5
EVERY_S = 24 * 3600
PREFIX = "besedka-backup-"


def write_backup(store: Store, config_dir: Path, path: Path) -> Report:
    """Write the backup to `path`; the report counts its chats and messages. OSError when
    it cannot be written (then nothing changed)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=".backup-", suffix=".zip", dir=path.parent)
    os.close(handle)
    library = Path(temporary + ".library.json")
    try:
        report = export_library(store, library)
        manifest = {
            "format": BACKUP_FORMAT,
            "version": BACKUP_VERSION,
            "created_at": time.time(),
            "conversations": report.conversations,
            "messages": report.messages,
        }
        with zipfile.ZipFile(temporary, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr(MANIFEST, json.dumps(manifest))
            archive.write(library, LIBRARY)
            archive.writestr(FOLDERS, json.dumps(_folders(store), ensure_ascii=False))
            for name in (ASSISTANTS_FILE, SETTINGS):
                if (config_dir / name).is_file():
                    archive.write(config_dir / name, name)
        with open(temporary, "rb") as written:
            os.fsync(written.fileno())
        os.replace(temporary, path)
    finally:
        library.unlink(missing_ok=True)
        Path(temporary).unlink(missing_ok=True)
    report.path = str(path)
    return report


def manifest_of(path: Path) -> dict[str, Any] | None:
    """The backup's manifest, or None when `path` is not a Besedka backup."""
    try:
        with zipfile.ZipFile(path) as archive:
            data = json.loads(archive.read(MANIFEST))
    except (OSError, KeyError, ValueError, zipfile.BadZipFile):
        return None
    if not isinstance(data, dict) or data.get("format") != BACKUP_FORMAT:
        return None
    return data


def restore_extras(path: Path, config_dir: Path, store: Store | None = None) -> dict[str, int]:
    """After the chats: the backup's assistants not in the profile yet (by id), its
    settings when the profile has none, and (given the `store`) its folders. Returns
    what was taken."""
    taken = {"assistants": 0, "settings": 0, "folders": 0}
    with zipfile.ZipFile(path) as archive:
        names = set(archive.namelist())
        if FOLDERS in names and store is not None:
            taken["folders"] = _restore_folders(store, archive.read(FOLDERS))
        if ASSISTANTS_FILE in names:
            taken["assistants"] = _merge_assistants(archive.read(ASSISTANTS_FILE), config_dir)
        if SETTINGS in names and not (config_dir / SETTINGS).exists():
            config_dir.mkdir(parents=True, exist_ok=True)
            (config_dir / SETTINGS).write_bytes(archive.read(SETTINGS))
            taken["settings"] = 1
    return taken


def _folders(store: Store) -> dict[str, Any]:
    """The folders and, for each, its chats by the keys the library gives them."""
    from gui.core.imports.writer import key_of, noted_keys

    keys = noted_keys(store)
    members: dict[int, list[dict[str, Any]]] = {}
    for conversation in store.list_conversations():
        if conversation.folder_id is None:
            continue
        with store._reading() as conn:
            key = keys.get(conversation.id) or key_of(
                conn, conversation.id, conversation.created_at
            )
        chat = {"key": key, "created_at": conversation.created_at}
        members.setdefault(conversation.folder_id, []).append(chat)
    folders = [
        {
            "key": folder.key,
            "name": folder.name,
            "collapsed": folder.collapsed,
            "chats": members.get(folder.id, []),
        }
        for folder in store.list_folders()
    ]
    return {"version": 1, "folders": folders}


def _restore_folders(store: Store, data: bytes) -> int:
    """Each folder found by key, else by name, else made (open or closed as it was); its
    chats (found by key) put in it when they are at the top level. One transaction;
    returns how many folders were made or found by name."""
    from gui.core.store.folders import merge_folder

    try:
        items = json.loads(data).get("folders", [])
    except (ValueError, AttributeError):
        return 0
    made = 0
    with store._writing() as conn:
        for item in items if isinstance(items, list) else []:
            if not isinstance(item, dict) or not isinstance(item.get("name"), str):
                continue
            key = item.get("key") if isinstance(item.get("key"), str) else None
            merged = merge_folder(conn, item["name"], key)
            if merged is None:
                continue
            folder_id, fresh = merged
            if fresh:  # made now, or found by its name: as it was in the backup
                made += 1
                closed = int(bool(item.get("collapsed")))
                conn.execute("UPDATE folders SET collapsed = ? WHERE id = ?", (closed, folder_id))
            chats = item.get("chats")
            for chat in chats if isinstance(chats, list) else []:
                found = _chat_for(conn, chat) if isinstance(chat, dict) else None
                if found is not None:
                    conn.execute(
                        "UPDATE conversations SET folder_id = ? WHERE id = ? AND folder_id IS NULL",
                        (folder_id, found),
                    )
    return made


def _chat_for(conn: sqlite3.Connection, chat: dict[str, Any]) -> int | None:
    """The chat a backup's key names: noted at its import, or (made in Besedka) found by
    when it started and how it began."""
    from gui.core.imports.writer import KEY_PREFIX, key_of

    key, created_at = chat.get("key"), chat.get("created_at")
    if not isinstance(key, str):
        return None
    row = conn.execute("SELECT value FROM meta WHERE key = ?", (KEY_PREFIX + key,)).fetchone()
    if row is not None and str(row[0]).isdigit():
        return int(row[0])
    if isinstance(created_at, (int, float)) and not isinstance(created_at, bool):
        rows = conn.execute("SELECT id FROM conversations WHERE created_at = ?", (created_at,))
        for (ident,) in rows.fetchall():
            if key_of(conn, ident, created_at) == key:
                return int(ident)
    return None


def _merge_assistants(data: bytes, config_dir: Path) -> int:
    from gui.core.assistants import AssistantBook, checked

    try:
        items = json.loads(data).get("assistants", [])
    except (ValueError, AttributeError):
        return 0
    book = AssistantBook(config_dir)
    had = book.load() if book.path.exists() else []
    known = {assistant.id for assistant in had}
    new = [a for item in items if isinstance(item, dict) and (a := checked(item))]
    added = [assistant for assistant in new if assistant.id not in known]
    if added or not book.path.exists():
        book.save([*had, *added] if book.path.exists() else new)
    return len(added) if book.path.exists() else len(new)


def auto_backup(
    store: Store, config_dir: Path, folder: Path, *, keep: int = KEEP, now: float | None = None
) -> Path | None:
    """A backup in `folder` when the newest there is older than a day (None when none was
    due); then only the newest `keep` stay."""
    now = time.time() if now is None else now
    folder.mkdir(parents=True, exist_ok=True)
    existing = sorted(folder.glob(f"{PREFIX}*.zip"))
    if existing and now - existing[-1].stat().st_mtime < EVERY_S:
        return None
    stamp = time.strftime("%Y%m%d-%H%M%S", time.localtime(now))
    written = folder / f"{PREFIX}{stamp}.zip"
    write_backup(store, config_dir, written)
    for old in sorted(folder.glob(f"{PREFIX}*.zip"))[:-keep]:
        old.unlink(missing_ok=True)
    return written
