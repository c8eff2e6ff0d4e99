"""#22: folders in the real window's sidebar, as a person uses them: a new folder, a chat
dragged onto it (a real drop event on the list: what a drag from a chat row carries), a
folder closed with a click and opened with Enter (remembered), the window restarted on
the same history, the chat still inside; rename, delete (the chats stay), "Move to
folder ▸" and "Remove from folder" from a chat's menu, a search kept to one folder, and a
backup restored into a fresh profile with its folders, once."""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
from PySide6.QtCore import QEvent, QMimeData, QPointF, Qt, QTimer
from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent, QMouseEvent
from PySide6.QtWidgets import QApplication, QInputDialog, QListWidgetItem

from gui.controller import ChatController
from gui.core.provider_factory import ProviderFactory
from gui.core.store import Store
from gui.widgets.conversation_list import ConversationList
from gui.widgets.folder_rows import (
    CHAT_MIME,
    COUNT_ROLE,
    FOLDER_ROLE,
    ID_ROLE,
    KIND_ROLE,
    OPEN_ROLE,
)
from gui.widgets.main_window import MainWindow
from gui.wiring import Wiring
from tests.gui.conftest import Script, scripted_provider, wait_for


@contextlib.asynccontextmanager
async def _window(qtbot: Any, path: Path) -> AsyncIterator[tuple[MainWindow, Store]]:
    """The real window, wired to a store on `path` (a start of the app, without Settings)."""
    store = Store.open(path)
    async with aiohttp.ClientSession() as session:

        async def no_config(info: object) -> dict[str, str]:
            return {}

        classes = {"scripted": scripted_provider(Script())}
        controller = ChatController(
            store, ProviderFactory(session, no_config, classes=classes), choice=("scripted", "")
        )
        window = MainWindow()
        qtbot.addWidget(window)
        window.resize(1100, 720)
        window.show()
        wiring = Wiring(window, controller, provider="scripted", model="echo-1")
        try:
            yield window, store
        finally:
            await controller.shutdown()
            window.hide()
            wiring.deleteLater()
            store.close()


def _chat(store: Store, title: str, text: str) -> int:
    chat = store.create_conversation(title=title)
    store.add_message(chat.id, "user", text)
    return chat.id


def _row(sidebar: ConversationList, text: str) -> QListWidgetItem:
    return next(
        sidebar.list.item(i)
        for i in range(sidebar.list.count())
        if sidebar.list.item(i).text() == text
    )


def _drop(sidebar: ConversationList, chat: QListWidgetItem, target: QListWidgetItem) -> None:
    """What dragging `chat` onto `target` does: the drag's data from the list itself,
    then enter, move and drop events on the list's viewport at the target row."""
    rows = sidebar.list
    data = rows.mimeData([chat])
    assert data.hasFormat(CHAT_MIME)
    point = rows.visualItemRect(target).center()
    move, buttons, none = (
        Qt.DropAction.MoveAction,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier(0),
    )
    for kind in (QDragEnterEvent, QDragMoveEvent):
        QApplication.sendEvent(rows.viewport(), kind(point, move, data, buttons, none))
    if target.data(KIND_ROLE) == "folder":  # the folder under the drag is outlined
        assert rows.drop_row == rows.row(target)
    drop = QDropEvent(QPointF(point), move, data, buttons, none)
    QApplication.sendEvent(rows.viewport(), drop)
    assert drop.isAccepted()


def _folder_of_row(sidebar: ConversationList, title: str) -> int | None:
    value = _row(sidebar, title).data(FOLDER_ROLE)
    return value if isinstance(value, int) else None


async def test_a_chat_dragged_into_a_folder_stays_there_after_a_restart(
    qtbot: Any, tmp_path: Path
) -> None:
    path = tmp_path / "history.sqlite3"
    with Store.open(path) as first:
        plan = _chat(first, "План на квартал", "квартальный план")
        _chat(first, "Рецепт борща", "свёкла и капуста")
    async with _window(qtbot, path) as (window, store):
        sidebar = window.sidebar
        await wait_for(lambda: len(sidebar.chat_rows()) == 2)
        sidebar.folder_new_requested.emit("Работа", 0)  # what "New folder…" asks for
        await wait_for(lambda: len(sidebar.folder_rows()) == 1)
        folder = store.list_folders()[0]
        rows = sidebar.list
        # Pressing a chat opens it (the list is filled anew) and moving the pointer with
        # the button held drags that chat (offscreen, the system's drag loop itself is
        # not run: what it would carry is dropped below).
        started: list[int] = []
        rows.start_drag = started.append  # type: ignore[method-assign]
        press = rows.visualItemRect(_row(sidebar, "План на квартал")).center()
        qtbot.mousePress(rows.viewport(), Qt.MouseButton.LeftButton, pos=press)
        await wait_for(lambda: sidebar.current_id() == plan)
        further = QPointF(press.x() + 30, press.y() + 12)
        held = QMouseEvent(
            QEvent.Type.MouseMove,
            further,
            rows.viewport().mapToGlobal(further),
            Qt.MouseButton.NoButton,
            Qt.MouseButton.LeftButton,
            Qt.KeyboardModifier.NoModifier,
        )
        QApplication.sendEvent(rows.viewport(), held)
        qtbot.mouseRelease(rows.viewport(), Qt.MouseButton.LeftButton, pos=further.toPoint())
        assert started == [plan]
        _drop(sidebar, _row(sidebar, "План на квартал"), sidebar.folder_rows()[0])
        await wait_for(lambda: store.folder_of(plan) == folder.id)
        await wait_for(lambda: _folder_of_row(sidebar, "План на квартал") == folder.id)
        assert rows.drop_row == -1  # the target outline went with the drop
        assert (
            sidebar.folder_rows()[0]
            .data(Qt.ItemDataRole.AccessibleTextRole)
            .startswith("Folder Работа, chats: 1")
        )
        # A click closes the folder: its chat leaves the list; Enter opens it again.
        center = rows.visualItemRect(sidebar.folder_rows()[0]).center()
        qtbot.mouseClick(rows.viewport(), Qt.MouseButton.LeftButton, pos=center)
        await wait_for(lambda: store.list_folders()[0].collapsed)
        await wait_for(lambda: [r.text() for r in sidebar.chat_rows()] == ["Рецепт борща"])
        assert rows.currentItem() is sidebar.folder_rows()[0]  # the focus stays on it
        qtbot.keyClick(rows, Qt.Key.Key_Return)
        await wait_for(lambda: len(sidebar.chat_rows()) == 2)
        assert sidebar.folder_rows()[0].data(OPEN_ROLE) is True
        qtbot.keyClick(rows, Qt.Key.Key_Left)  # closed again: remembered over the restart
        await wait_for(lambda: store.list_folders()[0].collapsed)

    async with _window(qtbot, path) as (window, store):  # the app started again
        sidebar = window.sidebar
        await wait_for(lambda: len(sidebar.folder_rows()) == 1)
        assert store.folder_of(plan) == folder.id
        assert [r.text() for r in sidebar.chat_rows()] == ["Рецепт борща"]  # still closed
        sidebar.list.setCurrentItem(sidebar.folder_rows()[0])
        qtbot.keyClick(sidebar.list, Qt.Key.Key_Right)
        await wait_for(lambda: len(sidebar.chat_rows()) == 2)
        assert _folder_of_row(sidebar, "План на квартал") == folder.id
        # Dragged out onto a chat at the top level: out of the folder.
        _drop(sidebar, _row(sidebar, "План на квартал"), _row(sidebar, "Рецепт борща"))
        await wait_for(lambda: store.folder_of(plan) is None)
        await wait_for(lambda: _folder_of_row(sidebar, "План на квартал") is None)


async def test_rename_delete_and_the_chat_menu_move_chats_and_keep_them(
    qtbot: Any, tmp_path: Path
) -> None:
    path = tmp_path / "history.sqlite3"
    with Store.open(path) as first:
        chats = [_chat(first, f"Чат {n}", f"текст {n}") for n in range(3)]
    async with _window(qtbot, path) as (window, store):
        sidebar = window.sidebar
        await wait_for(lambda: len(sidebar.chat_rows()) == 3)
        sidebar.folder_new_requested.emit("Черновики", chats[0])  # "Move to folder ▸ New folder…"
        await wait_for(lambda: _folder_of_row(sidebar, "Чат 0") is not None)
        folder = store.list_folders()[0]
        # The chat's menu: "Move to folder ▸" lists the folder (checked) and "Remove from
        # folder"; the other chat's menu moves it in (menus are built, not popped).
        menu = sidebar.menu_for(_row(sidebar, "Чат 1"))
        assert menu is not None
        moves = next(a for a in menu.actions() if a.objectName() == "moveToFolder").menu()
        entry = next(a for a in moves.actions() if a.text() == "Черновики")
        assert not entry.isChecked()
        entry.trigger()
        await wait_for(lambda: store.folder_of(chats[1]) == folder.id)
        menu = sidebar.menu_for(_row(sidebar, "Чат 1"))
        assert menu is not None
        moves = next(a for a in menu.actions() if a.objectName() == "moveToFolder").menu()
        assert next(a for a in moves.actions() if a.text() == "Черновики").isChecked()
        assert [a.text() for a in menu.actions() if a.text()][:2] == ["Rename…", "Pin"]
        folder_menu = sidebar.menu_for(sidebar.folder_rows()[0])
        assert folder_menu is not None
        assert [a.text() for a in folder_menu.actions() if a.text()] == [
            "Rename folder…",
            "Search in this folder",
            "New folder…",
            "Delete folder…",
        ]
        await wait_for(lambda: sidebar.folder_rows()[0].data(COUNT_ROLE) == 2)  # its count

        sidebar.folder_rename_requested.emit(folder.id, "Архив")
        await wait_for(lambda: sidebar.folder_rows()[0].text() == "Архив")
        sidebar.folder_delete_requested.emit(folder.id)  # what "Delete folder…" confirms
        await wait_for(lambda: not sidebar.folder_rows())
        assert store.list_folders() == []
        assert sorted(r.text() for r in sidebar.chat_rows()) == ["Чат 0", "Чат 1", "Чат 2"]
        assert all(_folder_of_row(sidebar, f"Чат {n}") is None for n in range(3))


async def test_a_search_kept_to_a_folder_finds_only_its_chats(qtbot: Any, tmp_path: Path) -> None:
    path = tmp_path / "history.sqlite3"
    with Store.open(path) as first:
        inside = _chat(first, "Бабушкин", "борщ с пампушками")
        _chat(first, "Столовая", "борщ дня")
        _chat(first, "Щи", "кислые щи")  # no борщ: the search leaves it out
        folder = first.create_folder("Кухня")
        first.move_to_folder(inside, folder.id)
    async with _window(qtbot, path) as (window, _store):
        sidebar = window.sidebar
        await wait_for(lambda: len(sidebar.folder_rows()) == 1)
        await wait_for(lambda: len(sidebar.chat_rows()) == 3)
        menu = sidebar.menu_for(sidebar.folder_rows()[0])
        assert menu is not None  # the folder's own menu (built, not popped)
        sidebar.search.setText("борщ")
        assert len(sidebar.chat_rows()) == 2
        next(a for a in menu.actions() if a.text() == "Search in this folder").trigger()
        assert sidebar.search_folder() == folder.id
        assert [r.data(ID_ROLE) for r in sidebar.chat_rows()] == [inside]
        assert sidebar.scope_button.isVisible()
        assert sidebar.search.placeholderText() == "Search in “Кухня”"
        sidebar.scope_button.click()  # back to every chat
        assert len(sidebar.chat_rows()) == 2 and not sidebar.scope_button.isVisible()


async def test_a_backup_brings_its_folders_to_a_fresh_profile_once(
    qtbot: Any, tmp_path: Path
) -> None:
    from gui.core.backup import write_backup

    config = tmp_path / "config"
    config.mkdir()
    backup = tmp_path / "backup.zip"
    with Store.open(tmp_path / "history.sqlite3") as first:
        inside = _chat(first, "Отчёт", "годовой отчёт")
        _chat(first, "Прочее", "всякое")
        folder = first.create_folder("Работа")
        first.move_to_folder(inside, folder.id)
        write_backup(first, config, backup)
    fresh = tmp_path / "fresh"
    (fresh / "config").mkdir(parents=True)
    async with _window(qtbot, fresh / "history.sqlite3") as (window, store):
        wiring = window.findChildren(Wiring)[0]
        wiring.history.config_dir = fresh / "config"
        sidebar = window.sidebar
        for _round in range(2):
            window.import_requested.emit(str(backup))  # File → Import of the backup
            await wait_for(lambda: window.status_label.text().startswith("Imported from"))
            await wait_for(lambda: len(sidebar.folder_rows()) == 1)
            await wait_for(lambda: _folder_of_row(sidebar, "Отчёт") is not None)
            window.show_status("")
        assert [(f.name, f.chats) for f in store.list_folders()] == [("Работа", 1)]
        assert len(store.list_conversations()) == 2


def test_new_folder_asks_for_a_name_from_the_button(qtbot: Any) -> None:
    """The button beside New chat asks for a name; the sidebar says it, named."""
    sidebar = ConversationList()
    qtbot.addWidget(sidebar)
    sidebar.show()
    asked: list[tuple[str, int]] = []
    sidebar.folder_new_requested.connect(lambda name, chat: asked.append((name, chat)))
    assert sidebar.folder_button.accessibleName() == "New folder"

    def answer() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, QInputDialog)
        dialog.setTextValue("  Идеи  ")
        dialog.accept()

    QTimer.singleShot(0, answer)
    qtbot.mouseClick(sidebar.folder_button, Qt.MouseButton.LeftButton)
    assert asked == [("Идеи", 0)]
    data = QMimeData()
    data.setData(CHAT_MIME, b"not a number")
    assert not sidebar.list.dropMimeData(0, data, Qt.DropAction.MoveAction)


@dataclasses.dataclass(frozen=True)
class _Chat:
    id: int
    title: str
    pinned: bool = False
    updated_at: float = 0.0
    folder_id: int | None = None


@dataclasses.dataclass(frozen=True)
class _Folder:
    id: int
    name: str
    collapsed: bool = False


def _focus(qtbot: Any, sidebar: ConversationList) -> None:
    sidebar.activateWindow()
    qtbot.waitUntil(sidebar.isActiveWindow)
    sidebar.list.setFocus()
    qtbot.waitUntil(sidebar.list.hasFocus)


def test_without_a_mouse_a_chat_moves_and_a_folder_goes(qtbot: Any) -> None:
    """Ctrl+Shift+M on a chat asks for its folder from a list; Delete on a folder row asks
    before deleting it (its chats stay); F2 on a folder row renames it."""
    from PySide6.QtWidgets import QMessageBox

    sidebar = ConversationList()
    qtbot.addWidget(sidebar)
    sidebar.show()
    sidebar.set_folders([_Folder(7, "Работа"), _Folder(8, "Дом", collapsed=True)])
    sidebar.set_conversations([_Chat(1, "Отчёт", folder_id=7), _Chat(2, "Прочее")], 2)
    assert [r.text() for r in sidebar.chat_rows()] == ["Отчёт", "Прочее"]
    moved: list[tuple[int, int]] = []
    sidebar.move_requested.connect(lambda chat, folder: moved.append((chat, folder)))
    _focus(qtbot, sidebar)
    sidebar.list.setCurrentItem(sidebar.chat_rows()[0])  # "Отчёт", in "Работа"
    qtbot.keyClick(sidebar.list, Qt.Key.Key_Left)  # up to its folder, as in a tree
    assert sidebar.list.currentItem() is sidebar.folder_rows()[0]
    sidebar.list.setCurrentItem(sidebar.chat_rows()[1])

    def choose(text: str) -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, QInputDialog)
        assert dialog.comboBoxItems() == ["No folder", "Работа", "Дом"]
        dialog.setTextValue(text)
        dialog.accept()

    QTimer.singleShot(0, lambda: choose("Дом"))
    qtbot.keyClick(
        sidebar.list,
        Qt.Key.Key_M,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    assert moved == [(2, 8)]

    deleted: list[int] = []
    sidebar.folder_delete_requested.connect(deleted.append)
    sidebar.list.setCurrentItem(sidebar.folder_rows()[1])

    def confirm() -> None:
        box = QApplication.activeModalWidget()
        assert isinstance(box, QMessageBox) and "Its chats stay" in box.text()
        box.button(QMessageBox.StandardButton.Yes).click()

    _focus(qtbot, sidebar)
    QTimer.singleShot(0, confirm)
    qtbot.keyClick(sidebar.list, Qt.Key.Key_Delete)
    assert deleted == [8]

    renamed: list[tuple[int, str]] = []
    sidebar.folder_rename_requested.connect(lambda ident, name: renamed.append((ident, name)))

    def rename() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, QInputDialog) and dialog.textValue() == "Дом"
        dialog.setTextValue("Дача")
        dialog.accept()

    _focus(qtbot, sidebar)
    QTimer.singleShot(0, rename)
    qtbot.keyClick(sidebar.list, Qt.Key.Key_F2)
    assert renamed == [(8, "Дача")]
