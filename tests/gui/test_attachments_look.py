"""The composer with attached files and a sent question with its picture, grabbed from
the real window (light and dark) — the chips sit inside the box above the text, the
attach button at the left of its bottom row. ATTACH_SHOTS=DIR keeps the PNGs there."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path
from typing import Any

from PySide6.QtGui import QColor, QImage

from gui.controller import ChatController
from gui.widgets.main_window import MainWindow
from gui.wiring import Wiring
from tests.gui.conftest import Script, wait_for


async def test_chips_and_a_sent_picture_look_right(
    window: MainWindow, controller: ChatController, script: Script, tmp_path: Path, qtbot: Any
) -> None:
    wiring = window.findChild(Wiring)
    assert wiring is not None
    window.resize(1100, 720)
    window.show_icons()  # the app does it after the first frame
    photo = QImage(640, 420, QImage.Format.Format_RGB32)
    photo.fill(QColor("#4a8fd8"))
    photo.save(str(tmp_path / "sea.png"))
    (tmp_path / "plan.md").write_text("# План\n", encoding="utf-8")
    await wiring.attach.add_files([str(tmp_path / "sea.png")])
    window.composer.setPlainText("Describe this photo, please.")
    window.composer.submit()
    await wait_for(lambda: "Hello, world!" in window.view.toPlainText())
    await wiring.attach.add_files([str(tmp_path / "sea.png"), str(tmp_path / "plan.md")])
    window.composer.setPlainText("And compare it with the plan")
    await wait_for(
        lambda: all(
            not window.composer.chips.chip(k).thumb.isHidden()
            or "plan" in window.composer.chips.chip(k).label.text()
            for k in window.composer.chips.order()
        )
    )
    chips = window.composer.chips
    assert chips.isVisible() and chips.count() == 2
    button = window.composer.attach_button
    assert button.isVisible() and button.mapTo(window, button.rect().topLeft()).x() < (
        window.send_button.mapTo(window, window.send_button.rect().topLeft()).x()
    )
    assert not button.icon().isNull()
    keep = os.environ.get("ATTACH_SHOTS")
    for dark in (False, True):
        window.set_dark(dark)
        await asyncio.sleep(0.05)  # a few loop turns: laid out and painted
        assert "sea.png" in window.view.toPlainText()  # re-rendered with its files
        shot = window.grab()
        assert not shot.isNull()
        if keep:
            shot.save(str(Path(keep) / f"attachments-{'dark' if dark else 'light'}.png"))
            button.grab().save(str(Path(keep) / "attach-button.png"))
