"""The composer keeps typing responsive with what people paste, and sends it as pasted."""

from __future__ import annotations

import random
from typing import Any

from PySide6.QtCore import QMimeData, Qt
from PySide6.QtGui import QGuiApplication, QTextCursor, QTextOption

from gui.widgets.composer import LONG_LINE_CHARS, Composer
from gui.widgets.long_blocks import continues
from gui.widgets.long_text import BLOCK_CHARS


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


def _longest_block(composer: Composer) -> int:
    longest, block = 0, composer.document().begin()
    while block.isValid():
        longest = max(longest, block.length())
        block = block.next()
    return longest


def test_a_pasted_499k_line_is_held_in_short_blocks_and_sent_exactly(qtbot: Any) -> None:
    """Issue #21: one block of 499,000 characters made each key take 140 ms and Send
    freeze for 20 s; in blocks of at most BLOCK_CHARS the text is still the text."""
    composer = Composer()
    qtbot.addWidget(composer)
    sent: list[str] = []
    composer.submitted.connect(sent.append)
    line = random.Random(21).randbytes(249_500).hex()
    _paste(composer, "начало " + line + "\nвторая строка")
    text = "начало " + line + "\nвторая строка"
    assert composer.toPlainText() == text
    assert _longest_block(composer) <= BLOCK_CHARS + 1
    assert composer.document().blockCount() > len(text) // BLOCK_CHARS
    composer.submit()
    assert sent == [text]


def test_editing_at_a_display_break_changes_the_text_where_it_seems_to(qtbot: Any) -> None:
    composer = Composer()
    qtbot.addWidget(composer)
    text = "x" * 5_000
    _paste(composer, text)
    second = composer.document().begin().next()
    assert continues(second) and second.position() == BLOCK_CHARS + 1
    cursor = composer.textCursor()
    cursor.setPosition(second.position())  # the start of a block that continues the line
    composer.setTextCursor(cursor)
    qtbot.keyClick(composer, Qt.Key.Key_Backspace)  # takes the "x" before the break
    assert composer.toPlainText() == "x" * 4_999
    qtbot.keyClicks(composer, "ab")
    qtbot.keyClick(composer, Qt.Key.Key_Return, Qt.KeyboardModifier.ShiftModifier)
    expected = "x" * (BLOCK_CHARS - 1) + "ab\n" + "x" * (5_000 - BLOCK_CHARS)
    assert composer.toPlainText() == expected
    _paste(composer, "one\ntwo\n")  # lines pasted inside a continued block stay lines
    assert composer.toPlainText() == expected.replace("ab\n", "ab\none\ntwo\n")
    composer.undo()
    assert composer.toPlainText() == expected
    composer.redo()
    assert composer.toPlainText() == expected.replace("ab\n", "ab\none\ntwo\n")


def test_copying_across_display_breaks_copies_the_line(qtbot: Any) -> None:
    composer = Composer()
    qtbot.addWidget(composer)
    text = "".join(chr(0x430 + i % 32) for i in range(7_000))
    _paste(composer, text)
    composer.selectAll()
    composer.copy()
    assert QGuiApplication.clipboard().text() == text
    cursor = composer.textCursor()
    cursor.setPosition(1_990)
    cursor.setPosition(4_100, QTextCursor.MoveMode.KeepAnchor)
    composer.setTextCursor(cursor)
    composer.copy()
    assert QGuiApplication.clipboard().text() == text[1_990 : 1_990 + 4_110 - 2_002]


def test_a_huge_message_to_edit_is_held_in_short_blocks(qtbot: Any) -> None:
    composer = Composer()
    qtbot.addWidget(composer)
    composer.setPlainText("черновик")
    text = "ж" * 300_000
    composer.start_editing(1, text)
    assert composer.toPlainText() == text
    assert _longest_block(composer) <= BLOCK_CHARS + 1
    composer.stop_editing()
    assert composer.toPlainText() == "черновик"
