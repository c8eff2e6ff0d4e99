"""Issue #22: automatic backups, one a day at most, the newest five kept; a backup
that cannot be written leaves no file."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from gui.core.backup import KEEP, PREFIX, auto_backup, manifest_of, write_backup
from gui.core.store import Store


def test_backups_come_once_a_day_and_only_the_newest_stay(tmp_path: Path) -> None:
    config, folder = tmp_path / "config", tmp_path / "backups"
    config.mkdir()
    with Store.open(tmp_path / "history.sqlite3") as store:
        chat = store.create_conversation(title="Чат")
        store.add_message(chat.id, "user", "Привет")
        day = 24 * 3600
        start = time.time() - 10 * day
        written = []
        for n in range(8):
            made = auto_backup(store, config, folder, now=start + n * day)
            assert made is not None
            os.utime(made, (start + n * day, start + n * day))
            written.append(made)
        assert auto_backup(store, config, folder, now=start + 7 * day + 3600) is None  # not due
    kept = sorted(folder.glob(f"{PREFIX}*.zip"))
    assert kept == written[-KEEP:]
    manifest = manifest_of(kept[-1])
    assert manifest is not None and manifest["conversations"] == 1


def test_a_backup_that_cannot_be_written_leaves_nothing(tmp_path: Path) -> None:
    """Its folder cannot be made (a file is in the way): the error, and no file left."""
    with Store.open(tmp_path / "history.sqlite3") as store:
        store.create_conversation(title="Чат")
        blocker = tmp_path / "full"
        blocker.write_text("x")
        before = [p.name for p in tmp_path.iterdir() if not p.name.startswith("history")]
        with pytest.raises((FileExistsError, NotADirectoryError)):
            write_backup(store, tmp_path, blocker / "b.zip")
    assert [p.name for p in tmp_path.iterdir() if not p.name.startswith("history")] == before
