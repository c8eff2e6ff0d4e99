"""One chat turn, two front ends: the window's controller and `besedka ask` run the same
turn (gui.core.session.ChatSession) against the same GigaChat emulator and leave the same
rows in their histories."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import keyring.core
import pytest

from gui.cli.ask import FAILED, OK, ask
from gui.core.paths import AppPaths
from gui.core.store import MessageStatus, Store
from gui.widgets.main_window import MainWindow
from tests.gui.conftest import wait_for
from tests.servers.gigachat import GigaChatEmulator

QUESTION = "Как дела?"
REPLY = "Всё хорошо, спасибо! 👍 And you?"


def _rows(store: Store) -> list[tuple[Any, ...]]:
    """What a person would see in the history: per message its role, text, status, error,
    provider and model; the conversation's own provider and model first."""
    [conversation] = store.list_conversations()
    rows: list[tuple[Any, ...]] = [("conversation", conversation.provider, conversation.model)]
    for message in store.messages(conversation.id):
        rows.append(
            (
                message.role,
                message.text,
                message.status,
                message.error,
                message.provider,
                message.model,
            )
        )
    return rows


@pytest.mark.parametrize("outcome", ["complete", "cut"])
async def test_the_window_and_besedka_ask_store_the_same_turn(
    outcome: str,
    e2e_window: MainWindow,
    e2e_store: Store,
    gigachat: GigaChatEmulator,
    gigachat_config: dict[str, str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    gigachat.reply = REPLY
    if outcome == "cut":  # the connection drops mid-answer: a failed reply, its text kept
        gigachat.reply = "Начало ответа, потом обрыв связи и больше ничего"
        gigachat.chunk_size = 6
        gigachat.cut_after = 2

    # The window: type, send, wait until the reply has ended and the window says so.
    window = e2e_window
    window.composer.setPlainText(QUESTION)
    window.composer.submit()
    await wait_for(lambda: len(_rows(e2e_store)) == 3, timeout=15)
    await wait_for(lambda: _rows(e2e_store)[2][2] != MessageStatus.STREAMING, timeout=15)
    await wait_for(lambda: not window.stop_button.isEnabled())

    # The command line, in its own profile, configured the way a person would: environment.
    monkeypatch.setenv("GIGACHAT_CREDENTIALS", gigachat_config["api_key"])
    monkeypatch.setenv("GIGACHAT_BASE_URL", gigachat_config["base_url"])
    monkeypatch.setenv("GIGACHAT_AUTH_URL", gigachat_config["auth_url"])
    monkeypatch.setenv("GIGACHAT_CA_BUNDLE_FILE", gigachat_config["ca_bundle"])
    # The key comes from the environment; the keychain is not needed. keyring keeps the
    # backend it chose for the whole process: put back the one the next tests expect.
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.null.Keyring")
    monkeypatch.setattr(keyring.core, "_keyring_backend", keyring.core._keyring_backend)
    paths = AppPaths.under(tmp_path / "cli")
    out, err = io.StringIO(), io.StringIO()
    code = await ask(QUESTION, paths, provider="gigachat", model="GigaChat", out=out, err=err)

    cli = Store.open(paths.history_db)
    try:
        cli_rows = _rows(cli)
    finally:
        cli.close()
    window_rows = _rows(e2e_store)
    assert cli_rows == window_rows
    conversation, question, reply = window_rows
    assert conversation == ("conversation", "gigachat", "GigaChat")
    assert question[:3] == ("user", QUESTION, MessageStatus.COMPLETE)
    assert reply[4:] == ("gigachat", "GigaChat")
    if outcome == "complete":
        assert code == OK, err.getvalue()
        assert reply[1:4] == (REPLY, MessageStatus.COMPLETE, None)
        assert out.getvalue() == REPLY + "\n"
    else:
        assert code == FAILED
        assert reply[2] == MessageStatus.FAILED
        assert reply[1] and gigachat.reply.startswith(reply[1])
        assert reply[3] is not None and reply[3].provider == "GigaChat"  # the label
        assert err.getvalue().startswith("besedka ask: GigaChat:")
        assert "Traceback" not in err.getvalue()
