"""Issue #17: a streaming reply's Markdown renders as it arrives, on the real view offscreen.

Complete blocks render once; the open last block renders anew at most once a frame;
nothing shows raw Markdown syntax once its block is complete; the end gives what the
same reply shown whole gives."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from PySide6.QtCore import QUrl
from PySide6.QtGui import QGuiApplication, QTextFrame, QTextTable

from gui.widgets import live_markdown
from gui.widgets.chat_view import ChatView
from gui.widgets.live_markdown import CODE_TAIL_CHARS, TAIL_CHARS, complete_prefix
from gui.widgets.markdown import copy_link
from gui.widgets.message_html import MAX_PIECE_CHARS

REPLY = """## Сравнение

Вот таблица:

| способ | на месте |
|---|---|
| `sorted()` | нет |
| `list.sort()` | да |

И код:

```python
people.sort(key=lambda p: p["age"])
print(people)
```

Готово, **это** всё.
"""


@dataclass(frozen=True)
class Msg:
    id: int
    role: str
    text: str
    status: str = "complete"
    error: Any = None
    provider: str = "scripted"
    model: str = "echo-1"


def view_for(qtbot: Any) -> ChatView:
    view = ChatView()
    qtbot.addWidget(view)
    view.resize(800, 600)
    view.show()
    return view


def tables(frame: QTextFrame) -> list[QTextTable]:
    found: list[QTextTable] = []
    for child in frame.childFrames():
        if isinstance(child, QTextTable):
            found.append(child)
        found += tables(child)
    return found


def stream(view: ChatView, qtbot: Any, text: str, size: int = 7) -> None:
    """Deltas of `size` characters, a short wait now and then (the loop runs its steps)."""
    for start in range(0, len(text), size):
        view.append_delta(2, text[start : start + size])
        if start % (size * 10) == 0:
            qtbot.wait(1)


def test_complete_blocks_end_before_a_new_block_starts() -> None:
    assert complete_prefix("Один абзац.\n\nДругой") == len("Один абзац.\n\n")
    assert complete_prefix("Один абзац.\n\nДругой абзац.\n") == len("Один абзац.\n\n")
    assert complete_prefix("Ещё не всё") == 0  # the line is still coming
    fenced = "Код:\n```py\nx = 1\n\nНе абзац\n```\n"
    assert complete_prefix(fenced) == len(fenced)  # a closed fence ends its block
    assert complete_prefix("Код:\n```py\nx = 1\n\nНе абзац\n") == len("Код:\n")
    assert complete_prefix("Текст\n## Заголовок\n") == len("Текст\n")
    # Lists, quotes and tables go on after a blank line: not cut inside them.
    assert complete_prefix("- один\n\n- два\n") == 0
    assert complete_prefix("> цитата\n\n> ещё\n") == 0
    # A link reference may be used anywhere: nothing is complete.
    assert complete_prefix("См. [доку][1].\n\n[1]: https://example.org\n\nЕщё\n") == 0


def test_a_table_and_a_code_block_render_while_the_reply_streams(qtbot: Any) -> None:
    view = view_for(qtbot)
    view.begin_reply(Msg(2, "assistant", "", status="streaming"))
    middle = REPLY.index("Готово")
    stream(view, qtbot, REPLY[: middle + 3])  # the last paragraph has begun
    qtbot.waitUntil(lambda: "```" not in view.toPlainText(), timeout=2000)
    shown = view.toPlainText()
    assert "|---|" not in shown and "## " not in shown and "`sorted()`" not in shown
    assert len(tables(view.document().rootFrame())) == 1  # a table is a table
    assert 'people.sort(key=lambda p: p["age"])' in shown  # the fence became a code block
    assert view.is_streaming(2)
    # The Copy link of the code block copies its code, mid-stream.
    view.anchorClicked.emit(QUrl(copy_link(2, 0)))
    assert QGuiApplication.clipboard().text().startswith("people.sort(")


@pytest.mark.parametrize("size", [3, 7, 60, 700])
def test_the_open_block_renders_too_and_the_end_matches_the_reply_shown_whole(
    qtbot: Any, size: int
) -> None:
    view = view_for(qtbot)
    view.begin_reply(Msg(2, "assistant", "", status="streaming"))
    stream(view, qtbot, "Начало.\n\nВторой абзац с **жирным** сло", size)  # still open
    qtbot.waitUntil(lambda: "**" not in view.toPlainText(), timeout=2000)
    more = "вом.\n\n" + REPLY + "\n1. первый\n2. второй\n\n> цитата\n\nКонец.\n"
    stream(view, qtbot, more, size)
    view.update_message(Msg(2, "assistant", view.message_text(2)))
    qtbot.waitUntil(lambda: "Regenerate" in view.toPlainText(), timeout=3000)
    whole = view_for(qtbot)
    whole.set_messages([Msg(2, "assistant", view.message_text(2))])
    qtbot.waitUntil(lambda: "Regenerate" in whole.toPlainText(), timeout=3000)
    assert view.toPlainText() == whole.toPlainText()
    assert len(tables(view.document().rootFrame())) == len(tables(whole.document().rootFrame()))
    assert layout(view) == layout(whole)  # the same blocks, margins and lists: no gaps


def layout(view: ChatView) -> list[tuple[str, float, float, bool]]:
    found = []
    block = view.document().begin()
    while block.isValid():
        fmt = block.blockFormat()
        hidden = not block.text() and fmt.lineHeight() == 0 and fmt.lineHeightType() == 2
        if not hidden:  # an empty block a list went after, given no height (FixedHeight)
            found.append(
                (block.text(), fmt.topMargin(), fmt.bottomMargin(), bool(block.textList()))
            )
        block = block.next()
    return found


def test_an_open_code_block_is_highlighted_as_it_streams_and_a_very_long_one_waits(
    qtbot: Any,
) -> None:
    view = view_for(qtbot)
    view.begin_reply(Msg(2, "assistant", "", status="streaming"))
    code = "".join(f"x{i} = {i}  # строка\n" for i in range(TAIL_CHARS // 10))
    stream(view, qtbot, "Код:\n\n```python\n" + code, size=200)
    # Longer than a paragraph may be to render anew, but code: highlighted while open.
    qtbot.waitUntil(lambda: "```python" not in view.toPlainText(), timeout=2000)
    assert "x99 = 99" in view.toPlainText()
    more = "".join(f"y{i} = {i}  # ещё\n" for i in range(CODE_TAIL_CHARS // 25))
    assert CODE_TAIL_CHARS < len(code + more) < MAX_PIECE_CHARS
    stream(view, qtbot, more, size=200)
    qtbot.wait(60)
    shown = view.toPlainText()
    assert "```" not in shown and "y99 = 99" in shown  # its head as rendered, lines after
    stream(view, qtbot, "```\n\nВсё.\n", size=200)
    qtbot.waitUntil(lambda: "Всё." in view.toPlainText(), timeout=2000)
    qtbot.waitUntil(lambda: view._live[2].committed > 0 and "```" not in view.toPlainText())
    assert view.code_block(2, 0) == (code + more).rstrip("\n")  # Copy copies all of it


def test_rendering_is_spaced_by_its_cost(qtbot: Any) -> None:
    state = live_markdown.LiveState(last_at=0.0, last_cost=0.0)
    assert state.delay_ms() >= 1
    import time

    state.last_at, state.last_cost = time.monotonic(), 0.010  # a step that cost 10 ms
    # waits STEP_SPACING times its cost (50 ms), not one frame (16 ms)
    assert (
        10 * live_markdown.STEP_SPACING - 5 <= state.delay_ms() <= 10 * live_markdown.STEP_SPACING
    )


def test_a_reply_too_large_for_markdown_goes_on_as_plain_text(qtbot: Any) -> None:
    view = view_for(qtbot)
    view.begin_reply(Msg(2, "assistant", "", status="streaming"))
    stream(view, qtbot, "Абзац.\n\n" + "ж" * 12_000, size=3_000)  # a line too long
    qtbot.waitUntil(lambda: view._live[2].off, timeout=2000)  # live rendering stopped
    text = view.message_text(2)
    view.update_message(Msg(2, "assistant", text))
    qtbot.waitUntil(lambda: "Regenerate" in view.toPlainText(), timeout=3000)
    assert "ж" * 1_000 in view.toPlainText().replace("\n", "")


def test_one_block_too_big_for_a_step_is_shown_as_text_not_laid_out_at_once(
    qtbot: Any,
) -> None:
    """A 30,000-character table cannot be cut into pieces: rendering it would hold the
    window for a quarter of a second, so it stays text, live and when the reply ends."""
    rows = "".join(f"| {i} | значение {i} | ещё {i} |\n" for i in range(1_000))
    text = "Таблица:\n\n| n | a | b |\n|---|---|---|\n" + rows + "\nКонец.\n"
    view = view_for(qtbot)
    view.begin_reply(Msg(2, "assistant", "", status="streaming"))
    stream(view, qtbot, text, size=2_000)
    qtbot.waitUntil(lambda: view._live[2].off, timeout=3000)
    view.update_message(Msg(2, "assistant", text))
    qtbot.waitUntil(lambda: "Regenerate" in view.toPlainText(), timeout=5000)
    assert tables(view.document().rootFrame()) == []  # text, not one huge table
    assert "| 999 | значение 999 |" in view.toPlainText()
    whole = view_for(qtbot)
    whole.set_messages([Msg(2, "assistant", text)])
    qtbot.waitUntil(lambda: not whole.is_expanding(2), timeout=5000)
    assert tables(whole.document().rootFrame()) == []  # opened from the history: the same


def test_a_long_list_renders_while_it_streams(qtbot: Any) -> None:
    items = "".join(f"{i}. **Шаг {i}**: сделать что-то важное с `arg{i}`\n" for i in range(1, 80))
    view = view_for(qtbot)
    view.begin_reply(Msg(2, "assistant", "", status="streaming"))
    stream(view, qtbot, "План:\n\n" + items, size=40)
    qtbot.waitUntil(lambda: "**Шаг 1**" not in view.toPlainText(), timeout=3000)
    qtbot.wait(80)
    shown = view.toPlainText()
    assert "**" not in shown[: len(shown) // 2]  # the list so far is a list, not Markdown
    assert "Шаг 40" in shown


def test_windows_line_ends_stream_and_end_like_the_reply_shown_whole(qtbot: Any) -> None:
    """Red-team: "\\r\\n" (and a pair split between two events) counted as two positions
    by the text and one by the document cut text before the tail and crashed at the end."""
    text = REPLY.replace("\n", "\r\n") + "Ещё\r\nстрока.\r\n"
    view = view_for(qtbot)
    view.begin_reply(Msg(2, "assistant", "", status="streaming"))
    for start in range(0, len(text), 5):  # "\r" and "\n" often land in different events
        view.append_delta(2, text[start : start + 5])
        qtbot.wait(1)
    qtbot.waitUntil(lambda: "```" not in view.toPlainText(), timeout=3000)
    heading = view.toPlainText().splitlines()[1]
    assert heading.lstrip("\ufffc ").startswith("echo-1")  # intact, after its badge
    view.update_message(Msg(2, "assistant", text))
    qtbot.waitUntil(lambda: "Regenerate" in view.toPlainText(), timeout=3000)
    whole = view_for(qtbot)
    whole.set_messages([Msg(2, "assistant", text)])
    qtbot.waitUntil(lambda: "Regenerate" in whole.toPlainText(), timeout=3000)
    assert view.toPlainText() == whole.toPlainText()
