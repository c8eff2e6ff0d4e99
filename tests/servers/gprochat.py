"""A loopback GPROChat (protocols.md §7.3): checks signatures, streams raw text, fails on cue."""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import json
import ssl
import time
from collections.abc import AsyncIterator

from aiohttp import web
from multidict import CIMultiDict

from tests.servers.loopback import Recorded, send_pieces, serve

#: The service's signing secret, restated here so the emulator checks independently.
SECRET = "2BC120D4-BB36-1B60-26DE-DB630472A3D8"


@dataclasses.dataclass
class GPROChatEmulator:
    """Fault switches are plain attributes; flip them between requests."""

    reply: str = "Привет! Я модель Gemini. Чем могу помочь?"
    #: Bytes per write; an odd number splits two-byte Cyrillic characters across writes.
    chunk_bytes: int = 5
    #: Pause between writes so that pieces reach the client as separate chunks.
    chunk_delay: float = 0.002
    secret: str = SECRET
    #: Reject a `time` further than this from the server clock (None: no check).
    max_age_ms: int | None = None
    #: Answer 429 "Too Many Requests".
    rate_limited: bool = False
    #: Answer 500 with the Gemini "Quota exceeded" text.
    quota_exceeded: bool = False
    requests: list[Recorded] = dataclasses.field(default_factory=list)
    base_url: str = ""

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_post("/api/generate", self.generate)
        return app

    @staticmethod
    def signature(timestamp: int, text: str, secret: str) -> str:
        return hashlib.sha256(f"{timestamp}:{text}:{secret}".encode()).hexdigest()

    async def generate(self, request: web.Request) -> web.StreamResponse:
        raw = await request.read()
        try:
            body = json.loads(raw)
        except ValueError:
            body = None
        self.requests.append(
            Recorded(request.method, request.path, CIMultiDict(request.headers), body, raw=raw)
        )
        try:
            text = body["messages"][0]["parts"][0]["text"]
            timestamp = body["time"]
            sign = body["sign"]
        except (TypeError, KeyError, IndexError):
            return web.Response(status=400, text="Bad Request")
        if not isinstance(text, str) or not isinstance(sign, str):
            return web.Response(status=400, text="Bad Request")
        if isinstance(timestamp, bool) or not isinstance(timestamp, int):
            return web.Response(status=400, text="Bad Request")
        if sign != self.signature(timestamp, text, self.secret):
            return web.Response(status=403, text="Invalid signature")
        if self.max_age_ms is not None and abs(time.time() * 1000 - timestamp) > self.max_age_ms:
            return web.Response(status=401, text="Request expired, check your clock")
        if self.rate_limited:
            return web.Response(status=429, text="Too Many Requests")
        if self.quota_exceeded:
            return web.Response(
                status=500,
                text="[GoogleGenerativeAI Error]: [429 Too Many Requests] Quota exceeded "
                "for quota metric 'Generate Content API requests per minute'",
            )
        response = web.StreamResponse(headers={"Content-Type": "text/plain; charset=utf-8"})
        await response.prepare(request)
        data = self.reply.encode()
        step = max(1, self.chunk_bytes)
        pieces = [data[start : start + step] for start in range(0, len(data), step)]
        await send_pieces(response, pieces, self.chunk_delay)
        return response


@contextlib.asynccontextmanager
async def run_gprochat(
    emulator: GPROChatEmulator | None = None, *, ssl_context: ssl.SSLContext | None = None
) -> AsyncIterator[GPROChatEmulator]:
    """Serve an emulator on 127.0.0.1; `.base_url` is its origin."""
    emulator = emulator or GPROChatEmulator()
    async with serve(emulator.app(), ssl_context=ssl_context) as origin:
        emulator.base_url = origin
        yield emulator
