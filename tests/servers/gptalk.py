"""A loopback GPTalk (protocols.md §7.2): logins with a use quota, one-shot stream tokens,
cumulative `data:` lines, and fault switches."""

from __future__ import annotations

import contextlib
import dataclasses
import json
import re
import secrets
import ssl
import time
from collections.abc import AsyncIterator
from typing import Any

from aiohttp import web
from multidict import CIMultiDict

from tests.servers.loopback import Recorded, send_pieces, serve

_HEX32 = re.compile(r"[0-9a-f]{32}")


@dataclasses.dataclass
class Login:
    fingerprint: str
    expires_at: int
    uses: int = 0


@dataclasses.dataclass
class GPTalkEmulator:
    """Fault switches are plain attributes; flip them between requests."""

    reply: str = "Здравствуйте! Я отвечаю по кусочкам."
    #: Characters added by each cumulative `data:` line.
    step: int = 5
    #: Bytes per write of the stream body (None: one write per line); odd splits UTF-8.
    chunk_bytes: int | None = None
    chunk_delay: float = 0.0
    #: Lifetime a login advertises and enforces, in seconds.
    ttl: int = 3600
    #: Questions per login; the next one is answered 200 without `data`.
    max_uses: int = 5
    #: False: every question is answered without `data` (free quota is 0).
    quota: bool = True
    #: Separate `data:` lines by a blank line (SSE) or not (as the original site may have).
    blank_lines: bool = True
    #: Mid-stream, send a text that does not extend the previous one.
    rewrite: bool = False
    #: Mid-stream, send a `data:` line that is not JSON.
    malformed: bool = False
    #: End the stream without `data: [DONE]`.
    omit_done: bool = False
    #: Answer the text endpoint with this status (500/503 outages).
    text_status: int | None = None
    #: Answer the stream endpoint with this status.
    stream_status: int | None = None
    logins: dict[str, Login] = dataclasses.field(default_factory=dict)
    #: stream token → reply text; a used token is removed (one-shot).
    streams: dict[str, str] = dataclasses.field(default_factory=dict)
    requests: list[Recorded] = dataclasses.field(default_factory=list)
    login_count: int = 0
    no_data_count: int = 0
    base_url: str = ""

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_post("/api/chatgpt/user/login", self.login)
        app.router.add_post("/api/chatgpt/chatapi/text", self.text)
        app.router.add_get("/api/chatgpt/chatapi/stream", self.stream)
        return app

    def revoke_logins(self) -> None:
        """Forget every login, as a server restart or a ban would."""
        self.logins.clear()

    async def _record(self, request: web.Request) -> Any:
        body: Any = None
        raw = await request.read() if request.can_read_body else b""
        if raw:
            try:
                body = json.loads(raw)
            except ValueError:
                body = None
        self.requests.append(
            Recorded(
                request.method,
                request.path,
                CIMultiDict(request.headers),
                body,
                dict(request.query),
                raw,
            )
        )
        return body

    async def login(self, request: web.Request) -> web.Response:
        body = await self._record(request)
        if request.headers.get("x-auth-appid") != "2229":
            return web.json_response({"code": 403, "message": "unknown app"}, status=403)
        fingerprint = body.get("fingerprint") if isinstance(body, dict) else None
        if (
            not isinstance(fingerprint, str)
            or not _HEX32.fullmatch(fingerprint)
            or body.get("platform") != "fingerprint"
        ):
            return web.json_response({"code": 400, "message": "bad fingerprint"}, status=400)
        token = secrets.token_hex(12)
        expires_at = int(time.time()) + self.ttl
        self.logins[token] = Login(fingerprint, expires_at)
        self.login_count += 1
        return web.json_response({"code": 0, "data": {"token": token, "expires_at": expires_at}})

    def _no_data(self, message: str, code: int) -> web.Response:
        self.no_data_count += 1
        return web.json_response({"code": code, "message": message})

    async def text(self, request: web.Request) -> web.Response:
        body = await self._record(request)
        if self.text_status is not None:
            return web.Response(status=self.text_status, text="Service Unavailable")
        auth = request.headers.get("Authorization", "")
        login = self.logins.get(auth.removeprefix("Bearer "))
        if not auth.startswith("Bearer ") or login is None:
            return self._no_data("please log in", 10001)
        if login.expires_at < time.time():
            return self._no_data("login expired", 10002)
        if not self.quota:
            return self._no_data("free quota is used up", 10010)
        if login.uses >= self.max_uses:
            return self._no_data("anonymous users may ask 5 questions", 10011)
        content = body.get("content") if isinstance(body, dict) else None
        if not isinstance(content, str) or not content:
            return web.json_response({"code": 400, "message": "content is required"})
        login.uses += 1
        stream_token = secrets.token_hex(8)
        self.streams[stream_token] = self.reply
        return web.json_response({"code": 0, "data": {"token": stream_token}})

    def _lines(self, reply: str) -> list[str]:
        steps = [reply[:end] for end in range(self.step, len(reply), self.step)] + [reply]
        lines = [json.dumps({"content": text}, ensure_ascii=False) for text in steps]
        middle = len(lines) // 2
        if self.rewrite:
            lines.insert(middle, json.dumps({"content": "X" + steps[middle][1:]}))
        if self.malformed:
            lines.insert(middle, '{"content": "broken')
        lines = [f"data: {line}" for line in lines]
        if not self.omit_done:
            lines.append("data: [DONE]")
        return lines

    async def stream(self, request: web.Request) -> web.StreamResponse:
        await self._record(request)
        if self.stream_status is not None:
            return web.Response(status=self.stream_status, text="Bad Gateway")
        reply = self.streams.pop(request.query.get("token", ""), None)
        if reply is None:
            return web.json_response(
                {"code": 40004, "message": "stream token is invalid or already used"}, status=400
            )
        response = web.StreamResponse(headers={"Content-Type": "text/event-stream"})
        await response.prepare(request)
        separator = "\n\n" if self.blank_lines else "\n"
        pieces = [(line + separator).encode() for line in self._lines(reply)]
        if self.chunk_bytes:
            data = b"".join(pieces)
            pieces = [
                data[start : start + self.chunk_bytes]
                for start in range(0, len(data), self.chunk_bytes)
            ]
        await send_pieces(response, pieces, self.chunk_delay)
        return response


@contextlib.asynccontextmanager
async def run_gptalk(
    emulator: GPTalkEmulator | None = None, *, ssl_context: ssl.SSLContext | None = None
) -> AsyncIterator[GPTalkEmulator]:
    """Serve an emulator on 127.0.0.1; `.base_url` is its origin."""
    emulator = emulator or GPTalkEmulator()
    async with serve(emulator.app(), ssl_context=ssl_context) as origin:
        emulator.base_url = origin
        yield emulator
