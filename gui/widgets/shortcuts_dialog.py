"""The keyboard cheat sheet: read from the window's real actions, so it cannot go stale."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)


def shortcut_text(action: QAction) -> str:
    """Every key of an action as the platform writes it, e.g. "Ctrl+N" or "F1, Ctrl+/"."""
    keys = [
        key.toString(QKeySequence.SequenceFormat.NativeText)
        for key in action.shortcuts()
        if not key.isEmpty()
    ]
    return ", ".join(keys)


def action_title(action: QAction) -> str:
    """The action's text without the mnemonic ampersand and ellipsis."""
    return action.text().replace("&&", "\0").replace("&", "").replace("\0", "&").rstrip("…")


class ShortcutsDialog(QDialog):
    """A two-column table of the given actions and their keys."""

    def __init__(self, actions: Sequence[QAction], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("shortcutsDialog")
        self._actions = [action for action in actions if not action.shortcut().isEmpty()]
        self.intro = QLabel(self)
        self.intro.setWordWrap(True)
        self.table = QTableWidget(len(self._actions), 2, self)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.horizontalHeader().setSectionResizeMode(
            1, QHeaderView.ResizeMode.ResizeToContents
        )
        self.table.setTabKeyNavigation(False)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.buttons)
        self.resize(480, 420)
        self.retranslate()

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("Keyboard shortcuts"))
        self.intro.setText(
            self.tr(
                "Tab and Shift+Tab move between the parts of the window; in the conversation"
                " they move between the links under the messages."
            )
        )
        self.table.setAccessibleName(self.tr("Keyboard shortcuts"))
        self.table.setAccessibleDescription(self.tr("Each row: what it does, then its keys"))
        self.table.setHorizontalHeaderLabels([self.tr("Action"), self.tr("Keys")])
        self.buttons.button(QDialogButtonBox.StandardButton.Close).setAccessibleName(
            self.tr("Close the list of shortcuts")
        )
        self.refresh()

    def refresh(self) -> None:
        """Fill the rows from the actions as they are now (texts follow the language)."""
        for row, action in enumerate(self._actions):
            title = QTableWidgetItem(action_title(action))
            keys = QTableWidgetItem(shortcut_text(action))
            keys.setData(
                Qt.ItemDataRole.AccessibleTextRole,
                self.tr("{0}: {1}").format(action_title(action), keys.text()),
            )
            self.table.setItem(row, 0, title)
            self.table.setItem(row, 1, keys)

    def rows(self) -> list[tuple[str, str]]:
        """What the table shows, row by row (for tests and screen-reader checks)."""
        rows: list[tuple[str, str]] = []
        for row in range(self.table.rowCount()):
            cells = [self.table.item(row, column) for column in (0, 1)]
            rows.append((cells[0].text() if cells[0] else "", cells[1].text() if cells[1] else ""))
        return rows

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)
