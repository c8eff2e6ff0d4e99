"""Where the main window's widgets go: the sidebar beside the conversation column — a slim
header (provider, model, Parameters, Settings), the conversation (or a panel shown in
its place), the bars, and one rounded composer box holding the message, a hint and the
Send button that becomes Stop."""

from __future__ import annotations

import itertools
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from gui.widgets.style_sheet import colours

if TYPE_CHECKING:
    from gui.widgets.main_window import MainWindow


class ComposerBox(QFrame):
    """The composer's rounded box; its border shows where the keyboard is."""

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("composerBox")
        self.hint = QLabel()
        self.hint.setObjectName("composerHint")
        #: the box's border while the message has the keyboard (set with the theme)
        self.focused_sheet = ""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind in (QEvent.Type.FocusIn, QEvent.Type.FocusOut):
            # A sheet of its own, not a property and a repolish: wrapping QStyle for
            # that builds PySide's Qt namespace, which the first frame cannot afford.
            self.setStyleSheet(self.focused_sheet if kind == QEvent.Type.FocusIn else "")
        return False


def lay_out(window: MainWindow) -> tuple[QStackedWidget, QVBoxLayout, ComposerBox]:
    """Place the window's widgets; returns the stack whose first page is the view (a
    welcome panel may be shown there instead), the column the bars are inserted in, and
    the composer's box."""
    header = QWidget()
    header.setObjectName("chatHeader")
    top = QHBoxLayout(header)
    top.setContentsMargins(16, 8, 16, 8)
    top.setSpacing(8)
    top.addWidget(window.picker, 1)
    for button in (window.parameters_button, window.settings_button):
        button.setObjectName("headerButton")
        top.addWidget(button)
    window.send_button.setObjectName("sendButton")
    window.stop_button.setObjectName("stopButton")
    window.stop_button.hide()  # Send becomes Stop while a reply streams (set_busy)

    box = ComposerBox()
    inner = QVBoxLayout(box)
    inner.setContentsMargins(12, 8, 8, 8)
    inner.setSpacing(4)
    inner.addWidget(window.composer.chips)  # attached files, above the text
    inner.addWidget(window.composer)
    row = QHBoxLayout()
    row.addWidget(window.composer.attach_button)  # attach, at the left
    row.addWidget(box.hint, 1)
    row.addWidget(window.send_button)
    row.addWidget(window.stop_button)
    inner.addLayout(row)
    window.composer.installEventFilter(box)

    stack = QStackedWidget()
    stack.setObjectName("conversationStack")
    stack.addWidget(window.view)
    right = QWidget()
    right.setObjectName("conversationColumn")
    column = QVBoxLayout(right)  # the bars go between view and composer
    column.setContentsMargins(0, 0, 0, 0)
    column.setSpacing(0)
    column.addWidget(header)
    column.addWidget(stack, 1)
    bottom = QHBoxLayout()
    bottom.setContentsMargins(16, 8, 16, 12)
    bottom.addStretch(1)
    bottom.addWidget(box, 20)
    bottom.addStretch(1)
    column.addLayout(bottom)

    window.sidebar.setObjectName("sidebar")
    window.sidebar.new_button.setObjectName("newChatButton")
    splitter = QSplitter()  # side by side
    splitter.setChildrenCollapsible(True)
    splitter.addWidget(window.sidebar)
    splitter.addWidget(right)
    splitter.setStretchFactor(1, 1)
    splitter.setSizes([260, 840])
    window.setCentralWidget(splitter)
    return stack, column, box


def set_tab_order(window: MainWindow) -> None:
    """Sidebar → provider and model → buttons → conversation → message → Send, Stop."""
    chain: list[QWidget] = [
        window.sidebar.new_button,
        window.sidebar.search,
        window.sidebar.list,
        window.picker.provider_box,
        window.picker.model_box,
        window.parameters_button,
        window.settings_button,
        window.view,
        window.composer,
        window.composer.attach_button,
        window.send_button,
        window.stop_button,
    ]
    for first, second in itertools.pairwise(chain):
        window.setTabOrder(first, second)


def paint_icons(window: MainWindow, dark: bool) -> None:
    """The buttons' icons in the theme's colours."""
    from gui.widgets import icons  # after the first frame (show_icons)

    c = colours(dark)
    window.composer_box.focused_sheet = (
        f"QFrame#composerBox {{ border: 2px solid {c.accent}; border-radius: 12px; }}"
    )
    if window.composer.hasFocus():
        window.composer_box.setStyleSheet(window.composer_box.focused_sheet)
    size = icons.icon_size(18)
    for button, name, colour in (
        (window.send_button, "send", c.on_accent),
        (window.composer.attach_button, "attach", c.text),
        (window.stop_button, "stop", c.window),
        (window.parameters_button, "parameters", c.text),
        (window.settings_button, "settings", c.text),
        (window.sidebar.new_button, "new", c.on_accent),
    ):
        button.setIcon(icons.icon(name, colour))
        button.setIconSize(size)
