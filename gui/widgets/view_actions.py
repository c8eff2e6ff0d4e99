"""The View menu: find in the open chat, zoom of the conversation text, the sidebar.

Find (Ctrl+F) looks in the open chat; searching every chat is the sidebar's (Ctrl+K).
Zoom (Ctrl+= / Ctrl+- / Ctrl+0) scales the conversation's text and is remembered (the
window says `zoom_changed`). The sidebar hides with Ctrl+B, and by itself when the
window is too narrow for it and the conversation (it comes back when there is room).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QEvent, QObject
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenu

if TYPE_CHECKING:
    from gui.widgets.find_bar import FindBar
    from gui.widgets.main_window import MainWindow

translate = QCoreApplication.translate

ZOOM_STEPS = (50, 67, 80, 90, 100, 110, 125, 150, 175, 200, 250, 300)
#: Narrower than this, the sidebar gives its room to the conversation.
NARROW = 900


class ViewActions(QObject):
    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self._window = window
        self.zoom = 100
        self._base_point_size: float | None = None
        self.find_bar: FindBar | None = None
        #: the sidebar was hidden for a narrow window (not by Ctrl+B): it comes back
        self._squeezed = False
        self.find_action = self._action("Ctrl+F")
        self.zoom_in_action = self._action("Ctrl+=", "Ctrl++")
        self.zoom_out_action = self._action("Ctrl+-")
        self.zoom_reset_action = self._action("Ctrl+0")
        self.sidebar_action = self._action("Ctrl+B")
        self.find_action.triggered.connect(self.open_find)
        self.zoom_in_action.triggered.connect(lambda: self.step_zoom(1))
        self.zoom_out_action.triggered.connect(lambda: self.step_zoom(-1))
        self.zoom_reset_action.triggered.connect(lambda: self.set_zoom(100, announce=True))
        self.sidebar_action.triggered.connect(self.toggle_sidebar)
        self.menu = QMenu(window)
        self.menu.addAction(self.find_action)
        self.menu.addSeparator()
        self.menu.addActions([self.zoom_in_action, self.zoom_out_action, self.zoom_reset_action])
        self.menu.addSeparator()
        self.menu.addAction(self.sidebar_action)
        window.installEventFilter(self)

    def _action(self, *keys: str) -> QAction:
        act = QAction(self._window)
        act.setShortcuts([QKeySequence(key) for key in keys])
        self._window.addAction(act)
        return act

    def actions(self) -> list[QAction]:
        return [
            self.find_action,
            self.zoom_in_action,
            self.zoom_out_action,
            self.zoom_reset_action,
            self.sidebar_action,
        ]

    def retranslate(self) -> None:
        self.menu.setTitle(translate("MainWindow", "&View"))
        for act, text, tip in (
            (
                self.find_action,
                translate("MainWindow", "&Find in chat…"),
                translate("MainWindow", "Find words in the open chat"),
            ),
            (
                self.zoom_in_action,
                translate("MainWindow", "Zoom &in"),
                translate("MainWindow", "Larger conversation text"),
            ),
            (
                self.zoom_out_action,
                translate("MainWindow", "Zoom &out"),
                translate("MainWindow", "Smaller conversation text"),
            ),
            (
                self.zoom_reset_action,
                translate("MainWindow", "&Actual size"),
                translate("MainWindow", "Conversation text at its usual size"),
            ),
            (
                self.sidebar_action,
                translate("MainWindow", "Show or hide the &sidebar"),
                translate("MainWindow", "The list of chats beside the conversation"),
            ),
        ):
            act.setText(text)
            act.setStatusTip(tip)
            act.setToolTip(tip)
        if self.find_bar is not None:
            self.find_bar.retranslate()

    # -- find ----------------------------------------------------------------------------
    def open_find(self) -> None:
        if self.find_bar is None:
            from gui.widgets.find_bar import FindBar  # loads with the first find

            window = self._window
            self.find_bar = FindBar(window.view)
            window.conversation_column.insertWidget(1, self.find_bar)  # under the header
        self.find_bar.open()

    # -- zoom ----------------------------------------------------------------------------
    def step_zoom(self, direction: int) -> None:
        steps = [z for z in ZOOM_STEPS if (z > self.zoom if direction > 0 else z < self.zoom)]
        if steps:
            self.set_zoom(steps[0] if direction > 0 else steps[-1], announce=True)

    def set_zoom(self, percent: int, *, announce: bool = False) -> None:
        """The conversation's text at `percent` of its usual size."""
        percent = max(ZOOM_STEPS[0], min(ZOOM_STEPS[-1], int(percent)))
        if percent == self.zoom:
            return
        self.zoom = percent
        view = self._window.view
        if self._base_point_size is None:
            self._base_point_size = view.font().pointSizeF()
        font = view.font()
        font.setPointSizeF(self._base_point_size * percent / 100)
        view.setFont(font)
        view.document().setDefaultFont(font)
        view.schedule_rerender()
        if announce:
            self._window.zoom_changed.emit(percent)
            self._window.show_status(translate("MainWindow", "Zoom {0}%").format(percent))

    # -- sidebar -------------------------------------------------------------------------
    def toggle_sidebar(self) -> None:
        sidebar = self._window.sidebar
        self._squeezed = False
        sidebar.setVisible(not sidebar.isVisible())

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self._window and event.type() == QEvent.Type.Resize:
            sidebar = self._window.sidebar
            narrow = self._window.width() < NARROW
            if narrow and sidebar.isVisible():
                self._squeezed = True
                sidebar.hide()
            elif not narrow and self._squeezed:
                self._squeezed = False
                sidebar.show()
        return False
