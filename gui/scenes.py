"""Screenshot scenes (scripts/screenshot.py): the real window brought to a state, then
saved as PNG. `BESEDKA_SCREENSHOT_SCENE` names it: "send:TEXT" sends TEXT and saves the
window while the reply streams; "settings" saves the Settings dialog; unset, the window
as it opened."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from gui.widgets.main_window import MainWindow


async def shoot(window: MainWindow, path: Path) -> None:
    from PySide6.QtWidgets import QApplication, QDialog, QWidget

    scene = os.environ.get("BESEDKA_SCREENSHOT_SCENE", "")
    width, _, height = os.environ.get("BESEDKA_SCREENSHOT_SIZE", "").partition("x")
    if width.isdigit() and height.isdigit():
        window.resize(int(width), int(height))  # the sidebar gives way first
        await asyncio.sleep(0.1)
        window.resize(int(width), int(height))
    await asyncio.sleep(0.5)  # let layout and fonts settle
    target: QWidget = window
    if scene.startswith("send:"):
        window.composer.setPlainText(scene[len("send:") :])
        window.composer.submit()
        await asyncio.sleep(float(os.environ.get("BESEDKA_SCREENSHOT_WAIT", "2.5")))
    elif scene == "settings":
        window.settings_requested.emit()
        await asyncio.sleep(1.0)
        dialogs = [w for w in QApplication.topLevelWidgets() if isinstance(w, QDialog)]
        shown = [dialog for dialog in dialogs if dialog.isVisible()]
        if shown:
            target = shown[0]
    target.grab().save(str(path))
