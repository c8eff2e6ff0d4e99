"""Window ↔ controller: the window's intents to the controller, its signals to the widgets.

Built once both exist (after the first frame). The window knows nothing of the
controller and the controller nothing of widgets; what the window used to ask the
controller itself (which conversation is open, its parameters, search hits) is asked
here.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject

from gui.attach_controller import AttachController
from gui.controller import ChatController
from gui.core.session import Page
from gui.core.store import Conversation, StoredMessage
from gui.history_actions import HistoryActions
from gui.widgets.main_window import MainWindow

if TYPE_CHECKING:
    from gui.assistant_actions import AssistantActions
    from gui.core.keychain import SecretStore
    from gui.core.settings import Settings
    from gui.title_actions import TitleActions
    from gui.welcome_controller import Probe, WelcomeController

__all__ = ["Wiring"]


class Wiring(QObject):
    """Connects one window to one controller; lives as long as the window (its parent)."""

    def __init__(
        self,
        window: MainWindow,
        controller: ChatController,
        *,
        provider: str,
        model: str,
        settings: Settings | None = None,
        secrets: SecretStore | None = None,
        probe: Probe | None = None,
    ) -> None:
        """With `settings` and `secrets`, the welcome panel and empty-chat page too."""
        super().__init__(window)
        self.window = window
        self.controller = controller
        self.history = HistoryActions(controller)
        self.history.progress_parent = window  # an import's progress window over this one
        self.attach = AttachController(window, controller, settings)  # the composer's files (#19)
        self._intents()
        self._renders()
        self.welcome: WelcomeController | None = None
        if settings is not None and secrets is not None:
            self._welcome(settings, secrets, probe)
            controller.tools.load_saved(settings.path.parent, secrets)  # Settings → Tools
        if settings is not None:  # assistants live beside the settings (#22)
            self.assistants = assistant_actions(window, controller, settings)
            self.backups: set[Any] = set()  # the automatic backup's task, while it runs
            start_backups(controller, settings, self.backups)
            self.history.config_dir = settings.path.parent
            self.history.restored = self.assistants.reload
        self.titles = title_actions(window, controller, settings)
        from gui.folder_actions import FolderActions  # the sidebar's folders (#22)

        self.folders = FolderActions(window.sidebar, controller)
        picker = window.picker
        picker.set_providers(controller.providers.infos())
        picker.select(provider, model)
        # What new chats use until the person picks another: the picker's choice, which
        # falls back to its first provider when the saved one is gone.
        controller.set_provider(None, picker.provider() or provider, picker.model())
        window.set_ready()
        conversations = controller.store.chat_rows()  # what the sidebar shows of each
        window.sidebar.set_folders(controller.store.list_folders())
        window.set_conversations(conversations, None)
        if conversations:
            controller.open_conversation(conversations[0].id)

    def _welcome(self, settings: Settings, secrets: SecretStore, probe: Probe | None) -> None:
        from gui.welcome_controller import WelcomeController

        extra = {} if probe is None else {"probe": probe}
        self.welcome = welcome = WelcomeController(
            self.window, self.controller, settings, secrets, parent=self, **extra
        )
        self.history.conversation_closed.connect(welcome.update)
        self.controller.message_removed.connect(lambda _id: welcome.update())

    def _intents(self) -> None:
        window, controller = self.window, self.controller
        window.new_chat_requested.connect(controller.new_conversation)
        window.message_submitted.connect(self._send)
        window.edit_submitted.connect(self._resend)
        window.stop_requested.connect(lambda: controller.stop())
        window.regenerate_requested.connect(lambda: controller.regenerate())
        window.retry_requested.connect(controller.retry)
        window.continue_requested.connect(controller.continue_reply)
        history = self.history
        window.version_requested.connect(history.switch_version)
        window.fork_requested.connect(history.fork)
        window.message_delete_requested.connect(history.delete_message)
        window.branch_delete_requested.connect(history.delete_branch)
        window.undo_requested.connect(history.undo)
        window.trash_requested.connect(self._show_trash)
        window.trash_restore_requested.connect(history.restore)
        window.trash_purge_requested.connect(history.purge)
        window.trash_empty_requested.connect(history.empty_trash)
        window.older_requested.connect(controller.load_older)
        window.newer_requested.connect(controller.load_newer)
        window.parameters_requested.connect(self._show_parameters)
        window.parameters_saved.connect(self._save_parameters)
        window.import_requested.connect(self.history.import_later)
        window.backup_requested.connect(self.history.backup_later)
        window.export_requested.connect(self._export)
        sidebar = window.sidebar
        sidebar.selected.connect(lambda ident: controller.open_conversation(ident))
        sidebar.hit_selected.connect(
            lambda ident, message: controller.open_conversation(ident, scroll_to=message)
        )
        sidebar.rename_requested.connect(history.rename_conversation)
        sidebar.pin_requested.connect(history.set_pinned)
        sidebar.delete_requested.connect(history.delete_conversation)
        sidebar.search_changed.connect(self._search)
        window.picker.changed.connect(
            lambda provider, model: controller.set_provider(controller.current_id, provider, model)
        )
        window.picker.models_wanted.connect(controller.load_models)

    def _renders(self) -> None:
        window, controller = self.window, self.controller
        view = window.view
        controller.conversations_changed.connect(self._refresh_conversations)
        controller.conversation_opened.connect(self._show_conversation)
        controller.older_loaded.connect(window.show_older)
        controller.newer_loaded.connect(window.show_newer)
        self.history.undo_offered.connect(window.show_undo)
        self.history.conversation_closed.connect(window.clear_conversation)
        self.history.trash_changed.connect(self._refresh_trash)
        controller.message_added.connect(view.append_message)
        controller.message_updated.connect(view.update_message)
        controller.message_removed.connect(view.remove_message)
        controller.reply_started.connect(self._reply_started)
        controller.reply_delta.connect(window.append_delta)
        controller.reply_reasoning.connect(window.append_reasoning)
        controller.reply_retrying.connect(window.show_retrying)
        controller.reply_finished.connect(self._reply_finished)
        controller.busy_changed.connect(self._busy_changed)
        controller.status.connect(window.show_status)
        controller.models_loaded.connect(window.picker.set_models)
        controller.tools.card.connect(view.show_tool_card)  # tools (issue #20)
        view.tool_answered.connect(controller.tools.answer)

    # -- intents ---------------------------------------------------------------------
    def _export(self, ident: int, path: str, kind: str) -> None:
        """In a worker thread: an export reads the chat's attached files (#19)."""
        export = self.history.export
        self.attach.off_thread(lambda: export(ident, path, kind), self.window.show_status)

    def _send(self, text: str) -> None:
        if self.welcome is not None and self.welcome.intercept_send():
            return  # its key is asked for; the text stays in the message box
        if self.attach.intercept_send(text):
            return  # sent with its files once they are checked (off the GUI thread)
        if self.controller.send(text) is not None:  # else kept: the history refused it
            self.window.message_sent()

    def _resend(self, message_id: int, text: str) -> None:
        self.controller.edit_and_resend(message_id, text)
        self.window.message_sent()

    def _show_parameters(self) -> None:
        current = self.controller.current_id
        if current is None:
            return
        conversation = self.controller.store.get_conversation(current)
        options, context_default = self.controller.session.offers(conversation)
        self.window.show_parameters(
            conversation.id,
            conversation.system_prompt,
            dict(conversation.params),
            options=options,
            context_default=context_default,
        )
        self._offer_tools(conversation.id)

    def _offer_tools(self, conversation_id: int) -> None:
        """The Parameters dialog's Tools section: which servers this chat offers."""
        dialog, tools = self.window.parameters_dialog, self.controller.tools
        if dialog is None:
            return
        dialog.set_tools(tools.servers(), tools.chosen(conversation_id))
        dialog.accepted.connect(lambda: tools.choose(conversation_id, dialog.chosen_tools()))

    def _save_parameters(
        self, conversation_id: int, system_prompt: str, params: dict[str, float | int]
    ) -> None:
        self.controller.set_parameters(conversation_id, system_prompt=system_prompt, params=params)

    def _search(self, text: str) -> None:
        folder = self.window.sidebar.search_folder()  # a search may keep to one folder
        hits = self.controller.store.search(text, folder=folder) if text.strip() else []
        self.window.sidebar.set_search_results(hits, self.controller.current_id)

    # -- renders ---------------------------------------------------------------------
    def _refresh_conversations(self) -> None:
        self.window.sidebar.set_folders(self.controller.store.list_folders())
        self.window.set_conversations(self.controller.store.chat_rows(), self.controller.current_id)

    def _show_conversation(
        self, conversation: Conversation, page: Page, anchor: int | None
    ) -> None:
        self.window.show_conversation(
            conversation.provider,
            conversation.model,
            page.messages,
            page.has_older,
            has_newer=page.has_newer,
            anchor=anchor,
        )
        self._refresh_conversations()
        self.controller.tools.reshow(conversation.id)  # a call still waiting for its answer

    def _show_trash(self) -> None:
        self.window.show_trash(self.history.trash())

    def _refresh_trash(self) -> None:
        if self.window.trash_shown():
            self._show_trash()

    def _is_open(self, conversation_id: int) -> bool:
        return conversation_id == self.controller.current_id

    def _reply_started(self, message: StoredMessage) -> None:
        if self._is_open(message.conversation_id) and self.controller.shows_end:
            self.window.begin_reply(message)

    def _reply_finished(self, message: StoredMessage) -> None:
        if self._is_open(message.conversation_id):
            self.window.finish_reply(message)

    def _busy_changed(self, conversation_id: int, busy: bool) -> None:
        if self._is_open(conversation_id):
            self.window.set_busy(busy)


def assistant_actions(
    window: MainWindow, controller: ChatController, settings: Settings
) -> AssistantActions:
    """File → New chat with ▸ and File → Assistants…, in the interface language."""
    from PySide6.QtCore import QLocale

    from gui.assistant_actions import AssistantActions
    from gui.core.assistants import AssistantBook

    language = settings.language if settings.language != "system" else QLocale().name()[:2]
    return AssistantActions(window, controller, AssistantBook(settings.path.parent, language))


def title_actions(
    window: MainWindow, controller: ChatController, settings: Settings | None
) -> TitleActions:
    """Chats named by the model after their first reply, unless Chat → Name chats with
    the model is off (remembered in the settings; off for a window wired without them,
    as tests and benchmarks are)."""
    from gui.title_actions import TitleActions

    toggle = window.commands.auto_title_action
    toggle.setChecked(settings is not None and settings.auto_titles)  # no settings: off
    titles = TitleActions(controller, toggle.isChecked())
    toggle.toggled.connect(titles.set_enabled)
    if settings is not None:
        toggle.toggled.connect(lambda on: setattr(settings, "auto_titles", on))
    return titles


#: The first automatic backup waits this long after start (the window comes first).
BACKUP_AFTER_MS = 60_000


def start_backups(controller: ChatController, settings: Settings, held: set[Any]) -> None:
    """A full backup a day at most, in the history's folder (backups/, the newest five),
    written on a worker thread a minute after start; its task waits in `held`."""
    import asyncio
    import logging

    from PySide6.QtCore import QTimer

    from gui import pacing
    from gui.core.backup import auto_backup

    store = controller.store

    def write() -> None:
        with pacing.sharing(0.001):
            auto_backup(store, settings.path.parent, Path(store.path).parent / "backups")

    async def backup() -> None:
        try:
            await asyncio.to_thread(write)
        except Exception as error:  # a full disk, a read-only folder: logged, never shown
            logging.getLogger(__name__).warning("no automatic backup: %s", error)

    def later() -> None:
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return  # the app's loop has ended (a test's window outlived it)
        if store.closed:  # the history went with the window
            return
        task = loop.create_task(backup())
        held.add(task)  # held until done: the loop keeps only a weak reference
        task.add_done_callback(held.discard)

    QTimer.singleShot(BACKUP_AFTER_MS, controller, later)
