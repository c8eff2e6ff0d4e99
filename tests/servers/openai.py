"""A loopback OpenAI-compatible server (`/v1/models`, `/v1/chat/completions`) with faults."""

from __future__ import annotations

import contextlib
import dataclasses
import json
import ssl
import time
from collections.abc import AsyncIterator
from typing import Any

from aiohttp import web
from multidict import CIMultiDict

from tests.servers.loopback import Recorded, send_pieces, serve


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
    #: Answer chat requests with this status instead (429 carries `retry_after`).
    status: int | None = None
    retry_after: str | None = None
    #: Send a final usage chunk (as OpenAI does with `stream_options.include_usage`).
    send_usage: bool = True
    #: End the stream after this many content events, without finish_reason or [DONE].
    cut_after: int | None = None
    #: With `cut_after`: drop the connection instead of ending the body cleanly.
    abort: bool = False
    #: Send this object as a `data:` event after the first content event.
    stream_error: dict[str, Any] | None = None
    #: Send a `data:` line that is not JSON after the first content event.
    malformed: bool = False
    requests: list[Recorded] = dataclasses.field(default_factory=list)
    base_url: str = ""

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_get("/v1/models", self.list_models)
        app.router.add_post("/v1/chat/completions", self.chat)
        return app

    async def _record(self, request: web.Request) -> Any:
        body: Any = None
        if request.can_read_body:
            try:
                body = json.loads(await request.read())
            except ValueError:
                body = None
        self.requests.append(
            Recorded(request.method, request.path, CIMultiDict(request.headers), body)
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

    async def chat(self, request: web.Request) -> web.StreamResponse:
        body = await self._record(request)
        if (denied := self._unauthorized(request)) is not None:
            return denied
        if self.status == 429:
            extra = {"Retry-After": self.retry_after} if self.retry_after else {}
            return _error(429, "Rate limit reached, slow down", "rate_limit_error", **extra)
        if self.status is not None:
            return _error(self.status, "The server had an error", "server_error")
        if not isinstance(body, dict) or not isinstance(body.get("messages"), list):
            return _error(400, "messages is required", "invalid_request_error")
        model = body.get("model")
        if model not in self.models:
            return _error(404, f'model "{model}" not found, try pulling it first', "not_found")
        prompt_tokens = sum(len(str(m.get("content", "")).split()) for m in body["messages"])
        usage = {
            "prompt_tokens": prompt_tokens,
            "completion_tokens": len(self.reply.split()),
            "total_tokens": prompt_tokens + len(self.reply.split()),
        }
        if not body.get("stream"):
            return web.json_response(
                {
                    "id": "chatcmpl-1",
                    "object": "chat.completion",
                    "created": int(time.time()),
                    "model": model,
                    "choices": [
                        {
                            "index": 0,
                            "message": {"role": "assistant", "content": self.reply},
                            "finish_reason": "stop",
                        }
                    ],
                    "usage": usage,
                }
            )
        return await self._stream(request, str(model), usage)

    def _events(self, model: str, usage: dict[str, int]) -> list[str]:
        def chunk(delta: dict[str, str], finish: str | None = None) -> str:
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
        pieces = [self.reply[i : i + step] for i in range(0, len(self.reply), step)]
        events = [chunk({"role": "assistant", "content": ""})]
        events += [chunk({"content": piece}) for piece in pieces]
        if self.stream_error is not None:
            events.insert(2, json.dumps(self.stream_error))
        if self.malformed:
            events.insert(2, '{"choices": [{"delta": ')
        if self.cut_after is not None:
            return events[: 1 + self.cut_after]
        events.append(chunk({}, "stop"))
        if self.send_usage:
            events.append(
                json.dumps(
                    {"id": "chatcmpl-1", "object": "chat.completion.chunk", "model": model}
                    | {"choices": [], "usage": usage}
                )
            )
        events.append("[DONE]")
        return events

    async def _stream(
        self, request: web.Request, model: str, usage: dict[str, int]
    ) -> web.StreamResponse:
        response = web.StreamResponse(headers={"Content-Type": "text/event-stream"})
        await response.prepare(request)
        pieces = [f"data: {event}\n\n".encode() for event in self._events(model, usage)]
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


@contextlib.asynccontextmanager
async def run_openai(
    emulator: OpenAIEmulator | None = None, *, ssl_context: ssl.SSLContext | None = None
) -> AsyncIterator[OpenAIEmulator]:
    """Serve an emulator on 127.0.0.1; `.base_url` is its `/v1` root."""
    emulator = emulator or OpenAIEmulator()
    async with serve(emulator.app(), ssl_context=ssl_context) as origin:
        emulator.base_url = f"{origin}/v1"
        yield emulator
