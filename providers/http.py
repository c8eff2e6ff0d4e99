"""HTTP plumbing shared by providers: TLS contexts, error mapping, stream readers.

Everything network-shaped that can go wrong becomes a typed ProviderError here, so a
provider's own code only speaks its protocol.
"""

from __future__ import annotations

import asyncio
import codecs
import contextlib
import datetime
import errno
import json
import math
import re
import ssl
import sys
from collections.abc import AsyncGenerator, AsyncIterator, Iterator
from email.utils import parsedate_to_datetime
from importlib import resources
from typing import Any

import aiohttp
import orjson
from yarl import URL

from providers.auth import redact
from providers.base import Timeouts
from providers.errors import (
    CertificateError,
    NetworkError,
    ProtocolError,
    ProviderError,
    TimedOutError,
    error_for_status,
)
from providers.sse import SSEDecoder, SSEEvent
from providers.surrogates import mend

__all__ = [
    "YIELD_EVERY",
    "SocksProxyError",
    "client_timeout",
    "exchange",
    "iter_sse_batches",
    "iter_text",
    "json_body",
    "loads_json",
    "network_errors",
    "raise_for_status",
    "request_errors",
    "russian_ca_pem",
    "ssl_context",
]

#: Hand the event loop back after this many items even when data is already buffered,
#: so a fast stream cannot starve the GUI (toolchain.md §3).
YIELD_EVERY = 100
#: Bytes decoded per step of a stream reader.
READ_CHUNK = 16 * 1024
#: Bytes that count as progress on a stream even before a line completes (a long event
#: on a slow link); far more than a trickling server sends in a read timeout.
PROGRESS_BYTES = 64 * 1024


def russian_ca_pem() -> str:
    """The Russian Trusted Root CA shipped as package data."""
    return (
        resources.files("providers")
        .joinpath("certs/russian_trusted_root_ca.pem")
        .read_text(encoding="ascii")
    )


def ssl_context(*, extra_ca_pem: str = "", extra_ca_file: str | None = None) -> ssl.SSLContext:
    """The system trust store plus the given CAs. Verification always stays on."""
    context = ssl.create_default_context()
    if extra_ca_pem:
        try:
            context.load_verify_locations(cadata=extra_ca_pem)
        except ssl.SSLError as error:
            raise CertificateError(reason="ca_text_invalid", detail=str(error)) from None
    if extra_ca_file:
        try:
            context.load_verify_locations(cafile=extra_ca_file)
        except (OSError, ssl.SSLError) as error:
            raise CertificateError(
                reason="ca_file_unreadable", params={"path": extra_ca_file}, detail=str(error)
            ) from None
    return context


def origin_of(base_url: str) -> str:
    """`scheme://host[:port]` of a base URL, as a browser would send in `Origin`."""
    try:
        return str(URL(base_url).origin())
    except ValueError:
        return base_url


def without_credentials(url: str) -> str:
    """A URL fit for a message: any `user:password@` part removed."""
    return re.sub(r"//[^/@\s]*@", "//", url)


def client_timeout(timeouts: Timeouts) -> aiohttp.ClientTimeout:
    # `connect` also bounds a hung DNS lookup or proxy handshake, not only the socket.
    return aiohttp.ClientTimeout(
        total=None, connect=timeouts.connect, sock_connect=timeouts.connect, sock_read=timeouts.read
    )


def _retry_after(value: str | None) -> float | None:
    if not value:
        return None
    try:
        seconds = float(value)
    except ValueError:
        try:
            when = parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
        if when.tzinfo is None:  # "-0000" parses naive; HTTP dates are UTC
            when = when.replace(tzinfo=datetime.UTC)
        seconds = (when - datetime.datetime.now(datetime.UTC)).total_seconds()
    # "inf"/"nan" parse as floats but are no delay anyone can wait for.
    return max(0.0, seconds) if math.isfinite(seconds) else None


def server_message(body: bytes, content_type: str) -> str:
    """The human part of an error body: JSON `error.message`, `error`, `message` or
    `detail` (FastAPI's string, or its list of `{"msg"}` objects), else the text."""
    text = body.decode("utf-8", errors="replace").strip()
    if "json" in content_type or text.startswith("{"):
        with contextlib.suppress(ValueError):
            data = json.loads(text)
            if isinstance(data, dict):
                said = _said_in(data)
                if said:
                    return mend(said)
    if "<html" in text[:200].lower():
        return ""
    return text


def _said_in(data: dict[str, Any]) -> str:
    error = data.get("error")
    if isinstance(error, dict) and isinstance(error.get("message"), str) and error["message"]:
        return str(error["message"])
    if isinstance(error, str) and error:
        return error
    if isinstance(data.get("message"), str) and data["message"]:
        return str(data["message"])
    detail = data.get("detail")
    if isinstance(detail, str):
        return detail
    if isinstance(detail, list):
        messages = [
            str(item["msg"])
            for item in detail
            if isinstance(item, dict) and isinstance(item.get("msg"), str)
        ]
        return "; ".join(messages)
    return ""


async def read_body(response: aiohttp.ClientResponse, limit: int) -> bytes:
    """The whole body up to `limit` bytes: `read(n)` alone returns only what has arrived,
    which for a body sent in several writes is its start."""
    body = b""
    while len(body) < limit:
        piece = await response.content.read(limit - len(body))
        if not piece:
            break
        body += piece
    return body


async def raise_for_status(response: aiohttp.ClientResponse, *, provider: str = "") -> None:
    """Raise the typed error for a non-2xx response, with the server's own message."""
    if response.status < 400:
        return
    try:
        body = await read_body(response, 64 * 1024)
    except aiohttp.ClientError:
        body = b""
    message = server_message(body, response.content_type) or (response.reason or "")
    raise error_for_status(
        response.status,
        message,
        provider=provider,
        retry_after=_retry_after(response.headers.get("Retry-After")),
    )


class SocksProxyError(aiohttp.ClientProxyConnectionError):
    """A SOCKS proxy that cannot be reached or refused the tunnel (its login, its
    protocol), raised by providers/socks.py; `strerror` is the proxy library's words,
    never the password."""


def _raw_socks_error(error: Exception, provider: str) -> NetworkError | None:
    """aiohttp-socks' own exception, from a session not made by providers/socks.py. Only
    looked up when that library is loaded: otherwise none of its errors can exist."""
    socks = sys.modules.get("aiohttp_socks")
    if socks is None:
        return None
    if isinstance(error, socks.ProxyTimeoutError):
        return TimedOutError(reason="timeout", provider=provider)
    if not isinstance(error, socks.ProxyError | socks.ProxyConnectionError):
        return None
    return NetworkError(
        reason="network_error",
        params={"type": type(error).__name__},
        detail=str(error),
        provider=provider,
    )


@contextlib.contextmanager
def network_errors(provider: str = "") -> Iterator[None]:
    """Turn aiohttp and socket failures into typed errors (named by `provider` when given;
    `Provider.stream` and `list_models` name the rest)."""
    try:
        yield
    except ProviderError:
        raise
    except aiohttp.ClientConnectorCertificateError as error:
        raise CertificateError(
            reason="untrusted_certificate", params={"host": error.host}, provider=provider
        ) from None
    except aiohttp.ClientSSLError as error:
        raise CertificateError(reason="tls_failed", detail=str(error), provider=provider) from None
    except aiohttp.ClientConnectorDNSError as error:
        raise NetworkError(reason="dns", params={"host": error.host}, provider=provider) from None
    except SocksProxyError as error:  # the SOCKS library says why (its login, its answer)
        raise NetworkError(
            reason="proxy_connect",
            params=_host_port(error),
            detail=error.strerror or "",
            provider=provider,
        ) from None
    except aiohttp.ClientProxyConnectionError as error:  # before its base class below
        raise NetworkError(
            reason="proxy_connect", params=_host_port(error), provider=provider
        ) from None
    except aiohttp.ClientConnectorError as error:
        raise NetworkError(reason="connect", params=_host_port(error), provider=provider) from None
    except (aiohttp.ServerTimeoutError, TimeoutError):
        raise TimedOutError(reason="timeout", provider=provider) from None
    except (aiohttp.ServerDisconnectedError, aiohttp.ClientPayloadError):
        raise ProtocolError(reason="cut", provider=provider) from None
    except aiohttp.InvalidURL as error:
        url = without_credentials(str(error.url))
        raise NetworkError(reason="invalid_url", params={"url": url}, provider=provider) from None
    except aiohttp.ClientError as error:
        raise NetworkError(
            reason="network_error", params={"type": type(error).__name__}, provider=provider
        ) from None
    except Exception as error:
        socks = _raw_socks_error(error, provider)
        if socks is None:
            raise
        raise socks from None


#: What a connection closed or reset before the reply's first byte looks like: a server
#: that closed at once (FIN), reset it (RST), or reset the TLS handshake.
_RESET_ERRNOS = frozenset({errno.ECONNRESET, errno.EPIPE, errno.ECONNABORTED})


def _is_reset(error: BaseException) -> bool:
    if isinstance(error, aiohttp.ServerDisconnectedError | ConnectionResetError):
        return True
    if isinstance(error, aiohttp.ClientConnectorError):  # during the TLS handshake
        return isinstance(error.os_error, ConnectionResetError) or error.errno in _RESET_ERRNOS
    return isinstance(error, aiohttp.ClientOSError) and error.errno in _RESET_ERRNOS


@contextlib.asynccontextmanager
async def exchange(
    request: contextlib.AbstractAsyncContextManager[aiohttp.ClientResponse],
) -> AsyncIterator[aiohttp.ClientResponse]:
    """`async with session.post(...)` that tells a connection lost before any byte of
    the reply (NetworkError "reset", which `Provider.stream` retries) from one lost
    while the body was read (left to `network_errors`: the answer was cut)."""
    entered = False
    try:
        async with request as response:
            entered = True
            yield response
    except (aiohttp.ClientError, ConnectionResetError) as error:
        if entered or not _is_reset(error):
            raise
        raise NetworkError(reason="reset") from None


def json_body(payload: Any) -> bytes:
    """A request body as compact JSON in raw UTF-8 (no `\\uXXXX` for Cyrillic), whatever
    the session's serializer; text with a lone surrogate half gets U+FFFD for it."""
    try:
        return orjson.dumps(payload)
    except TypeError:  # orjson refuses surrogates: mend the whole text, then encode
        text = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
        return mend(text).encode("utf-8")


def _host_port(error: aiohttp.ClientConnectorError) -> dict[str, str | int | float]:
    # aiohttp gives `port` as an int; None for a host it could not split.
    port = error.port
    return {"host": str(error.host), "port": port if isinstance(port, int) else str(port)}


@contextlib.contextmanager
def request_errors(*secrets: str) -> Iterator[None]:
    """The guard around a provider's request: network failures become typed errors and
    no error leaves with a credential in its text (servers quote the key they refused)."""
    try:
        with network_errors():
            yield
    except ProviderError as error:
        raise redact(error, *secrets) from None


async def iter_sse_batches(
    response: aiohttp.ClientResponse, *, stall_after: float | None = None
) -> AsyncGenerator[list[SSEEvent], None]:
    """Events of an event-stream body as they arrive, a list per network read (one step
    per event would cost more than the event); a cut stream ends without error.

    Callers decide whether the end was legitimate (they saw their terminator). Silence
    is the socket read timeout's business; `stall_after` catches a server that keeps
    the connection alive with a trickle: no complete line (keep-alive comments count)
    and under PROGRESS_BYTES for that many seconds is a TimedOutError "stalled".
    """
    decoder = SSEDecoder()
    loop = asyncio.get_running_loop()
    mark = loop.time()
    lines = 0
    received = 0
    # Bounded pieces, and a loop turn after each: a whole buffered backlog decoded at
    # once would hold the GUI.
    async for chunk in response.content.iter_chunked(READ_CHUNK):
        events = decoder.feed(chunk)
        if stall_after is not None:
            received += len(chunk)
            if decoder.lines != lines or received >= PROGRESS_BYTES:
                mark, lines, received = loop.time(), decoder.lines, 0
            elif loop.time() - mark > stall_after:
                raise TimedOutError(reason="stalled", params={"seconds": math.ceil(stall_after)})
        if events:
            yield events
        await asyncio.sleep(0)
    events = decoder.close()
    if events:
        yield events


async def iter_text(response: aiohttp.ClientResponse) -> AsyncGenerator[str, None]:
    """A raw text body as decoded pieces; UTF-8 characters split across chunks survive."""
    try:
        decoder = codecs.getincrementaldecoder(response.charset or "utf-8")(errors="replace")
    except LookupError:  # a charset Python does not know: UTF-8 is the best guess
        decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
    async for chunk in response.content.iter_any():
        text = decoder.decode(chunk)
        if text:
            yield text
        await asyncio.sleep(0)
    tail = decoder.decode(b"", final=True)
    if tail:
        yield tail


def loads_json(data: str | bytes) -> Any:
    """`json.loads`, faster: orjson first, the standard library for what orjson refuses
    and json takes (half a surrogate pair). Integers past 64 bits come back as floats.
    Raises json.JSONDecodeError (a ValueError)."""
    try:
        return orjson.loads(data)
    except orjson.JSONDecodeError:
        return json.loads(data)


def parse_json(data: str, *, provider: str = "", reason: str = "malformed_stream") -> Any:
    """JSON of one stream item or reply, or a ProtocolError (`reason`, e.g.
    "malformed_answer") quoting a little of it."""
    try:
        return loads_json(data)
    except ValueError:
        raise ProtocolError(reason=reason, detail=data[:60], provider=provider) from None
