"""The optional tray icon: only when asked for and available; it shows and hides the window."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QSystemTrayIcon

from gui.app import Application
from gui.core.paths import AppPaths, resources_dir
from gui.core.settings import Settings
from gui.widgets.i18n import Translations
from gui.widgets.main_window import MainWindow
from gui.widgets.theme import ThemeManager
from gui.widgets.tray import TrayIcon, tray_wanted
from tests.gui.conftest import wait_for


def test_tray_only_when_enabled_and_the_desktop_has_one(qapp: QApplication) -> None:
    assert tray_wanted(False) is False
    assert tray_wanted(True) is QSystemTrayIcon.isSystemTrayAvailable()


async def test_the_tray_icon_hides_and_shows_the_window(
    window: MainWindow, translations: Translations
) -> None:
    tray = TrayIcon(window, QIcon(str(resources_dir() / "icons" / "besedka.svg")))
    quits: list[bool] = []
    tray.quit_requested.connect(lambda: quits.append(True))
    try:
        assert tray.toggle_action.text() == "Hide the window"
        tray.activated.emit(QSystemTrayIcon.ActivationReason.Trigger)
        assert not window.isVisible()
        assert tray.toggle_action.text() == "Show the window"
        tray.toggle_action.trigger()
        await wait_for(window.isVisible)
        assert tray.toggle_action.text() == "Hide the window"

        translations.apply("ru")
        await wait_for(lambda: tray.quit_action.text() == "Выход")
        assert tray.toggle_action.text() == "Скрыть окно"
        assert tray.toolTip() == "Беседка"
        tray.quit_action.trigger()
        assert quits == [True]
    finally:
        tray.dispose()
        tray.deleteLater()


def test_the_app_adds_no_tray_icon_where_there_is_no_tray(
    window: MainWindow, qapp: QApplication, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(QSystemTrayIcon, "isSystemTrayAvailable", staticmethod(lambda: False))
    paths = AppPaths.under(tmp_path).ensure()
    settings = Settings(paths.settings_file)
    settings.tray_icon = True
    theme = ThemeManager(qapp)
    app = Application(
        qapp,
        window,
        paths,
        settings=settings,
        translations=Translations(qapp, resources_dir() / "translations"),
        theme=theme,
    )
    app.update_tray()
    assert app.tray is None
    theme.deleteLater()


def test_the_app_adds_and_removes_the_tray_icon_as_the_setting_changes(
    window: MainWindow, qapp: QApplication, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(QSystemTrayIcon, "isSystemTrayAvailable", staticmethod(lambda: True))
    monkeypatch.setattr(QSystemTrayIcon, "show", lambda self: None)  # no tray to draw in
    paths = AppPaths.under(tmp_path).ensure()
    settings = Settings(paths.settings_file)
    settings.tray_icon = True
    theme = ThemeManager(qapp)
    app = Application(
        qapp,
        window,
        paths,
        settings=settings,
        translations=Translations(qapp, resources_dir() / "translations"),
        theme=theme,
    )
    app.update_tray()
    assert isinstance(app.tray, TrayIcon)
    app.tray.quit_action.trigger()
    assert app.quit.is_set()
    app.tray.toggle_window()
    assert not window.isVisible()
    settings.tray_icon = False
    app.update_tray()
    assert app.tray is None
    assert window.isVisible()  # no tray left to bring it back from
    theme.deleteLater()
