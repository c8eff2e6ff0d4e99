"""Loopback emulator of GigaChat's two hosts, the OAuth server and the API (protocols.md §7.1).

Faithful to what the official SDK and recorded cassettes show: `POST /api/v2/oauth` with
`Basic` key, `RqUID` and form `scope`; `{"code","message"}` OAuth errors; `/api/v1` with
`Bearer` tokens, `{"status","message"}` errors, `data: {json}` SSE chunks ending with a
`finish_reason` chunk carrying `usage` and `data: [DONE]`. Fault switches are plain
attributes; every request is recorded for assertions.

In tests: `async with run_gigachat(server_ssl) as emulator: ...`. As a process (benchmarks,
packaging smoke tests): `python -m tests.servers.gigachat --port 0 --ca-out ca.pem` prints
one JSON line `{"base_url", "auth_url", "key", "ca_file"}` when ready and serves until killed.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import binascii
import contextlib
import dataclasses
import hashlib
import json
import math
import os
import secrets
import signal
import socket
import ssl
import struct
import sys
import tempfile
import time
import uuid
from collections.abc import AsyncIterator, Sequence
from typing import Any
from urllib.parse import parse_qs

from aiohttp import web
from multidict import CIMultiDict

from tests.servers.gigachat_files import FileStore
from tests.servers.loopback import serve
from tests.servers.tool_rules import gigachat_problem

__all__ = [
    "CHAT_MODELS",
    "DEFAULT_REPLY",
    "SCOPES",
    "GigaChatEmulator",
    "Recorded",
    "run_gigachat",
]

SCOPES = ("GIGACHAT_API_PERS", "GIGACHAT_API_B2B", "GIGACHAT_API_CORP")
CHAT_MODELS = (
    "GigaChat",
    "GigaChat-2",
    "GigaChat-2-Max",
    "GigaChat-2-Max-preview",
    "GigaChat-2-Pro",
    "GigaChat-2-Pro-preview",
    "GigaChat-2-preview",
    "GigaChat-Max",
    "GigaChat-Max-preview",
    "GigaChat-Plus",
    "GigaChat-Pro",
    "GigaChat-Pro-preview",
    "GigaChat-preview",
)
OTHER_MODELS = (
    ("GigaFilter", "filter"),
    ("GigaCheckClassification", "aicheck"),
    ("GigaCheckDetection", "aicheck"),
    ("Embeddings", "embedder"),
    ("Embeddings-2", "embedder"),
    ("EmbeddingsGigaR", "embedder"),
)
ROLES = frozenset(
    {"system", "user", "assistant", "function", "search_result", "function_in_progress"}
)
#: Top-level fields of `POST /chat/completions` (SDK models/chat.py).
CHAT_FIELDS = frozenset(
    {
        "model",
        "messages",
        "temperature",
        "top_p",
        "n",
        "stream",
        "max_tokens",
        "repetition_penalty",
        "update_interval",
        "profanity_check",
        "flags",
        "reasoning_effort",
        "functions",
        "function_call",
        "function_ranker",
        "storage",
        "response_format",
    }
)
DEFAULT_REPLY = "Привет, мир! 👋 Это ответ эмулятора GigaChat: ёжик, 日本語 и эмодзи 🦔🎉."
DEFAULT_MESSAGES = {
    400: "Bad request",
    401: "Unauthorized",
    402: "Payment Required",
    403: "Permission denied",
    404: "No such model",
    413: "Payload too large",
    422: "Invalid params",
    429: "Too many requests",
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
}


@dataclasses.dataclass
class Recorded:
    """One request as the emulator received it."""

    host: str  # "oauth" or "api"
    method: str
    path: str
    headers: CIMultiDict[str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)

    def form(self) -> dict[str, str]:
        return {k: v[0] for k, v in parse_qs(self.body.decode("utf-8")).items()}


def _make_key() -> str:
    """An authorization key shaped like Sber's: base64 of `client_id:client_secret`."""
    return base64.b64encode(f"{uuid.uuid4()}:{uuid.uuid4()}".encode()).decode()


def _make_token() -> str:
    """An opaque token shaped like the real JWE (five base64url parts)."""
    parts = [secrets.token_urlsafe(n) for n in (24, 16, 12, 256, 16)]
    return "eyJjdHkiOiJqd3QiLCJlbmMiOiJBMjU2Q0JDLUhTNTEyIiwiYWxnIjoiUlNBLU9BRVAtMjU2In0" + (
        ".".join(["", *parts[1:]])
    )


def _dumps(data: Any, *, escaped: bool = False) -> str:
    return json.dumps(data, ensure_ascii=escaped, separators=(",", ":"))


def _utf16_units(text: str) -> str:
    """`text` with every astral character as its two surrogate halves (what a server
    that counts in UTF-16 holds)."""
    units = text.encode("utf-16-le", "surrogatepass")
    return "".join(chr(int.from_bytes(units[i : i + 2], "little")) for i in range(0, len(units), 2))


class GigaChatEmulator:
    """State, switches and records of one emulated GigaChat account.

    Switches (set them between requests):
      token_ttl            seconds an access token lives (default 30 min, as the real one)
      lenient              OAuth also accepts `Bearer <key>` (what gpt4free sends)
      key_scopes           key → scopes it may request
      reply, chunk_size    the answer and how many characters go in each SSE chunk
      chunk_delay          seconds between chunks (else `update_interval` of the request)
      first_byte_delay     seconds before the response headers
      fail_next(...)       forced status on the next N chat requests (+ Retry-After)
      oauth_fail_next(...) the same for OAuth
      cut_after            K: the stream drops after K content chunks (no finish, no [DONE]);
                           cut_abort=False ends the HTTP body cleanly instead of aborting
      malformed_after      K: a malformed `data:` line after K chunks
      error_after          K: `data: {"status":429,...}` after K chunks, then the body ends
      json_instead_of_stream  status: answer a stream request with 200 application/json
                           `{"status": status, "message": ...}`
      send_done            False: the body ends after the finish chunk, without [DONE]
      no_space, crlf       `data:{...}` without space; `\\r\\n` line endings
      split_utf8           write every multi-byte character in two TCP/TLS writes
      write_size           N: write events in pieces of N bytes (lines split anywhere)
      utf16_split          deltas cut by UTF-16 units and sent as `\\uXXXX` escapes: an
                           emoji's two halves in two events (a lone half stays lone)
      revoke_tokens()      server-side invalidation of every issued token
      reasoning            thinking streamed as `delta.reasoning_content` before the text
                           (and `message.reasoning_content` in a whole answer)
      precached_tokens     `usage.precached_prompt_tokens`
      reset_next(n)        the next n chat requests get a TCP reset instead of an answer
      balance_status       answer `/balance` with this status (403: not a prepaid login)
      static_token         an access token the API always takes (as if given by Sber)
      users                user → password for `POST /api/v1/token`
      function_calls       calls to make, one per request that offers `functions`: each
                           `{"name", "arguments"}` (an object, or a text: malformed), sent
                           whole in the last delta with `functions_state_id` and
                           finish_reason "function_call"; then `reply` as usual
    On an API host served with `client_ca` (run_gigachat), a verified client certificate
    is a login by itself: requests without a token are taken (`cert_requests` counts).
    """

    def __init__(
        self,
        *,
        valid_key: str | None = None,
        reply: str = DEFAULT_REPLY,
        chunk_size: int = 6,
    ) -> None:
        self.valid_key = valid_key or _make_key()
        self.file_store = FileStore()  # POST /files and the messages' attachments
        self.key_scopes: dict[str, set[str]] = {self.valid_key: set(SCOPES)}
        self.users: dict[str, str] = {"user": "password"}
        self.lenient = False
        self.token_ttl = 30 * 60.0
        self.reply = reply
        self.chunk_size = chunk_size
        self.chunk_delay = 0.0
        self.first_byte_delay = 0.0
        self.model_version = "2.0.28.2"
        self.finish_reason: str | None = None  # None: "stop", or "length" under max_tokens
        self.max_body_bytes = 1024 * 1024
        # faults on chat requests
        self.fail_status: int | None = None
        self.fail_count = 0
        self.fail_message: str | None = None
        self.retry_after: str | None = None
        self.oauth_fail_status: int | None = None
        self.oauth_fail_count = 0
        self.oauth_fail_message: str | None = None
        self.cut_after: int | None = None
        self.cut_abort = True
        self.malformed_after: int | None = None
        self.error_after: int | None = None
        self.error_status = 429
        self.error_message = "Too many requests"
        self.json_instead_of_stream: int | None = None
        self.send_done = True
        self.no_space = False
        self.crlf = False
        self.split_utf8 = False
        self.write_size: int | None = None
        self.split_pause = 0.003
        self.utf16_split = False
        self.reasoning = ""
        self.precached_tokens = 0
        self.reset_count = 0
        self.balance_status: int | None = None
        self.static_token = _make_token()
        self.cert_requests = 0
        self.function_calls: list[dict[str, Any]] = []
        self.function_state = 0
        # state and records
        self.tokens: dict[str, float] = {self.static_token: math.inf}  # token → expiry
        self.revoked: set[str] = set()
        self.requests: list[Recorded] = []
        self.base_url = ""
        self.auth_url = ""

    # -- switches and records --------------------------------------------------------

    def fail_next(
        self,
        status: int,
        count: int = 1,
        *,
        message: str | None = None,
        retry_after: str | float | None = None,
    ) -> None:
        self.fail_status, self.fail_count, self.fail_message = status, count, message
        self.retry_after = None if retry_after is None else str(retry_after)

    def reset_next(self, count: int = 1) -> None:
        self.reset_count = count

    def oauth_fail_next(self, status: int, count: int = 1, *, message: str | None = None) -> None:
        self.oauth_fail_status, self.oauth_fail_count = status, count
        self.oauth_fail_message = message

    def revoke_tokens(self) -> None:
        self.revoked.update(token for token in self.tokens if token != self.static_token)

    def chunks(self, max_tokens: int | None = None) -> list[str]:
        """The reply as the stream sends it (one "token" = one chunk); with `utf16_split`
        cut by UTF-16 units, so an emoji's halves may land in two chunks."""
        size = max(1, self.chunk_size)
        reply = _utf16_units(self.reply) if self.utf16_split else self.reply
        pieces = [reply[i : i + size] for i in range(0, len(reply), size)]
        return pieces[:max_tokens] if max_tokens is not None else pieces

    @property
    def oauth_requests(self) -> list[Recorded]:
        return [r for r in self.requests if r.host == "oauth"]

    @property
    def oauth_calls(self) -> int:
        return len(self.oauth_requests)

    @property
    def chat_requests(self) -> list[Recorded]:
        return [r for r in self.requests if r.path.endswith("/chat/completions")]

    def _record(self, host: str, request: web.Request, body: bytes) -> Recorded:
        record = Recorded(host, request.method, request.path, CIMultiDict(request.headers), body)
        self.requests.append(record)
        return record

    # -- apps ------------------------------------------------------------------------

    def oauth_app(self) -> web.Application:
        app = web.Application()
        app.router.add_post("/api/v2/oauth", self._oauth)
        return app

    def api_app(self) -> web.Application:
        """Both hosts' paths: `/api/v1` (gigachat.devices.sberbank.ru) and `/v1`
        (api.giga.chat, the SDK's default since 0.2.3, which has no `/token`)."""
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_post("/api/v1/token", self._password_token)
        for root in ("/api/v1", "/v1"):
            app.router.add_get(f"{root}/models", self._models)
            app.router.add_get(f"{root}/models/{{model}}", self._model)
            app.router.add_post(f"{root}/chat/completions", self._chat)
            app.router.add_post(f"{root}/tokens/count", self._tokens_count)
            app.router.add_post(f"{root}/embeddings", self._embeddings)
            app.router.add_get(f"{root}/balance", self._balance)
            app.router.add_post(f"{root}/files", self._upload)
        return app

    # -- OAuth host ------------------------------------------------------------------

    @staticmethod
    def _oauth_error(status: int, code: int, message: str) -> web.Response:
        return web.json_response({"code": code, "message": message}, status=status)

    def _issue(self) -> tuple[str, float]:
        token = _make_token()
        expires = time.time() + self.token_ttl
        self.tokens[token] = expires
        return token, expires

    async def _oauth(self, request: web.Request) -> web.Response:
        body = await request.read()
        record = self._record("oauth", request, body)
        if self.oauth_fail_count > 0 and self.oauth_fail_status is not None:
            self.oauth_fail_count -= 1
            status = self.oauth_fail_status
            message = self.oauth_fail_message or DEFAULT_MESSAGES.get(status, "Error")
            return self._oauth_error(status, status, message)
        try:
            uuid.UUID(request.headers.get("RqUID", ""))
        except ValueError:  # the real text is unknown; the emulator's choice
            return self._oauth_error(400, 3, "RqUID header is missing or not a UUID")
        scheme, _, credential = request.headers.get("Authorization", "").partition(" ")
        schemes = {"basic", "bearer"} if self.lenient else {"basic"}
        credential = credential.strip()
        try:
            decoded = base64.b64decode(credential, validate=True)
        except (binascii.Error, ValueError):
            decoded = b""
        if scheme.lower() not in schemes or b":" not in decoded:
            return self._oauth_error(400, 4, "Can't decode 'Authorization' header")
        scope = record.form().get("scope", "")
        if not scope:
            return self._oauth_error(400, 5, "scope is empty")
        if scope not in SCOPES:
            return self._oauth_error(400, 1, "scope data format invalid")
        if credential not in self.key_scopes:
            return self._oauth_error(401, 6, "credentials doesn't match db data")
        if scope not in self.key_scopes[credential]:
            return self._oauth_error(401, 7, "scope from db not fully includes consumed scope")
        token, expires = self._issue()
        return web.json_response({"access_token": token, "expires_at": int(expires * 1000)})

    # -- API host --------------------------------------------------------------------

    def _error(self, status: int, message: str | None = None, **headers: str) -> web.Response:
        return web.Response(
            status=status,
            body=_dumps(
                {"status": status, "message": message or DEFAULT_MESSAGES.get(status, "Error")}
            ).encode(),
            content_type="application/json",
            charset="utf-8",
            headers={**self._ids(), **headers},
        )

    @staticmethod
    def _ids(request: web.Request | None = None) -> dict[str, str]:
        session = request.headers.get("X-Session-ID") if request else None
        return {"X-Request-Id": str(uuid.uuid4()), "X-Session-Id": session or str(uuid.uuid4())}

    def _check_token(self, request: web.Request) -> web.Response | None:
        transport = request.transport
        certificate = transport.get_extra_info("peercert") if transport is not None else None
        if certificate and "Authorization" not in request.headers:
            self.cert_requests += 1  # verified against the client CA by the TLS layer
            return None
        scheme, _, token = request.headers.get("Authorization", "").partition(" ")
        if scheme.lower() != "bearer" or token not in self.tokens:
            return self._error(401, "Unauthorized")
        if token in self.revoked or time.time() >= self.tokens[token]:
            return self._error(401, "Token has expired")
        return None

    def _json(self, data: Any, request: web.Request) -> web.Response:
        return web.Response(
            body=_dumps(data, escaped=self.utf16_split).encode("utf-8"),
            content_type="application/json",
            charset="utf-8",
            headers=self._ids(request),
        )

    async def _password_token(self, request: web.Request) -> web.Response:
        self._record("api", request, await request.read())
        scheme, _, credential = request.headers.get("Authorization", "").partition(" ")
        try:
            user, _, password = base64.b64decode(credential).decode().partition(":")
        except (binascii.Error, ValueError):
            user = password = ""
        if scheme.lower() != "basic" or self.users.get(user) != password or not user:
            return self._error(401, "Unauthorized")
        token, expires = self._issue()
        return self._json({"tok": token, "exp": int(expires * 1000)}, request)

    def _model_object(self, model_id: str, kind: str = "chat") -> dict[str, str]:
        return {"id": model_id, "object": "model", "owned_by": "salutedevices", "type": kind}

    async def _models(self, request: web.Request) -> web.Response:
        self._record("api", request, await request.read())
        if denied := self._check_token(request):
            return denied
        data = [self._model_object(m) for m in CHAT_MODELS]
        data += [self._model_object(m, kind) for m, kind in OTHER_MODELS]
        return self._json({"object": "list", "data": data}, request)

    async def _model(self, request: web.Request) -> web.Response:
        self._record("api", request, await request.read())
        if denied := self._check_token(request):
            return denied
        model = request.match_info["model"]
        kinds = dict.fromkeys(CHAT_MODELS, "chat") | dict(OTHER_MODELS)
        if model not in kinds:
            return self._error(404, "No such model")
        return self._json(self._model_object(model, kinds[model]), request)

    async def _tokens_count(self, request: web.Request) -> web.Response:
        body = await request.read()
        self._record("api", request, body)
        if denied := self._check_token(request):
            return denied
        texts = json.loads(body).get("input", [])
        return self._json(
            [{"object": "tokens", "tokens": len(t) // 4 + 1, "characters": len(t)} for t in texts],
            request,
        )

    async def _embeddings(self, request: web.Request) -> web.Response:
        body = await request.read()
        self._record("api", request, body)
        if denied := self._check_token(request):
            return denied
        data = json.loads(body)
        items = []
        for index, text in enumerate(data.get("input", [])):
            digest = hashlib.sha256(text.encode()).digest()
            vector = [round(b / 255 - 0.5, 4) for b in digest[:8]]
            usage = {"prompt_tokens": len(text) // 4 + 1}
            items.append(
                {"object": "embedding", "embedding": vector, "index": index, "usage": usage}
            )
        return self._json(
            {"object": "list", "data": items, "model": data.get("model", "Embeddings")}, request
        )

    async def _balance(self, request: web.Request) -> web.Response:
        self._record("api", request, await request.read())
        if denied := self._check_token(request):
            return denied
        if self.balance_status is not None:
            return self._error(self.balance_status)
        return self._json(
            {
                "balance": [
                    {"usage": "GigaChat", "value": 900000},
                    {"usage": "embeddings", "value": 9999967},
                ]
            },
            request,
        )

    def _validate(self, data: Any) -> web.Response | None:
        """422 for what the real API rejects (and for nulls/unknown fields: catch our bugs)."""
        if not isinstance(data, dict):
            return self._error(422, "Invalid params: body must be an object")
        unknown = sorted(set(data) - CHAT_FIELDS)
        if unknown:
            return self._error(422, f"Invalid params: unknown field {unknown[0]}")
        nulls = sorted(k for k, v in data.items() if v is None)
        if nulls:
            return self._error(422, f"Invalid params: {nulls[0]} must not be null")
        messages = data.get("messages")
        if not isinstance(messages, list) or not messages:
            return self._error(422, "Invalid params: messages must be a non-empty list")
        for index, message in enumerate(messages):
            if not isinstance(message, dict) or message.get("role") not in ROLES:
                return self._error(422, f"Invalid params: messages[{index}].role")
            if not isinstance(message.get("content", ""), str):
                return self._error(422, f"Invalid params: messages[{index}].content")
            if message["role"] == "system" and index != 0:
                return self._error(422, "system message must be the first message")
        for name in ("temperature", "top_p", "repetition_penalty", "update_interval"):
            value = data.get(name, 0)
            if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
                return self._error(422, f"Invalid params: {name}")
        max_tokens = data.get("max_tokens", 1)
        if isinstance(max_tokens, bool) or not isinstance(max_tokens, int) or max_tokens < 1:
            return self._error(422, "Invalid params: max_tokens")
        if data.get("reasoning_effort", "low") not in ("low", "medium", "high"):
            return self._error(422, "Invalid params: reasoning_effort")
        if (problem := gigachat_problem(data)) is not None:
            return self._error(422, problem)
        if (refused := self.file_store.problem(data)) is not None:
            return self._error(*refused)
        return None

    async def _upload(self, request: web.Request) -> web.Response:
        self._record("api", request, b"")  # the parts: file_store.uploads
        if denied := self._check_token(request):
            return denied
        return await self.file_store.upload(request)

    async def _chat(self, request: web.Request) -> web.StreamResponse:
        body = await request.read()
        self._record("api", request, body)
        if self.reset_count > 0:
            self.reset_count -= 1
            return _reset(request)
        if denied := self._check_token(request):
            return denied
        if len(body) > self.max_body_bytes:
            return self._error(413, "Payload too large")
        if self.fail_count > 0 and self.fail_status is not None:
            self.fail_count -= 1
            headers = {"Retry-After": self.retry_after} if self.retry_after is not None else {}
            return self._error(self.fail_status, self.fail_message, **headers)
        if request.content_type != "application/json":
            return self._error(400, "Content-Type must be application/json")
        try:
            data = json.loads(body)
        except ValueError:
            return self._error(400, "Invalid JSON")
        if invalid := self._validate(data):
            return invalid
        model = data.get("model", "GigaChat")
        if model not in CHAT_MODELS:
            return self._error(404, "No such model")
        if self.first_byte_delay:
            await asyncio.sleep(self.first_byte_delay)
        max_tokens = data.get("max_tokens")
        chunks = self.chunks(max_tokens)
        finish = self.finish_reason or ("length" if len(chunks) < len(self.chunks()) else "stop")
        call: dict[str, Any] | None = None
        if data.get("functions") and self.function_calls:
            call = self.function_calls.pop(0)
            chunks, finish = [], "function_call"
            self.function_state += 1
        messages = data["messages"]
        prompt_tokens = sum(math.ceil(len(m.get("content", "")) / 4) for m in messages) + 1
        usage = {
            "prompt_tokens": prompt_tokens,
            "completion_tokens": len(chunks),
            "total_tokens": prompt_tokens + len(chunks),
            "precached_prompt_tokens": self.precached_tokens,
        }
        versioned = f"{model}:{self.model_version}"
        if data.get("stream"):
            # `call` only when there is one: subclasses (tests/faults) override `_stream`
            extra = {} if call is None else {"call": call}
            return await self._stream(request, data, chunks, finish, usage, versioned, **extra)
        message: dict[str, Any] = {"role": "assistant", "content": "".join(chunks)}
        if self.reasoning:
            message["reasoning_content"] = self.reasoning
        if call is not None:
            message["function_call"] = call
            message["functions_state_id"] = f"state-{self.function_state}"
        return await self._whole(
            request,
            {
                "choices": [{"message": message, "index": 0, "finish_reason": finish}],
                "created": int(time.time()),
                "model": versioned,
                "object": "chat.completion",
                "usage": usage,
            },
        )

    async def _whole(self, request: web.Request, data: Any) -> web.StreamResponse:
        """A JSON answer; with `write_size`/`split_utf8` it is written in pieces too."""
        if not (self.write_size or self.split_utf8):
            return self._json(data, request)
        response = web.StreamResponse(
            headers={"Content-Type": "application/json; charset=utf-8", **self._ids(request)}
        )
        response.enable_chunked_encoding()
        await response.prepare(request)
        await self._write(response, _dumps(data, escaped=self.utf16_split).encode("utf-8"))
        await response.write_eof()
        return response

    async def _stream(
        self,
        request: web.Request,
        data: dict[str, Any],
        chunks: Sequence[str],
        finish: str,
        usage: dict[str, int],
        model: str,
        call: dict[str, Any] | None = None,
    ) -> web.StreamResponse:
        if self.json_instead_of_stream is not None:
            status = self.json_instead_of_stream
            return self._json(
                {"status": status, "message": DEFAULT_MESSAGES.get(status, "Error")}, request
            )
        response = web.StreamResponse(
            headers={
                "Content-Type": "text/event-stream",
                "Cache-Control": "no-cache",
                **self._ids(request),
            }
        )
        response.enable_chunked_encoding()
        await response.prepare(request)
        interval = self.chunk_delay or min(float(data.get("update_interval", 0)), 5.0)
        created = int(time.time())
        size = max(1, self.chunk_size)
        for start in range(0, len(self.reasoning), size):
            delta = {"reasoning_content": self.reasoning[start : start + size]}
            if not start:
                delta["role"] = "assistant"
            thought = {"choices": [{"delta": delta, "index": 0}], "created": created}
            thought.update({"model": model, "object": "chat.completion"})
            await self._event(response, _dumps(thought))
        for index in range(len(chunks) + 1):
            if index == self.cut_after:
                return await self._cut(request, response)
            if index == self.malformed_after:
                await self._event(response, '{"choices":[{"delta":{"content":"обры')
            if index == self.error_after:
                error = {"status": self.error_status, "message": self.error_message}
                await self._event(response, _dumps(error))
                await response.write_eof()
                return response
            if index < len(chunks):
                delta = {"content": chunks[index]}
                if index == 0:
                    delta["role"] = "assistant"
                choice: dict[str, Any] = {"delta": delta, "index": 0}
                item: dict[str, Any] = {"choices": [choice]}
            else:
                last: dict[str, Any] = {"content": ""}
                if call is not None:
                    last |= {"role": "assistant", "function_call": call}
                    last["functions_state_id"] = f"state-{self.function_state}"
                choice = {"delta": last, "index": 0, "finish_reason": finish}
                item = {"choices": [choice], "usage": usage}
            item.update({"created": created, "model": model, "object": "chat.completion"})
            await self._event(response, _dumps(item, escaped=self.utf16_split))
            if interval and index < len(chunks):
                await asyncio.sleep(interval)
        if self.send_done:
            await self._event(response, "[DONE]")
        await response.write_eof()
        return response

    async def _cut(self, request: web.Request, response: web.StreamResponse) -> web.StreamResponse:
        if not self.cut_abort:
            await response.write_eof()
            return response
        transport = request.transport
        if transport is not None:
            transport.abort()
        # aiohttp's write_eof then meets a closed transport and gives up quietly.
        return response

    async def _event(self, response: web.StreamResponse, data: str) -> None:
        eol = "\r\n" if self.crlf else "\n"
        await self._write(response, f"data:{'' if self.no_space else ' '}{data}{eol}{eol}".encode())

    async def _write(self, response: web.StreamResponse, raw: bytes) -> None:
        """Write `raw`, cut per `write_size` and `split_utf8` into separate writes."""
        cuts: set[int] = set()
        if self.write_size:
            cuts.update(range(self.write_size, len(raw), self.write_size))
        if self.split_utf8:  # right after the lead byte of every multi-byte character
            cuts.update(i + 1 for i, byte in enumerate(raw) if byte >= 0xC0)
        start = 0
        for cut in sorted(cuts):
            await response.write(raw[start:cut])
            await asyncio.sleep(self.split_pause)
            start = cut
        await response.write(raw[start:])


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
async def run_gigachat(
    ssl_context: ssl.SSLContext | None,
    *,
    emulator: GigaChatEmulator | None = None,
    host: str = "127.0.0.1",
    port: int = 0,
    auth_port: int = 0,
    api_ssl: ssl.SSLContext | None = None,
) -> AsyncIterator[GigaChatEmulator]:
    """Serve the OAuth host and the API host (two ports, as in real life) on loopback;
    `api_ssl` (e.g. one that asks for client certificates) replaces `ssl_context` on
    the API host."""
    emulator = emulator or GigaChatEmulator()
    api_context = api_ssl or ssl_context
    async with (
        serve(emulator.oauth_app(), ssl_context=ssl_context, host=host, port=auth_port) as oauth,
        serve(emulator.api_app(), ssl_context=api_context, host=host, port=port) as api,
    ):
        emulator.auth_url = f"{oauth}/api/v2/oauth"
        emulator.base_url = f"{api}/api/v1"
        yield emulator


# -- standalone process ---------------------------------------------------------------


def _arguments(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m tests.servers.gigachat", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="API port (0: any free one)")
    parser.add_argument("--auth-port", type=int, default=0, help="OAuth port (0: any free one)")
    parser.add_argument("--reply", default=DEFAULT_REPLY)
    parser.add_argument("--chunk-size", type=int, default=6)
    parser.add_argument("--delay-ms", type=float, default=0.0, help="pause between chunks")
    parser.add_argument("--key", default=None, help="the authorization key to accept")
    parser.add_argument("--token-ttl", type=float, default=30 * 60.0)
    parser.add_argument("--lenient", action="store_true", help="OAuth accepts Bearer too")
    parser.add_argument("--ca-out", default=None, help="write the test CA's PEM here")
    parser.add_argument(
        "--tls-names", nargs="*", default=[], help="extra names for the server certificate"
    )
    return parser.parse_args(argv)


def _tls(args: argparse.Namespace) -> tuple[ssl.SSLContext, str]:
    """A fresh trustme CA, a server certificate for loopback + `--tls-names`, the CA file."""
    import trustme

    ca = trustme.CA()
    names = list(dict.fromkeys(["127.0.0.1", "localhost", args.host, *args.tls_names]))
    names = [n for n in names if n not in ("0.0.0.0", "::")]
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert(*names).configure_cert(context)
    ca_file = args.ca_out
    if ca_file is None:
        handle, ca_file = tempfile.mkstemp(prefix="gigachat-ca-", suffix=".pem")
        os.close(handle)
    ca.cert_pem.write_to_path(ca_file)
    return context, str(ca_file)


async def _serve_forever(args: argparse.Namespace, context: ssl.SSLContext, ca_file: str) -> None:
    emulator = GigaChatEmulator(valid_key=args.key, reply=args.reply, chunk_size=args.chunk_size)
    emulator.chunk_delay = args.delay_ms / 1000
    emulator.token_ttl = args.token_ttl
    emulator.lenient = args.lenient
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(signum, stop.set)
    async with run_gigachat(
        context, emulator=emulator, host=args.host, port=args.port, auth_port=args.auth_port
    ) as running:
        ready = {
            "base_url": running.base_url.replace("//0.0.0.0:", "//127.0.0.1:"),
            "auth_url": running.auth_url.replace("//0.0.0.0:", "//127.0.0.1:"),
            "key": running.valid_key,
            "ca_file": ca_file,
        }
        sys.stdout.write(json.dumps(ready) + "\n")
        sys.stdout.flush()
        await stop.wait()


def main(argv: Sequence[str] | None = None) -> None:
    args = _arguments(argv)
    context, ca_file = _tls(args)
    asyncio.run(_serve_forever(args, context, ca_file))


if __name__ == "__main__":
    main()
