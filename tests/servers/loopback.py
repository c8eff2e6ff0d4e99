"""Run an aiohttp app on 127.0.0.1 (optionally over TLS) for the length of a test."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import ssl
from collections.abc import AsyncIterator
from typing import Any

from aiohttp import web
from multidict import CIMultiDict


def client_certificate_context(server_cert: Any, client_ca: Any) -> ssl.SSLContext:
    """A server context that takes only clients with a certificate signed by `client_ca`
    (trustme objects: `server_cert` a LeafCert, `client_ca` a CA), for mTLS tests."""
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_cert.configure_cert(context)
    client_ca.configure_trust(context)
    context.verify_mode = ssl.CERT_REQUIRED
    return context


@contextlib.asynccontextmanager
async def serve(
    app: web.Application,
    *,
    ssl_context: ssl.SSLContext | None = None,
    host: str = "127.0.0.1",
    port: int = 0,
) -> AsyncIterator[str]:
    """Start `app`, yield its origin (`http(s)://127.0.0.1:PORT`), stop it afterwards."""
    runner = web.AppRunner(app, handle_signals=False, access_log=None, shutdown_timeout=0.5)
    await runner.setup()
    site = web.TCPSite(runner, host, port, ssl_context=ssl_context)
    await site.start()
    bound_port = runner.addresses[0][1]
    scheme = "https" if ssl_context else "http"
    try:
        yield f"{scheme}://{host}:{bound_port}"
    finally:
        await runner.cleanup()


async def send_pieces(
    response: web.StreamResponse, pieces: list[bytes], delay: float, *, finish: bool = True
) -> None:
    """Write the body piece by piece; a client that stopped reading early is not an error."""
    try:
        for index, piece in enumerate(pieces):
            if index and delay:
                await asyncio.sleep(delay)
            await response.write(piece)
        if finish:
            await response.write_eof()
    except ConnectionResetError:
        pass


@dataclasses.dataclass
class Recorded:
    """One request an emulator received, for assertions."""

    method: str
    path: str
    headers: CIMultiDict[str]
    body: Any
    query: dict[str, str] = dataclasses.field(default_factory=dict)
    #: The body's bytes as they came (is it raw UTF-8 or `\\u` escapes?).
    raw: bytes = b""
