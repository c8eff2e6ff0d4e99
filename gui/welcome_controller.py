"""First start and empty chats: which page the conversation column shows, and the
welcome panel's intents carried out.

While no provider is ready (no GigaChat key, no profile with a key or an address of its
own, see `gui.core.provider_info.readiness`), an empty chat shows the welcome panel;
once one is, it shows the model's name and sentence-starters; a chat with messages shows
the conversation. Settings opens through the window's own `settings_requested` (the app
opens the dialog and applies what a save changed), then goes to the page wanted with the
key field focused. Send in a provider that needs a key it lacks opens that page instead
and leaves the typed text in the message box.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Sequence
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QWidget

from gui.core.keychain import KeychainUnavailableError, SecretStore
from gui.core.local_servers import LocalServer, probe_local_servers
from gui.core.profiles import BASE, PRESETS, Profile, new_profile_name, profile_info
from gui.core.provider_info import Readiness, readiness
from gui.core.settings import Settings
from gui.core.store import StoreError
from gui.core.tasks import spawn
from gui.values import ProviderInfo
from gui.widgets.empty_chat import EmptyChatPanel
from gui.widgets.settings_dialog import SettingsDialog
from gui.widgets.welcome import WelcomePanel

if TYPE_CHECKING:
    from gui.controller import ChatController
    from gui.core.provider_factory import ProviderFactory
    from gui.widgets.main_window import MainWindow

__all__ = ["Probe", "WelcomeController"]

log = logging.getLogger(__name__)

#: Looks for local servers (tests point it at their own ports).
Probe = Callable[[], Awaitable[Sequence[LocalServer]]]
_READY = Readiness(True)


class WelcomeController(QObject):
    """The conversation column's first page and the welcome panel's intents."""

    def __init__(
        self,
        window: MainWindow,
        controller: ChatController,
        settings: Settings,
        secrets: SecretStore,
        *,
        probe: Probe = probe_local_servers,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.window = window
        self.controller = controller
        self.settings = settings
        self.secrets = secrets
        self._probe = probe
        self.stack = window.conversation_stack
        self.welcome: WelcomePanel | None = None
        self.empty: EmptyChatPanel | None = None
        #: provider name → how ready it is; empty until the first check has answered
        self.states: dict[str, Readiness] = {}
        #: the provider the person was sent to Settings for: chosen once it is ready
        self._target: str | None = None
        self._tasks: set[asyncio.Task[Any]] = set()
        self._checks = 0
        controller.conversation_opened.connect(lambda *_: self.update())
        controller.message_added.connect(lambda _message: self._show(window.view))
        controller.reply_started.connect(lambda _message: self._show(window.view))
        window.picker.changed.connect(lambda *_: self._label_empty())
        window.settings_requested.connect(self._watch_settings)
        window.closing.connect(self._cancel)
        self.check()

    @property
    def providers(self) -> ProviderFactory:
        return self.controller.providers

    # -- readiness -------------------------------------------------------------------

    def check(self) -> asyncio.Task[None]:
        """Ask again how ready each provider is (at start, after Settings saved)."""
        return self._spawn(self._check())

    async def _check(self) -> None:
        self._checks += 1
        check = self._checks
        states = {info.name: await self._state(info) for info in self.providers.infos()}
        if check != self._checks:  # a newer check is on its way
            return
        self.states = states
        self.window.picker.set_revealed({n for n, s in states.items() if s.host_set})
        target, self._target = self._target, None
        if target is not None and states.get(target, _READY).ready and self.welcome_shown():
            self._choose(target, "")
        self.update()

    async def _state(self, info: ProviderInfo) -> Readiness:
        try:
            config = await self.settings.aprovider_config(info, self.secrets)
            has_key = (await self.providers.get(info.name)).has_key if info.needs_auth else True
        except KeychainUnavailableError:  # locked is not "no key": nothing to offer instead
            return _READY
        except Exception as error:  # settings the class cannot take: its reply will say so
            log.info("cannot tell whether %s is ready: %s", info.name, type(error).__name__)
            return _READY
        return readiness(info, config, has_key=has_key)

    def any_ready(self) -> bool:
        return not self.states or any(state.ready for state in self.states.values())

    def wants_key(self, provider: str) -> bool:
        """Whether `provider` cannot answer for lack of a key (as last checked)."""
        return self.states.get(provider, _READY).missing_key

    # -- which page ------------------------------------------------------------------

    def update(self) -> None:
        """The conversation, the welcome panel or the empty-chat page, as things are."""
        if not self._chat_is_empty():
            self._show(self.window.view)
        elif not self.any_ready():
            self._show(self._welcome())
        elif self.states:
            self._label_empty()
            self._show(self._empty())

    def welcome_shown(self) -> bool:
        return self.welcome is not None and self.stack.currentWidget() is self.welcome

    def _chat_is_empty(self) -> bool:
        current = self.controller.current_id
        if current is None:
            return True
        try:
            return self.store_count(current) == 0 and not self.controller.is_busy(current)
        except StoreError:
            return False

    def store_count(self, conversation_id: int) -> int:
        return self.controller.store.count_messages(conversation_id)

    def _show(self, page: QWidget) -> None:
        if self.stack.currentWidget() is not page:
            self.stack.setCurrentWidget(page)

    def _welcome(self) -> WelcomePanel:
        if self.welcome is None:
            self.welcome = panel = WelcomePanel()
            self.stack.addWidget(panel)
            panel.settings_requested.connect(self.open_key_page)
            panel.preset_requested.connect(self.add_preset)
            panel.local_server_chosen.connect(self.use_local_server)
            panel.probe_requested.connect(self.look_for_servers)
            self._order_tabs()
            self.look_for_servers()
        return self.welcome

    def _empty(self) -> EmptyChatPanel:
        if self.empty is None:
            self.empty = EmptyChatPanel()
            self.stack.addWidget(self.empty)
            self.empty.starter_chosen.connect(self._start_with)
            self._label_empty()
        return self.empty

    def _label_empty(self) -> None:
        if self.empty is None:
            return
        name = self.window.picker.provider()
        try:
            label = self.providers.info(name).label if name else ""
        except KeyError:
            label = name
        self.empty.set_model(label, self.window.picker.model())

    def _start_with(self, text: str) -> None:
        composer = self.window.composer
        composer.setPlainText(text)
        composer.moveCursor(composer.textCursor().MoveOperation.End)
        composer.setFocus()

    def _order_tabs(self) -> None:
        """Tab goes from the window's top row into the panel, then to the message box."""
        if self.welcome is None:
            return
        previous: QWidget = self.window.settings_button
        for widget in self.welcome.focus_chain():
            QWidget.setTabOrder(previous, widget)
            previous = widget

    # -- the panel's intents ---------------------------------------------------------

    def open_key_page(self, provider: str) -> SettingsDialog | None:
        """Settings on `provider`'s page, the focus in its key field."""
        dialog = self._open_settings()
        if dialog is not None and dialog.show_key(provider):
            self._target = provider
        return dialog

    def add_preset(self, preset: str) -> SettingsDialog | None:
        """Settings with a new profile from `preset` (OpenAI, DeepSeek…) on its own page,
        the focus in its key field; OK saves it."""
        dialog = self._open_settings()
        if dialog is None:
            return None
        before = set(dialog.pages)
        dialog.profile_add_requested.emit(preset)
        added = [name for name in dialog.pages if name not in before]
        if added:
            dialog.show_key(added[0])
            self._target = added[0]
        return dialog

    def use_local_server(self, kind: str, base_url: str, models: Sequence[str]) -> str | None:
        """A profile for a server the probe found (an existing one with its address, else
        a new one), chosen for this chat at once: it takes no key."""
        name = self._profile_at(base_url) or self._add_local_profile(kind, base_url, models)
        if name is None:
            return None
        self.window.picker.set_providers(self.providers.infos())
        self._choose(name, models[0] if models else "")
        self.check()
        return name

    def _profile_at(self, base_url: str) -> str | None:
        for profile in self.settings.profiles():
            if profile.name == BASE:
                continue  # its address is the default one: not a choice anyone made
            info = self.providers.info(profile.name)
            if self.settings.field(info, "base_url").rstrip("/") == base_url.rstrip("/"):
                return profile.name
        return None

    def _add_local_profile(self, kind: str, base_url: str, models: Sequence[str]) -> str | None:
        preset = next((p for p in PRESETS if p.key == kind), PRESETS[-1])
        taken = {*self.providers.names(), *(p.name for p in self.settings.profiles())}
        name = new_profile_name(preset.label, taken)
        info = profile_info(self.providers.info(BASE), Profile(name, preset.label, tuple(models)))
        self.settings.set_field(info, "label", preset.label)
        self.settings.set_field(info, "base_url", base_url)
        self.settings.set_field(info, "models", ", ".join(models))
        try:
            self.settings.save()
        except OSError as error:
            self.settings.remove_profile(name)
            self.window.show_status(
                self.tr("The settings could not be saved: {0}").format(error.strerror or error)
            )
            return None
        return name

    def _choose(self, provider: str, model: str) -> None:
        """Make `provider` this chat's (and new chats') choice, as the picker would."""
        picker = self.window.picker
        picker.select(provider, model)
        self.controller.set_provider(self.controller.current_id, picker.provider(), picker.model())
        self._label_empty()

    def look_for_servers(self) -> None:
        if self.welcome is not None:
            self.welcome.set_probing()
        self._spawn(self._look())

    async def _look(self) -> None:
        found = await self._probe()
        if self.welcome is not None:
            self.welcome.set_local_servers(found)
            self._order_tabs()

    # -- sending without a key -------------------------------------------------------

    def intercept_send(self) -> bool:
        """Before Send: a provider without the key it needs gets its settings page
        instead (True), and the text stays in the message box."""
        provider = self.window.picker.provider()
        if not self.wants_key(provider):
            return False
        if self.open_key_page(provider) is not None:
            self.window.show_status(self.tr("Add a key to send: paste it here and press OK."))
        return True

    # -- Settings --------------------------------------------------------------------

    def _open_settings(self) -> SettingsDialog | None:
        """Open Settings as the window's button does, and return the dialog."""
        self.window.settings_requested.emit()
        return self._shown_dialog()

    def _shown_dialog(self) -> SettingsDialog | None:
        shown = [d for d in self.window.findChildren(SettingsDialog) if d.isVisible()]
        return shown[-1] if shown else None

    def _watch_settings(self) -> None:
        """Whatever opened Settings, check again once it is saved (after the app applied
        it: this runs once the dialog exists, the app's slot having made it)."""

        def watch() -> None:
            if (dialog := self._shown_dialog()) is not None:
                dialog.accepted.connect(self.check)

        QTimer.singleShot(0, self, watch)

    # -- tasks -----------------------------------------------------------------------

    def _spawn(self, coroutine: Any) -> asyncio.Task[Any]:
        return spawn(self._tasks, coroutine, "welcome")

    async def wait_idle(self) -> None:
        """Return once the checks and probes under way have ended."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)

    def _cancel(self) -> None:
        for task in list(self._tasks):
            with contextlib.suppress(RuntimeError):  # the loop may be gone at exit
                task.cancel()
