"""GigaChat (Sber) over its REST API v1, the way the official Python SDK speaks it.

The login (providers/gigachat_login.py) is an authorization key traded for a 30-minute
access token at a separate OAuth host, a user name and password traded at `/token`, an
access token given as is, or a client certificate. Tokens live in a TokenCache shared by
requests. Both hosts chain to the Russian Trusted Root CA, which ships with the package
and is added to (never replaces) the system trust store.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
from collections.abc import AsyncGenerator, AsyncIterator, Mapping
from typing import TYPE_CHECKING, Any, ClassVar

from providers.base import (
    ChatOptions,
    Chunk,
    ConfigField,
    FinishReason,
    Messages,
    Reasoning,
    Usage,
)
from providers.delta_stream import read_deltas
from providers.errors import ProtocolError, ProviderError, error_for_status
from providers.gigachat_auth import USER_AGENT
from providers.gigachat_client import MALFORMED, MAX_BODY, GigaChatClient
from providers.gigachat_files import file_ids, forget_files, is_forgotten_file
from providers.gigachat_functions import FunctionCalls, wire_messages
from providers.gigachat_settings import (
    CONFIG_FIELDS,
    DEFAULT_AUTH_URL,
    DEFAULT_BASE_URL,
    LEGACY_BASE_URL,
    SCOPES,
)
from providers.http import json_body, read_body, request_errors, server_message
from providers.surrogates import mend
from providers.tools import ToolSpec, gigachat_functions

if TYPE_CHECKING:
    import aiohttp

__all__ = [
    "DEFAULT_AUTH_URL",
    "DEFAULT_BASE_URL",
    "LEGACY_BASE_URL",
    "SCOPES",
    "USER_AGENT",
    "BalanceEntry",
    "GigaChat",
]


def _error_object(data: Mapping[str, Any]) -> ProviderError:
    """A `{"status", "message"}` object where an answer was expected."""
    status = data.get("status")
    message = data.get("message")
    if not isinstance(message, str):
        message = json.dumps(data, ensure_ascii=False)[:200]
    text = mend(message)  # half an emoji from an escaped JSON must not travel on
    if isinstance(status, int) and not isinstance(status, bool) and status >= 400:
        return error_for_status(status, text)
    return ProtocolError(reason="error_instead_of_answer", detail=text)


@contextlib.asynccontextmanager
async def _entered(
    opened: contextlib.AbstractAsyncContextManager[aiohttp.ClientResponse],
    response: aiohttp.ClientResponse,
) -> AsyncIterator[aiohttp.ClientResponse]:
    """A request already entered (to see its status before choosing), left as usual."""
    try:
        yield response
    except BaseException as error:
        if not await opened.__aexit__(type(error), error, error.__traceback__):
            raise
    else:
        await opened.__aexit__(None, None, None)


@dataclasses.dataclass(frozen=True)
class BalanceEntry:
    """What is left of one prepaid package (`usage` names the model or service)."""

    usage: str
    value: float


class GigaChat(GigaChatClient):
    """Sber's GigaChat: a login → access token → chat completions (SSE or JSON)."""

    name: ClassVar[str] = "gigachat"
    label: ClassVar[str] = "GigaChat"
    url: ClassVar[str] = "https://developers.sber.ru/gigachat"
    working: ClassVar[bool] = True
    needs_auth: ClassVar[bool] = True
    supports_system_message: ClassVar[bool] = True
    supports_tools: ClassVar[bool] = True
    #: The SDK has no default model since 0.2.3; the `GigaChat` alias is gone from the
    #: new host, so the default is a name both hosts serve.
    default_model: ClassVar[str] = "GigaChat-2"
    models: ClassVar[tuple[str, ...]] = (
        "GigaChat-2",
        "GigaChat-2-Pro",
        "GigaChat-2-Max",
        "GigaChat",
        "GigaChat-Pro",
        "GigaChat-Max",
    )
    supported_options: ClassVar[frozenset[str]] = frozenset(
        {
            "temperature",
            "top_p",
            "max_tokens",
            "repetition_penalty",
            "update_interval",
            "reasoning_effort",
            "session_id",
        }
    )
    config_fields: ClassVar[tuple[ConfigField, ...]] = CONFIG_FIELDS

    async def _stream(
        self,
        model: str,
        messages: Messages,
        stream: bool,
        options: ChatOptions,
        *,
        tools: tuple[ToolSpec, ...] = (),
    ) -> AsyncGenerator[Chunk, None]:
        self._require_login()
        files = await file_ids(self, messages)
        body = self._chat_body(model, messages, stream, options, tools, files)
        headers = {"Content-Type": "application/json"}
        if stream:
            headers.update({"Accept": "text/event-stream", "Cache-Control": "no-store"})
        else:
            headers["Accept"] = "application/json"
        if options.get("session_id"):
            headers["X-Session-ID"] = options["session_id"]
        with request_errors(*self._secrets()):
            try:
                opened = self._request("POST", "/chat/completions", data=body, headers=headers)
                response = await opened.__aenter__()
            except ProviderError as error:  # the service lost a file: upload it once more
                if not (files and is_forgotten_file(error) and forget_files(self, messages)):
                    raise
                files = await file_ids(self, messages)
                body = self._chat_body(model, messages, stream, options, tools, files)
                opened = self._request("POST", "/chat/completions", data=body, headers=headers)
                response = await opened.__aenter__()
            async with _entered(opened, response):
                calls = FunctionCalls()
                if stream:
                    reading = self._read_stream(response, calls)
                    async with contextlib.aclosing(reading) as chunks:
                        async for chunk in chunks:
                            yield chunk
                else:
                    for chunk in await self._read_whole(response, calls):
                        yield chunk

    @staticmethod
    def _chat_body(
        model: str,
        messages: Messages,
        stream: bool,
        options: ChatOptions,
        tools: tuple[ToolSpec, ...] = (),
        files: Mapping[int, list[str]] | None = None,
    ) -> bytes:
        """The request JSON: only non-null fields, non-ASCII kept as UTF-8 (as the SDK);
        the session id travels as a header, and thinking is never sent back. Tools go
        as `functions` with `function_call: "auto"` (the SDK's models/chat.py)."""
        payload: dict[str, Any] = {"model": model, "messages": wire_messages(messages, files)}
        if tools:
            payload["functions"] = gigachat_functions(tools)
            payload["function_call"] = "auto"
        if stream:
            payload["stream"] = True
        payload.update({k: v for k, v in options.items() if v is not None and k != "session_id"})
        return json_body(payload)

    async def _read_stream(
        self, response: aiohttp.ClientResponse, calls: FunctionCalls
    ) -> AsyncGenerator[Chunk, None]:
        if response.content_type != "text/event-stream":
            raise await self._not_a_stream(response)
        async for chunk in read_deltas(
            response,
            lambda value, data: self._choice(self._object(value, data), "delta", calls),
            cut="stopped_early",
            malformed=MALFORMED,
            stall_after=self.timeouts.read,
            tail=calls.calls,
        ):
            yield chunk

    async def _read_whole(
        self, response: aiohttp.ClientResponse, calls: FunctionCalls
    ) -> list[Chunk]:
        data = self._parse((await read_body(response, MAX_BODY)).decode("utf-8", "replace"))
        content, thought, finish, usage = self._choice(data, "message", calls)
        chunks: list[Chunk] = []
        if thought:
            chunks.append(Reasoning(mend(thought)))
        if content:
            chunks.append(mend(content))
        chunks += calls.calls()
        if finish:
            chunks.append(FinishReason(finish))
        if usage:
            chunks.append(usage)
        return chunks

    async def _not_a_stream(self, response: aiohttp.ClientResponse) -> ProviderError:
        """A 200 that should have been an event stream: usually a JSON error object."""
        body = await read_body(response, 64 * 1024)
        with contextlib.suppress(ValueError):
            data = json.loads(body)
            if isinstance(data, dict) and ("status" in data or "message" in data):
                return _error_object(data)
        detail = server_message(body, response.content_type)
        if not response.content_type:
            return ProtocolError(reason="no_content_type", detail=detail)
        return ProtocolError(
            reason="not_event_stream", params={"content_type": response.content_type}, detail=detail
        )

    def _choice(
        self, data: dict[str, Any], part: str, calls: FunctionCalls
    ) -> tuple[str, str, str | None, Usage | None]:
        """Text, thinking, finish reason and usage of `choices[0]` (`delta` in streams,
        else `message`); a `function_call` in it goes to `calls`."""
        choices = data.get("choices")
        if not isinstance(choices, list):
            if "status" in data or "message" in data:
                raise _error_object(data)
            raise ProtocolError(reason="no_choices")
        text = thought = ""
        reason: str | None = None
        if choices and isinstance(choices[0], dict):
            body = choices[0].get(part)
            if isinstance(body, dict):
                content = body.get("content")
                text = content if isinstance(content, str) else ""
                reasoning = body.get("reasoning_content")
                thought = reasoning if isinstance(reasoning, str) else ""
                if "function_call" in body or "functions_state_id" in body:
                    calls.feed(body)
            finish = choices[0].get("finish_reason")
            reason = finish if isinstance(finish, str) and finish else None
        return text, thought, reason, Usage.from_json(data.get("usage"))

    # -- models and balance ----------------------------------------------------------

    async def _list_models(self) -> list[str]:
        """Chat models from `GET /models` when a login is set, else the static list.

        With a login, failures are raised (typed) so Settings can say what is wrong.
        """
        if not self.has_key:
            return list(self.models)
        data = await self._get_json("/models")
        items = data.get("data")
        if not isinstance(items, list):
            raise ProtocolError(reason="no_model_data")
        return [
            item["id"]
            for item in items
            if isinstance(item, dict)
            and isinstance(item.get("id"), str)
            and item.get("type", "chat") == "chat"
        ]

    async def balance(self) -> list[BalanceEntry] | None:
        """What is left of the prepaid packages (`GET /balance`); None where the service
        keeps no balance for this login (it answers 403 for pay-as-you-go, or 404)."""
        try:
            data = await self._get_json("/balance")
        except ProviderError as error:
            if error.status in (403, 404):
                return None
            error.with_provider(self.label)
            raise
        items = data.get("balance")
        if not isinstance(items, list):
            raise ProtocolError(reason="unexpected_data", provider=self.label)
        return [
            BalanceEntry(item["usage"], float(item["value"]))
            for item in items
            if isinstance(item, dict)
            and isinstance(item.get("usage"), str)
            and isinstance(item.get("value"), int | float)
            and not isinstance(item.get("value"), bool)
        ]
