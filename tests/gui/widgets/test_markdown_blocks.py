"""Task lists, quotes, nested and numbered lists and tables as a reader sees them: the
renderer's HTML loaded into a real QTextDocument (offscreen), then its structure read back."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtGui import (
    QTextDocument,
    QTextFrame,
    QTextFrameFormat,
    QTextListFormat,
    QTextTable,
)

from gui.widgets.markdown import render_markdown
from gui.widgets.markdown_blocks import CHECKED, UNCHECKED

Style = QTextListFormat.Style


def document(markdown: str, *, dark: bool = False) -> QTextDocument:
    doc = QTextDocument()
    doc.setHtml(render_markdown(markdown, dark=dark).html)
    return doc


def lists(doc: QTextDocument) -> list[tuple[str, Style, int, int]]:
    """(first line of each item, bullet style, indent level, start) for every list item."""
    items = []
    block = doc.begin()
    while block.isValid():
        text_list = block.textList()
        if text_list is not None:
            fmt = text_list.format()
            items.append((block.text().strip(), fmt.style(), fmt.indent(), fmt.start()))
        block = block.next()
    return items


def tables(frame: QTextFrame) -> list[QTextTable]:
    found = []
    for child in frame.childFrames():
        if isinstance(child, QTextTable):
            found.append(child)
        found.extend(tables(child))
    return found


def test_task_list_items_show_check_boxes_instead_of_bullets(qapp: Any) -> None:
    doc = document("- [ ] написать тест\n- [x] сделано\n- [X] тоже\n")
    assert lists(doc) == [
        (f"{UNCHECKED} написать тест", Style.ListStyleUndefined, 1, 1),
        (f"{CHECKED} сделано", Style.ListStyleUndefined, 1, 1),
        (f"{CHECKED} тоже", Style.ListStyleUndefined, 1, 1),
    ]
    assert "[ ]" not in doc.toPlainText()


def test_a_list_mixing_tasks_and_items_keeps_its_bullets(qapp: Any) -> None:
    doc = document("- [ ] задача\n- просто пункт\n")
    assert [(text, style) for text, style, _, _ in lists(doc)] == [
        (f"{UNCHECKED} задача", Style.ListDisc),
        ("просто пункт", Style.ListDisc),
    ]


def test_raw_checkbox_html_from_the_model_stays_text(qapp: Any) -> None:
    doc = document('<input class="task-list-item-checkbox" checked="checked"> x')
    assert CHECKED not in doc.toPlainText()
    assert "<input" in doc.toPlainText()


@pytest.mark.parametrize("dark", [False, True])
def test_a_quote_has_a_bar_on_its_left(qapp: Any, dark: bool) -> None:
    doc = document("Before\n\n> Цитата **жирным**\n> на две строки\n\nAfter", dark=dark)
    [table] = tables(doc.rootFrame())
    assert (table.rows(), table.columns()) == (1, 1)
    cell = table.cellAt(0, 0)
    fmt = cell.format().toTableCellFormat()
    assert fmt.leftBorder() == 3
    assert fmt.leftBorderStyle() != QTextFrameFormat.BorderStyle.BorderStyle_None
    assert fmt.rightBorder() == 0
    bar = fmt.leftBorderBrush().color()
    assert bar.alpha() == 255 and (bar.lightness() < 128) is dark
    text = cell.firstCursorPosition().block().text()
    assert text.startswith("Цитата жирным")
    assert doc.toPlainText().index("Before") < doc.toPlainText().index("Цитата")


def test_nested_quotes_nest_their_bars(qapp: Any) -> None:
    doc = document("> outer\n>\n> > inner\n")
    outer, inner = tables(doc.rootFrame())
    assert inner.parentFrame().parentFrame() is not None
    assert inner.firstPosition() > outer.firstPosition()
    assert inner.lastPosition() < outer.lastPosition()


def test_nested_lists_indent_and_change_bullets_per_level(qapp: Any) -> None:
    doc = document("- one\n  - two\n    - three\n      - four\n- one again\n")
    assert lists(doc) == [
        ("one", Style.ListDisc, 1, 1),
        ("two", Style.ListCircle, 2, 1),
        ("three", Style.ListSquare, 3, 1),
        ("four", Style.ListSquare, 4, 1),
        ("one again", Style.ListDisc, 1, 1),
    ]


def test_bullets_inside_a_numbered_list_indent_under_it(qapp: Any) -> None:
    doc = document("1. first\n   - sub\n2. second\n")
    assert lists(doc) == [
        ("first", Style.ListDecimal, 1, 1),
        ("sub", Style.ListDisc, 2, 1),
        ("second", Style.ListDecimal, 1, 1),
    ]


def test_an_ordered_list_keeps_its_start_number(qapp: Any) -> None:
    doc = document("3. three\n4. four\n\nText\n\n7. seven\n")
    assert [(text, start) for text, _, _, start in lists(doc)] == [
        ("three", 3),
        ("four", 3),
        ("seven", 7),
    ]
    numbers = [block.textList().itemText(block) for block in _list_blocks(doc)]
    assert numbers == ["3.", "4.", "7."]


def test_a_table_has_borders_and_a_header_row(qapp: Any) -> None:
    doc = document("| Язык | Год |\n|---|---:|\n| Python | 1991 |\n| Rust | 2015 |\n")
    [table] = tables(doc.rootFrame())
    assert (table.rows(), table.columns()) == (3, 2)
    assert table.format().border() >= 1
    header = table.cellAt(0, 0)
    assert header.firstCursorPosition().block().text() == "Язык"
    assert header.format().fontWeight() >= 600  # <th> is bold
    assert header.format().background().color() != table.cellAt(1, 0).format().background().color()
    assert table.cellAt(2, 1).firstCursorPosition().block().text() == "2015"


def _list_blocks(doc: QTextDocument) -> list[Any]:
    blocks = []
    block = doc.begin()
    while block.isValid():
        if block.textList() is not None:
            blocks.append(block)
        block = block.next()
    return blocks
