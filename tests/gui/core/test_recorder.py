"""The recorder against a real history file and a real Provider subclass: thinking kept
apart from the answer, saves while the model pauses, and a save that fails is said."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator, AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from gui.core import recorder as recorder_module
from gui.core.recorder import ReplyRecorder
from gui.core.session import history_for
from gui.core.store import MessageStatus, Store, StoredMessage
from gui.values import ErrorInfo
from providers.base import (
    ChatOptions,
    Chunk,
    FinishReason,
    Messages,
    Provider,
    Reasoning,
    Retrying,
    Usage,
)
from tests.gui.conftest import wait_for


class Thinker(Provider):
    """A model that thinks aloud, waits where told, then answers: `script` is its stream
    (a float is a pause in seconds, an Event a pause until it is set)."""

    name = "thinker"
    label = "Thinker"
    working = True
    default_model = "t-1"
    models = ("t-1",)

    def __init__(self, script: list[Any], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.script = script

    async def _stream(
        self, model: str, messages: Messages, stream: bool, options: ChatOptions
    ) -> AsyncGenerator[Chunk, None]:
        for item in self.script:
            if isinstance(item, float):
                await asyncio.sleep(item)
            elif isinstance(item, asyncio.Event):
                await item.wait()
            else:
                yield item


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store.open(tmp_path / "history.sqlite3") as opened:
        yield opened


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session


def _reply(store: Store) -> tuple[int, ReplyRecorder]:
    chat = store.create_conversation(provider="thinker")
    store.add_message(chat.id, "user", "Сколько будет 2+2?")
    message = store.add_message(
        chat.id, "assistant", "", status=MessageStatus.STREAMING, provider="thinker"
    )
    return chat.id, ReplyRecorder(store, message)


async def _run(recorder: ReplyRecorder, provider: Provider, **callbacks: Any) -> StoredMessage:
    return await recorder.run(provider, None, [{"role": "user", "content": "?"}], {}, **callbacks)


async def test_thinking_is_kept_apart_timed_and_never_sent_back(
    store: Store, http: aiohttp.ClientSession
) -> None:
    chat_id, recorder = _reply(store)
    retry = Retrying(delay=0.0, attempt=1, status=503)
    script = [retry, Reasoning("Считаю: "), 0.2, Reasoning("2+2=4."), "Ответ: ", "4."]
    script += [FinishReason("stop"), Usage(5, 3, 8)]
    thoughts: list[str] = []
    retries: list[Retrying] = []
    text: list[str] = []
    final = await _run(
        recorder,
        Thinker(script, session=http),
        on_text=text.append,
        on_reasoning=thoughts.append,
        on_retry=retries.append,
    )

    assert thoughts == ["Считаю: ", "2+2=4."] and retries == [retry]
    assert text == ["Ответ: ", "4."]
    assert (final.text, final.reasoning, final.status) == (
        "Ответ: 4.",
        "Считаю: 2+2=4.",
        "complete",
    )
    assert 150 <= final.reasoning_ms < 5_000  # first thought → first answer piece
    stored = store.get_message(final.id)
    assert (stored.reasoning, stored.reasoning_ms) == (final.reasoning, final.reasoning_ms)
    # The provider is sent the answers only, never the thinking.
    sent = history_for(store, chat_id)
    assert sent[-1] == {"role": "assistant", "content": "Ответ: 4."}
    assert all("Считаю" not in turn["content"] for turn in sent)
    assert "Считаю" not in str(store.turns(chat_id)) + str(store.path_turns(chat_id))


async def test_a_reply_that_only_thought_counts_its_time_to_the_end(
    store: Store, http: aiohttp.ClientSession
) -> None:
    _chat_id, recorder = _reply(store)
    final = await _run(recorder, Thinker([Reasoning("Хм."), 0.1], session=http))
    assert (final.text, final.reasoning) == ("", "Хм.")
    assert final.reasoning_ms >= 80


async def test_text_and_thinking_are_saved_while_the_model_pauses(
    store: Store, http: aiohttp.ClientSession, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(recorder_module, "SAVE_EVERY_S", 0.2)
    _chat_id, recorder = _reply(store)
    paused = asyncio.Event()
    first = "а" * 300
    task = asyncio.ensure_future(
        _run(recorder, Thinker([Reasoning("думаю"), first, paused, "конец"], session=http))
    )
    # No piece arrives during the pause, yet the history catches up within a save period.
    await wait_for(lambda: store.get_message(recorder.message.id).text == first, timeout=3)
    saved = store.get_message(recorder.message.id)
    assert (saved.status, saved.reasoning) == (MessageStatus.STREAMING, "думаю")
    paused.set()
    final = await task
    assert final.text == first + "конец"
    assert store.get_message(final.id).status == MessageStatus.COMPLETE


async def test_a_save_that_fails_is_a_visible_failure_with_the_whole_text_kept(
    store: Store, http: aiohttp.ClientSession
) -> None:
    """A real SQLITE_FULL: the file may not grow past its size (as on a full disk)."""
    _chat_id, recorder = _reply(store)
    pages = store._conn.execute("PRAGMA page_count").fetchone()[0]  # type: ignore[union-attr]
    store._conn.execute(f"PRAGMA max_page_count = {pages}")  # type: ignore[union-attr]
    long_text = ["слово " * 2_000 for _ in range(5)]
    final = await _run(recorder, Thinker([*long_text, FinishReason("stop")], session=http))

    assert final.text == "".join(long_text)  # everything that came, in memory
    assert final.status == MessageStatus.COMPLETE
    assert final.error == ErrorInfo("not_saved", provider="thinker")
    assert recorder.save_failed
    stored = store.get_message(final.id)
    assert stored.status == MessageStatus.STREAMING  # the history could not take the end
    assert len(stored.text) < len(final.text)


async def test_a_provider_error_stays_the_error_when_saving_fails_too(
    store: Store, http: aiohttp.ClientSession
) -> None:
    from providers.errors import ServerError

    _chat_id, recorder = _reply(store)
    store._conn.execute(  # type: ignore[union-attr]
        "PRAGMA max_page_count = " + str(store._conn.execute("PRAGMA page_count").fetchone()[0])  # type: ignore[union-attr]
    )

    class Failing(Thinker):
        async def _stream(
            self, model: str, messages: Messages, stream: bool, options: ChatOptions
        ) -> AsyncGenerator[Chunk, None]:
            yield "x" * 20_000
            raise ServerError(status=500, provider="Thinker")

    final = await _run(recorder, Failing([], session=http))
    assert final.status == MessageStatus.FAILED
    assert final.error is not None and final.error.kind == "server"
    assert recorder.save_failed and final.text == "x" * 20_000
