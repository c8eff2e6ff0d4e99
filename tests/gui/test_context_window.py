"""Issues #21 item 16 and #18 as a person meets them in the window: a long chat sends
what fits the model and its reply says how much it left out; Parameters sets the context
limit, and the reasoning effort where the chat's service takes one.

Real MainWindow, controller, SQLite history and ProviderFactory, offscreen; the model is
the scripted provider (`script.received`: what each request carried)."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any, ClassVar

import aiohttp
import pytest
from PySide6.QtCore import QCoreApplication, QEvent, QLocale, QTranslator
from PySide6.QtGui import QTextDocument

from gui.controller import ChatController
from gui.core.provider_factory import ProviderFactory
from gui.core.store import Conversation, MessageStatus, Store, StoredMessage
from gui.core.store.export import FORMAT
from gui.widgets import message_footer
from gui.widgets.main_window import MainWindow
from gui.widgets.parameters_dialog import ParametersDialog
from providers.base import Provider
from tests.gui.conftest import Script, scripted_provider, wait_for


def thinking_provider(script: Script) -> type[Provider]:
    """The scripted model behind a service that takes a reasoning effort."""

    class ThinkingProvider(scripted_provider(script)):  # type: ignore[misc]
        name = "thinking"
        label = "Thinking"
        default_model = "deepseek-reasoner"
        models = ("deepseek-reasoner",)
        supported_options = frozenset({"temperature", "max_tokens", "reasoning_effort"})

    return ThinkingProvider


@pytest.fixture
async def controller(store: Store, script: Script) -> AsyncIterator[ChatController]:
    """The window's controller with two services: one takes a reasoning effort."""
    async with aiohttp.ClientSession() as session:

        async def no_config(info: object) -> dict[str, str]:
            return {}

        classes = {"scripted": scripted_provider(script), "thinking": thinking_provider(script)}
        factory = ProviderFactory(session, no_config, classes=classes)
        chat = ChatController(store, factory, choice=("scripted", "echo-1"))
        yield chat
        await chat.shutdown()


def long_chat(store: Store, count: int, *, provider: str = "scripted") -> Conversation:
    """An imported chat of `count` messages of 300 characters; message n starts with n."""
    messages = [
        {"role": "user" if n % 2 == 0 else "assistant", "text": f"{n:06d} " + "ж" * 293}
        for n in range(count)
    ]
    head = {"title": "Долгий разговор", "provider": provider, "model": "echo-1"}
    data = {"format": FORMAT, "version": 2, "conversation": head, "messages": messages}
    return store.import_json(json.dumps(data, ensure_ascii=False))


async def open_chat(
    window: MainWindow, controller: ChatController, ident: int, showing: str = ""
) -> None:
    controller.open_conversation(ident)
    await wait_for(lambda: controller.current_id == ident)
    await wait_for(lambda: showing in window.view.toPlainText())


async def parameters(window: MainWindow) -> ParametersDialog:
    """Parameters, as the button opens it for the chat shown."""
    window.parameters_button.click()
    dialog = window.parameters_dialog
    assert dialog is not None
    await wait_for(dialog.isVisible)
    return dialog


async def send(window: MainWindow, script: Script, text: str) -> list[dict[str, str]]:
    asked = len(script.received)
    window.composer.setPlainText(text)
    window.composer.submit()
    await wait_for(lambda: len(script.received) > asked and not window.stop_button.isEnabled())
    return script.received[-1]


def numbers(sent: list[dict[str, str]]) -> list[int]:
    return [int(m["content"][:6]) for m in sent if m["content"][:6].isdigit()]


NOTE = "They do not fit the model's context (the limit is in Parameters)."


def note(count: int) -> str:
    return f"Older messages not sent: {count}. {NOTE}"


async def test_a_long_chat_sends_what_fits_and_the_reply_says_what_it_left_out(
    window: MainWindow, controller: ChatController, store: Store, script: Script
) -> None:
    chat = long_chat(store, 60)
    await open_chat(window, controller, chat.id, "000059")
    # Without a limit of its own the chat fits echo-1's default (128k): all of it goes.
    assert numbers(await send(window, script, "Первый вопрос")) == list(range(60))
    assert NOTE not in window.view.toPlainText()

    dialog = await parameters(window)
    dialog.context_tokens.setValue(2_000)  # 1,000 for the request, 1,000 for the reply
    dialog.accept()
    assert store.get_conversation(chat.id).params == {"context_tokens": 2_000}
    sent = await send(window, script, "Второй вопрос")
    assert sent[-1] == {"role": "user", "content": "Второй вопрос"}
    assert numbers(sent) == list(range(52, 60))  # whole messages, from a question on
    assert sent[0]["role"] == "user"
    assert "context_tokens" not in script.options[-1]  # ours: never sent
    reply = store.messages(chat.id)[-1]
    assert reply.status == MessageStatus.COMPLETE
    assert reply.usage["left_out"] == 52
    await wait_for(lambda: note(52) in window.view.toPlainText())
    assert window.view.toPlainText().count(NOTE) == 1  # the reply's own footer, once

    # The note belongs to that reply: it is there when the chat is opened again.
    other = store.create_conversation(provider="scripted", model="echo-1")
    await open_chat(window, controller, other.id)
    assert NOTE not in window.view.toPlainText()
    await open_chat(window, controller, chat.id, note(52))


class _Russian(QTranslator):
    """The note as the Russian catalog has it."""

    words: ClassVar[dict[str, str]] = {
        "Older messages not sent: {0}. They do not fit the model's context"
        " (the limit is in Parameters).": "Не отправлены более ранние сообщения: {0}. Они не"
        " помещаются в контекст модели (предел задаётся в «Параметрах»).",
    }

    def translate(
        self, context: str, source: str, disambiguation: str | None = None, n: int = -1
    ) -> str | None:
        return self.words.get(source)  # None: not translated here (Qt keeps the source)

    def isEmpty(self) -> bool:  # an empty translator is never asked
        return False


async def test_the_note_speaks_the_interface_language(
    window: MainWindow, controller: ChatController, store: Store, script: Script
) -> None:
    chat = long_chat(store, 60)
    store.update_conversation(chat.id, params={"context_tokens": 2_000})
    await open_chat(window, controller, chat.id, "000059")
    await send(window, script, "Вопрос")
    await wait_for(lambda: NOTE in window.view.toPlainText())
    russian = _Russian()
    QCoreApplication.installTranslator(russian)
    try:
        QCoreApplication.sendPostedEvents(None, QEvent.Type.LanguageChange)
        await wait_for(lambda: "не помещаются в контекст" in window.view.toPlainText())
        assert "Не отправлены более ранние сообщения: 52." in window.view.toPlainText()
    finally:
        QCoreApplication.removeTranslator(russian)
    QCoreApplication.sendPostedEvents(None, QEvent.Type.LanguageChange)
    await wait_for(lambda: NOTE in window.view.toPlainText())


async def test_reasoning_effort_is_offered_and_sent_only_where_the_service_takes_it(
    window: MainWindow, controller: ChatController, store: Store, script: Script
) -> None:
    chat = store.create_conversation(provider="thinking", model="deepseek-reasoner")
    await open_chat(window, controller, chat.id)
    dialog = await parameters(window)
    assert dialog.effort.isVisible()
    assert dialog.context_tokens.text() == f"model default ({QLocale().toString(64_000)})"
    dialog.effort.setCurrentIndex(dialog.effort.findText("High"))
    dialog.accept()
    assert store.get_conversation(chat.id).params == {"reasoning_effort": 3}
    await send(window, script, "Подумай хорошенько")
    assert script.options[-1] == {"reasoning_effort": "high"}

    # The same chat moved to a service without it: not offered, not sent, but kept.
    box = window.picker.provider_box
    box.setCurrentIndex(box.findData("scripted"))  # as a person picks it
    await wait_for(lambda: store.get_conversation(chat.id).provider == "scripted")
    dialog = await parameters(window)
    assert not dialog.effort.isVisible()
    dialog.accept()
    assert store.get_conversation(chat.id).params == {"reasoning_effort": 3}
    await send(window, script, "А теперь?")
    assert script.options[-1] == {}


def test_the_note_counts_in_the_interface_languages_digits_and_only_under_replies(
    qtbot: Any, store: Store
) -> None:
    chat = store.create_conversation(provider="scripted", model="echo-1")
    question = store.add_message(chat.id, "user", "Вопрос", usage={"left_out": 3})
    reply = store.add_message(chat.id, "assistant", "Ответ", usage={"left_out": 99_192})
    assert note(99_192).replace("99192", QLocale().toString(99_192)) in html_text(footer(reply))
    assert NOTE not in html_text(footer(question))
    plain = store.add_message(chat.id, "assistant", "Ответ", usage={"total_tokens": 7})
    assert NOTE not in html_text(footer(plain))


def footer(message: StoredMessage) -> str:
    return message_footer.footer(message, dark=False)


def html_text(html: str) -> str:
    document = QTextDocument()
    document.setHtml(html)
    return document.toPlainText()
