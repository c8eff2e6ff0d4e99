"""Composition root: the only place that builds long-lived objects and tears them down.

Start-up shows the window first and imports the heavy parts (aiohttp, keyring, the
store, providers) after it is on screen. Shutdown has one path: every way out (window
closed, Quit, SIGTERM/SIGINT) sets one event; `run()` then stops the streams, closes the
HTTP session and the database, in that order.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from gui.cli.logs import QUIET, setup_logging, stderr_line

__all__ = ["READY_MARKER", "Application", "main", "setup_logging", "show_main_window"]

if TYPE_CHECKING:
    from PySide6.QtWidgets import QApplication

    from gui.core.keychain import SecretStore
    from gui.core.paths import AppPaths
    from gui.core.provider_factory import ProviderFactory
    from gui.core.settings import Settings
    from gui.widgets.i18n import Translations
    from gui.widgets.main_window import MainWindow
    from gui.widgets.theme import ThemeManager
    from gui.widgets.tray import TrayIcon

log = logging.getLogger("besedka")

READY_MARKER = "besedka: window ready"


def _paths(basedir: Path | None) -> AppPaths:
    from gui.core.paths import AppPaths

    paths = AppPaths.under(basedir.expanduser().resolve()) if basedir else AppPaths.default()
    paths.ensure()
    return paths


def main(argv: Sequence[str] | None = None) -> int:
    from gui.cli.parser import NO_HISTORY, build_parser

    args = build_parser().parse_args(argv)
    try:
        paths = _paths(args.basedir)
    except OSError as error:  # e.g. --basedir in a read-only folder
        where = error.filename or args.basedir or "the profile"
        stderr_line(f"besedka: cannot create the profile folder {where}: {error.strerror}")
        return NO_HISTORY
    if args.command == "ask":
        from gui.cli.ask import run_ask

        setup_logging(paths.log_file, fallback_level=QUIET)  # ask says what went wrong
        return run_ask(args, paths)
    if args.command in ("import", "export", "backup"):
        from gui.cli.library import run_library

        setup_logging(paths.log_file, fallback_level=QUIET)  # it says what went wrong
        return run_library(args, paths)
    return run_gui(args, paths)  # it sets up logging once the window is on screen


class ShownWindow(NamedTuple):
    app: QApplication
    window: MainWindow
    settings: Settings
    translations: Translations
    theme: ThemeManager


def show_main_window(paths: AppPaths) -> ShownWindow:
    """Build and paint the window with only what its first frame needs.

    Language and theme come first, so the window never flashes in another. Nothing here
    names PySide's `Qt` namespace (see gui/widgets/theme.py): bench/run holds this to 1.5× the
    start-up of a bare QMainWindow.
    """
    from PySide6.QtWidgets import QApplication

    _drop_pyside_import_hook()  # before the imports below
    from gui.core.paths import resources_dir
    from gui.core.settings import Settings
    from gui.widgets.i18n import Translations
    from gui.widgets.main_window import MainWindow
    from gui.widgets.theme import ThemeManager

    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    app.setApplicationName("Besedka")
    app.setOrganizationName("Besedka")
    app.setQuitOnLastWindowClosed(False)  # closing goes through our one exit path
    app.setDesktopFileName("besedka")
    settings = Settings(paths.settings_file)
    translations = Translations(app, resources_dir() / "translations")
    translations.apply(settings.language)
    theme = ThemeManager(app)
    theme.apply(settings.theme)
    window = MainWindow()
    window.set_dark(theme.dark)
    window.set_zoom(settings.zoom)
    window.zoom_changed.connect(lambda percent: setattr(settings, "zoom", percent))
    theme.dark_changed.connect(window.set_dark)
    window.show()
    app.processEvents()  # paint the window now; what follows is not needed to show it
    return ShownWindow(app, window, settings, translations, theme)


def run_gui(args: argparse.Namespace, paths: AppPaths) -> int:
    shown = show_main_window(paths)
    # The window manager draws the icon (title bar, task bar), after our first frame
    # anyway; QIcon and the SVG plugin would cost that frame 3 ms.
    shown.app.setWindowIcon(_app_icon())
    shown.window.show_icons()
    setup_logging(paths.log_file)
    import asyncio

    import qasync

    application = Application(
        shown.app,
        shown.window,
        paths,
        settings=shown.settings,
        translations=shown.translations,
        theme=shown.theme,
        quit_when_ready=args.quit_when_ready,
        screenshot=args.screenshot,
    )
    with asyncio.Runner(loop_factory=lambda: qasync.QEventLoop(shown.app)) as runner:
        return runner.run(application.run())


class Application:
    """Owns the session, the store, the secrets and the controller for one run."""

    def __init__(
        self,
        app: QApplication,
        window: MainWindow,
        paths: AppPaths,
        *,
        settings: Settings,
        translations: Translations,
        theme: ThemeManager,
        quit_when_ready: bool = False,
        screenshot: Path | None = None,
    ) -> None:
        self.app = app
        self.window = window
        self.paths = paths
        self.settings = settings
        self.translations = translations
        self.theme = theme
        self.tray: TrayIcon | None = None
        self.quit_when_ready = quit_when_ready
        self.screenshot = screenshot
        import asyncio  # loaded after the first paint, with the event loop

        self.quit = asyncio.Event()

    @property
    def headless(self) -> bool:
        """A run that asks nothing: --quit-when-ready or --screenshot."""
        return self.quit_when_ready or self.screenshot is not None

    def request_quit(self, *_args: Any) -> None:
        self.quit.set()

    async def run(self) -> int:
        import asyncio
        import signal

        self.window.closing.connect(self.request_quit)
        self.app.aboutToQuit.connect(self.request_quit)
        quit_signals = (signal.SIGINT, signal.SIGTERM)
        previous = {sig: signal.signal(sig, self.request_quit) for sig in quit_signals}
        heartbeat = _heartbeat(self.app)  # lets Python see signals while Qt idles
        await asyncio.sleep(0)  # the window paints before the heavy imports below
        import functools

        from gui.widgets.emoji_font import ensure_colour_emoji

        ensure_colour_emoji()  # the bundle's colour emoji, on a machine without any

        from gui.controller import ChatController
        from gui.core.keychain import SecretStore, hold_secret_environment
        from gui.core.provider_factory import ProviderFactory, client_session
        from gui.core.store import DamagedHistoryError, Store
        from gui.startup_dialogs import ask_repair, tell_and_wait
        from gui.wiring import Wiring

        # Keys in the environment move into memory before anything can start a child
        # process (a link opens in xdg-open, which would inherit them).
        held = hold_secret_environment()
        settings = self.settings
        self.theme.follow_platform()
        self.update_tray()
        # Off the GUI thread: keychain discovery talks D-Bus, and opening the history may
        # back it up and migrate it.
        secrets = await asyncio.to_thread(functools.partial(SecretStore, environment=held))
        try:
            try:
                store = await asyncio.to_thread(Store.open, self.paths.history_db)
            except DamagedHistoryError as damaged:
                if not await ask_repair(self.window, str(damaged), self.quit, self.headless):
                    raise
                recover = functools.partial(Store.recover, damaged.path, damaged_copy=damaged.copy)
                await asyncio.to_thread(recover)  # ~12 s for 100,000 messages
                store = await asyncio.to_thread(Store.open, self.paths.history_db)
        except Exception as error:  # whatever it is, said in words: never a traceback
            from gui.cli.ask import history_error

            log.error("cannot open the history: %s", error)
            await tell_and_wait(
                self.window, history_error(error, self.paths), self.quit, self.headless
            )
            heartbeat.stop()
            for sig, handler in previous.items():
                signal.signal(sig, handler)
            return 1
        try:
            async with (
                client_session() as session,
                ProviderFactory(  # closes its SOCKS proxies' sessions on the way out
                    session,
                    lambda info: settings.aprovider_config(info, secrets),
                    timeouts=settings.timeouts,
                    profiles=settings.profiles,
                ) as providers,
            ):
                controller = ChatController(store, providers)
                wiring = Wiring(
                    self.window,
                    controller,
                    provider=settings.last_provider,
                    model=settings.last_model,
                    settings=settings,
                    secrets=secrets,
                )
                self.connect_settings(secrets, providers)
                if store.interrupted_on_open:
                    self.window.show_interrupted(store.interrupted_on_open)
                if self.screenshot is not None:
                    from gui.scenes import shoot

                    await shoot(self.window, self.screenshot)
                if self.quit_when_ready or self.screenshot is not None:
                    print(READY_MARKER, flush=True)
                    self.quit.set()
                await self.quit.wait()
                self.window.hide()
                await wiring.history.finish_imports()  # a running import takes its rows back
                await wiring.titles.aclose()  # a title still being asked for
                await controller.shutdown()
                settings.set_last_choice(*controller.choice())
                try:
                    settings.save()
                except OSError as error:  # read-only profile: the choice is just not kept
                    log.warning("could not save the settings: %s", error)
        finally:
            if self.tray is not None:
                self.tray.dispose()
                self.tray = None
            store.close()
            heartbeat.stop()
            for sig, handler in previous.items():
                signal.signal(sig, handler)
        log.info("clean exit")
        return 0

    def connect_settings(self, secrets: SecretStore, providers: ProviderFactory) -> None:
        """Settings… (button, menu, Ctrl+,) opens the dialog from now on."""
        self.window.settings_requested.connect(lambda: self.open_settings(secrets, providers))

    def open_settings(self, secrets: SecretStore, providers: ProviderFactory) -> None:
        """Settings over the window; a save applies language, theme and tray at once."""
        from gui.settings_controller import open_settings_dialog

        def saved() -> None:
            self.apply_preferences()
            self.window.picker.set_providers(providers.infos())  # profiles may have changed

        open_settings_dialog(self.window, self.settings, secrets, providers, on_saved=saved)

    def apply_preferences(self) -> None:
        """Language, theme and tray icon from the saved settings, without a restart."""
        self.translations.apply(self.settings.language)
        self.theme.apply(self.settings.theme)
        self.update_tray()

    def update_tray(self) -> None:
        """Show the tray icon when wanted and possible; remove it otherwise."""
        from gui.widgets.tray import TrayIcon, tray_wanted

        if tray_wanted(self.settings.tray_icon):
            if self.tray is None:
                self.tray = TrayIcon(self.window, _app_icon(), self.app)
                self.tray.quit_requested.connect(self.request_quit)
                self.tray.show()
        elif self.tray is not None:
            self.tray.dispose()
            self.tray.deleteLater()
            self.tray = None
            if not self.window.isVisible():
                self.window.show()  # hidden to the tray, which is gone: bring it back


def _drop_pyside_import_hook() -> None:
    """Put Python's own `__import__` back: PySide6 wraps it for `from __feature__ import`,
    which Besedka does not use, and the wrapper reads the source of every module imported
    after Qt to look for it (a tenth of the start-up time)."""
    import builtins

    original = getattr(builtins, "__orig_import__", None)
    if original is not None and builtins.__import__ is getattr(
        builtins, "__feature_import__", None
    ):
        builtins.__import__ = original


def _app_icon() -> Any:
    from PySide6.QtGui import QIcon

    from gui.core.paths import resources_dir

    return QIcon(str(resources_dir() / "icons" / "besedka.svg"))


def _heartbeat(app: QApplication) -> Any:
    from PySide6.QtCore import QTimer

    timer = QTimer(app)
    timer.setInterval(200)
    timer.timeout.connect(lambda: None)
    timer.start()
    return timer


if __name__ == "__main__":
    sys.exit(main())
