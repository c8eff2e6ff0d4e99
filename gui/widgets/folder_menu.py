"""The sidebar's menus and questions about folders: a chat's "Move to folder ▸", a
folder's own menu, and the small dialogs (a name, a choice, a confirmation). Loaded with
the first menu; every entry has a name a screen reader says and works from the keyboard.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QInputDialog, QListWidgetItem, QMenu, QMessageBox

from gui.widgets.folder_rows import FOLDER_ROLE, ID_ROLE, KIND_ROLE, TOP_LEVEL

if TYPE_CHECKING:
    from gui.widgets.conversation_list import ConversationList

translate = QCoreApplication.translate


def _action(menu: QMenu, text: str, slot: Callable[[], None]) -> QAction:
    action = QAction(text, menu)
    action.triggered.connect(slot)
    menu.addAction(action)
    return action


def menu_for(sidebar: ConversationList, item: QListWidgetItem) -> QMenu | None:
    """A chat row's menu (rename, pin, move to folder, export, delete) or a folder's."""
    if item.data(KIND_ROLE) == "folder":
        return folder_menu(sidebar, int(item.data(FOLDER_ROLE)))
    if item.data(KIND_ROLE) != "conversation":
        return None
    chat = sidebar.conversation(int(item.data(ID_ROLE)))
    if chat is None:
        return None
    ident, pinned = chat.id, chat.pinned
    menu = QMenu(sidebar)
    _action(menu, translate("ConversationList", "Rename…"), lambda: ask_rename(sidebar, ident))
    _action(
        menu,
        translate("ConversationList", "Unpin") if pinned else translate("ConversationList", "Pin"),
        lambda: sidebar.pin_requested.emit(ident, not pinned),
    )
    add_move_menu(sidebar, menu, ident)
    _action(
        menu, translate("ConversationList", "Export…"), lambda: sidebar.export_requested.emit(ident)
    )
    _action(menu, translate("ConversationList", "Delete…"), lambda: ask_delete(sidebar, ident))
    return menu


def ask_rename(sidebar: ConversationList, conversation_id: int) -> None:
    conversation = sidebar.conversation(conversation_id)
    title, ok = QInputDialog.getText(
        sidebar,
        translate("ConversationList", "Rename chat"),
        translate("ConversationList", "Title:"),
        text=conversation.title if conversation else "",
    )
    if ok and title.strip():
        sidebar.rename_requested.emit(conversation_id, title.strip())


def ask_delete(sidebar: ConversationList, conversation_id: int) -> None:
    conversation = sidebar.conversation(conversation_id)
    answer = QMessageBox.question(
        sidebar,
        translate("ConversationList", "Delete chat"),
        translate("ConversationList", "Delete “{0}” and all its messages?").format(
            conversation.title if conversation else ""
        ),
    )
    if answer == QMessageBox.StandardButton.Yes:
        sidebar.delete_requested.emit(conversation_id)


def _mover(sidebar: ConversationList, chat: int, folder: int) -> Callable[[], None]:
    return lambda: sidebar.move_requested.emit(chat, folder)


def add_move_menu(sidebar: ConversationList, menu: QMenu, chat: int) -> QMenu:
    """ "Move to folder ▸": each folder (the chat's own is checked), a new folder, out."""
    where = sidebar.folder_of_chat(chat)
    moves = menu.addMenu(translate("ConversationList", "Move to folder"))
    moves.menuAction().setObjectName("moveToFolder")
    for folder in sidebar.folders:
        entry = _action(moves, folder.name, _mover(sidebar, chat, folder.id))
        entry.setCheckable(True)
        entry.setChecked(folder.id == where)
    if sidebar.folders:
        moves.addSeparator()
    _action(
        moves, translate("ConversationList", "New folder…"), lambda: ask_new_folder(sidebar, chat)
    )
    if where is not None:
        out = _action(
            moves,
            translate("ConversationList", "Remove from folder"),
            lambda: sidebar.move_requested.emit(chat, TOP_LEVEL),
        )
        out.setObjectName("removeFromFolder")
    return moves


def folder_menu(sidebar: ConversationList, folder_id: int) -> QMenu:
    """A folder's menu: rename, search in it, a new folder, delete (its chats stay)."""
    menu = QMenu(sidebar)
    _action(
        menu,
        translate("ConversationList", "Rename folder…"),
        lambda: ask_rename_folder(sidebar, folder_id),
    )
    _action(
        menu,
        translate("ConversationList", "Search in this folder"),
        lambda: sidebar.set_search_folder(folder_id),
    )
    _action(menu, translate("ConversationList", "New folder…"), lambda: ask_new_folder(sidebar))
    menu.addSeparator()
    _action(
        menu,
        translate("ConversationList", "Delete folder…"),
        lambda: ask_delete_folder(sidebar, folder_id),
    )
    return menu


def ask_new_folder(sidebar: ConversationList, chat: int = TOP_LEVEL) -> None:
    """A name for a new folder; with `chat`, the chat goes into it."""
    name, ok = QInputDialog.getText(
        sidebar,
        translate("ConversationList", "New folder"),
        translate("ConversationList", "Folder name:"),
    )
    if ok and name.strip():
        sidebar.folder_new_requested.emit(name.strip(), chat)


def ask_rename_folder(sidebar: ConversationList, folder_id: int) -> None:
    folder = sidebar.folder(folder_id)
    name, ok = QInputDialog.getText(
        sidebar,
        translate("ConversationList", "Rename folder"),
        translate("ConversationList", "Folder name:"),
        text=folder.name if folder is not None else "",
    )
    if ok and name.strip():
        sidebar.folder_rename_requested.emit(folder_id, name.strip())


def ask_delete_folder(sidebar: ConversationList, folder_id: int) -> None:
    """Deleting a folder keeps its chats: they go back to the top level."""
    folder = sidebar.folder(folder_id)
    answer = QMessageBox.question(
        sidebar,
        translate("ConversationList", "Delete folder"),
        translate(
            "ConversationList", "Delete the folder “{0}”? Its chats stay, outside any folder."
        ).format(folder.name if folder is not None else ""),
    )
    if answer == QMessageBox.StandardButton.Yes:
        sidebar.folder_delete_requested.emit(folder_id)


def ask_move(sidebar: ConversationList, chat: int) -> None:
    """ "Move to folder…" without a mouse: a list of the folders and "No folder"."""
    folders = list(sidebar.folders)
    names = [translate("ConversationList", "No folder"), *(folder.name for folder in folders)]
    where = sidebar.folder_of_chat(chat)
    current = next((i + 1 for i, f in enumerate(folders) if f.id == where), 0)
    name, ok = QInputDialog.getItem(
        sidebar,
        translate("ConversationList", "Move to folder"),
        translate("ConversationList", "Folder:"),
        names,
        current,
        False,
    )
    if not ok:
        return
    chosen = names.index(name) if name in names else 0
    sidebar.move_requested.emit(chat, folders[chosen - 1].id if chosen else TOP_LEVEL)


def act_on_current(sidebar: ConversationList, what: str) -> None:
    """A key on the current row: "rename", "delete" or "move" its chat, or rename or
    delete its folder; "new" asks for a new folder's name."""
    if what == "new":
        ask_new_folder(sidebar)
        return
    item = sidebar.list.currentItem()
    kind = item.data(KIND_ROLE) if item is not None else None
    if item is not None and kind == "folder":
        folder = int(item.data(FOLDER_ROLE))
        if what == "rename":
            ask_rename_folder(sidebar, folder)
        elif what == "delete":
            ask_delete_folder(sidebar, folder)
    elif item is not None and kind == "conversation":
        chat = int(item.data(ID_ROLE))
        {"rename": ask_rename, "delete": ask_delete, "move": ask_move}[what](sidebar, chat)
