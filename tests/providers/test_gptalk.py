"""GPTalk against its loopback emulator: login renewal, one-shot tokens, cumulative diff."""

from __future__ import annotations

import asyncio
import re
import socket
import time

import aiohttp
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from providers.base import Chunk, Message, Provider
from providers.errors import (
    BadRequestError,
    NetworkError,
    ProtocolError,
    RateLimitError,
    ServerError,
)
from providers.gptalk import MAX_USES, GPTalk, LoginState, cumulative_delta, new_fingerprint
from providers.prompt import format_prompt
from providers.registry import provider_class
from providers.retry import RetryPolicy
from tests.servers.gptalk import GPTalkEmulator, run_gptalk

HELLO: list[Message] = [{"role": "user", "content": "Привет, как дела?"}]


async def collect(provider: Provider, messages: list[Message] = HELLO) -> list[Chunk]:
    return [chunk async for chunk in provider.stream(None, messages)]


async def drain(provider: Provider, shown: list[str]) -> None:
    """Collect text into `shown` so a test can look at it after the stream failed."""
    async for chunk in provider.stream(None, HELLO):
        if isinstance(chunk, str):
            shown.append(chunk)


async def text_of(provider: Provider, messages: list[Message] = HELLO) -> str:
    return "".join(str(chunk) for chunk in await collect(provider, messages))


def paths(emulator: GPTalkEmulator) -> list[str]:
    return [request.path.rsplit("/", 1)[-1] for request in emulator.requests]


# -- pure functions -------------------------------------------------------------------


def test_cumulative_delta_examples() -> None:
    assert cumulative_delta("", "При") == "При"
    assert cumulative_delta("При", "Привет") == "вет"
    assert cumulative_delta("Привет", "Привет") == ""
    assert cumulative_delta("Привет", "Прив") is None
    assert cumulative_delta("Привет", "Пока") is None


@settings(database=None, max_examples=100)
@given(previous=st.text(), suffix=st.text())
def test_cumulative_delta_returns_exactly_the_new_suffix(previous: str, suffix: str) -> None:
    assert cumulative_delta(previous, previous + suffix) == suffix


@settings(database=None, max_examples=100)
@given(pieces=st.lists(st.text(), max_size=20))
def test_deltas_of_a_growing_answer_rebuild_it(pieces: list[str]) -> None:
    snapshots = ["".join(pieces[: i + 1]) for i in range(len(pieces))]
    previous, shown = "", ""
    for snapshot in snapshots:
        delta = cumulative_delta(previous, snapshot)
        assert delta is not None
        shown += delta
        previous = snapshot
    assert shown == "".join(pieces)


@settings(database=None, max_examples=100)
@given(previous=st.text(min_size=1), current=st.text())
def test_cumulative_delta_reports_a_rewrite(previous: str, current: str) -> None:
    delta = cumulative_delta(previous, current)
    if current.startswith(previous):
        assert delta is not None
        assert previous + delta == current
    else:
        assert delta is None


def test_fingerprint_is_32_random_hex() -> None:
    prints = {new_fingerprint() for _ in range(20)}
    assert len(prints) == 20
    assert all(re.fullmatch(r"[0-9a-f]{32}", fp) for fp in prints)


def test_login_state_hides_its_token() -> None:
    state = LoginState(token="secret-login-token", expires_at=time.time() + 60)
    assert "secret-login-token" not in repr(state)
    assert state.usable(time.time())
    state.uses = MAX_USES
    assert not state.usable(time.time())


# -- against the emulator -------------------------------------------------------------


@pytest.mark.parametrize("blank_lines", [True, False])
async def test_streams_the_new_suffix_of_each_line(
    session: aiohttp.ClientSession, blank_lines: bool
) -> None:
    emulator = GPTalkEmulator(blank_lines=blank_lines, chunk_bytes=7)  # splits lines and UTF-8
    async with run_gptalk(emulator):
        provider = GPTalk(session=session, base_url=emulator.base_url)
        chunks = await collect(provider)
    assert "".join(map(str, chunks)) == emulator.reply
    assert len(chunks) > 1
    assert all("\ufffd" not in str(chunk) for chunk in chunks)
    assert paths(emulator) == ["login", "text", "stream"]


async def test_requests_look_like_the_web_app(session: aiohttp.ClientSession) -> None:
    history: list[Message] = [
        {"role": "user", "content": "Привет"},
        {"role": "assistant", "content": "Здравствуйте!"},
        {"role": "user", "content": "Как дела?"},
    ]
    async with run_gptalk() as emulator:
        provider = GPTalk(session=session, base_url=emulator.base_url)
        chunks = [c async for c in provider.stream("", history, options={"temperature": 0.3})]
    assert "".join(map(str, chunks)) == emulator.reply
    login, text, stream = emulator.requests
    assert login.body["platform"] == "fingerprint"
    assert text.headers["Authorization"].startswith("Bearer ")
    assert text.body["content"] == format_prompt(history)
    assert text.body["model"] == "gpt-3.5-turbo"
    assert text.body["accept"] == "stream"
    assert text.body["temperature"] == 0.3
    for request in emulator.requests:
        assert request.headers["x-auth-appid"] == "2229"
        assert abs(int(request.headers["x-auth-timestamp"]) - time.time()) < 60
    assert "Authorization" not in stream.headers


async def test_relogs_in_before_the_sixth_question(session: aiohttp.ClientSession) -> None:
    async with run_gptalk() as emulator:
        provider = GPTalk(session=session, base_url=emulator.base_url)
        for _ in range(MAX_USES + 1):
            assert await text_of(provider) == emulator.reply
    assert emulator.login_count == 2
    assert emulator.no_data_count == 0  # renewed proactively, never refused
    assert paths(emulator)[11:] == ["login", "text", "stream"]


async def test_emulator_refuses_the_sixth_question_without_data(
    session: aiohttp.ClientSession,
) -> None:
    async with run_gptalk() as emulator:
        async with session.post(
            f"{emulator.base_url}/api/chatgpt/user/login",
            json={"fingerprint": new_fingerprint(), "platform": "fingerprint"},
            headers={"x-auth-appid": "2229"},
        ) as response:
            token = (await response.json())["data"]["token"]
        answers = []
        for _ in range(6):
            async with session.post(
                f"{emulator.base_url}/api/chatgpt/chatapi/text",
                json={"content": "Привет"},
                headers={"Authorization": f"Bearer {token}"},
            ) as response:
                assert response.status == 200
                answers.append(await response.json())
    assert all("data" in answer for answer in answers[:5])
    assert "data" not in answers[5]


async def test_relogs_in_when_data_is_missing(session: aiohttp.ClientSession) -> None:
    async with run_gptalk() as emulator:
        provider = GPTalk(session=session, base_url=emulator.base_url)
        assert await text_of(provider) == emulator.reply
        emulator.revoke_logins()  # the cached login is now unknown to the server
        assert await text_of(provider) == emulator.reply
    assert emulator.no_data_count == 1
    assert emulator.login_count == 2
    assert paths(emulator)[3:] == ["text", "login", "text", "stream"]


async def test_relogs_in_when_the_login_expired(session: aiohttp.ClientSession) -> None:
    async with run_gptalk() as emulator:
        provider = GPTalk(session=session, base_url=emulator.base_url)
        assert await text_of(provider) == emulator.reply
        provider.clock = lambda: time.time() + 2 * emulator.ttl
        assert await text_of(provider) == emulator.reply
    assert emulator.login_count == 2
    assert emulator.no_data_count == 0


async def test_second_missing_data_is_a_rate_limit(session: aiohttp.ClientSession) -> None:
    async with run_gptalk(GPTalkEmulator(quota=False)) as emulator:
        provider = GPTalk(session=session, base_url=emulator.base_url)
        with pytest.raises(RateLimitError, match="free quota is used up") as caught:
            await collect(provider)
    assert emulator.login_count == 2
    assert emulator.no_data_count == 2
    assert caught.value.provider == "GPTalk"


async def test_concurrent_requests_share_one_login(session: aiohttp.ClientSession) -> None:
    async with run_gptalk() as emulator:
        provider = GPTalk(session=session, base_url=emulator.base_url)
        texts = await asyncio.gather(*(text_of(provider) for _ in range(4)))
    assert texts == [emulator.reply] * 4
    assert emulator.login_count == 1


async def test_instances_do_not_share_logins(session: aiohttp.ClientSession) -> None:
    async with run_gptalk() as emulator:
        for _ in range(2):
            provider = GPTalk(session=session, base_url=emulator.base_url)
            await text_of(provider)
    assert emulator.login_count == 2


async def test_rewritten_text_fails_after_the_text_so_far(session: aiohttp.ClientSession) -> None:
    async with run_gptalk(GPTalkEmulator(rewrite=True)) as emulator:
        provider = GPTalk(session=session, base_url=emulator.base_url)
        shown: list[str] = []
        with pytest.raises(ProtocolError, match="rewrote"):
            await drain(provider, shown)
    assert shown
    assert emulator.reply.startswith("".join(shown))


async def test_malformed_line_is_a_protocol_error(session: aiohttp.ClientSession) -> None:
    async with run_gptalk(GPTalkEmulator(malformed=True)) as emulator:
        provider = GPTalk(session=session, base_url=emulator.base_url)
        with pytest.raises(ProtocolError, match="malformed"):
            await collect(provider)


async def test_stream_without_done_is_cut(session: aiohttp.ClientSession) -> None:
    async with run_gptalk(GPTalkEmulator(omit_done=True)) as emulator:
        provider = GPTalk(session=session, base_url=emulator.base_url)
        shown: list[str] = []
        with pytest.raises(ProtocolError, match="cut"):
            await drain(provider, shown)
    assert "".join(shown) == emulator.reply


@pytest.mark.parametrize("status", [500, 503])
@pytest.mark.parametrize("where", ["text_status", "stream_status"])
async def test_outages_are_server_errors(
    session: aiohttp.ClientSession, status: int, where: str
) -> None:
    emulator = GPTalkEmulator()
    setattr(emulator, where, status)
    async with run_gptalk(emulator):
        provider = GPTalk(session=session, base_url=emulator.base_url)
        provider.retry_policy = RetryPolicy(backoff=(0.0,))  # a 503 is asked twice more
        with pytest.raises(ServerError) as caught:
            await collect(provider)
    assert caught.value.status == status


async def test_stream_tokens_are_one_shot(session: aiohttp.ClientSession) -> None:
    async with run_gptalk() as emulator:
        provider = GPTalk(session=session, base_url=emulator.base_url)
        assert await text_of(provider) == emulator.reply
        used = emulator.requests[-1].query["token"]
        async with session.get(
            f"{emulator.base_url}/api/chatgpt/chatapi/stream", params={"token": used}
        ) as response:
            assert response.status == 400
            assert "already used" in (await response.json())["message"]


async def test_seeds_door_works_with_its_own_session() -> None:
    async with run_gptalk() as emulator:
        chunks = [
            chunk
            async for chunk in GPTalk.create_async_generator(
                "gpt-3.5-turbo", HELLO, base_url=emulator.base_url
            )
        ]
    assert "".join(map(str, chunks)) == emulator.reply


async def test_unknown_option_is_refused_before_any_request(
    session: aiohttp.ClientSession,
) -> None:
    async with run_gptalk() as emulator:
        provider = GPTalk(session=session, base_url=emulator.base_url)
        with pytest.raises(BadRequestError, match="top_p"):
            await anext(aiter(provider.stream(None, HELLO, options={"top_p": 0.5})))
    assert emulator.requests == []


async def test_requests_go_through_the_proxy(session: aiohttp.ClientSession) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        closed_port = sock.getsockname()[1]
    async with run_gptalk() as emulator:
        proxy = f"http://127.0.0.1:{closed_port}"
        provider = GPTalk(session=session, base_url=emulator.base_url, proxy=proxy)
        with pytest.raises(NetworkError):
            await collect(provider)
    assert emulator.requests == []


def test_registry_and_declared_shape() -> None:
    assert provider_class("gptalk") is GPTalk
    assert GPTalk.working is False
    assert GPTalk.default_model == "gpt-3.5-turbo"
    (field,) = GPTalk.config_fields
    assert (field.name, field.kind, field.default) == ("base_url", "url", "https://gptalk.net")
