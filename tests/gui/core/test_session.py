"""One chat turn (ChatSession) against a real history file and a real Provider subclass:
what a person finds in the history after a reply ended each way it can."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator, AsyncIterator
from typing import Any

import aiohttp
import pytest

from gui.core import recorder as recorder_module
from gui.core.provider_factory import ProviderFactory
from gui.core.session import ChatSession, ReplyRecorder
from gui.core.store import MessageStatus, Store
from providers.base import ChatOptions, Chunk, Messages, Provider
from providers.errors import ServerError
from tests.gui.conftest import Script, scripted_provider, wait_for


class BrokenProvider(Provider):
    """Settings it cannot take: its constructor fails (not with a ProviderError)."""

    name = "broken"
    label = "Broken Service"
    working = True
    default_model = "b-1"
    models = ("b-1",)

    def __init__(self, **kwargs: Any) -> None:
        raise ValueError("no such setting")

    async def _stream(
        self, model: str, messages: Messages, stream: bool, options: ChatOptions
    ) -> AsyncGenerator[Chunk, None]:  # pragma: no cover
        yield "never"


@pytest.fixture
async def chat(store: Store, script: Script) -> AsyncIterator[ChatSession]:
    async with aiohttp.ClientSession() as http:

        async def no_config(info: object) -> dict[str, str]:
            return {}

        classes: dict[str, type[Provider]] = {
            "scripted": scripted_provider(script),
            "broken": BrokenProvider,
        }
        yield ChatSession(store, ProviderFactory(http, no_config, classes=classes))


def _stored(store: Store, conversation_id: int) -> list[tuple[Any, ...]]:
    return [
        (m.role, m.text, m.status, m.provider, m.model) for m in store.messages(conversation_id)
    ]


async def test_a_turn_sends_the_history_and_saves_the_reply(
    chat: ChatSession, store: Store, script: Script
) -> None:
    conversation = store.create_conversation(
        provider="scripted",
        model="echo-2",
        system_prompt="Be brief.",
        params={"temperature": 0.3, "top_p": 0.5},  # the provider takes no top_p
    )
    question, turn = chat.ask(conversation, "Hi", ReplyRecorder)
    assert turn.message.status == MessageStatus.STREAMING
    final = await chat.run(turn)

    assert question.text == "Hi"
    assert final.status == MessageStatus.COMPLETE
    assert final.error is None
    assert final.usage == {"prompt_tokens": 3, "completion_tokens": 4, "total_tokens": 7}
    assert _stored(store, conversation.id) == [
        ("user", "Hi", MessageStatus.COMPLETE, "", ""),
        ("assistant", "Hello, world!", MessageStatus.COMPLETE, "scripted", "echo-2"),
    ]
    assert script.received == [
        [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Hi"}]
    ]
    assert script.options[-1].get("temperature") == 0.3
    assert "top_p" not in script.options[-1]


async def test_stop_mid_stream_keeps_the_text_as_stopped(
    chat: ChatSession, store: Store, script: Script
) -> None:
    script.pieces = [f"word{i} " for i in range(200)]
    script.delay = 0.01
    conversation = store.create_conversation(provider="scripted", model="echo-1")
    _question, turn = chat.ask(conversation.id, "Long, please", ReplyRecorder)
    shown: list[str] = []
    task = asyncio.ensure_future(chat.run(turn, on_text=shown.append))
    await wait_for(lambda: len(shown) >= 3)
    task.cancel()
    final = await task

    assert final.status == MessageStatus.STOPPED
    assert final.error is None
    assert final.text.startswith("word0 word1 word2 ")
    assert "word199" not in final.text
    stored = store.get_message(final.id)
    assert (stored.text, stored.status) == (final.text, MessageStatus.STOPPED)


async def test_the_text_is_saved_while_it_streams(
    chat: ChatSession, store: Store, script: Script, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Every piece, not every second: the recorder reads its own module's setting.
    monkeypatch.setattr(recorder_module, "SAVE_EVERY_S", 0.0)
    script.pieces = ["one ", "two ", "three "]
    script.delay = 0.05
    conversation = store.create_conversation(provider="scripted")
    _question, turn = chat.ask(conversation.id, "Count", ReplyRecorder)
    task = asyncio.ensure_future(chat.run(turn))
    await wait_for(lambda: store.get_message(turn.message.id).text.startswith("one two"))
    assert store.get_message(turn.message.id).status == MessageStatus.STREAMING
    assert (await task).text == "one two three "


async def test_a_provider_error_is_stored_as_data_with_the_providers_label(
    chat: ChatSession, store: Store, script: Script
) -> None:
    script.error = ServerError(detail="overloaded", status=503)
    conversation = store.create_conversation(provider="scripted", model="echo-1")
    _question, turn = chat.ask(conversation.id, "Hi", ReplyRecorder)
    final = await chat.run(turn)

    stored = store.get_message(final.id)
    assert stored.status == MessageStatus.FAILED
    assert stored.text == "Hello, world!"  # the text so far is kept
    assert stored.error is not None
    assert stored.error.kind == "server"
    assert stored.error.provider == "Scripted"  # the label, never the id "scripted"
    assert stored.error.status == 503
    assert stored.error.detail == "overloaded"


async def test_a_provider_that_cannot_be_built_is_a_setup_error(
    chat: ChatSession, store: Store
) -> None:
    conversation = store.create_conversation(provider="broken", model="b-1")
    _question, turn = chat.ask(conversation.id, "Hi", ReplyRecorder)
    final = await chat.run(turn)

    stored = store.get_message(final.id)
    assert stored.status == MessageStatus.FAILED
    assert stored.text == ""
    assert stored.error is not None
    assert stored.error.kind == "provider_setup"
    assert stored.error.provider == "Broken Service"
    assert stored.error.params == {"type": "ValueError"}


async def test_our_own_bug_is_an_internal_error_and_keeps_the_text(
    chat: ChatSession, store: Store, script: Script
) -> None:
    script.error = RuntimeError("a bug of ours")
    conversation = store.create_conversation(provider="scripted")
    _question, turn = chat.ask(conversation.id, "Hi", ReplyRecorder)
    final = await chat.run(turn)

    stored = store.get_message(final.id)
    assert (stored.status, stored.text) == (MessageStatus.FAILED, "Hello, world!")
    assert stored.error is not None
    assert (stored.error.kind, stored.error.provider) == ("internal", "Scripted")
    assert stored.error.params == {"type": "RuntimeError"}


async def test_regenerate_and_edit_add_versions_and_send_only_their_path(
    chat: ChatSession, store: Store, script: Script
) -> None:
    conversation = store.create_conversation(provider="scripted")
    question, turn = chat.ask(conversation.id, "First question", ReplyRecorder)
    first = await chat.run(turn)

    again = chat.regenerate(conversation.id, ReplyRecorder)
    assert again is not None
    assert again.message.parent_id == question.id
    await chat.run(again)
    assert script.received[-1] == [{"role": "user", "content": "First question"}]

    script.pieces = ["Second answer"]
    edited, turn = chat.edit(question.id, "Edited question", ReplyRecorder)
    assert (edited.text, edited.parent_id) == ("Edited question", None)
    await chat.run(turn)
    assert script.received[-1] == [{"role": "user", "content": "Edited question"}]
    path = store.messages_by_id(store.path_ids(conversation.id))
    assert [(m.role, m.text) for m in path] == [
        ("user", "Edited question"),
        ("assistant", "Second answer"),
    ]
    assert path[0].versions == 2
    # Nothing was deleted: both versions of the question and both first replies stay.
    assert {m.id for m in store.messages(conversation.id)} >= {question.id, first.id}
    assert len(store.messages(conversation.id)) == 5


async def test_an_older_reply_is_regenerated_from_the_history_above_it(
    chat: ChatSession, store: Store, script: Script
) -> None:
    conversation = store.create_conversation(provider="scripted")
    _q1, turn = chat.ask(conversation.id, "One", ReplyRecorder)
    old = await chat.run(turn)
    _q2, turn = chat.ask(conversation.id, "Two", ReplyRecorder)
    await chat.run(turn)
    script.pieces = ["Another answer"]
    again = chat.regenerate_reply(old.id, ReplyRecorder)
    await chat.run(again)
    assert script.received[-1] == [{"role": "user", "content": "One"}]
    assert [m.text for m in store.messages_by_id(store.path_ids(conversation.id))] == [
        "One",
        "Another answer",
    ]
    store.switch_version(again.message.id, -1)  # the old branch, with "Two", is still there
    assert [m.text for m in store.messages_by_id(store.path_ids(conversation.id))][2] == "Two"


async def test_continue_appends_to_the_same_reply(
    chat: ChatSession, store: Store, script: Script
) -> None:
    conversation = store.create_conversation(provider="scripted")
    _question, turn = chat.ask(conversation.id, "Tell a story", ReplyRecorder)
    cut = await chat.run(turn)
    store.update_message(cut.id, status=MessageStatus.STOPPED)
    script.pieces = [" And then", " it ended."]
    more = chat.continue_reply(cut.id, ReplyRecorder)
    final = await chat.run(more)
    assert final.id == cut.id
    assert final.text == "Hello, world! And then it ended."
    assert final.status == MessageStatus.COMPLETE
    assert script.received[-1] == [
        {"role": "user", "content": "Tell a story"},
        {"role": "assistant", "content": "Hello, world!"},
    ]
    assert len(store.messages(conversation.id)) == 2


async def test_regenerate_in_an_empty_chat_opens_nothing(chat: ChatSession, store: Store) -> None:
    conversation = store.create_conversation(provider="scripted")
    assert chat.regenerate(conversation.id, ReplyRecorder) is None
    assert store.messages(conversation.id) == []


async def test_a_chat_without_a_provider_uses_the_default(store: Store, script: Script) -> None:
    async with aiohttp.ClientSession() as http:

        async def no_config(info: object) -> dict[str, str]:
            return {}

        factory = ProviderFactory(http, no_config, classes={"scripted": scripted_provider(script)})
        chat = ChatSession(store, factory, default_provider=lambda: "scripted")
        conversation = store.create_conversation()
        _question, turn = chat.ask(conversation.id, "Hi", ReplyRecorder)
        final = await chat.run(turn)
    assert (final.provider, final.status) == ("scripted", MessageStatus.COMPLETE)
