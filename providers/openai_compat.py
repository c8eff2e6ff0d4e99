"""Any OpenAI-compatible chat endpoint: Ollama, LM Studio, llama.cpp, vLLM, OpenAI.

The one provider most people can reach, so it is the forgiving one: the key is
optional (local servers take none), any model name may be typed, and the base URL
points at whatever serves `/chat/completions` and `/models`. Thinking comes as
`reasoning_content` (DeepSeek, llama.cpp), `reasoning` (OpenRouter, vLLM, Ollama) or
a leading `<think>…</think>` in the content (local servers without a reasoning parser).

Streams ask for usage (`stream_options.include_usage`, as OpenAI wants it asked). A
server that answers 400 (or 422) to that before anything else is asked once more
without it, and that endpoint is not asked again for the rest of the process: at once
when its error names `stream_options`, else when the request without it succeeds (a
400 about something else fails the same way twice and teaches nothing).
"""

from __future__ import annotations

import asyncio
import ssl
from collections.abc import AsyncGenerator, Mapping
from typing import TYPE_CHECKING, Any

from providers.attachment_parts import body_bytes, parts_by_message, streamed
from providers.base import (
    ChatOptions,
    Chunk,
    ConfigField,
    FinishReason,
    Messages,
    Provider,
    Reasoning,
    Timeouts,
    Usage,
)
from providers.delta_stream import read_deltas
from providers.errors import (
    ProtocolError,
    ProviderError,
    RateLimitError,
    about_images,
    error_for_status,
)
from providers.http import (
    client_timeout,
    exchange,
    json_body,
    parse_json,
    raise_for_status,
    request_errors,
    ssl_context,
)
from providers.surrogates import mend
from providers.think import ThinkSplitter
from providers.tools import ToolCall, ToolCallAssembler, ToolSpec, openai_tools

if TYPE_CHECKING:
    import aiohttp

__all__ = ["DEFAULT_BASE_URL", "OpenAICompatible", "error_from_body", "wire_messages"]

#: Ollama's OpenAI-compatible API on this machine: reachable without a key or account.
DEFAULT_BASE_URL = "http://127.0.0.1:11434/v1"
_USAGE_WORDS = ("stream_options", "include_usage")


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
    message = mend(message)  # half an emoji from an escaped JSON must not travel on
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


def _thinking(part: Mapping[str, Any]) -> str:
    """A delta's or message's thinking, under either name servers use for it."""
    value = part.get("reasoning_content")
    if not isinstance(value, str) or not value:
        value = part.get("reasoning")
    return value if isinstance(value, str) else ""


class OpenAICompatible(Provider):
    """`POST {base}/chat/completions` (SSE or JSON) and `GET {base}/models`."""

    name = "openai"
    label = "OpenAI-compatible"
    url = "https://platform.openai.com/docs/api-reference/chat"
    working = True
    supports_system_message = True
    supports_tools = True
    default_model = "llama3.2"
    models = ("llama3.2",)
    supported_options = frozenset({"temperature", "top_p", "max_tokens", "reasoning_effort"})
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
        server_notes: dict[str, bool] | None = None,
    ) -> None:
        super().__init__(session=session, proxy=proxy, timeouts=timeouts)
        self.base_url = (base_url or DEFAULT_BASE_URL).rstrip("/")
        #: Base URL → whether it takes `stream_options` (absent: not known yet). The app
        #: shares one for its run (gui.core.provider_factory), so a server that refused
        #: it once is not asked again by the instance a settings change makes.
        self.server_notes = server_notes if server_notes is not None else {}
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
        self,
        model: str,
        messages: Messages,
        stream: bool,
        options: ChatOptions,
        *,
        tools: tuple[ToolSpec, ...] = (),
    ) -> AsyncGenerator[Chunk, None]:
        parts, blobs = (
            await asyncio.to_thread(parts_by_message, messages)
            if any(message.get("attachments") for message in messages)
            else (None, {})
        )
        body: dict[str, Any] = {
            "model": model,
            "messages": wire_messages(messages, parts),
            "stream": stream,
            **options,
        }
        if tools:
            body["tools"] = openai_tools(tools)
        calls = ToolCallAssembler()
        ask_usage = stream and self.server_notes.get(self.base_url) is not False
        probing: bool | None = False
        with request_errors(*self._secrets()):
            while True:
                if ask_usage:
                    body["stream_options"] = {"include_usage": True}
                else:
                    body.pop("stream_options", None)
                async with exchange(
                    self.session.post(
                        f"{self.base_url}/chat/completions",
                        # A body with files is megabytes of base64: encoded off the loop.
                        data=streamed(await asyncio.to_thread(body_bytes, body, blobs))
                        if blobs
                        else json_body(body),
                        headers={
                            **self._headers(event_stream=stream),
                            "Content-Type": "application/json",
                        },
                        proxy=self.proxy,
                        ssl=self._ssl,
                        timeout=client_timeout(self.timeouts),
                    )
                ) as response:
                    if ask_usage and response.status in (400, 422):
                        error = await _status_error(response)
                        probing = self._refused_usage(error)
                        if probing is None:
                            raise error
                        ask_usage = False
                        continue
                    await raise_for_status(response)
                    if stream:
                        self._learned_usage(asked=ask_usage, probing=probing)
                    if stream and response.content_type != "application/json":
                        async for chunk in read_deltas(
                            response,
                            lambda value, _data: self._read_event(value, calls),
                            cut="cut_short",
                            split_think=True,
                            stall_after=self.timeouts.read,
                            tail=calls.calls,
                        ):
                            yield chunk
                    else:
                        # Also a streaming request answered with JSON: a server that ignores
                        # `stream`, or an error object with status 200.
                        text = await response.text(encoding="utf-8", errors="replace")
                        for chunk in self._read_completion(text):
                            yield chunk
                return

    def _refused_usage(self, error: ProviderError) -> bool | None:
        """After a 400 to a request asking for usage: None to give up (the server knows
        `stream_options`), else retry without it; True while it is only a guess."""
        said = f"{error.detail} {error.message}".lower()
        if any(word in said for word in _USAGE_WORDS):
            self.server_notes[self.base_url] = False
            return False
        if about_images(said):
            return None  # about the pictures: the same body again would only fail again
        if self.server_notes.get(self.base_url) is None:
            return True
        return None

    def _learned_usage(self, *, asked: bool, probing: bool | None) -> None:
        if asked:
            self.server_notes[self.base_url] = True
        elif probing:  # the same request without `stream_options` went through
            self.server_notes[self.base_url] = False

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
        thought = mend(_thinking(message)) if isinstance(message, Mapping) else ""
        calls = ToolCallAssembler()
        if isinstance(message, Mapping):
            calls.feed(message.get("tool_calls"))
        if not isinstance(content, str):
            # `null` content is fine only beside thinking (cut while thinking) or calls
            if not thought and not calls:
                raise ProtocolError(reason="no_content")
            content = ""
        chunks: list[Chunk] = []
        if thought:
            chunks.append(Reasoning(thought))
        splitter = ThinkSplitter()
        chunks += [*splitter.feed(mend(content)), *splitter.close()]
        chunks += calls.calls()
        if isinstance(choice.get("finish_reason"), str):
            chunks.append(FinishReason(choice["finish_reason"]))
        usage = Usage.from_json(body.get("usage"))
        if usage is not None:
            chunks.append(usage)
        return chunks

    def _read_event(
        self, chunk: Any, calls: ToolCallAssembler
    ) -> tuple[str, str, str | None, Usage | None]:
        # Runs for every token of a stream: dict checks (JSON objects are dicts), and
        # the error, tool call and usage parsers only for events that carry them.
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
        content = thought = None
        if isinstance(delta, dict):
            content = delta.get("content")
            if content is None or len(delta) > 1:  # a plain `{"content"}` has no thinking
                thought = delta.get("reasoning_content") or delta.get("reasoning")
                if "tool_calls" in delta:
                    calls.feed(delta["tool_calls"])
        reason = choice.get("finish_reason")
        usage = chunk.get("usage")
        return (
            content if isinstance(content, str) else "",
            thought if isinstance(thought, str) else "",
            reason if isinstance(reason, str) else None,
            None if usage is None else Usage.from_json(usage),
        )


def wire_messages(
    messages: Messages, parts: Mapping[int, list[dict[str, Any]]] | None = None
) -> list[dict[str, Any]]:
    """The history in OpenAI's form: a reply that called tools carries `tool_calls`
    (its content null when it said nothing), each result is a `tool` message."""
    wire: list[dict[str, Any]] = []
    for index, message in enumerate(messages):
        role = message["role"]
        if parts and index in parts:
            wire.append({"role": role, "content": parts[index]})
            continue
        if role == "tool":
            wire.append(
                {
                    "role": "tool",
                    "tool_call_id": message.get("tool_call_id", ""),
                    "content": message["content"],
                }
            )
            continue
        item: dict[str, Any] = {"role": role, "content": message["content"]}
        calls: Any = message.get("tool_calls")
        if calls:
            item["content"] = message["content"] or None
            item["tool_calls"] = [_wire_call(call) for call in calls]
        wire.append(item)
    return wire


def _wire_call(call: ToolCall) -> dict[str, Any]:
    return {
        "id": call.id,
        "type": "function",
        "function": {"name": call.name, "arguments": call.arguments or "{}"},
    }


async def _status_error(response: aiohttp.ClientResponse) -> ProviderError:
    """The typed error of a non-2xx response, returned rather than raised."""
    try:
        await raise_for_status(response)
    except ProviderError as error:
        return error
    raise AssertionError("not an error status")  # pragma: no cover
