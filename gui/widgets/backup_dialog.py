"""File → Back up everything…: where the backup goes (a .zip, named by the date)."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication

if TYPE_CHECKING:
    from gui.widgets.main_window import MainWindow

translate = QCoreApplication.translate


def ask_backup_path(window: MainWindow) -> None:
    """Ask for the file; the window says `backup_requested` with it."""
    if not window.ready:
        return
    from PySide6.QtWidgets import QFileDialog  # dialogs load when first used

    name = time.strftime("besedka-backup-%Y-%m-%d.zip")
    path, _chosen = QFileDialog.getSaveFileName(
        window,
        translate("MainWindow", "Back up everything"),
        name,
        translate("MainWindow", "Besedka backup (*.zip)"),
    )
    if path:
        window.backup_requested.emit(path if path.endswith(".zip") else path + ".zip")
