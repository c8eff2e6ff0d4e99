"""What a request carries of a long chat (issue #21 item 16) and of its parameters (issue
#18): the context limit per model and per chat, the turns that fit, the reasoning effort.

The session tests run real turns against a real history file and a real Provider
subclass (the scripted model); `script.received` is what the model was sent."""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator

import aiohttp
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gui.core import context
from gui.core.provider_factory import ProviderFactory
from gui.core.session import ChatSession, ReplyRecorder
from gui.core.store import Conversation, MessageStatus, Store, StoreError
from gui.core.store.export import FORMAT
from gui.core.store.json_import import check_params
from providers.base import Provider
from tests.gui.conftest import Script, scripted_provider


def thinking_provider(script: Script) -> type[Provider]:
    """The scripted model behind a service that takes a reasoning effort."""

    class ThinkingProvider(scripted_provider(script)):  # type: ignore[misc]
        name = "thinking"
        label = "Thinking"
        default_model = "deepseek-reasoner"
        models = ("deepseek-reasoner",)
        supported_options = frozenset({"temperature", "max_tokens", "reasoning_effort"})

    return ThinkingProvider


@pytest.fixture
async def chat(store: Store, script: Script) -> AsyncIterator[ChatSession]:
    async with aiohttp.ClientSession() as http:

        async def no_config(info: object) -> dict[str, str]:
            return {}

        classes = {"scripted": scripted_provider(script), "thinking": thinking_provider(script)}
        yield ChatSession(store, ProviderFactory(http, no_config, classes=classes))


def long_chat(
    store: Store,
    count: int,
    chars: int,
    *,
    provider: str = "scripted",
    model: str = "echo-1",
    params: dict[str, float | int] | None = None,
) -> Conversation:
    """A chat of `count` messages of `chars` characters each, question first, imported
    in one go as a person's old export would be. Message n starts with its number."""
    messages = [
        {"role": "user" if n % 2 == 0 else "assistant", "text": f"{n:06d} " + "ж" * (chars - 7)}
        for n in range(count)
    ]
    head = {
        "title": "Долгий разговор",
        "provider": provider,
        "model": model,
        "system_prompt": "Отвечай кратко.",
        "params": params or {},
    }
    data = {"format": FORMAT, "version": 2, "conversation": head, "messages": messages}
    return store.import_json(json.dumps(data, ensure_ascii=False))


def numbers(sent: list[dict[str, str]]) -> list[int]:
    """The numbers of the old messages a request carried (the system prompt and the new
    question have none)."""
    return [int(m["content"][:6]) for m in sent if m["content"][:6].isdigit()]


# -- the limit a request has ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("model", "tokens"),
    [
        ("GigaChat-2", 128_000),
        ("GigaChat-2-Max", 128_000),
        ("GigaChat", 32_000),
        ("GigaChat-Pro", 32_000),
        ("gpt-4o-mini", 128_000),
        ("gpt-4.1", 128_000),
        ("gpt-5", 128_000),
        ("o3-mini", 128_000),
        ("openai/o4-mini", 128_000),
        ("deepseek-chat", 64_000),
        ("deepseek/deepseek-r1", 64_000),
        ("llama3.2", 32_000),
        ("qwen2.5:7b", 32_000),
        ("mistral-small-latest", 32_000),
        ("gemma2:9b", 32_000),
        ("bench-model", 128_000),
        ("", 128_000),
    ],
)
def test_each_model_has_a_sensible_default(model: str, tokens: int) -> None:
    assert context.model_context(model) == tokens


def test_a_chats_own_limit_wins_and_room_is_kept_for_the_reply() -> None:
    assert context.context_limit("GigaChat", {}) == 32_000
    assert context.context_limit("GigaChat", {"context_tokens": 0}) == 32_000
    assert context.context_limit("GigaChat", {"context_tokens": 200_000}) == 200_000
    assert context.budget(32_000, {}) == 32_000 - context.REPLY_RESERVE
    assert context.budget(32_000, {"max_tokens": 1_000}) == 31_000
    assert context.budget(2_000, {"max_tokens": 50_000}) == 1_000  # half, at most


def test_russian_text_is_counted_high() -> None:
    # About a token per 3.5-4 characters for current tokenizers: the estimate is above.
    text = "Привет! Как дела? " * 100
    assert context.estimate(text) >= len(text) / 3 + context.PER_MESSAGE


# -- which turns go ----------------------------------------------------------------------


def test_everything_goes_when_it_fits() -> None:
    turns = [("user", "вопрос"), ("assistant", "ответ"), ("user", "ещё")]
    assert context.fit("Будь краток.", turns, 1_000) == context.Fit(0, 0)


def test_the_prompt_and_the_newest_go_even_alone_over_the_limit() -> None:
    turns = [("user", "a" * 300), ("assistant", "b" * 300), ("user", "c" * 3_000)]
    assert context.fit("p" * 3_000, turns, 100) == context.Fit(2, 2)


def test_older_turns_go_first_and_a_reply_never_goes_without_its_question() -> None:
    turns = [("user", "1" * 30), ("assistant", "2" * 30), ("user", "3" * 30)]
    turns += [("assistant", "4" * 30), ("user", "5" * 30)]
    # Each costs 14 tokens.
    assert context.fit("", turns, 3 * 14) == context.Fit(2, 2)  # 3, 4, 5 go
    # 4 and 5 would fit, but 4 is the reply to 3, which does not: 5 goes alone.
    assert context.fit("", turns, 2 * 14) == context.Fit(4, 4)


def test_messages_never_sent_are_not_counted_as_left_out() -> None:
    turns = [("user", "x" * 300), ("assistant", ""), ("system", "старое"), ("user", "y" * 30)]
    turns += [("assistant", "z" * 30), ("user", "w" * 30)]
    kept = context.fit("", turns, 50)
    assert kept.left_out == 1  # the first question; the empty reply and the note are no turns
    assert [text[0] for _role, text in turns[kept.start :] if text] == ["y", "z", "w"]


@settings(max_examples=300, deadline=None)
@given(
    st.text(max_size=40),
    st.lists(
        st.tuples(st.sampled_from(["user", "assistant", "system"]), st.text(max_size=200)),
        max_size=30,
    ),
    st.integers(min_value=0, max_value=2_000),
)
def test_what_goes_is_the_longest_newest_run_that_fits(
    prompt: str, turns: list[tuple[str, str]], tokens: int
) -> None:
    kept = context.fit(prompt, turns, tokens)
    sendable = [i for i, (role, text) in enumerate(turns) if text and role != "system"]
    sent = [i for i in sendable if i >= kept.start]
    assert kept.left_out == len(sendable) - len(sent)
    if not sendable:
        return
    assert sent and sent[-1] == sendable[-1]  # the newest message always goes
    used = (context.estimate(prompt) if prompt.strip() else 0) + sum(
        context.estimate(turns[i][1]) for i in sent
    )
    if len(sent) > 1:
        assert used <= tokens
    if kept.left_out:  # the next older one did not fit (or was a reply without its question)
        assert turns[sent[0]][0] == "user" or len(sent) == 1
        older = max(i for i in sendable if i < kept.start)
        assert used + context.estimate(turns[older][1]) > tokens or turns[older][0] != "user"


def test_a_100000_message_chat_sends_what_fits_and_quickly() -> None:
    # The chat: 100,001 messages, 44 MB.
    turns = [("assistant" if n % 2 else "user", f"{n} " + "ы" * 440) for n in range(100_001)]
    started = time.perf_counter()
    kept = context.fit("Будь краток.", turns, context.budget(128_000, {}))
    took = time.perf_counter() - started
    sent = turns[kept.start :]
    assert 700 < len(sent) < 900  # about 124k tokens of 152-token messages
    assert kept.left_out == len(turns) - len(sent)
    assert sent[0][0] == "user"
    assert took < 0.5  # about 10 ms; generous for a busy machine


# -- the session: what the provider is sent -------------------------------------------------


async def test_a_long_chat_sends_its_newest_turns_and_says_how_many_it_left_out(
    chat: ChatSession, store: Store, script: Script
) -> None:
    # 60 messages of 300 characters (104 tokens each), a limit of 2,000 tokens: 1,000 for
    # the request, 1,000 kept for the reply.
    conversation = long_chat(store, 60, 300, params={"context_tokens": 2_000})
    _question, turn = chat.ask(conversation.id, "Итак?", ReplyRecorder)
    assert turn.left_out == 52
    assert turn.message.usage == {"left_out": 52}  # the footer can say so from the start
    final = await chat.run(turn)

    sent = script.received[-1]
    assert sent[0] == {"role": "system", "content": "Отвечай кратко."}
    assert sent[-1] == {"role": "user", "content": "Итак?"}
    assert numbers(sent) == list(range(52, 60))  # 51 was a reply whose question is gone
    assert sent[1]["role"] == "user"
    assert final.status == MessageStatus.COMPLETE
    # Kept with the provider's own counts, in the history too.
    assert final.usage == {
        "prompt_tokens": 3,
        "completion_tokens": 4,
        "total_tokens": 7,
        "left_out": 52,
    }
    assert store.get_message(final.id).usage["left_out"] == 52
    assert "context_tokens" not in script.options[-1]  # ours, never the provider's


async def test_a_chat_within_the_limit_sends_all_of_it_as_before(
    chat: ChatSession, store: Store, script: Script
) -> None:
    conversation = long_chat(store, 1_000, 300)  # 104,000 tokens: under 128k less the reply
    _question, turn = chat.ask(conversation.id, "Итак?", ReplyRecorder)
    final = await chat.run(turn)
    assert numbers(script.received[-1]) == list(range(1_000))
    assert turn.left_out == 0
    assert "left_out" not in final.usage


async def test_the_models_default_limit_applies(
    chat: ChatSession, store: Store, script: Script
) -> None:
    # 400 messages of 300 characters: 41,600 tokens, over GigaChat's 32k, under GigaChat-2's.
    legacy = long_chat(store, 400, 300, model="GigaChat")
    current = long_chat(store, 400, 300, model="GigaChat-2")
    for conversation in (legacy, current):
        _question, turn = chat.ask(conversation.id, "Итак?", ReplyRecorder)
        await chat.run(turn)
    legacy_sent, current_sent = (numbers(sent) for sent in script.received)
    assert len(current_sent) == 400
    assert legacy_sent == list(range(400 - len(legacy_sent), 400))
    assert 250 < len(legacy_sent) < 300  # (32,000 - 4,096) / 104


async def test_a_chat_without_a_model_takes_its_providers_default_models_limit(
    chat: ChatSession, store: Store, script: Script
) -> None:
    # deepseek-reasoner, the thinking service's default: 64k. 700 × 300 chars ≈ 72,800.
    conversation = long_chat(store, 700, 300, provider="thinking", model="")
    _question, turn = chat.ask(conversation.id, "Итак?", ReplyRecorder)
    await chat.run(turn)
    assert 550 < len(numbers(script.received[-1])) < 600


async def test_regenerate_and_continue_send_what_fits_too(
    chat: ChatSession, store: Store, script: Script
) -> None:
    conversation = long_chat(store, 60, 300, params={"context_tokens": 2_000})
    last_reply = store.messages(conversation.id)[-1]
    regenerated = chat.regenerate_reply(last_reply.id, ReplyRecorder)
    final = await chat.run(regenerated)
    assert numbers(script.received[-1]) == list(range(50, 59))  # up to its question, 58
    assert final.usage["left_out"] == 50

    continued = chat.continue_reply(final.id, ReplyRecorder)
    await chat.run(continued)
    assert script.received[-1][-1] == {"role": "assistant", "content": "Hello, world!"}
    assert numbers(script.received[-1]) == list(range(50, 59))
    assert continued.left_out == 50


# -- the reasoning effort ------------------------------------------------------------------


async def test_the_reasoning_effort_goes_as_its_word_where_the_service_takes_it(
    chat: ChatSession, store: Store, script: Script
) -> None:
    params: dict[str, float | int] = {"reasoning_effort": 3, "context_tokens": 50_000}
    for provider in ("thinking", "scripted"):
        conversation = store.create_conversation(provider=provider, params=params)
        _question, turn = chat.ask(conversation.id, "Подумай", ReplyRecorder)
        await chat.run(turn)
    taking, not_taking = script.options
    assert taking == {"reasoning_effort": "high"}
    assert not_taking == {}  # the scripted service takes neither


def test_request_options_map_the_codes_and_keep_ours_out() -> None:
    every = frozenset({"temperature", "max_tokens", "reasoning_effort", "context_tokens"})
    for code, word in ((1, "low"), (2, "medium"), (3, "high"), (2.0, "medium")):
        options = context.request_options({"reasoning_effort": code}, every)
        assert options == {"reasoning_effort": word}
    assert context.request_options({"reasoning_effort": 7, "context_tokens": 9}, every) == {}
    assert context.request_options({"temperature": 0.2}, every) == {"temperature": 0.2}


# -- the parameters in the history and in files --------------------------------------------


def test_the_new_parameters_are_checked_numbers() -> None:
    assert check_params({"reasoning_effort": 2, "context_tokens": 64_000.0}) == {
        "reasoning_effort": 2,
        "context_tokens": 64_000,
    }
    for bad in ({"reasoning_effort": 4}, {"reasoning_effort": 1.5}, {"context_tokens": -1}):
        with pytest.raises(ValueError, match="must be a whole number"):
            check_params(bad)


def test_an_export_keeps_them_and_a_file_with_a_bad_one_is_refused(store: Store) -> None:
    params: dict[str, float | int] = {"reasoning_effort": 1, "context_tokens": 16_000}
    original = store.create_conversation(provider="thinking", params=params)
    store.add_message(original.id, "user", "Привет")
    text = store.export_json(original.id)
    assert store.import_json(text).params == params
    broken = text.replace('"reasoning_effort": 1', '"reasoning_effort": "low"')
    assert broken != text
    with pytest.raises(StoreError, match="reasoning_effort must be a finite number"):
        store.import_json(broken)
    broken = text.replace('"reasoning_effort": 1', '"reasoning_effort": 9')
    with pytest.raises(StoreError, match="reasoning_effort must be a whole number from 1 to 3"):
        store.import_json(broken)
