"""The Provider base: option checking, error labels, models and the seeds' door."""

from __future__ import annotations

import gc
import inspect
from collections.abc import AsyncGenerator, AsyncIterator, Iterator
from typing import Any, ClassVar

import aiohttp
import pytest

from providers.base import (
    ChatOptions,
    Chunk,
    ConfigField,
    FinishReason,
    Message,
    Messages,
    Provider,
    Timeouts,
    Usage,
)
from providers.errors import BadRequestError, ProviderError, ServerError

SECRET = "sk-very-secret-0123456789"
HELLO: list[Message] = [{"role": "user", "content": "Привет"}]


class Scripted(Provider):
    """A real provider whose `_stream` replays a script instead of talking HTTP."""

    name = "scripted"
    label = "Scripted"
    working = True
    default_model = "scripted-small"
    models = ("scripted-small", "scripted-big")
    supported_options = frozenset({"temperature", "max_tokens"})
    config_fields = (
        ConfigField("api_key", "API key", kind="secret"),
        ConfigField("base_url", "Base URL", kind="url", default="http://127.0.0.1:9"),
    )

    #: Sessions every instance was given, so tests can check who closed them.
    seen_sessions: ClassVar[list[aiohttp.ClientSession]] = []

    def __init__(
        self,
        *,
        session: aiohttp.ClientSession,
        proxy: str | None = None,
        timeouts: Timeouts | None = None,
        api_key: str = "",
        base_url: str = "http://127.0.0.1:9",
        script: tuple[Chunk | ProviderError, ...] = (),
    ) -> None:
        super().__init__(session=session, proxy=proxy, timeouts=timeouts)
        self._api_key = api_key
        self.base_url = base_url
        self.script = script
        self.calls: list[tuple[str, list[Message], bool, dict[str, Any]]] = []
        type(self).seen_sessions.append(session)

    async def _stream(
        self, model: str, messages: Messages, stream: bool, options: ChatOptions
    ) -> AsyncGenerator[Chunk, None]:
        self.calls.append((model, list(messages), stream, dict(options)))
        yield f"model={model}"
        yield f"options={sorted(options.items())}"
        yield f"config={self.base_url},{len(self._api_key)},{self.timeouts.read},{self.proxy}"
        yield f"session-open={not self.session.closed}"
        for item in self.script:
            if isinstance(item, ProviderError):
                raise item
            yield item


@pytest.fixture(autouse=True)
def _forget_sessions() -> Iterator[None]:
    Scripted.seen_sessions.clear()
    yield
    Scripted.seen_sessions.clear()


async def collect(chunks: AsyncIterator[Chunk]) -> list[Chunk]:
    return [chunk async for chunk in chunks]


# ---- check_options -----------------------------------------------------------------


@pytest.mark.parametrize(
    "options",
    [
        {"temperature": 0.7},
        {"temperature": 1},  # an int is a fine float
        {"max_tokens": 256},
        {"temperature": 0.0, "max_tokens": 1},
        {"temperature": None},  # None means "not set"
        {},
    ],
)
def test_check_options_accepts_valid(options: dict[str, Any]) -> None:
    checked = Scripted.check_options(options)
    assert checked == {k: v for k, v in options.items() if v is not None}


@pytest.mark.parametrize(
    ("options", "words"),
    [
        ({"top_p": 0.9}, "unknown option 'top_p'"),
        ({"api_key": "x"}, "unknown option 'api_key'"),
        ({"stream_options": {}}, "unknown option"),
        ({"max_tokens": True}, "'max_tokens' has the wrong type"),  # bool is not an int
        ({"temperature": False}, "'temperature' has the wrong type"),
        ({"temperature": "0.5"}, "'temperature' has the wrong type"),  # str is not a float
        ({"max_tokens": 1.5}, "'max_tokens' has the wrong type"),
        ({"max_tokens": "100"}, "'max_tokens' has the wrong type"),
    ],
)
def test_check_options_rejects(options: dict[str, Any], words: str) -> None:
    with pytest.raises(BadRequestError) as caught:
        Scripted.check_options(options)
    assert words in caught.value.message
    assert caught.value.provider == "Scripted"


# ---- stream() ----------------------------------------------------------------------


async def test_stream_yields_script_with_resolved_model(session: aiohttp.ClientSession) -> None:
    provider = Scripted(
        session=session, script=("При", "вет", FinishReason("stop"), Usage(1, 2, 3))
    )
    chunks = await collect(provider.stream(None, HELLO, options={"temperature": 0.5}))
    assert chunks[0] == "model=scripted-small"
    assert chunks[1] == "options=[('temperature', 0.5)]"
    assert chunks[4:] == ["При", "вет", FinishReason("stop"), Usage(1, 2, 3)]
    assert provider.calls == [("scripted-small", HELLO, True, {"temperature": 0.5})]


async def test_stream_rejects_unknown_option_before_any_request(
    session: aiohttp.ClientSession,
) -> None:
    provider = Scripted(session=session)
    with pytest.raises(BadRequestError, match="unknown option 'seed'"):
        await collect(provider.stream(None, HELLO, options={"seed": 1}))
    assert provider.calls == []


async def test_empty_messages_are_a_bad_request(session: aiohttp.ClientSession) -> None:
    provider = Scripted(session=session)
    with pytest.raises(BadRequestError) as caught:
        await collect(provider.stream(None, []))
    assert caught.value.provider == "Scripted"
    assert provider.calls == []


async def test_stream_attaches_label_to_unlabelled_errors(session: aiohttp.ClientSession) -> None:
    provider = Scripted(session=session, script=("partial", ServerError("boom", status=500)))
    seen: list[Chunk] = []
    with pytest.raises(ServerError) as caught:
        async for chunk in provider.stream(None, HELLO):
            seen.append(chunk)
    assert caught.value.provider == "Scripted"
    assert caught.value.user_message.startswith("Scripted: boom.")
    assert seen[-1] == "partial"  # the text before the failure was delivered


async def test_stream_keeps_an_existing_label(session: aiohttp.ClientSession) -> None:
    provider = Scripted(session=session, script=(ServerError("boom", provider="Upstream"),))
    with pytest.raises(ServerError) as caught:
        await collect(provider.stream(None, HELLO))
    assert caught.value.provider == "Upstream"


async def test_stream_flag_reaches_the_provider(session: aiohttp.ClientSession) -> None:
    provider = Scripted(session=session)
    await collect(provider.stream(None, HELLO, stream=False))
    assert provider.calls[0][2] is False


# ---- models ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("asked", "used"),
    [
        (None, "scripted-small"),
        ("", "scripted-small"),
        ("scripted-big", "scripted-big"),
        ("something-new", "something-new"),  # unknown names pass through, as in the seeds
    ],
)
def test_get_model_empty_means_default(asked: str | None, used: str) -> None:
    assert Scripted.get_model(asked) == used


async def test_list_models_defaults_to_static_list(session: aiohttp.ClientSession) -> None:
    assert await Scripted(session=session).list_models() == ["scripted-small", "scripted-big"]


# ---- create_async_generator, the seeds' door ---------------------------------------


async def test_door_is_an_async_generator_and_owns_its_session() -> None:
    generator = Scripted.create_async_generator(
        "scripted-big",
        HELLO,
        api_key=SECRET,
        base_url="http://127.0.0.1:1234",
        timeouts=Timeouts(read=7.0),
        proxy="http://127.0.0.1:3128",
        temperature=0.2,
        max_tokens=10,
    )
    assert inspect.isasyncgen(generator)  # used with `async for`, never awaited
    chunks = [chunk async for chunk in generator]
    assert chunks == [
        "model=scripted-big",
        "options=[('max_tokens', 10), ('temperature', 0.2)]",
        f"config=http://127.0.0.1:1234,{len(SECRET)},7.0,http://127.0.0.1:3128",
        "session-open=True",
    ]
    (own_session,) = Scripted.seen_sessions
    assert own_session.closed


async def test_door_closes_its_session_when_stopped_early() -> None:
    generator = Scripted.create_async_generator("", HELLO)
    assert inspect.isasyncgen(generator)
    async for _chunk in generator:
        break
    await generator.aclose()
    (own_session,) = Scripted.seen_sessions
    assert own_session.closed


async def test_door_closes_its_session_on_error() -> None:
    generator = Scripted.create_async_generator("", HELLO, top_k=3)
    with pytest.raises(BadRequestError, match="unknown option 'top_k'"):
        await collect(generator)
    (own_session,) = Scripted.seen_sessions
    assert own_session.closed


async def test_door_leaves_no_unclosed_session_warning(recwarn: pytest.WarningsRecorder) -> None:
    await collect(Scripted.create_async_generator("", HELLO))
    Scripted.seen_sessions.clear()
    gc.collect()
    assert not [w for w in recwarn if "nclosed" in str(w.message)]


async def test_door_uses_a_given_session_and_leaves_it_open(
    session: aiohttp.ClientSession,
) -> None:
    chunks = await collect(Scripted.create_async_generator("", HELLO, session=session))
    assert "session-open=True" in chunks
    assert Scripted.seen_sessions == [session]
    assert not session.closed


@pytest.mark.parametrize("option", ["top_p", "stream_options", "seed"])
async def test_door_rejects_unknown_options(option: str) -> None:
    extra: dict[str, Any] = {option: 1}
    with pytest.raises(BadRequestError, match=f"unknown option '{option}'"):
        await collect(Scripted.create_async_generator("", HELLO, **extra))


async def test_door_rejects_option_of_wrong_type() -> None:
    with pytest.raises(BadRequestError, match="wrong type"):
        await collect(Scripted.create_async_generator("", HELLO, max_tokens="5"))


# ---- secrets -----------------------------------------------------------------------


async def test_repr_shows_no_secret(session: aiohttp.ClientSession) -> None:
    provider = Scripted(session=session, api_key=SECRET, base_url="https://example.test/v1")
    for text in (repr(provider), str(provider), f"{provider!r:>10}"):
        assert SECRET not in text
        assert "sk-" not in text
    assert "Scripted" in repr(provider)


def test_capability_flags_have_seed_defaults() -> None:
    class Bare(Provider):
        name = "bare"
        label = "Bare"

        async def _stream(
            self, model: str, messages: Messages, stream: bool, options: ChatOptions
        ) -> AsyncGenerator[Chunk, None]:
            yield ""

    assert (Bare.working, Bare.needs_auth, Bare.supports_system_message) == (False, False, False)
    assert not Bare.lists_live_models()
    with pytest.raises(BadRequestError, match="unknown option 'temperature'"):
        Bare.check_options({"temperature": 0.5})
