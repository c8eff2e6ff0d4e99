"""Find in the open chat (Ctrl+F): a bar over the conversation that marks every match of
what is typed and steps through them (Enter, Shift+Enter, F3), apart from the search
across all chats in the sidebar. It looks in the messages the view holds (a long chat's
older pages load as one scrolls up); counting stops at MAX_MARKED so typing stays quick."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QTimer, Signal
from PySide6.QtGui import QColor, QKeyEvent, QTextCharFormat, QTextCursor
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTextEdit,
    QWidget,
)

#: At most this many matches are marked (and counted) at once.
MAX_MARKED = 500
#: The search runs when typing pauses this long.
TYPING_PAUSE_MS = 120


class FindBar(QWidget):
    """Typing finds in `view`; Esc or Close hides the bar and gives the view back."""

    closed = Signal()

    def __init__(self, view: QTextEdit, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("findBar")
        self.view = view
        self.field = QLineEdit()
        self.field.setObjectName("findField")
        self.field.setClearButtonEnabled(True)
        self.count = QLabel()
        self.previous_button = QPushButton("‹")
        self.next_button = QPushButton("›")
        self.close_button = QPushButton("×")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(16, 4, 16, 4)
        layout.addWidget(self.field, 1)
        layout.addWidget(self.count)
        for button in (self.previous_button, self.next_button, self.close_button):
            button.setObjectName("headerButton")
            layout.addWidget(button)
        self.field.textChanged.connect(self._on_text_changed)
        self.field.returnPressed.connect(lambda: self.step(1))
        self.previous_button.clicked.connect(lambda: self.step(-1))
        self.next_button.clicked.connect(lambda: self.step(1))
        self.close_button.clicked.connect(self.dismiss)
        self.field.installEventFilter(self)
        self._typing = QTimer(self)
        self._typing.setSingleShot(True)
        self._typing.setInterval(TYPING_PAUSE_MS)
        self._typing.timeout.connect(self.refresh)
        self._matches: list[QTextCursor] = []
        self._current = -1
        self.retranslate()

    def retranslate(self) -> None:
        self.field.setPlaceholderText(self.tr("Find in this chat"))
        self.field.setAccessibleName(self.tr("Find in this chat"))
        self.field.setAccessibleDescription(
            self.tr("Enter goes to the next match, Shift+Enter to the previous one, Esc closes")
        )
        for button, name in (
            (self.previous_button, self.tr("Previous match")),
            (self.next_button, self.tr("Next match")),
            (self.close_button, self.tr("Close find")),
        ):
            button.setToolTip(name)
            button.setAccessibleName(name)
            button.setAccessibleDescription(name)
        self._say_count()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def open(self) -> None:
        """Show the bar with the field focused; the words chosen in the view go in it."""
        chosen = self.view.textCursor().selectedText()
        if chosen and "\u2029" not in chosen:
            self.field.setText(chosen)
        self.show()
        self.field.setFocus()
        self.field.selectAll()
        self.refresh()

    def dismiss(self) -> None:
        self.hide()
        self.view.setExtraSelections([])
        self._matches, self._current = [], -1
        self.view.setFocus()
        self.closed.emit()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.field and event.type() == QEvent.Type.ShortcutOverride:
            assert isinstance(event, QKeyEvent)
            from PySide6.QtCore import Qt

            if event.key() == Qt.Key.Key_Escape:  # Esc closes find here, not Stop
                event.accept()
                return True
        if watched is self.field and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            from PySide6.QtCore import Qt

            if event.key() == Qt.Key.Key_Escape:
                self.dismiss()
                return True
            if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and (
                event.modifiers() & Qt.KeyboardModifier.ShiftModifier
            ):
                self.step(-1)
                return True
        return False

    def _on_text_changed(self, _text: str) -> None:
        """Typing searches once it pauses (a big chat is a few ms a megabyte a search)."""
        self._typing.start()

    def refresh(self) -> None:
        """Mark the matches again (the text typed, or the chat, changed)."""
        needle = self.field.text()
        self._matches = []
        document = self.view.document()
        if needle:
            cursor = QTextCursor(document)
            while len(self._matches) < MAX_MARKED:
                cursor = document.find(needle, cursor)
                if cursor.isNull():
                    break
                if _is_action(cursor):
                    continue  # a message action's hidden name, not the chat's text
                self._matches.append(QTextCursor(cursor))
        self._current = self._nearest() if self._matches else -1
        self._mark()

    def step(self, direction: int) -> None:
        """The next (or previous) match, round at the ends."""
        if self._typing.isActive():  # Enter right after typing: search first
            self._typing.stop()
            self.refresh()
            return
        if not self._matches:
            self.refresh()
        if not self._matches:
            return
        self._current = (self._current + direction) % len(self._matches)
        self._mark()

    def _nearest(self) -> int:
        """The first match at or after the top of the view."""
        from PySide6.QtCore import QPoint

        top = self.view.cursorForPosition(QPoint(0, 0)).position()
        for index, match in enumerate(self._matches):
            if match.position() >= top:
                return index
        return 0

    def _mark(self) -> None:
        palette = self.view.palette()
        every = QTextCharFormat()
        tint = QColor(palette.color(palette.ColorRole.Highlight))
        tint.setAlpha(70)
        every.setBackground(tint)
        chosen = QTextCharFormat()
        chosen.setBackground(palette.color(palette.ColorRole.Highlight))
        chosen.setForeground(palette.color(palette.ColorRole.HighlightedText))
        selections = []
        for index, match in enumerate(self._matches):
            selection = QTextEdit.ExtraSelection()
            selection.cursor = match
            selection.format = chosen if index == self._current else every
            selections.append(selection)
        self.view.setExtraSelections(selections)
        if 0 <= self._current < len(self._matches):
            shown = QTextCursor(self._matches[self._current])
            shown.clearSelection()
            self.view.setTextCursor(shown)
            self.view.ensureCursorVisible()
        self._say_count()

    def _say_count(self) -> None:
        if not self.field.text():
            self.count.setText("")
        elif not self._matches:
            self.count.setText(self.tr("No matches"))
        else:
            more = "+" if len(self._matches) >= MAX_MARKED else ""
            self.count.setText(
                self.tr("{0} of {1}").format(self._current + 1, f"{len(self._matches)}{more}")
            )


def _is_action(cursor: QTextCursor) -> bool:
    """Inside a message action's link (its word is there for screen readers only)."""
    from gui.widgets.message_footer import ACTION_ICONS
    from gui.widgets.message_html import parse_action

    action = parse_action(cursor.charFormat().anchorHref())
    return action is not None and action[0] in ACTION_ICONS
