"""A sent question's files as a person uses them (offscreen Qt, a real history file):
Tab to a file's link in the conversation and press Enter (or click it) — a picture opens
scaled to fit, a Markdown file or a PDF shows its text read-only; Open hands the desktop
a read-only copy named as the original, and a script is only ever saved; Save as… writes
it where the (seamed) dialog says. ATTACH_SHOTS=DIR keeps the dialog's PNGs there."""

from __future__ import annotations

import asyncio
import os
import stat
from pathlib import Path
from typing import Any

from PySide6.QtCore import QUrl
from PySide6.QtGui import QColor, QImage

from gui.attach_controller import AttachController
from gui.widgets.attachment_preview import AttachmentPreview
from gui.widgets.main_window import MainWindow
from gui.wiring import Wiring
from tests.gui.conftest import wait_for


def attach_of(window: MainWindow) -> AttachController:
    wiring = window.findChild(Wiring)
    assert wiring is not None
    return wiring.attach


async def send_with(window: MainWindow, paths: list[Path], text: str) -> None:
    await attach_of(window).add_files([str(p) for p in paths])
    assert window.composer.chips.count() == len(paths)
    window.composer.setPlainText(text)
    window.composer.submit()
    await wait_for(lambda: "Hello, world!" in window.view.toPlainText())


def file_links(window: MainWindow) -> list[str]:
    """The hrefs of the files' links in the conversation, in order."""
    found: list[str] = []
    block = window.view.document().begin()
    while block.isValid():
        it = block.begin()
        while not it.atEnd():
            href = it.fragment().charFormat().anchorHref()
            if href.startswith("besedka:attachment/") and href not in found:
                found.append(href)
            it += 1
        block = block.next()
    return found


async def tab_to(window: MainWindow, href: str, qtbot: Any) -> None:
    """Tab through the conversation's links until `href` is the one selected."""
    from PySide6.QtCore import Qt

    window.view.setFocus()
    for _ in range(40):
        qtbot.keyClick(window.view, Qt.Key.Key_Tab)
        if window.view.textCursor().charFormat().anchorHref() == href:
            return
    raise AssertionError(f"Tab never reached {href}")


def photo(tmp_path: Path) -> Path:
    image = QImage(1600, 1000, QImage.Format.Format_RGB32)
    image.fill(QColor("#4a8fd8"))
    for x in range(0, 1600, 200):
        for y in range(1000):
            image.setPixelColor(x, y, QColor("#f4f4f4"))
    path = tmp_path / "files" / "sea.png"
    path.parent.mkdir(exist_ok=True)
    assert image.save(str(path))
    return path


async def test_a_sent_picture_opens_by_keyboard_scaled_to_fit_then_open_and_save(
    window: MainWindow, tmp_path: Path, qtbot: Any
) -> None:
    from PySide6.QtCore import Qt

    window.resize(1100, 720)
    sea = photo(tmp_path)
    await send_with(window, [sea], "Describe it")
    links = file_links(window)
    assert len(links) == 1
    preview = attach_of(window).preview
    opened: list[QUrl] = []
    preview.open_url = lambda url: opened.append(url) or True
    preview.open_root = tmp_path / "open"
    await tab_to(window, links[0], qtbot)
    qtbot.keyClick(window.view, Qt.Key.Key_Return)
    await wait_for(lambda: preview.dialog is not None and preview.dialog.isVisible())
    dialog = preview.dialog
    assert isinstance(dialog, AttachmentPreview) and dialog.image_view is not None
    assert "sea.png" in dialog.windowTitle()
    assert dialog.image_view.accessibleName() == "Picture sea.png"
    await wait_for(lambda: not dialog.image_view.pixmap().isNull())  # type: ignore[union-attr]
    shown = dialog.image_view.shown_size()
    room = dialog.image_view.size()
    assert shown.width() <= room.width() and shown.height() <= room.height()
    assert abs(shown.width() / shown.height() - 1.6) < 0.02  # the picture's shape kept
    assert dialog.open_button.isVisible() and dialog.save_button.isVisible()
    assert dialog.save_button.accessibleName() == "Save sea.png as…"
    keep = os.environ.get("ATTACH_SHOTS")
    for dark in (False, True):
        window.set_dark(dark)
        await asyncio.sleep(0.05)  # a few loop turns: laid out and painted
        if keep:
            dialog.grab().save(str(Path(keep) / f"preview-{'dark' if dark else 'light'}.png"))

    qtbot.mouseClick(dialog.open_button, Qt.MouseButton.LeftButton)
    await wait_for(lambda: bool(opened))
    copy = Path(opened[0].toLocalFile())
    assert opened[0].scheme() == "file" and copy.name == "sea.png"
    assert copy.read_bytes() == sea.read_bytes()  # noqa: ASYNC240
    assert copy.parent.parent == tmp_path / "open"
    mode = copy.stat().st_mode  # noqa: ASYNC240
    assert not mode & (stat.S_IXUSR | stat.S_IWUSR)  # read-only, no exec bit
    assert stat.S_IMODE(copy.parent.stat().st_mode) == 0o700

    asked: list[str] = []
    target = tmp_path / "saved" / "my-sea.png"
    target.parent.mkdir()

    def choose(parent: Any, name: str) -> str:
        asked.append(name)
        return str(target)

    preview.choose_save_path = choose
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    await wait_for(lambda: target.exists() and "Saved sea.png" in window.status_label.text())
    assert asked == ["sea.png"] and target.read_bytes() == sea.read_bytes()
    dialog.close()
    await wait_for(lambda: preview.dialog is None)


async def test_a_markdown_file_and_a_pdf_show_their_text_and_a_script_is_only_saved(
    window: MainWindow, tmp_path: Path, qtbot: Any
) -> None:
    from PySide6.QtCore import QMarginsF, Qt
    from PySide6.QtGui import QPageLayout, QPageSize, QPainter, QPdfWriter

    files = tmp_path / "files"
    files.mkdir()
    notes = files / "notes.md"
    notes.write_text("# Заметки\n\nКупить молоко.\n", encoding="utf-8")
    pdf = files / "report.pdf"
    writer = QPdfWriter(str(pdf))
    writer.setPageLayout(
        QPageLayout(
            QPageSize(QPageSize.PageSizeId.A5), QPageLayout.Orientation.Portrait, QMarginsF()
        )
    )
    painter = QPainter(writer)
    painter.drawText(200, 400, "Quarterly report: revenue up")
    painter.end()
    script = files / "run.sh"
    script.write_text("#!/bin/sh\necho hi\n", encoding="utf-8")
    await send_with(window, [notes, pdf, script], "Read these")
    links = file_links(window)
    assert len(links) == 3
    preview = attach_of(window).preview
    opened: list[QUrl] = []
    preview.open_url = lambda url: opened.append(url) or True
    preview.open_root = tmp_path / "open"

    window.view.on_anchor_clicked(QUrl(links[0]))  # what a click on it does
    await wait_for(lambda: preview.dialog is not None and preview.dialog.text_view is not None)
    dialog = preview.dialog
    assert dialog is not None and dialog.text_view is not None
    assert dialog.text_view.isReadOnly()
    assert dialog.text_view.toPlainText() == notes.read_text(encoding="utf-8")
    assert dialog.text_view.accessibleName() == "Text of notes.md"
    keep = os.environ.get("ATTACH_SHOTS")
    if keep:
        for dark in (False, True):
            window.set_dark(dark)
            await asyncio.sleep(0.05)  # a few loop turns: laid out and painted
            dialog.grab().save(str(Path(keep) / f"preview-text-{'dark' if dark else 'light'}.png"))
        window.set_dark(False)

    window.view.on_anchor_clicked(QUrl(links[1]))
    await wait_for(lambda: preview.dialog is not None and preview.dialog is not dialog)
    dialog = preview.dialog
    assert dialog is not None and dialog.text_view is not None
    words = dialog.text_view.toPlainText().split()
    assert words == ["Quarterly", "report:", "revenue", "up"]  # the PDF's text, by pypdf

    window.view.on_anchor_clicked(QUrl(links[2]))
    await wait_for(lambda: preview.dialog is not None and preview.dialog is not dialog)
    dialog = preview.dialog
    assert dialog is not None
    assert dialog.open_button.isHidden() and dialog.save_button.isVisible()  # Save only
    assert "not opened from here" in dialog.note.text()
    if keep:
        dialog.grab().save(str(Path(keep) / "preview-script-light.png"))
    assert (
        preview.open(
            attach_of(window).controller.store.attachments_of([int(links[2].split("/")[1])])[
                int(links[2].split("/")[1])
            ][2]
        )
        is None
    )  # never opened, even asked directly
    target = tmp_path / "run-copy.sh"
    preview.choose_save_path = lambda parent, name: str(target)
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    await wait_for(lambda: target.exists())
    assert target.read_bytes() == script.read_bytes()
    assert not target.stat().st_mode & stat.S_IXUSR
    assert opened == []
    dialog.close()
