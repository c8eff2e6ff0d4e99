"""A reply's heading (issue #17): its provider's badge, the model, the provider's label as
the picker shows it, and the time; a question's says "You" and the time only."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from PySide6.QtGui import QTextImageFormat

from gui.values import ProviderInfo
from gui.widgets.main_window import MainWindow


@dataclass(frozen=True)
class Msg:
    id: int
    role: str
    text: str
    provider: str = ""
    model: str = ""
    status: str = "complete"
    error: Any = None
    created_at: float = 0.0


def _info(name: str, label: str) -> ProviderInfo:
    return ProviderInfo(name, label, True, False, True, "m", ("m",), (), frozenset())


def _badges(window: MainWindow) -> list[str]:
    """The images of the view's document whose names are provider badges."""
    found = []
    block = window.view.document().begin()
    while block.isValid():
        it = block.begin()
        while not it.atEnd():
            fmt = it.fragment().charFormat()
            if fmt.isImageFormat() and "badge-" in QTextImageFormat(fmt).name():
                found.append(QTextImageFormat(fmt).name())
            it += 1
        block = block.next()
    return found


def test_a_reply_names_its_model_provider_and_time_with_a_badge(qtbot: Any) -> None:
    window = MainWindow()
    qtbot.addWidget(window)
    window.resize(1000, 700)
    window.show()
    window.picker.set_providers([_info("gigachat", "GigaChat"), _info("openai:work", "Работа")])
    now = time.time()
    messages = [
        Msg(1, "user", "Привет", created_at=now),
        Msg(2, "assistant", "Здравствуйте", "openai:work", "llama3.2", created_at=now),
        Msg(3, "assistant", "Ещё", "gigachat", "GigaChat-2", created_at=now),
    ]
    window.show_conversation("gigachat", "GigaChat-2", messages, False)
    shown = window.view.toPlainText()
    assert "llama3.2" in shown and "Работа" in shown  # the profile's own label
    assert "GigaChat-2" in shown and "GigaChat ·" in shown
    badges = _badges(window)
    assert len(badges) == 2  # replies have one; the question none
    assert "openai:work" in badges[0] and "gigachat" in badges[1]
    picture = window.view.loadResource(2, badges[0])  # drawn here, nothing fetched
    assert picture is not None and not picture.isNull()
    # A renamed profile (Settings) renames it in the headings too.
    window.picker.set_providers([_info("gigachat", "GigaChat"), _info("openai:work", "Дом")])
    qtbot.waitUntil(lambda: "Дом" in window.view.toPlainText(), timeout=2000)


def test_copying_a_selection_leaves_the_pictures_out(qtbot: Any) -> None:
    """Select all, Copy: the text, without U+FFFC for the badges and the actions' places."""
    from PySide6.QtWidgets import QApplication

    window = MainWindow()
    qtbot.addWidget(window)
    window.show()
    window.picker.set_providers([_info("gigachat", "GigaChat")])
    messages = [Msg(1, "user", "Вопрос"), Msg(2, "assistant", "Ответ", "gigachat", "GigaChat-2")]
    window.show_conversation("gigachat", "GigaChat-2", messages, False)
    assert "\ufffc" in window.view.toPlainText()  # the document does hold pictures
    window.view.selectAll()
    window.view.copy()
    copied = QApplication.clipboard().text()
    assert "Вопрос" in copied and "Ответ" in copied and "GigaChat-2" in copied
    assert "\ufffc" not in copied
