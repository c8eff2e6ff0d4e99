"""An optional tray icon that shows and hides the window (settings: tray_icon)."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Signal
from PySide6.QtGui import QAction, QIcon
from PySide6.QtWidgets import QMenu, QSystemTrayIcon, QWidget


def tray_wanted(enabled: bool) -> bool:
    """Only when the person asked for it and the desktop has a tray to put it in."""
    return enabled and QSystemTrayIcon.isSystemTrayAvailable()


class TrayIcon(QSystemTrayIcon):
    """Click toggles the window; the menu has Show/Hide and Quit."""

    #: the person chose Quit in the tray menu
    quit_requested = Signal()

    def __init__(self, window: QWidget, icon: QIcon, parent: QObject | None = None) -> None:
        super().__init__(icon, parent)
        self.window = window
        self.menu = QMenu()
        self.toggle_action = QAction(self.menu)
        self.toggle_action.triggered.connect(self.toggle_window)
        self.quit_action = QAction(self.menu)
        self.quit_action.triggered.connect(self.quit_requested)
        self.menu.addAction(self.toggle_action)
        self.menu.addSeparator()
        self.menu.addAction(self.quit_action)
        self.menu.aboutToShow.connect(self.retranslate)
        self.setContextMenu(self.menu)
        self.activated.connect(self._on_activated)
        self.menu.installEventFilter(self)
        self.retranslate()

    def retranslate(self) -> None:
        self.setToolTip(self.tr("Besedka"))
        self.toggle_action.setText(
            self.tr("Hide the window") if self.window.isVisible() else self.tr("Show the window")
        )
        self.quit_action.setText(self.tr("Quit"))

    def toggle_window(self) -> None:
        if self.window.isVisible() and not self.window.isMinimized():
            self.window.hide()
        else:
            self.window.showNormal()
            self.window.raise_()
            self.window.activateWindow()
        self.retranslate()

    def _on_activated(self, reason: QSystemTrayIcon.ActivationReason) -> None:
        if reason == QSystemTrayIcon.ActivationReason.Trigger:
            self.toggle_window()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()  # the menu gets the event; the icon itself is no widget
        return super().eventFilter(watched, event)

    def dispose(self) -> None:
        """Take the icon off the tray and free its menu (it has no parent widget)."""
        self.hide()
        self.menu.removeEventFilter(self)
        self.menu.deleteLater()
