"""Issue #17: a reply that streams faster than it can be rendered (a local server) still
renders live a bounded piece at a time, never inserts the text streamed after the open
block again, and when it ends renders the rest in place, a piece per loop turn: the text
never vanishes, and the end is what the same reply shown whole is."""

from __future__ import annotations

from typing import Any

from PySide6.QtGui import QColor, QTextCursor

from gui.widgets.live_markdown import TAIL_CHARS
from gui.widgets.long_text import PLAIN_PIECE_CHARS
from tests.gui.widgets.test_live_markdown import REPLY, Msg, layout, tables, view_for

SECTIONS = "".join(
    REPLY.replace("Сравнение", f"Раздел {n}") + f"\n- пункт {n}\n- ещё\n\n$x_{n}$ и текст.\n\n"
    for n in range(40)
)  # about 13,000 characters


def whole(qtbot: Any, text: str) -> Any:
    view = view_for(qtbot)
    view.set_messages([Msg(2, "assistant", text)])
    qtbot.waitUntil(lambda: "Regenerate" in view.toPlainText(), timeout=5000)
    return view


def test_a_flood_ends_rendered_in_place_a_piece_a_turn_like_the_reply_shown_whole(
    qtbot: Any,
) -> None:
    view = view_for(qtbot)
    view.begin_reply(Msg(2, "assistant", "", status="streaming"))
    for start in range(0, len(SECTIONS), 3_000):  # a frame's worth of a fast server each
        view.append_delta(2, SECTIONS[start : start + 3_000])
        qtbot.wait(16)
    qtbot.waitUntil(lambda: not view.is_expanding(2), timeout=2000)  # all in the frame
    assert view._live[2].committed > 0  # rendered live, though it flooded in
    before = len(view.toPlainText())
    view.update_message(Msg(2, "assistant", SECTIONS))
    assert view.is_expanding(2) and "Regenerate" not in view.toPlainText()
    # The rest renders over its own streamed text: nothing is taken away to come back.
    assert len(view.toPlainText()) >= before - len(SECTIONS) // 4
    qtbot.waitUntil(lambda: "Regenerate" in view.toPlainText(), timeout=5000)
    assert not view.is_expanding(2)
    shown_whole = whole(qtbot, SECTIONS)
    assert view.toPlainText() == shown_whole.toPlainText()
    assert layout(view) == layout(shown_whole)
    assert len(tables(view.document().rootFrame())) == 40
    assert view.code_block(2, 39) == shown_whole.code_block(2, 39)


def test_text_streamed_after_the_open_block_is_not_inserted_again(qtbot: Any) -> None:
    """The work per token is bounded: a step replaces what it renders, not the plain
    text streamed since (a flood of it used to be inserted again at every step)."""
    view = view_for(qtbot)
    view.begin_reply(Msg(2, "assistant", "", status="streaming"))
    added = [0]

    def changed(_at: int, _removed: int, new: int) -> None:
        added[0] += new

    view.document().contentsChange.connect(changed)
    for start in range(0, len(SECTIONS), 200):
        view.append_delta(2, SECTIONS[start : start + 200])
        if start % 2_000 == 0:
            qtbot.wait(20)
    view.update_message(Msg(2, "assistant", SECTIONS))
    qtbot.waitUntil(lambda: "Regenerate" in view.toPlainText(), timeout=5000)
    # Each character goes in plain once and rendered about once (the open block a few
    # times more); inserting the streamed rest again at each step made this ~10x.
    assert added[0] < 4 * len(SECTIONS)


def test_a_reply_that_ends_with_text_still_waiting_to_go_in_ends_like_the_whole(
    qtbot: Any,
) -> None:
    view = view_for(qtbot)
    view.begin_reply(Msg(2, "assistant", "", status="streaming"))
    view.append_delta(2, SECTIONS[:2_000])
    qtbot.waitUntil(lambda: view._live[2].touched(), timeout=2000)
    view.append_delta(2, SECTIONS[2_000:])  # more than a piece: part of it waits
    assert len(SECTIONS) - 2_000 > PLAIN_PIECE_CHARS and view.is_expanding(2)
    view.update_message(Msg(2, "assistant", SECTIONS))
    qtbot.waitUntil(lambda: "Regenerate" in view.toPlainText(), timeout=5000)
    shown_whole = whole(qtbot, SECTIONS)
    assert view.toPlainText() == shown_whole.toPlainText()
    assert layout(view) == layout(shown_whole)


def test_an_open_code_block_is_coloured_while_it_streams(qtbot: Any) -> None:
    view = view_for(qtbot)
    view.begin_reply(Msg(2, "assistant", "", status="streaming"))
    code = "".join(f"def f{i}(x):\n    return x + {i}  # комментарий\n" for i in range(30))
    assert len(code) > TAIL_CHARS  # longer than a paragraph is rendered anew
    view.append_delta(2, "Код:\n\n```python\n" + code)
    qtbot.waitUntil(lambda: "```" not in view.toPlainText(), timeout=2000)
    assert view.is_streaming(2)
    cursor = view.document().find("def f20")
    assert not cursor.isNull()
    keyword = QTextCursor(cursor)
    keyword.setPosition(cursor.selectionStart() + 1)  # inside "def"
    colour = keyword.charFormat().foreground().color()
    plain = QColor(view.palette().text().color())
    assert colour.isValid() and colour != plain  # Pygments coloured the keyword


def test_the_space_after_the_open_blocks_last_word_stays(qtbot: Any) -> None:
    """Markdown drops the spaces that end a paragraph: the open block rendered without
    them joined the next word streamed after it ("словомдальше") until the next step."""
    view = view_for(qtbot)
    view.begin_reply(Msg(2, "assistant", "", status="streaming"))
    view.append_delta(2, "Начало.\n\nВторой абзац с **жирным** словом ")
    qtbot.waitUntil(lambda: "**" not in view.toPlainText(), timeout=2000)
    view.append_delta(2, "дальше")
    assert "жирным словом дальше" in view.toPlainText()


def test_an_open_code_block_highlights_only_its_new_lines_and_colours_as_a_whole() -> None:
    from gui.widgets import markdown_code

    code = "".join(f"def f{i}(x):\n    return x + {i}  # комментарий\n" for i in range(60))
    lexer = markdown_code._lexer("python")
    calls: list[int] = []
    real = markdown_code._pygments

    def counted(text: str, lex: Any, dark: bool) -> str:
        calls.append(len(text))
        return real(text, lex, dark)

    markdown_code._pygments = counted  # type: ignore[assignment]
    try:
        for end in range(40, len(code), 40):  # the block as it grows
            with markdown_code.reusing():
                grown, _ = markdown_code._highlight(code[:end], "python", False, 10**6)
            assert grown == real(code[:end], lexer, False)
    finally:
        markdown_code._pygments = real  # type: ignore[assignment]
    assert sum(calls) < 3 * len(code)  # each line highlighted about once, not every time
    whole, _ = markdown_code._highlight(code, "python", False, 10**6)  # outside: whole
    assert whole == real(code, lexer, False)
