"""Issue #22, titles made by the model: after the first reply one short request names
the chat; renaming by hand wins; a failure or the option off keeps the first line.
The real window, controller and store; the scripted model answers every request."""

from __future__ import annotations

from gui.controller import ChatController
from gui.core.store import Store
from gui.core.titles import PROMPT, clean_title
from gui.widgets.main_window import MainWindow
from gui.wiring import Wiring
from providers.errors import ServerError
from tests.gui.conftest import Script, wait_for

QUESTION = "Как сварить настоящий украинский борщ со сметаной?"


def titles(window: MainWindow) -> list[str]:
    return [row.text() for row in window.sidebar.chat_rows()]


def wiring_of(window: MainWindow) -> Wiring:
    found = window.findChildren(Wiring)
    assert found
    return found[0]


async def ask(window: MainWindow, controller: ChatController, text: str) -> None:
    window.composer.setPlainText(text)
    window.composer.submit()
    await wait_for(lambda: controller.current_id is not None)
    await wait_for(lambda: not controller.is_busy(controller.current_id))


async def test_the_first_reply_names_the_chat(
    window: MainWindow, controller: ChatController, store: Store, script: Script
) -> None:
    window.commands.auto_title_action.setChecked(True)  # the app's default (settings)
    script.pieces = ["Борщ", " — это", " просто."]
    await ask(window, controller, QUESTION)
    await wait_for(lambda: len(script.received) == 2)
    request = script.received[1]
    assert PROMPT in request[0]["content"] and QUESTION in request[-1]["content"]
    await wait_for(lambda: titles(window) == ["Борщ — это просто"])  # the full stop goes
    script.pieces = ["Другой ответ"]
    await ask(window, controller, "Сколько варить свёклу?")
    assert len(script.received) == 3  # no title request after later replies
    assert titles(window) == ["Борщ — это просто"]


async def test_a_title_renamed_by_hand_wins(
    window: MainWindow, controller: ChatController, store: Store, script: Script
) -> None:
    script.delay = 0.02  # the title request takes a while
    renamed: list[int] = []

    def rename(message: object) -> None:  # the person renames as the reply ends
        if not renamed:
            renamed.append(controller.current_id or 0)
            store.update_conversation(renamed[0], title="Мой борщ")

    controller.reply_finished.connect(rename)
    window.commands.auto_title_action.setChecked(True)
    await ask(window, controller, QUESTION)
    await wait_for(lambda: len(script.received) == 2)
    await wait_for(lambda: not wiring_of(window).titles.tasks)
    assert store.get_conversation(renamed[0]).title == "Мой борщ"


async def test_a_failed_request_or_the_option_off_keeps_the_first_line(
    window: MainWindow, controller: ChatController, store: Store, script: Script
) -> None:
    failing: list[int] = []

    def fail_next(_message: object) -> None:
        if not failing:
            failing.append(1)
            script.error = ServerError(reason="status", status=500, provider="Scripted")
            script.pieces = []

    controller.reply_finished.connect(fail_next)
    window.commands.auto_title_action.setChecked(True)
    await ask(window, controller, QUESTION)
    await wait_for(lambda: len(script.received) == 2)
    await wait_for(lambda: not wiring_of(window).titles.tasks)
    first = controller.current_id
    assert first is not None
    assert (
        store.get_conversation(first).title == "Как сварить настоящий украинский борщ со сметаной?"
    )

    script.error, script.pieces = None, ["Ответ"]
    window.commands.auto_title_action.setChecked(False)  # Chat → Name chats with the model
    window.commands.new_action.trigger()
    await ask(window, controller, "Второй вопрос")
    assert len(script.received) == 3  # the reply, and no title request


def test_what_the_model_says_becomes_a_plain_line() -> None:
    assert clean_title('"Рецепт борща."\nЛишнее') == "Рецепт борща"
    assert clean_title("Title: **Borscht basics**") == "Borscht basics"
    assert clean_title("\x1b]52;c;cm0gLXJmIH4=\x07Борщ") == "]52;c;cm0gLXJmIH4=Борщ"
    assert clean_title("   \n  ") is None
    long = clean_title("слово " * 30)
    assert long is not None and len(long) <= 60 and not long.endswith(" ")
