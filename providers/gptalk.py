"""GPTalk: anonymous fingerprint login, a one-shot stream token, a cumulative stream.

The public service (gptalk.net) is gone; the wire format is kept faithful
(protocols.md §3) so the provider works against any compatible host. Anonymous
logins allowed 5 questions each, so the login is renewed after 5 uses, on expiry,
and once more whenever the server answers without `data`.
"""

from __future__ import annotations

import asyncio
import codecs
import contextlib
import dataclasses
import secrets
import time
from collections.abc import AsyncGenerator, AsyncIterator, Callable
from typing import TYPE_CHECKING, Any

from providers import sse
from providers.base import ChatOptions, Chunk, ConfigField, Messages, Provider, Timeouts
from providers.errors import (
    AuthError,
    ProtocolError,
    ProviderError,
    RateLimitError,
    ServerError,
    refit_for_keyless,
)
from providers.http import (
    YIELD_EVERY,
    client_timeout,
    exchange,
    json_body,
    network_errors,
    origin_of,
    parse_json,
    raise_for_status,
)
from providers.prompt import format_prompt
from providers.sse import DONE
from providers.surrogates import has_surrogates, mend

if TYPE_CHECKING:
    import aiohttp

__all__ = [
    "DEFAULT_BASE_URL",
    "MAX_USES",
    "GPTalk",
    "LoginState",
    "SessionRefusedError",
    "cumulative_delta",
    "new_fingerprint",
]

DEFAULT_BASE_URL = "https://gptalk.net"
#: Questions one anonymous login may ask (gpt4free issue #1255).
MAX_USES = 5
USER_AGENT = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/117.0.0.0 Safari/537.36"
)
LOGIN_PATH = "/api/chatgpt/user/login"
TEXT_PATH = "/api/chatgpt/chatapi/text"
STREAM_PATH = "/api/chatgpt/chatapi/stream"


def cumulative_delta(previous: str, current: str) -> str | None:
    """The part of `current` after `previous`, or None when `current` does not extend it.

    Each stream line carries the whole answer so far; slicing blindly would print
    garbage when the server rewrites earlier text, so a non-extension is reported.
    """
    if not current.startswith(previous):
        return None
    return current[len(previous) :]


def new_fingerprint() -> str:
    """A random 32-hex browser fingerprint: each one is a fresh anonymous account."""
    return secrets.token_hex(16)


@dataclasses.dataclass
class LoginState:
    """One anonymous login: its bearer token, expiry (Unix seconds) and questions asked."""

    token: str = dataclasses.field(repr=False)
    expires_at: float
    uses: int = 0

    def usable(self, now: float) -> bool:
        return self.uses < MAX_USES and now < self.expires_at


class SessionRefusedError(AuthError):
    """A refused login or a 401/403: there is no key to check, only the anonymous session."""

    kind = "session_refused"
    hint = "The service refused the anonymous session; retry later or pick another provider."


def _server_message(payload: Any) -> str:
    if isinstance(payload, dict):
        for key in ("message", "msg", "error"):
            value = payload.get(key)
            if isinstance(value, str) and value:
                return value
    return ""


class GPTalk(Provider):
    """gptalk.net (dead upstream): login → `chatapi/text` → `chatapi/stream?token=…`."""

    name = "gptalk"
    label = "GPTalk"
    url = DEFAULT_BASE_URL
    working = False
    default_model = "gpt-3.5-turbo"
    models = ("gpt-3.5-turbo",)
    supported_options = frozenset({"temperature"})
    config_fields = (ConfigField("base_url", "Base URL", kind="url", default=DEFAULT_BASE_URL),)

    def __init__(
        self,
        *,
        session: aiohttp.ClientSession,
        proxy: str | None = None,
        timeouts: Timeouts | None = None,
        base_url: str | None = None,
    ) -> None:
        super().__init__(session=session, proxy=proxy, timeouts=timeouts)
        self.base_url = (base_url or DEFAULT_BASE_URL).rstrip("/")
        self._origin = origin_of(self.base_url)
        #: Wall clock in seconds, compared with the login's `expires_at`; tests may shift it.
        self.clock: Callable[[], float] = time.time
        self._login: LoginState | None = None
        self._login_lock = asyncio.Lock()

    # -- requests -------------------------------------------------------------------

    def _headers(self, token: str | None = None) -> dict[str, str]:
        headers = {
            "Accept": "*/*",
            "Origin": self._origin,
            "User-Agent": USER_AGENT,
            "X-Auth-Appid": "2229",
            "X-Auth-Openid": "",
            "X-Auth-Platform": "",
            "X-Auth-Timestamp": str(int(self.clock())),
        }
        if token:
            headers["Authorization"] = f"Bearer {token}"
        return headers

    async def _post_json(self, path: str, body: dict[str, Any], token: str | None = None) -> Any:
        with network_errors():
            async with exchange(
                self.session.post(
                    f"{self.base_url}{path}",
                    data=json_body(body),
                    headers={**self._headers(token), "Content-Type": "application/json"},
                    proxy=self.proxy,
                    timeout=client_timeout(self.timeouts),
                )
            ) as response:
                await raise_for_status(response)
                text = await response.text(encoding="utf-8", errors="replace")
        return parse_json(text, reason="malformed_answer")

    # -- login ----------------------------------------------------------------------

    async def _log_in(self) -> LoginState:
        payload = await self._post_json(
            LOGIN_PATH, {"fingerprint": new_fingerprint(), "platform": "fingerprint"}
        )
        data = payload.get("data") if isinstance(payload, dict) else None
        token = data.get("token") if isinstance(data, dict) else None
        if not isinstance(data, dict) or not isinstance(token, str) or not token:
            raise AuthError(reason="login_refused", detail=_server_message(payload))
        expires_at = data.get("expires_at")
        if isinstance(expires_at, bool) or not isinstance(expires_at, int | float):
            # No expiry given: the use count and the missing-`data` retry still renew it.
            expires_at = float("inf")
        return LoginState(token=token, expires_at=float(expires_at))

    async def _take_login(self) -> LoginState:
        """A login with a question left, reserving it; concurrent callers share one login."""
        async with self._login_lock:
            login = self._login
            if login is None or not login.usable(self.clock()):
                login = self._login = await self._log_in()
            login.uses += 1
            return login

    def _drop_login(self, login: LoginState) -> None:
        # Only the login that failed: a concurrent request may already have a new one.
        if self._login is login:
            self._login = None

    async def _stream_token(self, model: str, prompt: str, options: ChatOptions) -> str:
        """Submit the prompt; a reply without `data` means the login is spent: renew once."""
        message = ""
        for _attempt in range(2):
            login = await self._take_login()
            now = int(self.clock())
            body = {
                "content": prompt,
                "accept": "stream",
                "from": 1,
                "model": model,
                "is_mobile": 0,
                "user_agent": USER_AGENT,
                "is_open_ctx": 0,
                "prompt": "",
                "roid": 111,
                "temperature": options.get("temperature", 0),
                "ctx_msg_count": 3,
                "created_at": now,
            }
            payload = await self._post_json(TEXT_PATH, body, token=login.token)
            data = payload.get("data") if isinstance(payload, dict) else None
            token = data.get("token") if isinstance(data, dict) else None
            if isinstance(token, str) and token:
                return token
            self._drop_login(login)
            message = _server_message(payload)
        raise RateLimitError(reason="question_refused", detail=message, status=None)

    # -- stream ---------------------------------------------------------------------

    async def _stream(
        self, model: str, messages: Messages, stream: bool, options: ChatOptions
    ) -> AsyncGenerator[Chunk, None]:
        try:
            token = await self._stream_token(model, format_prompt(messages), options)
            with network_errors():
                async with exchange(
                    self.session.get(
                        f"{self.base_url}{STREAM_PATH}",
                        params={"token": token},
                        headers=self._headers(),
                        proxy=self.proxy,
                        timeout=client_timeout(self.timeouts),
                    )
                ) as response:
                    await raise_for_status(response)
                    async for delta in self._read_stream(response):
                        yield delta
        except ProviderError as error:
            raise refit_for_keyless(error, self.label, SessionRefusedError) from None

    async def _read_stream(self, response: aiohttp.ClientResponse) -> AsyncIterator[str]:
        """Diff the cumulative `data:` lines; lines need not be separated by blank lines."""
        previous = ""
        async with contextlib.aclosing(_data_lines(response)) as lines:
            async for line in lines:
                if line.startswith(DONE):
                    return
                item = parse_json(line)
                content = item.get("content") if isinstance(item, dict) else None
                if not isinstance(content, str):
                    message = _server_message(item)
                    if message:
                        raise ServerError(detail=message)
                    continue
                if has_surrogates(content):  # an emoji's second half may come next time
                    content = mend(content[:-1] if _ends_high(content) else content)
                delta = cumulative_delta(previous, content)
                if delta is None:
                    raise ProtocolError(reason="rewrote")
                previous = content
                if delta:
                    yield delta
        raise ProtocolError(reason="cut_short")


def _ends_high(text: str) -> bool:
    return "\ud800" <= text[-1:] <= "\udbff"


async def _data_lines(response: aiohttp.ClientResponse) -> AsyncGenerator[str, None]:
    """Values of `data:` lines as they complete, across split chunks and UTF-8; an
    unfinished line is kept in pieces (joined once) and may not pass `sse.MAX_LINE`."""
    decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
    pieces: list[str] = []
    size = 0
    count = 0
    async for chunk in response.content.iter_any():
        text = decoder.decode(chunk)
        if "\n" not in text:
            size += len(text)
            if size > sse.MAX_LINE:
                raise ProtocolError(
                    reason="line_too_long", params={"limit_mb": sse.MAX_LINE // (1024 * 1024)}
                )
            pieces.append(text)
            await asyncio.sleep(0)
            continue
        *lines, pending = "".join([*pieces, text]).split("\n")
        pieces, size = [pending], len(pending)
        for line in lines:
            value = _data_value(line)
            if value is not None:
                yield value
                count += 1
                if count % YIELD_EVERY == 0:
                    await asyncio.sleep(0)
        await asyncio.sleep(0)
    pending = "".join(pieces) + decoder.decode(b"", final=True)
    value = _data_value(pending)
    if value is not None:
        yield value


def _data_value(line: str) -> str | None:
    line = line.rstrip("\r")
    if not line.startswith("data:"):
        return None
    value = line[len("data:") :]
    return value[1:] if value.startswith(" ") else value
