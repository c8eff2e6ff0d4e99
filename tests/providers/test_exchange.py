"""`exchange` tells a connection lost before the reply (worth asking again) from one
cut in the middle (the text so far is kept); `json_body` writes raw UTF-8."""

from __future__ import annotations

import asyncio
import contextlib
import socket
import struct
from collections.abc import AsyncIterator, Callable

import aiohttp
import pytest
from aiohttp import web

from providers.errors import NetworkError, ProtocolError
from providers.http import exchange, json_body, network_errors
from tests.servers.loopback import serve


@contextlib.asynccontextmanager
async def raw_server(close: Callable[[asyncio.StreamWriter], None]) -> AsyncIterator[int]:
    """A TCP server that reads the request, then drops the connection with `close`."""

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        with contextlib.suppress(ConnectionError):
            await reader.read(1024)
        close(writer)

    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    try:
        yield int(server.sockets[0].getsockname()[1])
    finally:
        server.close()
        await server.wait_closed()


def fin(writer: asyncio.StreamWriter) -> None:
    writer.close()


def rst(writer: asyncio.StreamWriter) -> None:
    sock = writer.get_extra_info("socket")
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    writer.transport.abort()


@pytest.mark.parametrize("close", [fin, rst], ids=["closed", "reset"])
@pytest.mark.parametrize("scheme", ["http", "https"])
async def test_a_connection_lost_before_the_reply_is_a_reset(
    session: aiohttp.ClientSession, close: Callable[[asyncio.StreamWriter], None], scheme: str
) -> None:
    async with raw_server(close) as port:
        with pytest.raises(NetworkError) as caught, network_errors():
            async with exchange(session.post(f"{scheme}://127.0.0.1:{port}/", data=b"hi")):
                pass
    assert caught.value.reason == "reset"


async def test_a_connection_lost_mid_body_is_not_a_reset(session: aiohttp.ClientSession) -> None:
    async def cut(request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse(headers={"Content-Type": "text/event-stream"})
        response.content_length = 1000
        await response.prepare(request)
        await response.write(b"data: partial\n\n")
        assert request.transport is not None
        request.transport.close()
        return response

    app = web.Application()
    app.router.add_get("/", cut)
    async with serve(app) as origin:
        with pytest.raises(ProtocolError) as caught, network_errors():
            async with exchange(session.get(origin)) as response:
                await response.read()
    assert caught.value.reason == "cut"


def test_json_body_is_raw_utf8_and_survives_surrogates() -> None:
    assert json_body({"text": "ёжик 🦔"}) == '{"text":"ёжик 🦔"}'.encode()
    assert json_body({"text": "половина \ud83d"}) == '{"text":"половина \ufffd"}'.encode()
