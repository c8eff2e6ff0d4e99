"""Any OpenAI-compatible chat endpoint: Ollama, LM Studio, llama.cpp, vLLM, OpenAI.

The one provider most people can reach, so it is the forgiving one: the key is
optional (local servers take none), any model name may be typed, and the base URL
points at whatever serves `/chat/completions` and `/models`.
"""

from __future__ import annotations

import ssl
from collections.abc import AsyncGenerator, Mapping
from typing import TYPE_CHECKING, Any

from providers.base import (
    ChatOptions,
    Chunk,
    ConfigField,
    FinishReason,
    Messages,
    Provider,
    Timeouts,
    Usage,
)
from providers.delta_stream import read_deltas
from providers.errors import ProtocolError, ProviderError, RateLimitError, error_for_status
from providers.http import (
    client_timeout,
    parse_json,
    raise_for_status,
    request_errors,
    ssl_context,
)

if TYPE_CHECKING:
    import aiohttp

__all__ = ["DEFAULT_BASE_URL", "OpenAICompatible", "error_from_body"]

#: Ollama's OpenAI-compatible API on this machine: reachable without a key or account.
DEFAULT_BASE_URL = "http://127.0.0.1:11434/v1"


def error_from_body(body: Mapping[str, Any], *, provider: str = "") -> ProviderError | None:
    """The typed error an `{"error": …}` body (in a 200 or inside a stream) stands for;
    the server's message is its detail."""
    error = body.get("error")
    if error is None:
        return None
    if isinstance(error, Mapping):
        message = str(error.get("message") or error.get("type") or "")
        code = error.get("code", body.get("status"))
        kind = f"{error.get('type', '')} {code}".lower()
    else:
        message, code, kind = str(error), body.get("status"), ""
    if isinstance(code, str) and code.isdigit():
        code = int(code)
    if not (isinstance(code, int) and not isinstance(code, bool) and 400 <= code < 600):
        if "rate_limit" in kind or "insufficient_quota" in kind:
            reason = "" if message else "reported_error"
            return RateLimitError(provider=provider, status=None, reason=reason, detail=message)
        code = 500
    return error_for_status(code, message, provider=provider, fallback="reported_error")


def _first_choice(chunk: Mapping[str, Any]) -> Mapping[str, Any]:
    choices = chunk.get("choices")
    if isinstance(choices, list) and choices and isinstance(choices[0], Mapping):
        return choices[0]
    return {}


class OpenAICompatible(Provider):
    """`POST {base}/chat/completions` (SSE or JSON) and `GET {base}/models`."""

    name = "openai"
    label = "OpenAI-compatible"
    url = "https://platform.openai.com/docs/api-reference/chat"
    working = True
    supports_system_message = True
    default_model = "llama3.2"
    models = ("llama3.2",)
    supported_options = frozenset({"temperature", "top_p", "max_tokens"})
    config_fields = (
        ConfigField("base_url", "Base URL", kind="url", default=DEFAULT_BASE_URL),
        # No `env`: an OPENAI_API_KEY meant for OpenAI must not go to whatever host is set.
        ConfigField("api_key", "API key (optional)", kind="secret"),
        ConfigField("ca_file", "Extra CA certificate file", kind="file", advanced=True),
    )

    def __init__(
        self,
        *,
        session: aiohttp.ClientSession,
        proxy: str | None = None,
        timeouts: Timeouts | None = None,
        base_url: str | None = None,
        api_key: str | None = None,
        ca_file: str | None = None,
    ) -> None:
        super().__init__(session=session, proxy=proxy, timeouts=timeouts)
        self.base_url = (base_url or DEFAULT_BASE_URL).rstrip("/")
        self._api_key = api_key or None
        # A self-hosted server behind a private CA: trust it on top of the system store.
        self._ssl: ssl.SSLContext | bool = ssl_context(extra_ca_file=ca_file) if ca_file else True

    def _headers(self, *, event_stream: bool = False) -> dict[str, str]:
        headers = {"Accept": "text/event-stream" if event_stream else "application/json"}
        if self._api_key:
            headers["Authorization"] = f"Bearer {self._api_key}"
        return headers

    async def _list_models(self) -> list[str]:
        """The server's live list; a failure raises its typed error (no guessing)."""
        with request_errors(*self._secrets()):
            async with self.session.get(
                f"{self.base_url}/models",
                headers=self._headers(),
                proxy=self.proxy,
                ssl=self._ssl,
                timeout=client_timeout(self.timeouts),
            ) as response:
                await raise_for_status(response)
                text = await response.text(encoding="utf-8", errors="replace")
            body = parse_json(text, reason="malformed_answer")
        data = body.get("data") if isinstance(body, Mapping) else None
        if not isinstance(data, list):
            raise ProtocolError(reason="model_list_format")
        return [str(item["id"]) for item in data if isinstance(item, Mapping) and item.get("id")]

    async def _stream(
        self, model: str, messages: Messages, stream: bool, options: ChatOptions
    ) -> AsyncGenerator[Chunk, None]:
        body: dict[str, Any] = {
            "model": model,
            "messages": [{"role": m["role"], "content": m["content"]} for m in messages],
            "stream": stream,
            **options,
        }
        with request_errors(*self._secrets()):
            async with self.session.post(
                f"{self.base_url}/chat/completions",
                json=body,
                headers=self._headers(event_stream=stream),
                proxy=self.proxy,
                ssl=self._ssl,
                timeout=client_timeout(self.timeouts),
            ) as response:
                await raise_for_status(response)
                if stream and response.content_type != "application/json":
                    async for chunk in read_deltas(response, self._read_event, cut="cut_short"):
                        yield chunk
                else:
                    # Also a streaming request answered with JSON: a server that ignores
                    # `stream`, or an error object with status 200.
                    text = await response.text(encoding="utf-8", errors="replace")
                    for chunk in self._read_completion(text):
                        yield chunk

    def _secrets(self) -> tuple[str, ...]:
        """What to blank out of errors, should the server have quoted the key back."""
        return (self._api_key,) if self._api_key else ()

    def _read_completion(self, text: str) -> list[Chunk]:
        body = parse_json(text, reason="malformed_answer")
        if not isinstance(body, Mapping):
            raise ProtocolError(reason="not_json_object")
        error = error_from_body(body)
        if error is not None:
            raise error
        choice = _first_choice(body)
        message = choice.get("message")
        content = message.get("content") if isinstance(message, Mapping) else None
        if not isinstance(content, str):
            raise ProtocolError(reason="no_content")
        chunks: list[Chunk] = [content] if content else []
        if isinstance(choice.get("finish_reason"), str):
            chunks.append(FinishReason(choice["finish_reason"]))
        usage = Usage.from_json(body.get("usage"))
        if usage is not None:
            chunks.append(usage)
        return chunks

    def _read_event(self, chunk: Any, _data: str) -> tuple[str, str | None, Usage | None]:
        # Runs for every token of a stream: dict checks (JSON objects are dicts), and
        # the error and usage parsers only for events that carry them.
        if not isinstance(chunk, dict):
            raise ProtocolError(reason="item_not_object")
        if "error" in chunk:
            error = error_from_body(chunk)
            if error is not None:
                raise error
        choices = chunk.get("choices")
        choice = choices[0] if isinstance(choices, list) and choices else None
        if not isinstance(choice, dict):
            choice = {}
        delta = choice.get("delta")
        content = delta.get("content") if isinstance(delta, dict) else None
        reason = choice.get("finish_reason")
        usage = chunk.get("usage")
        return (
            content if isinstance(content, str) else "",
            reason if isinstance(reason, str) else None,
            None if usage is None else Usage.from_json(usage),
        )
