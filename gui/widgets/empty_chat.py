"""An empty chat: the model's name and a few sentence-starters, not a blank page.

A starter puts the start of a question into the message box (the window's); nothing is
sent until the person adds to it and presses Enter.
"""

from __future__ import annotations

import functools

from PySide6 import QtCore
from PySide6.QtCore import Signal
from PySide6.QtWidgets import QGridLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from gui.widgets.i18n import QT_TRANSLATE_NOOP, provider_text
from gui.widgets.welcome import GRID, Page, push_button, text_label

__all__ = ["STARTERS", "EmptyChatPanel"]

#: Sentence-starters of an empty chat: (title, hint, the text put into the message box).
STARTERS = (
    (
        QT_TRANSLATE_NOOP("EmptyChatPanel", "Explain something"),
        QT_TRANSLATE_NOOP("EmptyChatPanel", "in simple words, with an example"),
        QT_TRANSLATE_NOOP("EmptyChatPanel", "Explain in simple words, with an example: "),
    ),
    (
        QT_TRANSLATE_NOOP("EmptyChatPanel", "Draft a message"),
        QT_TRANSLATE_NOOP("EmptyChatPanel", "short, clear and polite"),
        QT_TRANSLATE_NOOP("EmptyChatPanel", "Write a short, polite message to "),
    ),
    (
        QT_TRANSLATE_NOOP("EmptyChatPanel", "Review code"),
        QT_TRANSLATE_NOOP("EmptyChatPanel", "find bugs and suggest fixes"),
        QT_TRANSLATE_NOOP("EmptyChatPanel", "Review this code, find bugs and suggest fixes:\n\n"),
    ),
    (
        QT_TRANSLATE_NOOP("EmptyChatPanel", "Make a plan"),
        QT_TRANSLATE_NOOP("EmptyChatPanel", "step by step, with the first steps"),
        QT_TRANSLATE_NOOP("EmptyChatPanel", "Make a step-by-step plan for "),
    ),
)


class EmptyChatPanel(Page):
    """An empty chat: who answers, and a few ways to start."""

    #: a sentence-starter's text, for the message box
    starter_chosen = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("emptyChatPage", 640, parent)
        self._model = self._provider = ""
        self.column.addStretch(1)
        self.title = text_label("welcomeTitle")
        self.title.setAlignment(QtCore.Qt.AlignmentFlag.AlignCenter)
        self.subtitle = text_label("welcomeSubtitle")
        self.subtitle.setAlignment(QtCore.Qt.AlignmentFlag.AlignCenter)
        self.column.addWidget(self.title)
        self.column.addWidget(self.subtitle)
        self.column.addSpacing(2 * GRID)
        grid = QGridLayout()
        grid.setSpacing(2 * GRID)
        self.starter_buttons: list[QPushButton] = []
        for index, (_title, _hint, text) in enumerate(STARTERS):
            button = push_button("starterButton", functools.partial(self._choose, text))
            button.setMinimumHeight(9 * GRID)
            lines = QVBoxLayout(button)
            lines.setContentsMargins(2 * GRID, 3 * GRID // 2, 2 * GRID, 3 * GRID // 2)
            lines.setSpacing(GRID // 2)
            for object_name in ("starterTitle", "muted"):
                line = text_label(object_name, wrap=False)
                line.setAttribute(QtCore.Qt.WidgetAttribute.WA_TransparentForMouseEvents)
                lines.addWidget(line)
            self.starter_buttons.append(button)
            grid.addWidget(button, index // 2, index % 2)
        self.column.addLayout(grid)
        self.column.addStretch(2)
        self.retranslate()

    def _choose(self, text: str) -> None:
        self.starter_chosen.emit(self.tr(text))

    def set_model(self, provider_label: str, model: str) -> None:
        """The chat's provider (its label, untranslated) and model."""
        self._provider, self._model = provider_label, model
        self.retranslate()

    def retranslate(self) -> None:
        provider = provider_text(self._provider)
        self.title.setText(self._model or provider or self.tr("New chat"))
        if self._model and provider:
            line = self.tr("{0} answers here. Ask anything, or start with one of these:")
            self.subtitle.setText(line.format(provider))
        else:
            self.subtitle.setText(self.tr("Ask anything, or start with one of these:"))
        for button, (title, hint, _text) in zip(self.starter_buttons, STARTERS, strict=True):
            labels = button.findChildren(QLabel)
            labels[0].setText(self.tr(title))
            labels[1].setText(self.tr(hint))
            button.setAccessibleName(self.tr(title))
            button.setAccessibleDescription(
                self.tr("Puts the start of a question in the message box")
            )
