"""Tool cards in the real conversation view offscreen (issue #20): a card inserted into a
streaming reply keeps the text before it rendered and the text after it rendering live,
and the end gives what the same reply shown whole gives; hostile arguments and results
are text, never links or images."""

from __future__ import annotations

import dataclasses
from typing import Any

from PySide6.QtCore import QUrl
from PySide6.QtGui import QTextDocument

from gui.widgets.chat_view import ChatView
from gui.widgets.tool_cards import ToolCard, tool_url

BEFORE = """## Считаю

| a | b |
|---|---|
| 2 | 3 |

Спрошу инструмент.
"""
AFTER = """### Итог

```python
print(2 + 3)
```

Получилось **5**.
"""


@dataclasses.dataclass(frozen=True)
class Step:
    round: int
    at: int
    id: str
    name: str
    arguments: str
    result: str = ""
    kind: str = ""
    server: str = ""
    tool: str = ""


@dataclasses.dataclass(frozen=True)
class Msg:
    id: int
    role: str
    text: str
    status: str = "complete"
    error: Any = None
    provider: str = "openai"
    model: str = "llama3.2"
    tools: tuple[Step, ...] = ()


STEP = Step(1, len(BEFORE), "c1", "add", '{"a": 2, "b": 3}', "5", server="tools", tool="add")


def view_for(qtbot: Any) -> ChatView:
    view = ChatView()
    qtbot.addWidget(view)
    view.resize(800, 600)
    view.show()
    return view


def stream(view: ChatView, qtbot: Any, text: str, size: int = 7) -> None:
    for start in range(0, len(text), size):
        view.append_delta(2, text[start : start + size])
        if start % (size * 10) == 0:
            qtbot.wait(1)
    qtbot.wait(200)  # the live steps render what is complete, then the open block


def anchors(document: QTextDocument) -> set[str]:
    found = set()
    block = document.begin()
    while block.isValid():
        it = block.begin()
        while not it.atEnd():
            fmt = it.fragment().charFormat()
            if fmt.isAnchor():
                found.add(fmt.anchorHref())
            if fmt.isImageFormat():
                found.add("image:" + fmt.toImageFormat().name())
            it += 1
        block = block.next()
    return found


def test_a_card_in_a_streaming_reply_keeps_the_text_around_it_right(qtbot: Any) -> None:
    view = view_for(qtbot)
    view.append_message(Msg(1, "user", "2+3?"))
    view.begin_reply(Msg(2, "assistant", "", status="streaming"))
    stream(view, qtbot, BEFORE)
    waiting = ToolCard("c1", "add", "tools", STEP.arguments, len(BEFORE), "waiting")
    view.show_tool_card(2, waiting)
    shown = view.toPlainText()
    assert "|---|" not in shown and "##" not in shown  # the text before: rendered
    assert "Allow once" in shown and "Always allow this tool in this chat" in shown
    assert f"{tool_url('once', 2, 0)}" in anchors(view.document())
    view.show_tool_card(2, waiting._replace(state="running"))
    assert "Allow once" not in view.toPlainText() and "Running…" in view.toPlainText()
    view.show_tool_card(2, ToolCard.of_step(STEP))
    stream(view, qtbot, AFTER)
    live = view.toPlainText()
    assert "###" not in live and "```" not in live  # the text after: rendered live
    assert live.index("Show result") < live.index("Итог") < live.index("print(2 + 3)")
    assert live.index("Спрошу инструмент.") < live.index("add")
    final = Msg(2, "assistant", BEFORE + AFTER, tools=(STEP,))
    view.update_message(final)
    whole = view_for(qtbot)
    whole.append_message(Msg(1, "user", "2+3?"))
    whole.append_message(final)
    assert view.toPlainText() == whole.toPlainText()
    assert view.code_block(2, 0) == "print(2 + 3)"


def test_the_result_opens_and_closes_under_its_card(qtbot: Any) -> None:
    view = view_for(qtbot)
    view.append_message(Msg(2, "assistant", "Готово.", tools=(STEP,)))
    assert "Show result" in view.toPlainText()
    view.anchorClicked.emit(QUrl(tool_url("result", 2, 0)))
    assert "Hide result" in view.toPlainText()
    view.set_dark(True)  # rendered again: still open
    assert "Hide result" in view.toPlainText()
    view.anchorClicked.emit(QUrl(tool_url("result", 2, 0)))
    assert "Show result" in view.toPlainText()


def test_hostile_arguments_and_results_are_only_text(qtbot: Any) -> None:
    view = view_for(qtbot)
    hostile = '{"q": "<img src=\\"http://evil.example/x.png\\"> [click](http://evil.example)"}'
    step = dataclasses.replace(
        STEP, arguments=hostile, result='<a href="http://evil.example">here</a> ![x](http://e/x)'
    )
    view.append_message(Msg(2, "assistant", "", tools=(step,)))
    view.anchorClicked.emit(QUrl(tool_url("result", 2, 0)))
    found = anchors(view.document())
    assert not any("evil" in href or href.startswith("image:http") for href in found)
    assert '<img src=\\"http://evil.example/x.png\\">' in view.toPlainText()
    assert '<a href="http://evil.example">here</a>' in view.toPlainText()


def test_a_failed_call_is_said_in_words(qtbot: Any) -> None:
    view = view_for(qtbot)
    crashed = dataclasses.replace(STEP, result="the tool server stopped", kind="crashed")
    view.append_message(Msg(2, "assistant", "Не вышло.", tools=(crashed,)))
    assert "The tool server stopped during the call." in view.toPlainText()
