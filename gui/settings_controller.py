"""Settings → the dialog and back: builds the form, runs the one (async) save path.

Widgets may not touch the core, so the dialog edits plain values (`SettingsForm`); this
module fills them from `Settings` and the `SecretStore`, saves the edited form through
them (keychain calls in worker threads, questions as window-modal boxes, no nested event
loop), runs "Test connection" with the form as it is, unsaved, and names the
OpenAI-compatible profiles the dialog adds (gui/core/profiles.py).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Coroutine, Mapping, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

from gui.core.keychain import KeychainUnavailableError, SecretStore
from gui.core.profiles import (
    BASE,
    PRESETS,
    Profile,
    environment_only,
    new_profile_name,
    profile_info,
)
from gui.core.settings import (
    LANGUAGES,
    MAX_TIMEOUT,
    PROXY_MODES,
    THEMES,
    Language,
    Proxy,
    ProxyMode,
    Settings,
    Theme,
    assemble_config,
    env_override,
    has_password,
    is_http_url,
    is_proxy_url,
)
from gui.tool_settings import ToolSettings
from gui.values import ConnectionResult, ProviderInfo
from gui.widgets.settings_dialog import SettingsDialog
from gui.widgets.settings_form import (
    KeyForm,
    ProviderForm,
    SettingsForm,
    UrlChecks,
)

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget

    from gui.core.provider_factory import ProviderFactory

__all__ = ["SettingsEditor", "TestConnection", "open_settings_dialog"]

log = logging.getLogger(__name__)

_T = TypeVar("_T")
_C = TypeVar("_C", Language, Theme)

#: (provider name, constructor keywords from the unsaved form) → the test's answer as data.
TestConnection = Callable[[str, dict[str, str]], Awaitable[ConnectionResult]]

URL_CHECKS = UrlChecks(
    is_http_url=is_http_url, has_password=has_password, is_proxy_url=is_proxy_url
)


def open_settings_dialog(
    parent: QWidget,
    settings: Settings,
    secrets: SecretStore,
    providers: ProviderFactory,
    on_saved: Callable[[], None],
) -> None:
    """Open Settings window-modally over `parent`; after a successful save, `on_saved()`
    (which should also give the picker `providers.infos()`: profiles may have changed)."""
    SettingsEditor(
        providers.infos(), settings, secrets, providers.test_connection, on_saved, parent
    ).open()


def settings_form(
    providers: Sequence[ProviderInfo], settings: Settings, secrets: SecretStore
) -> SettingsForm:
    """The form as Settings has it; saved keys are not read here (see `SettingsEditor`)."""
    profiles = any(info.profile_of for info in providers)
    return SettingsForm(
        language=settings.language,
        theme=settings.theme,
        tray_icon=settings.tray_icon,
        connect_timeout=settings.connect_timeout,
        read_timeout=settings.read_timeout,
        max_timeout=MAX_TIMEOUT,
        keychain_available=secrets.available,
        providers={info.name: _provider_form(info, settings, secrets) for info in providers},
        presets=tuple((p.key, p.label) for p in PRESETS) if profiles else (),
    )


def _provider_form(info: ProviderInfo, settings: Settings, secrets: SecretStore) -> ProviderForm:
    proxy = settings.proxy(info.name)
    return ProviderForm(
        values=settings.field_values(info),
        proxy_mode=proxy.mode,
        proxy_url=proxy.url,
        env_overrides=tuple(f.env for f in info.fields if env_override(f) is not None),
        keys={f.name: _key_form(info, f.name, secrets) for f in info.secret_fields},
    )


def _key_form(info: ProviderInfo, field: str, secrets: SecretStore) -> KeyForm:
    return KeyForm(
        env_name=secrets.env_name(info, field),
        env_active=secrets.from_environment(info, field) is not None,
    )


def form_config(info: ProviderInfo, form: ProviderForm, secrets: SecretStore) -> dict[str, str]:
    """Constructor keywords from an unsaved page; environment variables first."""
    found: dict[str, str] = {}
    for name, key in form.keys.items():
        typed = "" if environment_only(info) else key.text  # for the saved host only
        if value := secrets.from_environment(info, name) or typed:
            found[name] = value
    return assemble_config(info, form.values, found, _proxy(form))


def write_settings(
    settings: Settings, providers: Sequence[ProviderInfo], form: SettingsForm
) -> None:
    """Put the form's non-secret values into `settings` and write the file (OSError);
    profiles removed in the dialog are forgotten, new ones get their sections."""
    settings.language = _choice(form.language, LANGUAGES)
    settings.theme = _choice(form.theme, THEMES)
    settings.tray_icon = form.tray_icon
    settings.connect_timeout = form.connect_timeout
    settings.read_timeout = form.read_timeout
    for name in form.removed:
        if name != BASE:
            settings.remove_profile(name)
    for info in providers:
        page = form.providers.get(info.name)
        if page is None:
            continue
        for name, value in page.values.items():
            settings.set_field(info, name, value)
        settings.set_proxy(info.name, _proxy(page))
    settings.save()


def _choice(value: str, allowed: tuple[_C, ...]) -> _C:
    if value not in allowed:
        raise ValueError(f"unknown choice {value!r}")
    return value


def _proxy(form: ProviderForm) -> Proxy:
    mode: ProxyMode = form.proxy_mode if form.proxy_mode in PROXY_MODES else "none"
    return Proxy(mode, form.proxy_url if mode == "url" else "")


class SettingsEditor:
    """One open settings dialog and the work behind it: loading keys, tests, the save.

    Made on the app's running (qasync) loop: reading the saved keys starts at once, in a
    worker thread, while the dialog already shows everything else.
    """

    def __init__(
        self,
        providers: Sequence[ProviderInfo],
        settings: Settings,
        secrets: SecretStore,
        test_connection: TestConnection,
        on_saved: Callable[[], None] = lambda: None,
        parent: QWidget | None = None,
    ) -> None:
        self.providers: Mapping[str, ProviderInfo] = {info.name: info for info in providers}
        self.settings = settings
        self.secrets = secrets
        self._test_connection = test_connection
        self._on_saved = on_saved
        self._tasks: set[asyncio.Task[Any]] = set()
        self._saving: asyncio.Task[bool] | None = None
        self.dialog = SettingsDialog(
            providers, settings_form(providers, settings, secrets), URL_CHECKS, parent
        )
        self.dialog.setModal(True)
        self.tools = ToolSettings(self.dialog, settings.path.parent, secrets)  # Tools page
        # The dialog keeps its editor alive through these closures (Qt holds them; a bound
        # method it would hold weakly), and nothing else does.
        self.dialog.save_requested.connect(lambda: self._on_save_requested())
        self.dialog.test_requested.connect(lambda name: self._on_test_requested(name))
        self.dialog.profile_add_requested.connect(lambda preset: self.add_profile(preset))
        self.dialog.finished.connect(lambda result: self._on_finished(result))
        self.dialog.destroyed.connect(lambda: self._cancel(keep=None))
        self._loaded = self._spawn(self._load_keys())

    def open(self) -> None:
        """Show the dialog window-modally (no nested event loop); it deletes itself on close."""
        self.dialog.finished.connect(self.dialog.deleteLater)
        self.dialog.open()

    # -- background work ---------------------------------------------------------------

    def _spawn(self, coroutine: Coroutine[Any, Any, _T]) -> asyncio.Task[_T]:
        task = asyncio.ensure_future(coroutine)
        self._tasks.add(task)
        task.add_done_callback(self._task_done)
        return task

    def _task_done(self, task: asyncio.Task[Any]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and (error := task.exception()) is not None:
            log.error("settings task failed", exc_info=error)

    def _on_finished(self, _result: int) -> None:
        self._cancel(keep=self._saving)  # not the save that is closing the dialog

    def _cancel(self, *, keep: asyncio.Task[Any] | None) -> None:
        """Stop loading and tests: their answers have nowhere to go."""
        for task in list(self._tasks):
            if task is not keep:
                task.cancel()
        self.tools.cancel()

    async def _load_keys(self) -> None:
        """Fill in the saved secrets, read in a worker thread (the keychain may prompt)."""
        for name, info in list(self.providers.items()):
            for field in info.secret_fields:
                value, source = await self.secrets.alookup(
                    info, field=field.name, environment=False
                )
                stored = None if source == "environment" else source
                self.dialog.set_stored_key(name, value, stored, field.name)

    # -- profiles ----------------------------------------------------------------------

    def add_profile(self, preset_key: str) -> str:
        """A new OpenAI-compatible profile from a preset, on its own page (saved on OK);
        its name is fresh: not used now, nor by one removed in this dialog."""
        preset = next((p for p in PRESETS if p.key == preset_key), PRESETS[-1])
        first = self.providers.get(BASE)
        if first is None:
            raise KeyError("no OpenAI-compatible provider to make a profile of")
        taken = {*self.providers, *self.settings_names()}
        name = new_profile_name(preset.label, taken)
        # The empty preset's name is left to type (its page opens with the name field).
        label = "" if preset is PRESETS[-1] else preset.label
        info = profile_info(first, Profile(name, label, preset.models))
        values = {field.name: field.default for field in info.fields if not field.is_secret}
        values.update(label=label, base_url=preset.base_url, models=", ".join(preset.models))
        form = ProviderForm(values=values, keys={f.name: KeyForm() for f in info.secret_fields})
        self.providers = {**self.providers, name: info}
        self.dialog.add_provider_page(info, form, show=True)
        return name

    def settings_names(self) -> list[str]:
        """The profiles the settings file has now (removed ones stay until OK)."""
        return [profile.name for profile in self.settings.profiles()]

    async def wait_loaded(self) -> None:
        """Return once the saved keys are shown in the form."""
        await asyncio.shield(self._loaded)

    # -- test connection ---------------------------------------------------------------

    def form_config(self, name: str) -> dict[str, str]:
        """Constructor keywords from the dialog as it is now (not saved)."""
        return form_config(self.providers[name], self.dialog.provider_form(name), self.secrets)

    def _on_test_requested(self, name: str) -> None:
        self._spawn(self.run_test(name))

    async def run_test(self, name: str) -> None:
        """Run the connection test with the form's config and show its answer on the page."""
        page = self.dialog.pages[name]
        if problems := page.problems():
            page.show_result(False, problems[0])
            return
        page.set_testing()
        try:
            await self.wait_loaded()
            result = await self._test_connection(name, self.form_config(name))
        except asyncio.CancelledError:
            with contextlib.suppress(RuntimeError):  # the page may be gone at app exit
                self.dialog.show_test_cancelled(name)
            raise
        except Exception as error:
            # The test should answer failures as data; its exception text is not trusted.
            log.warning("connection test for %s raised %s", name, type(error).__name__)
            self.dialog.show_test_crash(name, type(error).__name__)
            return
        page.show_connection(result)

    # -- saving ------------------------------------------------------------------------

    def _on_save_requested(self) -> None:
        self._saving = self._spawn(self.save_and_close())

    async def save_and_close(self) -> bool:
        """OK: save; on success close the dialog and let the app apply what changed."""
        try:
            saved = await self.save()
        finally:
            self.dialog.set_saving(False)
        if saved:
            self.dialog.accept()
            self._on_saved()
        return saved

    async def save(self) -> bool:
        """Write the settings file, then the keys; False (nothing saved) on a form problem
        or when the file cannot be written."""
        # The form compares each key with the stored one: both must be known first, or a
        # "Remove key" clicked before the keychain answered would be taken for "keep".
        await self.wait_loaded()
        if not self.dialog.check_pages() or not await self.tools.save():
            return False
        form = self.dialog.form()
        try:
            write_settings(self.settings, list(self.providers.values()), form)
        except OSError as error:
            log.warning("cannot write %s: %s", self.settings.path, error.strerror)
            await self.dialog.tell_not_saved(str(self.settings.path), error.strerror or str(error))
            return False
        for name in form.removed:  # a removed profile's key goes with it
            if (info := self.providers.get(name)) is not None and name != BASE:
                for field in info.secret_fields:
                    await self._save_key(info, field.name, KeyForm(change="delete"))
        for name, page in form.providers.items():
            for secret, key in page.keys.items():
                if key.change != "keep":
                    await self._save_key(self.providers[name], secret, key)
        return True

    async def _save_key(self, info: ProviderInfo, field: str, key: KeyForm) -> None:
        label = self.dialog.pages[info.name].title() if info.name in self.dialog.pages else ""
        try:
            if key.change == "set":
                await self.secrets.aset(info, key.text, field=field)
            else:
                await self.secrets.adelete(info, field=field)
        except KeychainUnavailableError:
            if key.change != "set":
                await self.dialog.tell_not_removed(label or info.label)
            elif await self.dialog.ask_keep_for_session(label or info.label):
                self.secrets.keep_for_session(info, key.text, field=field)
