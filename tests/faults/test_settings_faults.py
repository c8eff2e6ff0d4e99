"""Faults before the first byte: a slow keychain the person gives up on, broken Settings.

Both happen while the controller is still building the provider (reading its settings and
key), before any request: the reply must still end cleanly, say what is wrong and where,
and leave the conversation ready for the next message.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import aiohttp

from gui.controller import ChatController
from gui.core.provider_factory import ProviderFactory
from gui.core.store import MessageStatus, Store
from gui.values import ProviderInfo
from gui.widgets.error_text import error_text
from gui.widgets.main_window import MainWindow
from gui.wiring import Wiring
from providers.errors import CertificateError
from providers.openai_compat import OpenAICompatible
from tests.faults.conftest import Desk, Ticker, open_desk, wait_for
from tests.servers.openai import OpenAIEmulator, run_openai

#: The offscreen platform's notice when a window sizes itself; nothing of ours.


async def test_stop_while_the_keychain_is_still_answering_ends_the_reply(
    qtbot: Any, tmp_path: Path
) -> None:
    """An unlock prompt can keep the key read waiting; Stop (or a new message) must not
    leave a reply spinning forever with the Stop button lit."""
    unlocked = asyncio.Event()
    async with run_openai(OpenAIEmulator()) as emulator:

        async def keychain(info: ProviderInfo) -> Mapping[str, str | None]:
            await unlocked.wait()  # the person has not typed the keyring password yet
            return {"base_url": emulator.base_url}

        store = Store.open(tmp_path / "history.sqlite3")
        ticker = Ticker()
        try:
            async with aiohttp.ClientSession() as session:
                factory = ProviderFactory(session, keychain, classes={"openai": OpenAICompatible})
                window = MainWindow()
                qtbot.addWidget(window)
                window.show()
                controller = ChatController(store, factory)
                Wiring(window, controller, provider="openai", model="llama3.2")
                desk = Desk(qtbot, window, controller, store, factory, {}, ticker)
                try:
                    conversation = desk.ask("Привет")
                    await wait_for(window.stop_button.isEnabled)
                    window.stop_button.click()
                    stopped = await desk.finished(conversation, timeout=5)
                    assert stopped.status == MessageStatus.STOPPED
                    assert not window.stop_button.isEnabled()
                    assert await ticker.advances()

                    # A new message while the keychain still waits replaces the old reply.
                    desk.type_and_send("second try")
                    await wait_for(window.stop_button.isEnabled)
                    desk.type_and_send("third try")
                    await asyncio.sleep(0.05)  # the replaced reply has ended by now
                    assert controller.is_busy(conversation)
                    assert window.stop_button.isEnabled()  # the new reply can still be stopped
                    unlocked.set()
                    answer = await desk.finished(conversation)
                    assert answer.status == MessageStatus.COMPLETE
                    assert answer.text == emulator.reply
                    statuses = [m.status for m in store.messages(conversation)]
                    assert MessageStatus.STREAMING not in statuses, statuses
                finally:
                    await controller.shutdown()
        finally:
            ticker.stop()
            store.close()


async def test_an_unreadable_ca_file_names_the_provider_and_the_setting(
    qtbot: Any, tmp_path: Path
) -> None:
    async with (
        run_openai(OpenAIEmulator()) as emulator,
        open_desk(
            qtbot,
            tmp_path,
            classes={"openai": OpenAICompatible},
            provider="openai",
            model="llama3.2",
            configs={
                "openai": {"base_url": emulator.base_url, "ca_file": str(tmp_path / "gone.pem")}
            },
        ) as desk,
    ):
        conversation = desk.ask("Привет")
        failed = await desk.finished(conversation)
        assert failed.status == MessageStatus.FAILED
        assert failed.error is not None
        assert (failed.error.kind, failed.error.provider) == ("certificate", "OpenAI-compatible")
        assert failed.error.params["path"] == str(tmp_path / "gone.pem")  # the setting's value
        shown = error_text(failed.error)
        assert shown.startswith("OpenAI-compatible: ")
        assert "gone.pem" in shown
        assert shown.endswith(CertificateError.hint)
        assert shown in desk.view_text()

        desk.configs["openai"] = {"base_url": emulator.base_url}  # fixed in Settings
        desk.type_and_send("again")
        answer = await desk.finished(conversation)
        assert answer.status == MessageStatus.COMPLETE
