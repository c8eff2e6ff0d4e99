"""Assistants in the window: File → New chat with ▸ starts a chat from one (the chat
gets a copy of its prompt, provider, model and parameters), File → Assistants… edits
them. The presets themselves are gui/core/assistants.py."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QObject

from gui.core.assistants import Assistant, AssistantBook, checked
from gui.core.store import StoreError

if TYPE_CHECKING:
    from gui.controller import ChatController
    from gui.widgets.main_window import MainWindow

log = logging.getLogger(__name__)
translate = QCoreApplication.translate


class AssistantActions(QObject):
    def __init__(self, window: MainWindow, controller: ChatController, book: AssistantBook) -> None:
        super().__init__(window)
        self.window = window
        self.controller = controller
        self.book = book
        self.assistants: list[Assistant] = book.load()
        window.assistant_chat_requested.connect(self.start_chat)
        window.assistants_requested.connect(self.manage)
        self.show_in_menu()

    def reload(self) -> None:
        """Read the assistants again (a backup restored some) and show them."""
        self.assistants = self.book.load()
        self.show_in_menu()

    def show_in_menu(self) -> None:
        self.window.set_assistants([(a.id, a.icon, a.name) for a in self.assistants])

    def start_chat(self, assistant_id: str) -> int | None:
        """A new chat holding a copy of the assistant's settings; its id, or None."""
        assistant = next((a for a in self.assistants if a.id == assistant_id), None)
        if assistant is None:
            return None
        controller = self.controller
        try:
            conversation = controller.new_conversation()
            if assistant.provider:
                model = assistant.model
                if not model:  # the provider's default, as the picker would choose it
                    infos = {info.name: info for info in controller.providers.infos()}
                    info = infos.get(assistant.provider)
                    model = info.default_model if info is not None else ""
                controller.set_provider(conversation.id, assistant.provider, model)
            controller.set_parameters(
                conversation.id,
                system_prompt=assistant.system_prompt,
                params=dict(assistant.params),
            )
        except StoreError as error:
            log.warning("could not start a chat from an assistant: %s", error)
            self.window.show_status(translate("AssistantActions", "The chat could not be made."))
            return None
        controller.open_conversation(conversation.id)  # the picker shows its provider
        self.window.show_status(
            translate("AssistantActions", "New chat with {0}").format(assistant.name)
        )
        return conversation.id

    def manage(self) -> None:
        from gui.widgets.assistants_dialog import AssistantsDialog  # with the first opening

        providers = [(info.name, info.label) for info in self.controller.providers.infos()]
        dialog = AssistantsDialog([a.to_data() for a in self.assistants], providers, self.window)
        dialog.saved.connect(self.save)
        dialog.open()
        self.dialog = dialog

    def save(self, items: list[dict[str, object]]) -> None:
        assistants = [a for item in items if (a := checked(item)) is not None]
        try:
            self.book.save(assistants)
        except OSError as error:
            log.warning("could not save the assistants: %s", error)
            self.window.show_status(
                translate("AssistantActions", "The assistants could not be saved: {0}").format(
                    error.strerror or error
                )
            )
            return
        self.assistants = self.book.load()
        self.show_in_menu()
