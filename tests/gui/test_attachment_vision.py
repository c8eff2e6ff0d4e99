"""Which models see images, as a person meets it in the window (offscreen Qt, a real
history and settings file, the OpenAI-compatible and GigaChat emulators): a model marked
in Settings as seeing images is sent the picture, one known not to is refused before
anything is sent (the text and the file stay), a model nobody knows about is sent it and
the server's refusal reads plainly; GigaChat's documented limits are checked before the
upload. ATTACH_SHOTS=DIR keeps the window with the refusal there (light and dark)."""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from PySide6.QtGui import QColor, QImage

from gui.attach_controller import AttachController
from gui.controller import ChatController
from gui.core.provider_factory import ProviderFactory
from gui.core.settings import Settings
from gui.core.store import MessageStatus, Store
from gui.widgets.main_window import MainWindow
from gui.wiring import Wiring
from tests.gui.conftest import wait_for
from tests.servers.openai import OpenAIEmulator, run_openai


def picture(folder: Path, name: str, fmt: str | None = None) -> Path:
    image = QImage(320, 200, QImage.Format.Format_RGB32)
    image.fill(QColor("#d0824a"))
    folder.mkdir(exist_ok=True)
    path = folder / name
    assert image.save(str(path), fmt)
    return path


def attach_of(window: MainWindow) -> AttachController:
    wiring = window.findChild(Wiring)
    assert wiring is not None
    return wiring.attach


@pytest.fixture
async def emulator() -> AsyncIterator[OpenAIEmulator]:
    server = OpenAIEmulator(models=["text-local", "llava-local"])
    server.vision_models = frozenset({"llava-local"})
    async with run_openai(server) as running:
        yield running


def chats(emulator: OpenAIEmulator) -> list[Any]:
    return [r.body for r in emulator.requests if r.path.endswith("/chat/completions")]


async def test_marked_models_blind_ones_and_a_servers_refusal(
    qtbot: Any, store: Store, emulator: OpenAIEmulator, tmp_path: Path
) -> None:
    settings = Settings(tmp_path / "settings.ini")
    async with aiohttp.ClientSession() as session:

        async def config(info: object) -> dict[str, str]:
            return {"base_url": emulator.base_url, "api_key": ""}

        factory = ProviderFactory(session, config)
        controller = ChatController(store, factory, choice=("openai", "text-local"))
        window = MainWindow()
        qtbot.addWidget(window)
        window.resize(1100, 720)
        window.show()
        window.show_icons()  # the app does it after the first frame
        Wiring(window, controller, provider="openai", model="text-local")
        attach = attach_of(window)
        attach.settings = settings
        profile = factory.info("openai")
        assert "vision_models" in [field.name for field in profile.fields]  # Settings shows it
        settings.set_field(profile, "vision_models", "llava-local")  # as the dialog saves it
        settings.save()
        assert "vision_models = llava-local" in (tmp_path / "settings.ini").read_text()

        # Marked: llava-local sees images, so text-local is taken not to.
        photo = picture(tmp_path / "files", "chart.png")
        await attach.add_files([str(photo)])
        assert "text-local cannot see images" in window.status_label.text()
        window.composer.setPlainText("Что на графике?")
        window.show_status("")
        window.composer.submit()
        await wait_for(lambda: "nothing was sent" in window.status_label.text())
        assert window.composer.toPlainText() == "Что на графике?"  # nothing typed lost
        assert window.composer.chips.count() == 1 and chats(emulator) == []
        keep = os.environ.get("ATTACH_SHOTS")
        for dark in (False, True):
            window.set_dark(dark)
            await asyncio.sleep(0.05)  # a turn of the loop: laid out and painted
            if keep:
                name = f"blind-model-{'dark' if dark else 'light'}.png"
                window.grab().save(str(Path(keep) / name))
        window.set_dark(False)

        # Unmarked and unknown by name: said when attached, sent, and the refusal is plain.
        settings.set_field(profile, "vision_models", "")
        window.composer.submit()
        await wait_for(lambda: bool(chats(emulator)), timeout=10)
        chat = store.list_conversations()[0]

        def last() -> Any:
            return store.get_message(store.path_ids(chat.id)[-1])

        await wait_for(lambda: last().role == "assistant", timeout=10)
        await wait_for(lambda: last().status != MessageStatus.STREAMING, timeout=10)
        await wait_for(lambda: "did not take" in window.view.toPlainText())
        reply = last()
        assert reply.status == MessageStatus.FAILED and reply.error is not None
        assert reply.error.kind == "images_refused"
        shown = window.view.toPlainText()
        assert "the model did not take the image" in shown
        assert "image_url is only supported by certain models" in shown  # the server's words
        assert "pick a model that sees them" in shown
        assert len(chats(emulator)) == 1  # the picture was not sent twice (stream_options)
        if keep:
            window.grab().save(str(Path(keep) / "images-refused-light.png"))

        # Marked as seeing: the picture goes as an image_url part.
        settings.set_field(profile, "vision_models", "text-local, llava-local")
        emulator.vision_models = None
        await attach.add_files([str(photo)])
        assert "cannot see images" not in window.status_label.text()
        window.composer.setPlainText("А теперь?")
        sent = len(chats(emulator))
        window.composer.submit()
        await wait_for(lambda: len(chats(emulator)) > sent, timeout=10)
        parts = chats(emulator)[-1]["messages"][-1]["content"]
        assert [part["type"] for part in parts] == ["text", "image_url"]
        await wait_for(lambda: not window.stop_button.isEnabled(), timeout=10)
        await controller.shutdown()


async def test_gigachat_limits_and_its_text_only_models_before_any_upload(
    qtbot: Any, tmp_path: Path, server_ssl: Any, test_ca_file: Path
) -> None:
    from providers.gigachat import GigaChat
    from tests.servers.gigachat import run_gigachat

    store = Store.open(tmp_path / "history.sqlite3")
    async with run_gigachat(server_ssl) as emulator, aiohttp.ClientSession() as session:
        config = {
            "api_key": emulator.valid_key,
            "base_url": emulator.base_url,
            "auth_url": emulator.auth_url,
            "ca_bundle": str(test_ca_file),
        }

        async def settings(info: object) -> dict[str, str]:
            return config

        factory = ProviderFactory(session, settings, classes={"gigachat": GigaChat})
        controller = ChatController(store, factory, choice=("gigachat", "GigaChat-2"))
        window = MainWindow()
        qtbot.addWidget(window)
        window.show()
        Wiring(window, controller, provider="gigachat", model="GigaChat-2")
        attach = attach_of(window)
        files = tmp_path / "files"
        one, two = picture(files, "one.png"), picture(files, "two.jpg")
        gif = files / "moving.gif"  # a 1×1 GIF (Qt reads GIF but does not write it)
        gif.write_bytes(
            b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01\x00"
            b"\x00\x00\x00,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;"
        )

        async def refused(paths: list[Path], said: str) -> None:
            window.composer.chips.clear()
            attach.picked.clear()
            await attach.add_files([str(p) for p in paths])
            window.composer.setPlainText("Сравни")
            window.show_status("")  # what Send says, not what attaching said
            window.composer.submit()
            await wait_for(lambda: said in window.status_label.text())
            assert window.composer.toPlainText() == "Сравни"
            assert window.composer.chips.count() == len(paths)

        await wait_for(lambda: window.picker.model_box.count() > 1)  # its models are in

        def pick(model: str) -> None:
            window.picker.model_box.setCurrentText(model)  # as the person picks it
            assert controller.choice() == ("gigachat", model)

        pick("GigaChat-2")
        await refused([one], "GigaChat-2 cannot see images")  # Lite takes text alone
        pick("GigaChat-2-Max")
        await refused([one, two], "GigaChat takes one image a message")
        await refused([gif], "GigaChat does not take moving.gif")
        assert emulator.file_store.uploads == [] and emulator.chat_requests == []
        await controller.shutdown()
    store.close()
