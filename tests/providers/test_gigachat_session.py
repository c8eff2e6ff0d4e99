"""GigaChat per conversation and per account: the session header, the balance, and the
SDK's model and timeout variables."""

from __future__ import annotations

import aiohttp
import pytest

from providers.base import Message, Timeouts
from providers.errors import AuthError, BadRequestError, TimedOutError
from providers.gigachat import BalanceEntry, GigaChat
from providers.openai_compat import OpenAICompatible
from tests.servers.gigachat import DEFAULT_REPLY, GigaChatEmulator

HELLO: list[Message] = [{"role": "user", "content": "Привет"}]


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("GIGACHAT_MODEL", "GIGACHAT_TIMEOUT", "GIGACHAT_ACCESS_TOKEN"):
        monkeypatch.delenv(name, raising=False)


async def reply(giga: GigaChat, **options: str) -> str:
    chunks = giga.stream(None, HELLO, options=options)
    return "".join([c async for c in chunks if isinstance(c, str)])


async def test_one_session_id_per_conversation_goes_as_a_header(
    giga: GigaChat, emulator: GigaChatEmulator
) -> None:
    """The same id on every turn lets the service reuse its cache of the prompt."""
    for conversation in ("chat-1", "chat-1", "chat-2"):
        assert await reply(giga, session_id=conversation) == DEFAULT_REPLY
    assert await reply(giga) == DEFAULT_REPLY
    sent = [r.headers.get("X-Session-ID") for r in emulator.chat_requests]
    assert sent == ["chat-1", "chat-1", "chat-2", None]
    assert all("session_id" not in r.json() for r in emulator.chat_requests)


async def test_session_id_must_be_text_and_only_gigachat_takes_it(
    giga: GigaChat, emulator: GigaChatEmulator, session: aiohttp.ClientSession
) -> None:
    with pytest.raises(BadRequestError) as caught:
        await giga.stream(None, HELLO, options={"session_id": 7}).__anext__()
    assert caught.value.reason == "option_type"
    openai = OpenAICompatible(session=session, base_url="http://127.0.0.1:9/v1")
    with pytest.raises(BadRequestError) as refused:
        await openai.stream(None, HELLO, options={"session_id": "chat-1"}).__anext__()
    assert refused.value.reason == "bad_option"
    assert emulator.requests == []


async def test_balance_of_a_prepaid_account(giga: GigaChat, emulator: GigaChatEmulator) -> None:
    assert await giga.balance() == [
        BalanceEntry("GigaChat", 900000.0),
        BalanceEntry("embeddings", 9999967.0),
    ]
    (request,) = [r for r in emulator.requests if r.path == "/api/v1/balance"]
    assert request.method == "GET"
    assert request.headers["Authorization"].startswith("Bearer ")


@pytest.mark.parametrize("status", [403, 404])
async def test_no_balance_where_the_service_keeps_none(
    giga: GigaChat, emulator: GigaChatEmulator, status: int
) -> None:
    emulator.balance_status = status
    assert await giga.balance() is None


async def test_balance_failures_are_typed_errors(
    giga: GigaChat, emulator: GigaChatEmulator
) -> None:
    await giga.balance()
    emulator.revoke_tokens()
    assert await giga.balance() is not None  # a stale token is renewed, as for the chat
    broken = GigaChat(
        session=giga.session,
        api_key="d3Jvbmc6a2V5",
        base_url=emulator.base_url,
        auth_url=emulator.auth_url,
        ca_bundle=giga.ca_bundle,
    )
    with pytest.raises(AuthError) as caught:
        await broken.balance()
    assert (caught.value.provider, caught.value.reason) == ("GigaChat", "authorization_failed")
    assert sum(r.path == "/api/v1/balance" for r in emulator.requests) == 3


async def test_gigachat_model_variable_picks_the_default_model(
    giga: GigaChat, emulator: GigaChatEmulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GIGACHAT_MODEL", "GigaChat-2-Max")
    await reply(giga)
    [c async for c in giga.stream("GigaChat-Pro", HELLO)]
    assert [r.json()["model"] for r in emulator.chat_requests] == ["GigaChat-2-Max", "GigaChat-Pro"]


def test_gigachat_timeout_variable_sets_both_timeouts(
    session: aiohttp.ClientSession, monkeypatch: pytest.MonkeyPatch
) -> None:
    given = Timeouts(connect=5, read=90)
    assert GigaChat(session=session, timeouts=given).timeouts == given
    monkeypatch.setenv("GIGACHAT_TIMEOUT", "12.5")
    assert GigaChat(session=session, timeouts=given).timeouts == Timeouts(12.5, 12.5)
    for junk in ("soon", "-1", "inf", "0"):
        monkeypatch.setenv("GIGACHAT_TIMEOUT", junk)
        assert GigaChat(session=session, timeouts=given).timeouts == given


async def test_gigachat_timeout_variable_is_obeyed(
    giga: GigaChat, emulator: GigaChatEmulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GIGACHAT_TIMEOUT", "0.3")
    slow = GigaChat(
        session=giga.session,
        api_key=emulator.valid_key,
        base_url=emulator.base_url,
        auth_url=emulator.auth_url,
        ca_bundle=giga.ca_bundle,
    )
    emulator.first_byte_delay = 1.0
    with pytest.raises(TimedOutError):
        await reply(slow)
