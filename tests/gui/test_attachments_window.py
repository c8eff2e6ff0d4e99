"""Attachments as a person uses them in the window (offscreen Qt, a real history file):
the attach button (its file dialog through the controller's seam), a drop of files, an
image pasted from the clipboard; chips; sending; the question shows its files; after a
restart they are still there; every bad file is said and the typed text stays."""

from __future__ import annotations

import base64
from pathlib import Path
from typing import Any

from PySide6.QtCore import QMimeData, QPointF, QUrl
from PySide6.QtGui import QColor, QDragEnterEvent, QDragMoveEvent, QDropEvent, QImage
from PySide6.QtWidgets import QApplication

from gui.attach_controller import AttachController
from gui.controller import ChatController
from gui.core import attachments
from gui.core.store import Store
from gui.widgets.main_window import MainWindow
from gui.wiring import Wiring
from tests.gui.conftest import Script, wait_for

PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg=="
)


def attach_of(window: MainWindow) -> AttachController:
    wiring = window.findChild(Wiring)
    assert wiring is not None
    return wiring.attach


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / "files" / name
    path.parent.mkdir(exist_ok=True)
    path.write_bytes(data)
    return path


async def test_attach_by_button_send_and_find_it_after_a_restart(
    window: MainWindow,
    controller: ChatController,
    script: Script,
    store: Store,
    tmp_path: Path,
    qtbot: Any,
) -> None:
    from PySide6.QtCore import Qt

    photo = write(tmp_path, "cat.png", PNG)
    attach = attach_of(window)
    attach.choose_files = lambda parent: [str(photo)]
    qtbot.mouseClick(window.composer.attach_button, Qt.MouseButton.LeftButton)
    await wait_for(lambda: window.composer.chips.count() == 1)
    chip = window.composer.chips.chip(window.composer.chips.order()[0])
    assert chip.label.text().startswith("cat.png · ")
    window.composer.setPlainText("What is in the picture?")
    qtbot.mouseClick(window.send_button, Qt.MouseButton.LeftButton)
    await wait_for(lambda: bool(script.received) and "Hello, world!" in window.view.toPlainText())
    sent = script.received[-1][-1]
    assert sent["content"] == "What is in the picture?"
    assert [(a.name, a.mime, a.size) for a in sent["attachments"]] == [  # type: ignore[attr-defined]
        ("cat.png", "image/png", len(PNG))
    ]
    assert window.composer.chips.count() == 0 and window.composer.toPlainText() == ""
    assert "cat.png" in window.view.toPlainText()

    # Restart: the history file, opened anew, still has the file with the question.
    again = Store.open(store.path)
    try:
        chat = again.list_conversations()[0].id
        question = again.messages_by_id(again.path_ids(chat))[0]
        assert [f.name for f in question.attachments] == ["cat.png"]
        assert Path(question.attachments[0].path).read_bytes() == PNG  # noqa: ASYNC240
    finally:
        again.close()
    controller.open_conversation(chat)
    assert "cat.png" in window.view.toPlainText()


async def test_drop_and_paste_become_chips_and_one_can_be_removed(
    window: MainWindow, tmp_path: Path, qtbot: Any
) -> None:
    from PySide6.QtCore import Qt

    notes = write(tmp_path, "notes.md", "# Заметки".encode())
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(notes))])
    where, copy = QPointF(20, 10), Qt.DropAction.CopyAction
    buttons, keys = Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    viewport = window.composer.viewport()
    for kind in (QDragEnterEvent, QDragMoveEvent):  # a drag comes in, moves, then drops
        QApplication.sendEvent(viewport, kind(where.toPoint(), copy, mime, buttons, keys))
    drop = QDropEvent(where, copy, mime, buttons, keys)
    QApplication.sendEvent(viewport, drop)
    assert drop.isAccepted()
    await wait_for(lambda: window.composer.chips.count() == 1)

    image = QImage(64, 48, QImage.Format.Format_RGB32)
    image.fill(QColor("#3a7"))
    QApplication.clipboard().setImage(image)
    window.composer.paste()
    await wait_for(lambda: window.composer.chips.count() == 2)
    names = [window.composer.chips.chip(k).label.toolTip() for k in window.composer.chips.order()]
    assert names[0] == "notes.md" and names[1].startswith("pasted-image-")
    picked = list(attach_of(window).picked.values())
    assert picked[1].stored.mime == "image/png" and picked[1].stored.size > 0
    first = window.composer.chips.order()[0]
    qtbot.mouseClick(window.composer.chips.chip(first).remove_button, Qt.MouseButton.LeftButton)
    assert window.composer.chips.count() == 1
    assert [p.stored.name for p in attach_of(window).picked.values()] == [names[1]]


async def test_bad_files_are_said_and_the_text_stays(
    window: MainWindow, script: Script, tmp_path: Path, qtbot: Any
) -> None:
    from PySide6.QtCore import Qt

    big = tmp_path / "files" / "huge.txt"
    big.parent.mkdir()
    with big.open("wb") as file:
        file.truncate(attachments.MAX_DOCUMENT_BYTES + 1)
    cases = {
        str(tmp_path / "files"): "is a folder",
        str(write(tmp_path, "empty.txt", b"")): "is empty",
        str(write(tmp_path, "setup.exe", b"MZ")): "cannot be attached",
        str(tmp_path / "gone.txt"): "cannot be read",
        str(big): "is too big",
    }
    window.composer.setPlainText("Мой текст")
    attach = attach_of(window)
    for path, said in cases.items():
        await attach.add_files([path])
        assert said in window.status_label.text(), (path, window.status_label.text())
        assert window.composer.chips.count() == 0
        assert window.composer.toPlainText() == "Мой текст"

    draft = write(tmp_path, "draft.txt", b"first")
    await attach.add_files([str(draft)])
    draft.write_bytes(b"changed")
    qtbot.mouseClick(window.send_button, Qt.MouseButton.LeftButton)
    await wait_for(lambda: "changed after it was attached" in window.status_label.text())
    assert script.received == []
    assert window.composer.toPlainText() == "Мой текст"
    assert window.composer.chips.count() == 1


async def test_a_document_large_for_the_model_is_said_before_sending(
    window: MainWindow, tmp_path: Path
) -> None:
    book = write(tmp_path, "book.txt", b"word " * 100_000)
    await attach_of(window).add_files([str(book)])
    assert "is large for the model's context" in window.status_label.text()
    assert window.composer.chips.count() == 1  # said, not refused


async def test_the_window_sends_a_dropped_file_to_gigachat(
    qtbot: Any, tmp_path: Path, server_ssl: Any, test_ca_file: Path
) -> None:
    import aiohttp

    from gui.core.provider_factory import ProviderFactory
    from providers.gigachat import GigaChat
    from tests.servers.gigachat import run_gigachat

    store = Store.open(tmp_path / "history.sqlite3")
    async with run_gigachat(server_ssl) as emulator, aiohttp.ClientSession() as session:
        config = {
            "api_key": emulator.valid_key,
            "base_url": emulator.base_url,
            "auth_url": emulator.auth_url,
            "ca_bundle": str(test_ca_file),
        }

        async def settings(info: object) -> dict[str, str]:
            return config

        factory = ProviderFactory(session, settings, classes={"gigachat": GigaChat})
        controller = ChatController(store, factory, choice=("gigachat", "GigaChat-2-Pro"))
        window = MainWindow()
        qtbot.addWidget(window)
        window.show()
        Wiring(window, controller, provider="gigachat", model="GigaChat-2-Pro")
        photo = write(tmp_path, "cat.png", PNG)
        await attach_of(window).add_files([str(photo)])
        assert "not known to see images" not in window.status_label.text()  # a Pro sees them
        window.composer.setPlainText("Что на фото?")
        window.composer.submit()
        await wait_for(lambda: "эмулятора GigaChat" in window.view.toPlainText(), timeout=15)
        upload = emulator.file_store.uploads[-1]
        assert (upload.filename, upload.data) == ("cat.png", PNG)
        question = emulator.chat_requests[-1].json()["messages"][-1]
        assert question == {"role": "user", "content": "Что на фото?", "attachments": [upload.id]}
        await controller.shutdown()
    store.close()
