"""The dialogs of a start that cannot go on as usual: the history cannot be opened (said
in words, never a traceback), or it is damaged (Repair or Quit). Each is opened, not
exec()'d — no nested event loop under qasync — and ends on any way out too (SIGTERM,
SIGINT, the window closed: the app's `quit` event). A headless run (--quit-when-ready,
--screenshot) asks nothing."""

from __future__ import annotations

import asyncio

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QMessageBox, QWidget

from gui.cli.logs import stderr_line

__all__ = ["ask_repair", "tell_and_wait"]


async def tell_and_wait(
    window: QWidget, text: str, quitting_app: asyncio.Event, headless: bool
) -> None:
    """A fatal start-up problem in a dialog, without a nested event loop. It ends when
    the dialog is closed or on any way out (SIGTERM, SIGINT, the window closed)."""
    closed: asyncio.Future[None] = asyncio.get_running_loop().create_future()
    box = QMessageBox(QMessageBox.Icon.Critical, "Besedka", text, parent=window)

    def on_finished(_result: int) -> None:
        if not closed.done():
            closed.set_result(None)

    box.finished.connect(on_finished)
    if headless:
        stderr_line(text)
        return
    box.open()
    quitting = asyncio.ensure_future(quitting_app.wait())
    try:
        await asyncio.wait((closed, quitting), return_when=asyncio.FIRST_COMPLETED)
    finally:
        quitting.cancel()
        if not closed.done():
            box.reject()


async def ask_repair(
    window: QWidget, text: str, quitting_app: asyncio.Event, headless: bool
) -> bool:
    """A damaged history: offer to rebuild it from what still reads (the damaged file
    is kept aside) or to quit. True for Repair."""
    if headless:
        return False
    question = QCoreApplication.translate(
        "App", "Repair it now? Everything that still reads is kept in a new history."
    )
    box = QMessageBox(QMessageBox.Icon.Warning, "Besedka", f"{text}\n\n{question}", parent=window)
    repair = box.addButton(
        QCoreApplication.translate("App", "Repair"), QMessageBox.ButtonRole.AcceptRole
    )
    box.addButton(QCoreApplication.translate("App", "Quit"), QMessageBox.ButtonRole.RejectRole)
    answered: asyncio.Future[None] = asyncio.get_running_loop().create_future()

    def on_finished(_result: int) -> None:
        if not answered.done():
            answered.set_result(None)

    box.finished.connect(on_finished)
    box.open()  # not exec(): no nested event loop under qasync
    quitting = asyncio.ensure_future(quitting_app.wait())
    try:
        await asyncio.wait((answered, quitting), return_when=asyncio.FIRST_COMPLETED)
    finally:
        quitting.cancel()
    chosen = answered.done() and box.clickedButton() is repair
    if not answered.done():
        box.reject()
    return chosen
