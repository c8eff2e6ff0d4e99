"""#22 with #19: a full backup carries the chats' attachments, and restoring it into a
fresh profile gives the files back (same bytes, under the new profile), once only."""

from __future__ import annotations

import zipfile
from pathlib import Path

from gui.core.backup import write_backup
from gui.core.imports import import_path
from gui.core.store import Store
from tests.gui.core.test_attachments import PNG, attached, picture


async def test_backup_then_restore_keeps_the_attachments(tmp_path: Path) -> None:
    old = Store.open(tmp_path / "old" / "history.sqlite3")
    chat = old.create_conversation(provider="gigachat").id
    question = old.add_message(chat, "user", "Что на фото?")
    photo = await attached(old, picture(tmp_path))
    old.link_attachments(question, [photo.stored])
    old.add_message(chat, "assistant", "Кот.")
    backup = tmp_path / "backup.zip"
    report = write_backup(old, tmp_path / "old-config", backup)
    old.close()
    assert report.conversations == 1
    assert zipfile.is_zipfile(backup)

    fresh = Store.open(tmp_path / "fresh" / "history.sqlite3")
    try:
        first = import_path(fresh, backup)
        assert first.conversations == 1
        (restored,) = fresh.list_conversations()
        asked = fresh.messages(restored.id)[0]
        assert asked.text == "Что на фото?"
        (file,) = asked.attachments
        assert (file.name, file.mime, file.size) == ("cat.png", "image/png", len(PNG))
        assert Path(file.path).read_bytes() == PNG  # noqa: ASYNC240
        assert Path(file.path).is_relative_to(tmp_path / "fresh")
        again = import_path(fresh, backup)  # a second restore adds nothing
        assert again.conversations == 0 and again.duplicates == 1
        assert len(fresh.list_conversations()) == 1
        assert [p for p in fresh.attachments_dir.rglob("*") if p.is_file()] == [Path(file.path)]
    finally:
        fresh.close()
