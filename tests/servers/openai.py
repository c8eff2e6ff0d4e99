"""A loopback OpenAI-compatible server (`/v1/models`, `/v1/chat/completions`) with faults.

Like OpenAI, a stream carries a usage chunk only when the request asks for it with
`stream_options: {"include_usage": true}`; `refuse_stream_options` plays the servers
that answer such a request with 400 instead.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import socket
import ssl
import struct
import time
from collections.abc import AsyncIterator
from typing import Any

from aiohttp import web
from multidict import CIMultiDict

from tests.servers.loopback import Recorded, send_pieces, serve
from tests.servers.openai_parts import parts_problem
from tests.servers.tool_rules import openai_call_deltas, openai_problem


def _error(status: int, message: str, kind: str, **headers: str) -> web.Response:
    return web.json_response(
        {"error": {"message": message, "type": kind, "param": None, "code": None}},
        status=status,
        headers=headers,
    )


@dataclasses.dataclass
class OpenAIEmulator:
    """Fault switches are plain attributes; flip them between requests."""

    models: list[str] = dataclasses.field(default_factory=lambda: ["llama3.2", "qwen2.5:7b"])
    reply: str = "Привет! Это ответ локальной модели."
    #: Characters per streamed delta.
    chunk_chars: int = 4
    #: Bytes per write of the stream body (None: one write per event); odd splits UTF-8.
    chunk_bytes: int | None = None
    chunk_delay: float = 0.0
    #: Require `Authorization: Bearer <api_key>` on every endpoint (None: no key needed).
    api_key: str | None = None
    #: Answer chat requests with this status instead (429 carries `retry_after`)...
    status: int | None = None
    retry_after: str | None = None
    #: ...this many times, then answer normally (None: every time).
    fail_times: int | None = None
    #: With `status`: this JSON body instead of OpenAI's `{"error": {...}}` (e.g.
    #: FastAPI's `{"detail": [...]}`).
    error_body: dict[str, Any] | None = None
    #: Reset the connection (RST) instead of answering, this many times.
    reset_times: int = 0
    #: Answer a request with `stream_options` with 400 and this message (None: take it).
    refuse_stream_options: str | None = None
    #: Prompt tokens reported as served from the cache (`prompt_tokens_details`).
    cached_tokens: int = 0
    #: Models that take images (None: every model; an image for another one: 400).
    vision_models: frozenset[str] | None = None
    #: Thinking streamed before the reply: as `delta.<reasoning_field>`, or, with
    #: `think_tags`, inside `<think>…</think>` at the start of the content.
    reasoning: str = ""
    reasoning_field: str = "reasoning_content"
    think_tags: bool = False
    #: End the stream after this many content events, without finish_reason or [DONE].
    cut_after: int | None = None
    #: With `cut_after`: drop the connection instead of ending the body cleanly.
    abort: bool = False
    #: Send this object as a `data:` event after the first content event.
    stream_error: dict[str, Any] | None = None
    #: Send a `data:` line that is not JSON after the first content event.
    malformed: bool = False
    #: Tool calls to make, one list per request that offers `tools` (each call an
    #: `{"id", "name", "arguments"}` with `arguments` the JSON text, maybe malformed);
    #: when it runs out, the request is answered with `reply`.
    tool_rounds: list[list[dict[str, str]]] = dataclasses.field(default_factory=list)
    #: text a tool round streams before its calls ("I'll add these…"), as models do
    tool_round_text: str = ""
    requests: list[Recorded] = dataclasses.field(default_factory=list)
    base_url: str = ""

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_get("/v1/models", self.list_models)
        app.router.add_post("/v1/chat/completions", self.chat)
        return app

    async def _record(self, request: web.Request) -> Any:
        body: Any = None
        raw = await request.read() if request.can_read_body else b""
        if raw:
            try:
                body = json.loads(raw)
            except ValueError:
                body = None
        self.requests.append(
            Recorded(request.method, request.path, CIMultiDict(request.headers), body, raw=raw)
        )
        return body

    def _unauthorized(self, request: web.Request) -> web.Response | None:
        if self.api_key is None:
            return None
        if request.headers.get("Authorization") != f"Bearer {self.api_key}":
            return _error(401, "Incorrect API key", "invalid_request_error")
        return None

    async def list_models(self, request: web.Request) -> web.Response:
        await self._record(request)
        if (denied := self._unauthorized(request)) is not None:
            return denied
        data = [
            {"id": model, "object": "model", "created": 1727000000, "owned_by": "library"}
            for model in self.models
        ]
        return web.json_response({"object": "list", "data": data})

    def _failure(self) -> web.Response | None:
        if self.status is None or self.fail_times == 0:
            return None
        if self.fail_times is not None:
            self.fail_times -= 1
        extra = {"Retry-After": self.retry_after} if self.retry_after else {}
        if self.error_body is not None:
            return web.json_response(self.error_body, status=self.status, headers=extra)
        if self.status == 429:
            return _error(429, "Rate limit reached, slow down", "rate_limit_error", **extra)
        return _error(self.status, "The server had an error", "server_error", **extra)

    async def chat(self, request: web.Request) -> web.StreamResponse:
        body = await self._record(request)
        if self.reset_times > 0:
            self.reset_times -= 1
            return _reset(request)
        if (denied := self._unauthorized(request)) is not None:
            return denied
        if (failure := self._failure()) is not None:
            return failure
        if not isinstance(body, dict) or not isinstance(body.get("messages"), list):
            return _error(400, "messages is required", "invalid_request_error")
        if "stream_options" in body and self.refuse_stream_options is not None:
            return _error(400, self.refuse_stream_options, "invalid_request_error")
        if (problem := openai_problem(body)) is not None:
            return _error(400, problem, "invalid_request_error")
        if (problem := parts_problem(body, self.vision_models)) is not None:
            return _error(400, problem, "invalid_request_error")
        model = body.get("model")
        if model not in self.models:
            return _error(404, f'model "{model}" not found, try pulling it first', "not_found")
        calls = self.tool_rounds.pop(0) if body.get("tools") and self.tool_rounds else []
        prompt_tokens = sum(len(str(m.get("content", "")).split()) for m in body["messages"])
        usage: dict[str, Any] = {
            "prompt_tokens": prompt_tokens,
            "completion_tokens": len(self.reply.split()),
            "total_tokens": prompt_tokens + len(self.reply.split()),
        }
        if self.cached_tokens:
            usage["prompt_tokens_details"] = {"cached_tokens": self.cached_tokens}
        if not body.get("stream"):
            message: dict[str, Any] = {"role": "assistant", "content": self._content()}
            if self.reasoning and not self.think_tags:
                message[self.reasoning_field] = self.reasoning
            if calls:
                message["content"] = self.tool_round_text or None
                message["tool_calls"] = [
                    {
                        "id": c["id"],
                        "type": "function",
                        "function": {"name": c["name"], "arguments": c["arguments"]},
                    }
                    for c in calls
                ]
            return web.json_response(
                {
                    "id": "chatcmpl-1",
                    "object": "chat.completion",
                    "created": int(time.time()),
                    "model": model,
                    "choices": [
                        {
                            "index": 0,
                            "message": message,
                            "finish_reason": "tool_calls" if calls else "stop",
                        }
                    ],
                    "usage": usage,
                },
                dumps=lambda data: json.dumps(data, ensure_ascii=False),
            )
        options = body.get("stream_options")
        wants_usage = isinstance(options, dict) and options.get("include_usage") is True
        return await self._stream(request, str(model), usage if wants_usage else None, calls)

    def _content(self) -> str:
        """The reply's content: with `think_tags`, the thinking tagged before it."""
        if self.reasoning and self.think_tags:
            return f"<think>\n{self.reasoning}\n</think>\n\n{self.reply}"
        return self.reply

    def _events(
        self, model: str, usage: dict[str, Any] | None, calls: list[dict[str, str]]
    ) -> list[str]:
        def chunk(delta: dict[str, Any], finish: str | None = None) -> str:
            return json.dumps(
                {
                    "id": "chatcmpl-1",
                    "object": "chat.completion.chunk",
                    "created": 1727000000,
                    "model": model,
                    "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
                },
                ensure_ascii=False,
            )

        step = max(1, self.chunk_chars)
        content = self._content()
        pieces = [content[i : i + step] for i in range(0, len(content), step)]
        events = [chunk({"role": "assistant", "content": ""})]
        if self.reasoning and not self.think_tags:
            thought = self.reasoning
            events += [
                chunk({self.reasoning_field: thought[i : i + step]})
                for i in range(0, len(thought), step)
            ]
        if calls:
            said = self.tool_round_text
            events += [chunk({"content": said[i : i + step]}) for i in range(0, len(said), step)]
            deltas = openai_call_deltas(calls, step)
            events += [chunk({"tool_calls": [delta]}) for delta in deltas]
        else:
            events += [chunk({"content": piece}) for piece in pieces]
        if self.stream_error is not None:
            events.insert(2, json.dumps(self.stream_error))
        if self.malformed:
            events.insert(2, '{"choices": [{"delta": ')
        if self.cut_after is not None:
            return events[: 1 + self.cut_after]
        events.append(chunk({}, "tool_calls" if calls else "stop"))
        if usage is not None:
            events.append(
                json.dumps(
                    {"id": "chatcmpl-1", "object": "chat.completion.chunk", "model": model}
                    | {"choices": [], "usage": usage}
                )
            )
        events.append("[DONE]")
        return events

    async def _stream(
        self,
        request: web.Request,
        model: str,
        usage: dict[str, Any] | None,
        calls: list[dict[str, str]],
    ) -> web.StreamResponse:
        response = web.StreamResponse(headers={"Content-Type": "text/event-stream"})
        await response.prepare(request)
        events = self._events(model, usage, calls)
        pieces = [f"data: {event}\n\n".encode() for event in events]
        if self.chunk_bytes:
            data = b"".join(pieces)
            pieces = [
                data[start : start + self.chunk_bytes]
                for start in range(0, len(data), self.chunk_bytes)
            ]
        drop = self.cut_after is not None and self.abort
        await send_pieces(response, pieces, self.chunk_delay, finish=not drop)
        if drop and request.transport is not None:
            request.transport.close()  # no final empty chunk: the body is incomplete
        return response


def _reset(request: web.Request) -> web.Response:
    """Drop the connection with a TCP reset before any byte of the answer."""
    transport = request.transport
    if transport is not None:
        sock = transport.get_extra_info("socket")
        if sock is not None:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        transport.abort()
    return web.Response(status=500)  # never sent: the connection is gone


@contextlib.asynccontextmanager
async def run_openai(
    emulator: OpenAIEmulator | None = None, *, ssl_context: ssl.SSLContext | None = None
) -> AsyncIterator[OpenAIEmulator]:
    """Serve an emulator on 127.0.0.1; `.base_url` is its `/v1` root."""
    emulator = emulator or OpenAIEmulator()
    async with serve(emulator.app(), ssl_context=ssl_context) as origin:
        emulator.base_url = f"{origin}/v1"
        yield emulator
