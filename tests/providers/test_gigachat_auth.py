"""GigaChat OAuth and the token cache: one token per credential, refreshed once, on time."""

from __future__ import annotations

import asyncio
import ssl
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from providers.auth import Secret, Token, TokenCache
from providers.base import Chunk, Message
from providers.errors import AuthError, MissingAuthError, RateLimitError, ServerError
from providers.gigachat import GigaChat
from providers.retry import RetryPolicy
from tests.servers.gigachat import DEFAULT_REPLY, GigaChatEmulator

HELLO: list[Message] = [{"role": "user", "content": "Привет"}]


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in (
        "GIGACHAT_CREDENTIALS",
        "GIGACHAT_SCOPE",
        "GIGACHAT_CA_BUNDLE_FILE",
        "GIGACHAT_ACCESS_TOKEN",
        "GIGACHAT_USER",
        "GIGACHAT_PASSWORD",
        "GIGACHAT_CERT_FILE",
    ):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def make(session: aiohttp.ClientSession, emulator: GigaChatEmulator, test_ca_file: Path) -> Any:
    def make_provider(**config: Any) -> GigaChat:
        config.setdefault("api_key", emulator.valid_key)
        return GigaChat(
            session=session,
            base_url=emulator.base_url,
            auth_url=emulator.auth_url,
            ca_bundle=test_ca_file,
            **config,
        )

    return make_provider


async def text_of(chunks: AsyncIterator[Chunk]) -> str:
    return "".join([c async for c in chunks if isinstance(c, str)])


async def test_oauth_request_is_what_the_sdk_sends(make: Any, emulator: GigaChatEmulator) -> None:
    giga = make(scope="GIGACHAT_API_CORP")
    assert await text_of(giga.stream("GigaChat", HELLO)) == DEFAULT_REPLY
    giga._tokens.clear()
    await text_of(giga.stream("GigaChat", HELLO))
    first, second = emulator.oauth_requests
    for record in (first, second):
        assert record.method == "POST"
        assert record.path == "/api/v2/oauth"
        # The key goes as given (it is already base64 of id:secret), never re-encoded.
        assert record.headers["Authorization"] == f"Basic {emulator.valid_key}"
        assert uuid.UUID(record.headers["RqUID"]).version == 4
        assert record.headers["Content-Type"] == "application/x-www-form-urlencoded"
        assert record.headers["User-Agent"] == "GigaChat-python-lib"
        assert record.form() == {"scope": "GIGACHAT_API_CORP"}
    assert first.headers["RqUID"] != second.headers["RqUID"]  # fresh per token request


async def test_pasted_basic_prefix_and_short_scope_are_understood(
    make: Any, emulator: GigaChatEmulator
) -> None:
    giga = make(api_key=f"  Basic {emulator.valid_key}\n", scope="b2b")
    assert await text_of(giga.stream("GigaChat", HELLO)) == DEFAULT_REPLY
    assert emulator.oauth_requests[0].headers["Authorization"] == f"Basic {emulator.valid_key}"
    assert emulator.oauth_requests[0].form() == {"scope": "GIGACHAT_API_B2B"}


async def test_one_oauth_call_serves_many_requests(make: Any, emulator: GigaChatEmulator) -> None:
    giga = make()
    for _ in range(5):
        assert await text_of(giga.stream("GigaChat", HELLO)) == DEFAULT_REPLY
    await giga.list_models()
    assert emulator.oauth_calls == 1
    assert len(emulator.chat_requests) == 5


async def test_a_shared_cache_serves_several_provider_instances(
    make: Any, emulator: GigaChatEmulator
) -> None:
    cache = TokenCache()
    for _ in range(3):
        await text_of(make(token_cache=cache).stream("GigaChat", HELLO))
    await text_of(make(token_cache=cache, scope="B2B").stream("GigaChat", HELLO))
    assert [r.form()["scope"] for r in emulator.oauth_requests] == [
        "GIGACHAT_API_PERS",
        "GIGACHAT_API_B2B",  # another scope is another credential
    ]


async def test_token_close_to_expiry_is_refreshed_first(
    make: Any, emulator: GigaChatEmulator
) -> None:
    emulator.token_ttl = 30  # under the 60 s margin: stale as soon as it is issued
    giga = make()
    await text_of(giga.stream("GigaChat", HELLO))
    first_token = emulator.chat_requests[0].headers["Authorization"]
    await text_of(giga.stream("GigaChat", HELLO))
    assert emulator.oauth_calls == 2
    assert emulator.chat_requests[1].headers["Authorization"] != first_token
    assert len(emulator.chat_requests) == 2  # refreshed before the call, not after a 401


async def test_revoked_token_means_one_refresh_and_one_retry(
    make: Any, emulator: GigaChatEmulator
) -> None:
    giga = make()
    await text_of(giga.stream("GigaChat", HELLO))
    emulator.revoke_tokens()  # the server drops the token long before expires_at
    assert await text_of(giga.stream("GigaChat", HELLO)) == DEFAULT_REPLY
    assert emulator.oauth_calls == 2
    assert len(emulator.chat_requests) == 3  # ok, 401, retried ok


async def test_a_second_401_is_an_auth_error(make: Any, emulator: GigaChatEmulator) -> None:
    giga = make()
    emulator.fail_next(401, 2, message="Unauthorized")
    with pytest.raises(AuthError, match="Unauthorized") as caught:
        await text_of(giga.stream("GigaChat", HELLO))
    assert caught.value.status == 401
    assert emulator.oauth_calls == 2  # the first token, one refresh, no loop
    assert len(emulator.chat_requests) == 2


async def test_twenty_streams_after_expiry_refresh_once(
    make: Any, emulator: GigaChatEmulator
) -> None:
    emulator.token_ttl = 30
    giga = make()
    await text_of(giga.stream("GigaChat", HELLO))
    texts = await asyncio.gather(*(text_of(giga.stream("GigaChat", HELLO)) for _ in range(20)))
    assert texts == [DEFAULT_REPLY] * 20
    assert emulator.oauth_calls == 2


async def test_twenty_streams_after_revocation_refresh_once(
    make: Any, emulator: GigaChatEmulator
) -> None:
    giga = make()
    await text_of(giga.stream("GigaChat", HELLO))
    emulator.revoke_tokens()
    texts = await asyncio.gather(*(text_of(giga.stream("GigaChat", HELLO)) for _ in range(20)))
    assert texts == [DEFAULT_REPLY] * 20
    assert emulator.oauth_calls == 2
    assert len(emulator.chat_requests) == 1 + 20 + 20  # each refused once, retried once


async def test_missing_key_fails_before_any_network(
    session: aiohttp.ClientSession, emulator: GigaChatEmulator, test_ca_file: Path
) -> None:
    giga = GigaChat(
        session=session,
        base_url=emulator.base_url,
        auth_url=emulator.auth_url,
        ca_bundle=test_ca_file,
    )
    with pytest.raises(MissingAuthError, match="authorization key") as caught:
        await text_of(giga.stream("GigaChat", HELLO))
    assert "Settings" in caught.value.user_message
    assert emulator.requests == []
    with pytest.raises(MissingAuthError):
        await text_of(
            GigaChat.create_async_generator("GigaChat", HELLO, api_key=None, base_url="https://x")
        )


async def test_wrong_key_is_an_auth_error_with_the_servers_message(
    make: Any, emulator: GigaChatEmulator
) -> None:
    wrong = make(api_key="MDAwMDAwMDAtMDAwMDp3cm9uZw==")  # base64 of an unknown id:secret
    with pytest.raises(AuthError, match="credentials doesn't match db data") as caught:
        await text_of(wrong.stream("GigaChat", HELLO))
    assert caught.value.status == 401
    assert emulator.chat_requests == []


async def test_client_secret_instead_of_key_gets_a_hint(
    make: Any, emulator: GigaChatEmulator
) -> None:
    with pytest.raises(AuthError, match="Can't decode 'Authorization' header") as caught:
        await text_of(make(api_key="not-base64-secret").stream("GigaChat", HELLO))
    assert caught.value.status == 400
    assert "Authorization key, not the Client Secret" in str(caught.value)


async def test_scope_not_granted_to_the_key_is_an_auth_error(
    make: Any, emulator: GigaChatEmulator
) -> None:
    emulator.key_scopes[emulator.valid_key] = {"GIGACHAT_API_PERS"}
    with pytest.raises(AuthError, match="scope from db not fully includes consumed scope"):
        await text_of(make(scope="GIGACHAT_API_B2B").stream("GigaChat", HELLO))
    with pytest.raises(AuthError, match="scope data format invalid"):
        await text_of(make(scope="GIGACHAT_API_TEAM").stream("GigaChat", HELLO))


async def test_oauth_rate_limit_keeps_a_still_valid_token(
    make: Any, emulator: GigaChatEmulator
) -> None:
    emulator.token_ttl = 30  # due for renewal but still accepted by the API
    giga = make()
    await text_of(giga.stream("GigaChat", HELLO))
    emulator.oauth_fail_next(429)
    assert await text_of(giga.stream("GigaChat", HELLO)) == DEFAULT_REPLY
    assert emulator.oauth_calls == 2
    # Without a usable token the OAuth error is the answer (once the retries are spent).
    for status, error in ((503, ServerError), (429, RateLimitError)):
        emulator.oauth_fail_next(status, 3)
        fresh = make()
        fresh.retry_policy = RetryPolicy(backoff=(0.0,))
        with pytest.raises(error):
            await text_of(fresh.stream("GigaChat", HELLO))
    assert emulator.oauth_calls == 2 + 3 + 3


async def test_emulator_oauth_is_strict_about_basic_unless_lenient(
    session: aiohttp.ClientSession, emulator: GigaChatEmulator, test_ca_file: Path
) -> None:
    """What gpt4free sends (`Bearer <key>`) is refused unless the lenient switch is on."""
    context = ssl.create_default_context(cafile=str(test_ca_file))
    request = {
        "data": {"scope": "GIGACHAT_API_PERS"},
        "headers": {"Authorization": f"Bearer {emulator.valid_key}", "RqUID": str(uuid.uuid4())},
        "ssl": context,
    }
    async with session.post(emulator.auth_url, **request) as response:
        assert response.status == 400
        assert (await response.json())["code"] == 4
    emulator.lenient = True
    async with session.post(emulator.auth_url, **request) as response:
        assert response.status == 200
        assert (await response.json())["access_token"] in emulator.tokens


# -- the cache on its own ------------------------------------------------------------


class FakeClock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


async def test_cache_single_flight_and_shared_failure() -> None:
    clock = FakeClock()
    cache = TokenCache(clock=clock)
    calls = 0
    gate = asyncio.Event()

    async def fetch() -> Token:
        nonlocal calls
        calls += 1
        await gate.wait()
        return Token(f"t{calls}", clock.now + 1800)

    waiting = [asyncio.ensure_future(cache.get("k", fetch)) for _ in range(20)]
    await asyncio.sleep(0)
    gate.set()
    assert await asyncio.gather(*waiting) == ["t1"] * 20
    assert calls == 1

    clock.now += 1800 - 59  # inside the 60 s margin
    assert await cache.get("k", fetch) == "t2"

    async def refuse() -> Token:
        nonlocal calls
        calls += 1
        await asyncio.sleep(0)
        raise AuthError("credentials doesn't match db data", status=401)

    clock.now += 1800  # expired
    calls = 0
    results = await asyncio.gather(
        *(cache.get("k", refuse) for _ in range(20)), return_exceptions=True
    )
    assert all(isinstance(r, AuthError) for r in results)
    assert calls == 1  # the queued requests share the refusal, not 20 OAuth calls


async def test_cache_invalidate_keeps_a_newer_token() -> None:
    clock = FakeClock()
    cache = TokenCache(clock=clock)
    tokens = iter(["old", "new", "newer"])

    async def fetch() -> Token:
        return Token(next(tokens), clock.now + 1800)

    assert await cache.get("k", fetch) == "old"
    cache.invalidate("k", "old")
    assert await cache.get("k", fetch) == "new"
    cache.invalidate("k", "old")  # a late 401 for the old token
    assert await cache.get("k", fetch) == "new"
    cache.invalidate("k")
    assert await cache.get("k", fetch) == "newer"


def test_cache_and_secret_never_show_keys() -> None:
    key = TokenCache.key("my-secret-key", "GIGACHAT_API_PERS", "https://auth")
    assert "my-secret-key" not in key
    assert key != TokenCache.key("my-secret-key", "GIGACHAT_API_B2B", "https://auth")
    secret = Secret("my-secret-key")
    assert "my-secret-key" not in repr(secret) + str(secret) + f"{secret}"
    assert secret.reveal() == "my-secret-key"
    assert "value" not in repr(Token("tok", 0))
