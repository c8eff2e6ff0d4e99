"""The composer keeps typing responsive with what people paste."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QMimeData
from PySide6.QtGui import QTextOption

from gui.widgets.composer import LONG_LINE_CHARS, Composer


def _paste(composer: Composer, text: str) -> None:
    data = QMimeData()
    data.setText(text)
    composer.insertFromMimeData(data)


def test_a_huge_unbroken_line_is_wrapped_anywhere_until_the_composer_is_cleared(
    qtbot: Any,
) -> None:
    composer = Composer()
    qtbot.addWidget(composer)
    default = composer.wordWrapMode()
    blob = "QUJD" * 75_000  # 300,000 characters of base64, no spaces
    _paste(composer, blob)
    assert composer.toPlainText() == blob
    assert composer.wordWrapMode() == QTextOption.WrapMode.WrapAnywhere
    composer.clear()
    assert composer.wordWrapMode() == default


def test_ordinary_text_keeps_word_wrapping(qtbot: Any) -> None:
    composer = Composer()
    qtbot.addWidget(composer)
    default = composer.wordWrapMode()
    _paste(composer, ("слово " * 100 + "\n") * (LONG_LINE_CHARS // 300))
    assert composer.wordWrapMode() == default
