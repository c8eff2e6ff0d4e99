"""GPROChat: a Gemini proxy that takes one signed prompt and answers with raw text.

The public service (gprochat.com) is gone; the wire format is kept faithful
(protocols.md §4) so the provider works against any compatible host.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import AsyncGenerator, Callable
from typing import TYPE_CHECKING, Any

from providers.base import ChatOptions, Chunk, ConfigField, Messages, Provider, Timeouts
from providers.errors import (
    AuthError,
    ProviderError,
    RateLimitError,
    ServerError,
    recast,
    refit_for_keyless,
)
from providers.http import (
    client_timeout,
    exchange,
    iter_text,
    json_body,
    network_errors,
    origin_of,
    raise_for_status,
)
from providers.prompt import format_prompt

if TYPE_CHECKING:
    import aiohttp

__all__ = [
    "DEFAULT_BASE_URL",
    "SECRET",
    "GPROChat",
    "RequestRefusedError",
    "generate_signature",
    "request_body",
]

DEFAULT_BASE_URL = "https://gprochat.com"
#: The site's client-side signing secret (public; it only proves "sent by the web app").
SECRET = "2BC120D4-BB36-1B60-26DE-DB630472A3D8"
USER_AGENT = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/129.0.0.0 Safari/537.36"
)


def generate_signature(timestamp_ms: int, prompt: str, secret: str = SECRET) -> str:
    """Lowercase hex SHA-256 of `time:prompt:secret`; the server rejects anything else."""
    return hashlib.sha256(f"{timestamp_ms}:{prompt}:{secret}".encode()).hexdigest()


def request_body(prompt: str, timestamp_ms: int) -> dict[str, Any]:
    """The JSON the service expects: the whole history as one signed user turn."""
    return {
        "messages": [{"role": "user", "parts": [{"text": prompt}]}],
        "time": timestamp_ms,
        "pass": None,
        "sign": generate_signature(timestamp_ms, prompt),
    }


class RequestRefusedError(AuthError):
    """A 401/403 from a service that takes no key: the base auth hint would send people
    looking for a key field that does not exist."""

    kind = "signature_refused"
    hint = (
        "The service refused the signed request; "
        "check the computer's clock and the base URL in Settings."
    )


class GPROChat(Provider):
    """gprochat.com (dead upstream): `POST /api/generate`, signed body, raw text stream."""

    name = "gprochat"
    label = "GPROChat"
    url = DEFAULT_BASE_URL
    working = False
    default_model = "gemini-1.5-pro"
    models = ("gemini-1.5-pro",)
    supported_options = frozenset()
    config_fields = (ConfigField("base_url", "Base URL", kind="url", default=DEFAULT_BASE_URL),)

    #: The seeds' static method name.
    generate_signature = staticmethod(generate_signature)

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
        #: Wall clock in seconds; the signature is bound to it, tests may shift it.
        self.clock: Callable[[], float] = time.time

    def _headers(self) -> dict[str, str]:
        # The web app sends its JSON as text/plain; keep that, a strict host may check it.
        return {
            "Accept": "*/*",
            "Origin": self._origin,
            "Referer": f"{self._origin}/",
            "User-Agent": USER_AGENT,
            "Content-Type": "text/plain;charset=UTF-8",
        }

    async def _stream(
        self, model: str, messages: Messages, stream: bool, options: ChatOptions
    ) -> AsyncGenerator[Chunk, None]:
        body = request_body(format_prompt(messages), int(self.clock() * 1000))
        try:
            with network_errors():
                async with exchange(
                    self.session.post(
                        f"{self.base_url}/api/generate",
                        data=json_body(body),  # raw UTF-8, as the text/plain header says
                        headers=self._headers(),
                        proxy=self.proxy,
                        timeout=client_timeout(self.timeouts),
                    )
                ) as response:
                    await self._raise_for_status(response)
                    async for text in iter_text(response):
                        yield text
        except ProviderError as error:
            raise refit_for_keyless(error, self.label, RequestRefusedError) from None

    async def _raise_for_status(self, response: aiohttp.ClientResponse) -> None:
        """429, and the Gemini quota surfacing as a 500, are both "wait and retry"."""
        try:
            await raise_for_status(response)
        except ServerError as error:
            if error.status == 500 and "quota exceeded" in error.message.lower():
                raise recast(error, RateLimitError) from None
            raise
