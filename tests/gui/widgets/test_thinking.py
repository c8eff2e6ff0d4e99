"""Issue #18, the window's side: a reply's Thinking block, on the real widgets offscreen.

Thinking streams open above the answer, folds to "▸ Thinking · N s" when the answer
starts, and opens and closes from its link (a click, or Tab and Enter); a stored reply
shows it folded with its duration. Both themes, the interface language, the retry line."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from PySide6.QtCore import QCoreApplication, QEvent, Qt, QTranslator, QUrl
from PySide6.QtGui import QColor, QGuiApplication, QTextCursor

from gui.widgets.chat_view import ChatView
from gui.widgets.main_window import MainWindow
from gui.widgets.message_html import action_url
from gui.widgets.thinking import SHOWN_CHARS

REASONING = "Пользователь спрашивает про 2+2. Сложу и отвечу кратко."


@dataclass(frozen=True)
class Msg:
    id: int
    role: str
    text: str
    status: str = "complete"
    error: Any = None
    provider: str = "scripted"
    model: str = "echo-1"
    reasoning: str = ""
    reasoning_ms: int = 0


def view_for(qtbot: Any) -> ChatView:
    view = ChatView()
    qtbot.addWidget(view)
    view.resize(800, 600)
    view.show()
    return view


def toggle(view: ChatView, message_id: int) -> None:
    view.anchorClicked.emit(QUrl(action_url("thinking", message_id)))


def thinking_link(view: ChatView, message_id: int) -> QTextCursor | None:
    """The Thinking link as Tab selects it, or None."""
    cursor = QTextCursor(view.document())
    href = action_url("thinking", message_id)
    block = view.document().begin()
    while block.isValid():
        it = block.begin()
        while not it.atEnd():
            fragment = it.fragment()
            if fragment.charFormat().anchorHref() == href:
                cursor.setPosition(fragment.position())
                cursor.setPosition(
                    fragment.position() + fragment.length(), QTextCursor.MoveMode.KeepAnchor
                )
                return cursor
            it += 1
        block = block.next()
    return None


def test_thinking_streams_open_then_folds_when_the_answer_starts(qtbot: Any) -> None:
    view = view_for(qtbot)
    view.set_messages([Msg(1, "user", "Сколько будет 2+2?")])
    view.begin_reply(Msg(2, "assistant", "", status="streaming"))
    view.append_reasoning(2, REASONING[:20])
    view.append_reasoning(2, REASONING[20:])
    shown = view.toPlainText()
    assert "▾ Thinking…" in shown and REASONING in shown
    assert shown.index("echo-1") < shown.index("Thinking") < shown.index(REASONING)

    view.append_delta(2, "Будет ")
    shown = view.toPlainText()
    assert REASONING not in shown
    assert "▸ Thinking · 1 s" in shown  # under a second says "1 s"
    assert shown.index("Thinking") < shown.index("Будет")
    view.append_delta(2, "4.")
    view.update_message(Msg(2, "assistant", "Будет 4.", reasoning=REASONING, reasoning_ms=4200))
    shown = view.toPlainText()
    assert "▸ Thinking · 4 s" in shown and REASONING not in shown  # the stored duration
    assert "Будет 4." in shown and view.reasoning(2) == REASONING
    toggle(view, 2)
    assert REASONING in view.toPlainText() and "▾ Thinking · 4 s" in view.toPlainText()


def test_a_reply_that_only_thought_folds_when_it_ends(qtbot: Any) -> None:
    view = view_for(qtbot)
    view.begin_reply(Msg(2, "assistant", "", status="streaming"))
    view.append_reasoning(2, REASONING)
    view.update_message(Msg(2, "assistant", "", status="stopped", reasoning=REASONING))
    shown = view.toPlainText()
    assert "▸ Thinking" in shown and REASONING not in shown and "Stopped." in shown


def test_a_stored_reply_shows_its_thinking_folded_and_its_link_toggles_it(qtbot: Any) -> None:
    view = view_for(qtbot)
    reply = Msg(2, "assistant", "**4**", reasoning=REASONING, reasoning_ms=65_000)
    view.set_messages([Msg(1, "user", "2+2?"), reply])
    shown = view.toPlainText()
    assert "▸ Thinking · 1 min 5 s" in shown and REASONING not in shown
    assert shown.count("Regenerate") == 1 and "4" in shown and "**" not in shown
    link = thinking_link(view, 2)
    assert link is not None
    assert link.charFormat().toolTip() == "Show the model's reasoning"
    toggle(view, 2)
    assert REASONING in view.toPlainText()
    link = thinking_link(view, 2)
    assert link is not None and link.charFormat().toolTip() == "Hide the model's reasoning"
    toggle(view, 2)
    assert REASONING not in view.toPlainText() and "▸ Thinking" in view.toPlainText()
    view.set_messages([reply])  # a reply without thinking has no block
    view.set_messages([Msg(3, "assistant", "plain")])
    assert "Thinking" not in view.toPlainText()


def test_tab_reaches_the_thinking_link_and_enter_opens_and_closes_it(qtbot: Any) -> None:
    window = MainWindow()
    qtbot.addWidget(window)
    window.show()
    window.set_ready()
    view = window.view
    window.show_conversation(
        "scripted",
        "echo-1",
        [Msg(2, "assistant", "Ответ", reasoning=REASONING, reasoning_ms=3000)],
        False,
    )
    view.setFocus()
    view.setTextCursor(QTextCursor(view.document()))  # from the top, Tab goes link by link
    assert view.focusNextPrevChild(True)
    selected = view.textCursor()
    assert selected.selectedText() == "▸ Thinking · 3 s"
    assert selected.charFormat().anchorHref() == action_url("thinking", 2)
    qtbot.keyClick(view, Qt.Key.Key_Return)
    assert REASONING in view.toPlainText()
    assert view.textCursor().selectedText() == "▾ Thinking · 3 s"  # Enter again closes it
    qtbot.keyClick(view, Qt.Key.Key_Return)
    assert REASONING not in view.toPlainText()


def test_the_block_follows_the_theme_and_stays_open(qtbot: Any) -> None:
    view = view_for(qtbot)
    view.set_messages([Msg(2, "assistant", "Ответ", reasoning=REASONING, reasoning_ms=2000)])
    toggle(view, 2)

    def reasoning_colour() -> QColor:
        text = view.toPlainText()
        cursor = QTextCursor(view.document())
        cursor.setPosition(text.index(REASONING) + 3)
        assert cursor.charFormat().fontItalic()
        return cursor.charFormat().foreground().color()

    light = reasoning_colour()
    view.set_dark(True)
    assert REASONING in view.toPlainText()  # still open
    dark = reasoning_colour()
    assert dark.lightness() > light.lightness()  # lighter grey on the dark background


def test_long_thinking_opens_its_head_and_the_rest_as_text(qtbot: Any) -> None:
    view = view_for(qtbot)
    reasoning = "Думаю дальше. " * 3_000
    assert len(reasoning) > SHOWN_CHARS
    view.set_messages([Msg(2, "assistant", "Ответ", reasoning=reasoning, reasoning_ms=9000)])
    toggle(view, 2)
    shown = view.toPlainText()
    assert shown.count("Думаю дальше.") < reasoning.count("Думаю дальше.")
    assert "more characters" in shown and "Open as text" in shown
    view.anchorClicked.emit(QUrl(action_url("thinking_text", 2)))
    dialog = view.text_dialog
    assert dialog is not None
    qtbot.addWidget(dialog)
    assert dialog.windowTitle() == "Thinking"
    assert dialog.edit.toPlainText() == reasoning  # type: ignore[attr-defined]
    dialog.copy_button.click()  # type: ignore[attr-defined]
    assert QGuiApplication.clipboard().text() == reasoning
    dialog.close()


def test_thinking_that_comes_after_the_answer_began_stays_folded(qtbot: Any) -> None:
    view = view_for(qtbot)
    view.begin_reply(Msg(2, "assistant", "", status="streaming"))
    view.append_delta(2, "Ответ")
    view.append_reasoning(2, REASONING)
    assert "▸ Thinking" in view.toPlainText() and REASONING not in view.toPlainText()
    toggle(view, 2)
    assert REASONING in view.toPlainText()
    view.append_reasoning(2, " И ещё.")
    assert REASONING + " И ещё." in view.toPlainText()


class _Russian(QTranslator):
    """The strings the block says, in Russian (as the catalog has them)."""

    words: ClassVar[dict[str, str]] = {
        "Thinking · {0}": "Размышления · {0}",
        "{0} s": "{0} с",
        "Retrying in {0} s…": "Повтор через {0} с…",
    }

    def translate(
        self, context: str, source: str, disambiguation: str | None = None, n: int = -1
    ) -> str | None:  # type: ignore[override]
        return self.words.get(source)  # None: not translated here (Qt keeps the source)

    def isEmpty(self) -> bool:  # an empty translator is never asked
        return False


def test_the_block_and_the_retry_line_speak_the_interface_language(qtbot: Any) -> None:
    window = MainWindow()
    qtbot.addWidget(window)
    window.show()
    window.set_ready()
    reply = Msg(2, "assistant", "Ответ", reasoning="r", reasoning_ms=2000)
    window.show_conversation("scripted", "echo-1", [reply], False)
    window.show_retrying(2.2)
    assert window.status_label.text() == "Retrying in 3 s…"
    assert "▸ Thinking · 2 s" in window.view.toPlainText()
    russian = _Russian()
    QCoreApplication.installTranslator(russian)
    try:
        QCoreApplication.sendPostedEvents(None, QEvent.Type.LanguageChange)
        qtbot.waitUntil(lambda: "Размышления" in window.view.toPlainText())
        assert "▸ Размышления · 2 с" in window.view.toPlainText()
        assert window.status_label.text() == "Повтор через 3 с…"
    finally:
        QCoreApplication.removeTranslator(russian)
    QCoreApplication.sendPostedEvents(None, QEvent.Type.LanguageChange)
    qtbot.waitUntil(lambda: "▸ Thinking" in window.view.toPlainText())


def test_the_window_passes_thinking_to_its_view(qtbot: Any) -> None:
    window = MainWindow()
    qtbot.addWidget(window)
    window.begin_reply(Msg(5, "assistant", "", status="streaming"))
    window.append_reasoning(5, REASONING)
    assert window.view.reasoning(5) == REASONING and REASONING in window.view.toPlainText()
    window.show_retrying(0.2)
    assert window.status_label.text() == "Retrying in 1 s…"


def test_thinking_the_view_never_saw_stream_appears_when_the_reply_ends(qtbot: Any) -> None:
    """A chat switched to while its reply thought: the saved reasoning comes with the end,
    above a reply rendered over its streamed text (a piece per loop turn)."""
    view = view_for(qtbot)
    text = "".join(f"Абзац {i} с **разметкой**.\n\n" for i in range(200))
    view.begin_reply(Msg(2, "assistant", "", status="streaming"))
    view.append_delta(2, text)
    view.update_message(Msg(2, "assistant", text, reasoning=REASONING, reasoning_ms=5000))
    qtbot.waitUntil(lambda: "Regenerate" in view.toPlainText())
    shown = view.toPlainText()
    assert "▸ Thinking · 5 s" in shown and shown.count("Абзац 199 с разметкой.") == 1
    assert "**" not in shown and shown.index("Thinking") < shown.index("Абзац 0")


def test_a_chat_opened_while_its_reply_thinks_shows_the_thinking_open(qtbot: Any) -> None:
    view = view_for(qtbot)
    view.set_messages([Msg(2, "assistant", "", status="streaming", reasoning=REASONING)])
    assert "▾ Thinking…" in view.toPlainText() and REASONING in view.toPlainText()
    view.append_reasoning(2, " Дальше.")
    assert REASONING + " Дальше." in view.toPlainText()
    view.append_delta(2, "Ответ")
    assert REASONING not in view.toPlainText() and "▸ Thinking" in view.toPlainText()


def test_a_flood_of_thinking_goes_in_a_piece_per_loop_turn(qtbot: Any) -> None:
    view = view_for(qtbot)
    view.begin_reply(Msg(2, "assistant", "", status="streaming"))
    flood = "".join(f"мысль {i}. " for i in range(6_000))
    view.append_reasoning(2, flood)
    assert view.reasoning(2) == flood
    assert "мысль 5999." not in view.toPlainText()  # not all in one loop turn
    qtbot.waitUntil(lambda: "мысль 5999." in view.toPlainText())
    assert flood.strip() in view.toPlainText().replace("\n", "")
    view.append_delta(2, "Ответ")
    assert "мысль 1." not in view.toPlainText()
