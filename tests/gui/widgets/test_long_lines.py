"""Issue #21: one long line (a reply, a stored message, a paste) never freezes the window.

The timings are in bench/long_lines.py (every loop step ≤ 16 ms); these tests hold the
structure that makes them so, on the real widgets offscreen: no text block much longer
than BLOCK_CHARS, no loop turn given more than a piece, a huge message shown cut with
"Show all" and "Open as text", and the text itself never changed by any of it."""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from PySide6.QtCore import QUrl
from PySide6.QtGui import QGuiApplication, QTextDocument

from gui.widgets.chat_view import ChatView
from gui.widgets.long_text import (
    BLOCK_CHARS,
    HEAD_CHARS,
    PLAIN_PIECE_CHARS,
    SHOWN_CHARS,
    LineBreaker,
    display,
)
from gui.widgets.message_html import action_url, wants_markdown


@dataclass(frozen=True)
class Msg:
    id: int
    role: str
    text: str
    status: str = "complete"
    error: Any = None
    provider: str = "scripted"
    model: str = "echo-1"


def words(size: int) -> str:
    """Russian and English words with spaces, no line break."""
    line = "Это длинная строка без переводов, some words of English too, и ещё "
    return (line * (size // len(line) + 1))[:size]


def hex_line(size: int) -> str:
    """No break opportunity anywhere: the worst case for line breaking."""
    return random.Random(21).randbytes(size // 2 + 1).hex()[:size]


def longest_block(document: QTextDocument) -> int:
    longest, block = 0, document.begin()
    while block.isValid():
        longest = max(longest, block.length())
        block = block.next()
    return longest


def view_for(qtbot: Any) -> ChatView:
    view = ChatView()
    qtbot.addWidget(view)
    view.resize(800, 600)
    view.show()
    return view


def settle(qtbot: Any, view: ChatView, message_id: int) -> None:
    qtbot.waitUntil(lambda: not view.is_expanding(message_id), timeout=20_000)


@settings(max_examples=200, deadline=None)
@given(
    st.text(alphabet=st.sampled_from("ab \n\tЖ"), max_size=9_000),
    st.lists(st.integers(1, 3_000), max_size=12),
)
def test_display_breaks_fall_in_the_same_places_however_the_text_comes(
    text: str, cuts: list[int]
) -> None:
    whole = display(text)
    breaker, pieces, at = LineBreaker(), [], 0
    for size in [*cuts, len(text)]:
        pieces.append(breaker.feed(text[at : at + size]))
        at += size
    assert "".join(pieces) == whole
    assert whole.replace("\n", "") == text.replace("\n", "")  # only breaks are added
    assert max(map(len, whole.split("\n"))) <= BLOCK_CHARS


def test_a_streamed_megabyte_line_never_makes_a_long_block_or_a_long_turn(qtbot: Any) -> None:
    view = view_for(qtbot)
    text = hex_line(1_000_000)
    view.begin_reply(Msg(1, "assistant", "", status="streaming"))
    view.append_delta(1, text[:50_000])  # more than a piece in one go: the rest waits
    shown = view.toPlainText().replace("\n", "")
    assert text[: PLAIN_PIECE_CHARS - 10] in shown
    assert text[: PLAIN_PIECE_CHARS + 2 * BLOCK_CHARS] not in shown
    qtbot.waitUntil(lambda: text[:50_000] in view.toPlainText().replace("\n", ""))
    for start in range(50_000, len(text), 12_000):
        view.append_delta(1, text[start : start + 12_000])
    settle(qtbot, view, 1)
    assert longest_block(view.document()) <= BLOCK_CHARS + 1
    assert view.message_text(1) == text

    view.update_message(Msg(1, "assistant", text))  # ended: its head stays, the rest waits
    assert view.is_cut(1)
    shown = view.toPlainText()
    assert "Show all" in shown and "Open as text" in shown and shown.count("Regenerate") == 1
    assert len(shown) < HEAD_CHARS + 2_000
    assert shown.replace("\n", "").count(text[: HEAD_CHARS - 100]) == 1
    view.on_anchor_clicked(QUrl(action_url("copy", 1)))
    assert QGuiApplication.clipboard().text() == text  # Copy is the whole reply


def test_a_stored_megabyte_line_opens_cut_and_show_all_adds_the_rest_a_piece_a_turn(
    qtbot: Any,
) -> None:
    view = view_for(qtbot)
    text = words(1_000_000)
    view.set_messages([Msg(1, "user", "Пришли длинную строку"), Msg(2, "assistant", text)])
    first = view.toPlainText()
    assert len(first) < PLAIN_PIECE_CHARS + 500  # one piece in the first turn
    settle(qtbot, view, 2)
    assert view.is_cut(2)
    shown = view.toPlainText()
    assert "Showing the first" in shown and "Show all (" in shown
    assert len(shown) < HEAD_CHARS + 1_000
    assert longest_block(view.document()) <= PLAIN_PIECE_CHARS + 1
    assert view.verticalScrollBar().value() == view.verticalScrollBar().maximum()

    view.on_anchor_clicked(QUrl(action_url("show_all", 2)))
    assert view.is_expanding(2) and "Show all" not in view.toPlainText()
    settle(qtbot, view, 2)
    shown = view.toPlainText()
    assert text in shown.replace("\n", "")  # pieces end at spaces: joined, it is the text
    assert "Show all" not in shown and shown.count("Regenerate") == 1
    assert longest_block(view.document()) <= PLAIN_PIECE_CHARS + 1

    view.set_dark(True)  # rendered again: still whole
    settle(qtbot, view, 2)
    assert not view.is_cut(2) and text in view.toPlainText().replace("\n", "")


def test_open_as_text_shows_and_copies_the_text_itself(qtbot: Any) -> None:
    view = view_for(qtbot)
    text = "начало\n" + hex_line(300_000) + "\nконец " + words(5_000)
    view.set_messages([Msg(1, "user", text)])
    settle(qtbot, view, 1)
    view.on_anchor_clicked(QUrl(action_url("open_text", 1)))
    dialog = view.text_dialog
    assert dialog is not None and dialog.isVisible()
    edit = dialog.edit  # type: ignore[attr-defined]
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.complete)  # type: ignore[attr-defined]
    assert edit.isReadOnly() and edit.toPlainText() == text
    assert longest_block(edit.document()) <= BLOCK_CHARS + 1
    cursor = edit.textCursor()  # a selection over display breaks copies as it was given
    cursor.setPosition(3)
    cursor.setPosition(9_000, cursor.MoveMode.KeepAnchor)
    edit.setTextCursor(cursor)
    edit.copy()
    copied = QGuiApplication.clipboard().text()
    assert "\n" not in copied[10:] and copied == text[3 : 3 + len(copied)]
    assert len(copied) > 8_000
    dialog.copy_button.click()  # type: ignore[attr-defined]
    assert QGuiApplication.clipboard().text() == text
    dialog.close()


def test_a_pasted_user_line_is_shown_cut_and_its_text_kept(qtbot: Any) -> None:
    view = view_for(qtbot)
    text = hex_line(499_000)
    view.append_message(Msg(7, "user", text))
    settle(qtbot, view, 7)
    assert view.is_cut(7) and view.message_text(7) == text
    shown = view.toPlainText()
    assert "Edit" in shown and "Show all" in shown
    assert len(shown) < HEAD_CHARS + 1_000


def test_a_message_under_the_cut_is_shown_whole_in_pieces(qtbot: Any) -> None:
    view = view_for(qtbot)
    text = ("строка кода = 1\n" * 5_000)[: SHOWN_CHARS - 10]
    view.set_messages([Msg(1, "user", text)])
    settle(qtbot, view, 1)
    assert not view.is_cut(1)
    assert text.rstrip("\n") in view.toPlainText()


def test_markdown_with_a_very_long_line_stays_plain_text() -> None:
    assert wants_markdown(Msg(1, "assistant", "**bold**\n\n" + words(5_000)))
    assert not wants_markdown(Msg(1, "assistant", "**bold**\n\n" + words(20_000)))


def test_a_streamed_markdown_reply_with_long_lines_renders_like_one_opened(
    qtbot: Any,
) -> None:
    """Its streamed text holds display breaks; the end renders it over them in pieces."""
    text = "\n\n".join(f"Абзац {i}: **жирный** " + words(3_000) for i in range(8))
    streamed, opened = view_for(qtbot), view_for(qtbot)
    streamed.begin_reply(Msg(1, "assistant", "", status="streaming"))
    for start in range(0, len(text), 700):
        streamed.append_delta(1, text[start : start + 700])
    settle(qtbot, streamed, 1)
    streamed.update_message(Msg(1, "assistant", text))
    qtbot.waitUntil(lambda: "Regenerate" in streamed.toPlainText())
    opened.set_messages([Msg(1, "assistant", text)])
    settle(qtbot, opened, 1)
    assert "**" not in streamed.toPlainText()  # rendered as Markdown, not left streamed
    assert streamed.toPlainText() == opened.toPlainText()


def test_a_streamed_plain_reply_gets_its_footer_on_a_line_of_its_own(qtbot: Any) -> None:
    view = view_for(qtbot)
    text = words(70_000)  # no Markdown (longer than its limit), no final newline
    view.begin_reply(Msg(1, "assistant", "", status="streaming"))
    view.append_delta(1, text[:5_000])
    view.append_delta(1, text[5_000:])
    settle(qtbot, view, 1)
    view.update_message(Msg(1, "assistant", text))
    lines = view.toPlainText().rstrip("\n").split("\n")
    assert lines[-1].lstrip("\ufffc\xa0 ").startswith("Copy")  # its icon, then the word


def test_a_message_filling_above_the_view_keeps_the_view_on_its_text(qtbot: Any) -> None:
    view = view_for(qtbot)
    messages = [Msg(1, "user", words(60_000)), Msg(2, "assistant", "Ответ\n" * 200)]
    view.set_messages(messages, anchor=2)
    top = view.cursorRect(view._frames[2].firstCursorPosition()).top()
    settle(qtbot, view, 1)
    assert view.verticalScrollBar().value() > 0
    assert abs(view.cursorRect(view._frames[2].firstCursorPosition()).top() - top) < 4


def test_continuing_a_huge_reply_streams_its_old_text_in_first(qtbot: Any) -> None:
    view = view_for(qtbot)
    old = words(200_000)
    view.append_message(Msg(1, "assistant", old, status="stopped"))
    settle(qtbot, view, 1)
    view.update_message(Msg(1, "assistant", old, status="streaming"))  # Continue
    view.append_delta(1, " и дальше")
    assert view.is_expanding(1)  # the old text goes in a piece a turn, the new after it
    settle(qtbot, view, 1)
    assert view.toPlainText().replace("\n", "").endswith(old + " и дальше")
    view.update_message(Msg(1, "assistant", old + " и дальше"))
    assert view.is_cut(1)


@dataclass(frozen=True)
class Version(Msg):
    version: int = 1
    versions: int = 1


def test_a_long_message_opened_in_pieces_keeps_its_copy_links_and_version_arrow(
    qtbot: Any,
) -> None:
    view = view_for(qtbot)
    text = "\n\n".join(
        f"Абзац {i}: **текст** " + words(200) + f"\n\n```python\nprint({i})\n```" for i in range(40)
    )
    view.set_messages([Version(1, "user", "q"), Version(2, "assistant", text, versions=2)])
    settle(qtbot, view, 2)
    assert view.code_block(2, 0) == "print(0)" and view.code_block(2, 39) == "print(39)"
    view.on_anchor_clicked(QUrl(action_url("next", 2)))  # the arrow the person followed
    view.set_messages(
        [Version(1, "user", "q"), Version(3, "assistant", text, version=2, versions=2)], anchor=3
    )
    assert view.is_expanding(3)  # its footer, with the arrows, is still to come
    settle(qtbot, view, 3)
    selected = view.textCursor()
    assert selected.selectedText() == "‹"  # at the end: the other arrow, so Enter goes back
    assert selected.charFormat().anchorHref() == action_url("previous", 3)
