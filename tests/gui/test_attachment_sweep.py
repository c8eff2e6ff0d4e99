"""Files attached and never sent (the chip removed, the app quit mid-message) leave the
history's folder at the next sweep — a minute after start, then every six hours — and
nothing a message names, nothing in the message box now and nothing attached in the last
hour is touched; and exporting a chat with its pictures runs off the window's thread
(offscreen Qt, a real history file, real files)."""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

from gui.attach_controller import SWEEP_EVERY_MS, SWEEP_FIRST_MS, AttachController
from gui.core.store import Store
from gui.core.store.attachments import thumbnail_path
from gui.widgets.main_window import MainWindow
from gui.wiring import Wiring
from tests.gui.conftest import wait_for


def attach_of(window: MainWindow) -> AttachController:
    wiring = window.findChild(Wiring)
    assert wiring is not None
    return wiring.attach


def age(path: Path, hours: float) -> None:
    then = time.time() - hours * 3600
    os.utime(path, (then, then))


async def test_unsent_files_go_and_sent_ones_stay(
    window: MainWindow, store: Store, tmp_path: Path, qtbot: Any
) -> None:
    files = tmp_path / "files"
    files.mkdir()
    for name, text in [("sent.md", "# sent"), ("dropped.md", "# dropped"), ("now.md", "# now")]:
        (files / name).write_text(text, encoding="utf-8")
    (files / "draft.md").write_text("# draft", encoding="utf-8")
    attach = attach_of(window)
    assert attach.sweeper.isActive() and attach.sweeper.interval() == SWEEP_FIRST_MS

    await attach.add_files([str(files / "sent.md")])
    window.composer.setPlainText("Keep this one")
    window.composer.submit()
    await wait_for(lambda: "Hello, world!" in window.view.toPlainText())
    await attach.add_files([str(files / "dropped.md")])  # attached, then taken off
    from PySide6.QtCore import Qt

    chips = window.composer.chips
    qtbot.mouseClick(chips.chip(chips.order()[0]).remove_button, Qt.MouseButton.LeftButton)
    await attach.add_files([str(files / "draft.md")])  # still in the message box
    picked = {p.stored.name: Path(p.stored.path) for p in attach.picked.values()}
    await attach.add_files([str(files / "now.md")])
    just_now = next(
        Path(p.stored.path) for p in attach.picked.values() if p.stored.name == "now.md"
    )
    window.composer.chips.clear()
    attach.picked = {k: p for k, p in attach.picked.items() if p.stored.name == "draft.md"}

    chat = store.list_conversations()[0].id
    sent = Path(store.messages_by_id(store.path_ids(chat))[0].attachments[0].path)
    folder = store.attachments_dir
    dropped = next(p for p in folder.rglob("*") if p.is_file() and p.read_bytes() == b"# dropped")
    leftover = folder / ".incoming-abc123"
    leftover.write_bytes(b"cut short")
    thumb = thumbnail_path(dropped)
    thumb.write_bytes(b"png")
    for path in (sent, dropped, leftover, thumb, picked["draft.md"]):
        age(path, 3)  # all from a session three hours ago; now.md was attached just now

    removed = await attach.sweep()
    assert removed == 3  # the dropped file, its thumbnail and the cut-short copy
    assert not dropped.exists() and not thumb.exists() and not leftover.exists()
    assert sent.read_bytes() == b"# sent"  # noqa: ASYNC240  # a message names it
    assert picked["draft.md"].exists()  # in the message box now
    assert just_now.exists()  # attached in the last hour (another window may send it)
    assert attach.sweeper.interval() == SWEEP_EVERY_MS

    # After a restart nothing is in the message box: the old draft goes, the rest stays.
    again = Store.open(store.path)
    try:
        assert again.sweep_unsent() == 1
        assert not picked["draft.md"].exists()
        assert sent.exists() and just_now.exists()  # noqa: ASYNC240
    finally:
        again.close()


async def test_exporting_a_chat_with_a_picture_runs_off_the_window_thread(
    window: MainWindow, store: Store, tmp_path: Path
) -> None:
    import base64

    from PySide6.QtGui import QColor, QImage

    image = QImage(1200, 900, QImage.Format.Format_RGB32)
    image.fill(QColor("#2a6"))
    photo = tmp_path / "field.png"
    assert image.save(str(photo))
    attach = attach_of(window)
    await attach.add_files([str(photo)])
    window.composer.setPlainText("An export with its picture")
    window.composer.submit()
    await wait_for(lambda: "Hello, world!" in window.view.toPlainText())
    chat = store.list_conversations()[0].id
    target = tmp_path / "chat.html"
    window.export_requested.emit(chat, str(target), "html")
    assert not target.exists()  # the window went on; the export is written in a worker
    await wait_for(lambda: "Exported to" in window.status_label.text())
    page = target.read_text(encoding="utf-8")
    inline = base64.b64encode(photo.read_bytes()).decode("ascii")
    assert f"data:image/png;base64,{inline}" in page
