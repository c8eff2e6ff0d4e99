"""HTTP plumbing against real aiohttp servers on 127.0.0.1."""

from __future__ import annotations

import asyncio
import datetime
import email.utils
import hashlib
import json
import socket
import ssl
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import aiohttp
import pytest
from aiohttp import web

from providers.base import Timeouts
from providers.errors import (
    AuthError,
    BadRequestError,
    CertificateError,
    NetworkError,
    NotFoundError,
    ProtocolError,
    ProviderError,
    RateLimitError,
    ServerError,
    TimedOutError,
)
from providers.http import (
    client_timeout,
    iter_sse_batches,
    iter_text,
    loads_json,
    network_errors,
    parse_json,
    raise_for_status,
    russian_ca_pem,
    ssl_context,
)
from providers.sse import SSEEvent
from tests.servers.loopback import serve

RUSSIAN_CA_SHA256 = (
    "D2:6D:2D:02:31:B7:C3:9F:92:CC:73:85:12:BA:54:10:"
    "35:19:E4:40:5D:68:B5:BD:70:3E:97:88:CA:8E:CF:31"
)
SECRET = "sk-test-never-show-me-42"

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def app_with(handler: Handler, path: str = "/") -> web.Application:
    app = web.Application()
    app.router.add_route("*", path, handler)
    return app


async def write_in_pieces(
    request: web.Request, pieces: list[bytes], content_type: str, status: int = 200
) -> web.StreamResponse:
    """Send each piece as its own write, so the client sees separate network chunks."""
    response = web.StreamResponse(status=status, headers={"Content-Type": content_type})
    await response.prepare(request)
    for piece in pieces:
        await response.write(piece)
        await asyncio.sleep(0.02)
    await response.write_eof()
    return response


def cut_everywhere(data: bytes, step: int = 3) -> list[bytes]:
    return [data[i : i + step] for i in range(0, len(data), step)]


# ---- raise_for_status ---------------------------------------------------------------


async def error_statuses(request: web.Request) -> web.StreamResponse:
    status = int(request.match_info["status"])
    kind = request.query.get("kind", "json")
    headers = {}
    if "retry" in request.query:
        headers["Retry-After"] = request.query["retry"]
    if kind == "json":
        return web.json_response(
            {"status": status, "message": "Token has expired"}, status=status, headers=headers
        )
    if kind == "openai":
        return web.json_response(
            {"error": {"message": "Rate limit reached for gpt", "type": "x"}},
            status=status,
            headers=headers,
        )
    if kind == "html":
        return web.Response(
            text="<html><body><h1>502 Bad Gateway</h1>nginx</body></html>",
            status=status,
            content_type="text/html",
            headers=headers,
        )
    if kind == "chunked":
        body = '{"status": 422, "message": "system message must be the first message"}'
        return await write_in_pieces(
            request, cut_everywhere(body.encode(), 20), "application/json", status
        )
    return web.Response(text="Quota exceeded for today", status=status, headers=headers)


@pytest.fixture
async def errors_origin() -> AsyncIterator[str]:
    async with serve(app_with(error_statuses, "/status/{status}")) as origin:
        yield origin


async def failure_of(session: aiohttp.ClientSession, url: str) -> ProviderError:
    async with session.get(url, headers={"Authorization": f"Bearer {SECRET}"}) as response:
        with pytest.raises(ProviderError) as caught:
            await raise_for_status(response, provider="GigaChat")
    return caught.value


@pytest.mark.parametrize(
    ("status", "kind", "error_type", "message"),
    [
        (401, "json", AuthError, "Token has expired"),
        (404, "json", NotFoundError, "Token has expired"),
        (429, "openai", RateLimitError, "Rate limit reached for gpt"),
        (400, "text", BadRequestError, "Quota exceeded for today"),
        (500, "text", ServerError, "Quota exceeded for today"),
        (502, "html", ServerError, "Bad Gateway"),  # the reason phrase, not the page
        (422, "chunked", BadRequestError, "system message must be the first message"),
    ],
)
async def test_raise_for_status_maps_and_extracts(
    session: aiohttp.ClientSession,
    errors_origin: str,
    status: int,
    kind: str,
    error_type: type[ProviderError],
    message: str,
) -> None:
    error = await failure_of(session, f"{errors_origin}/status/{status}?kind={kind}")
    assert type(error) is error_type
    assert error.status == status
    assert error.provider == "GigaChat"
    assert error.message.endswith(message)
    assert "<html" not in error.message
    for text in (str(error), repr(error), error.user_message, *map(str, error.args)):
        assert SECRET not in text  # the request's key never leaks into the error


async def test_raise_for_status_passes_success(
    session: aiohttp.ClientSession, errors_origin: str
) -> None:
    async with session.get(f"{errors_origin}/status/200") as response:
        await raise_for_status(response)
        assert (await response.json())["message"] == "Token has expired"


async def test_retry_after_seconds(session: aiohttp.ClientSession, errors_origin: str) -> None:
    error = await failure_of(session, f"{errors_origin}/status/429?retry=17")
    assert isinstance(error, RateLimitError)
    assert error.retry_after == 17
    assert "Retry in 17 s" in error.user_message


async def test_retry_after_http_date(session: aiohttp.ClientSession, errors_origin: str) -> None:
    when = datetime.datetime.now(datetime.UTC) + datetime.timedelta(seconds=120)
    date = email.utils.format_datetime(when, usegmt=True)
    error = await failure_of(session, f"{errors_origin}/status/429?retry={date}")
    assert isinstance(error, RateLimitError)
    assert error.retry_after is not None
    assert 60 < error.retry_after <= 121


@pytest.mark.parametrize("value", ["soon", "inf", "-5", ""])
async def test_retry_after_garbage_is_ignored(
    session: aiohttp.ClientSession, errors_origin: str, value: str
) -> None:
    error = await failure_of(session, f"{errors_origin}/status/429?retry={value}")
    assert isinstance(error, RateLimitError)
    assert error.retry_after in (None, 0.0)
    assert "Wait a little and retry" in error.user_message


# ---- network_errors -----------------------------------------------------------------


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


async def test_connection_refused_is_network_error(session: aiohttp.ClientSession) -> None:
    port = closed_port()
    with pytest.raises(NetworkError) as caught, network_errors("GigaChat"):
        async with session.get(f"http://127.0.0.1:{port}/"):
            pass
    assert type(caught.value) is NetworkError
    assert caught.value.provider == "GigaChat"
    assert str(port) in caught.value.message


async def test_dead_proxy_is_named(session: aiohttp.ClientSession) -> None:
    proxy_port = closed_port()
    with pytest.raises(NetworkError) as caught, network_errors("GigaChat"):
        async with session.get("http://127.0.0.1:9/", proxy=f"http://127.0.0.1:{proxy_port}"):
            pass
    assert "proxy" in caught.value.message
    assert str(proxy_port) in caught.value.message


async def hello(request: web.Request) -> web.StreamResponse:
    return web.Response(text="привет по TLS")


async def test_untrusted_tls_is_certificate_error(
    session: aiohttp.ClientSession, server_ssl: ssl.SSLContext
) -> None:
    async with serve(app_with(hello), ssl_context=server_ssl) as origin:
        with pytest.raises(CertificateError) as caught, network_errors("GigaChat"):
            async with session.get(origin):
                pass
    assert caught.value.provider == "GigaChat"
    assert "CA file" in caught.value.user_message


async def test_tls_trusted_through_ca_file(
    session: aiohttp.ClientSession, server_ssl: ssl.SSLContext, test_ca_file: Path
) -> None:
    context = ssl_context(extra_ca_file=str(test_ca_file))
    async with serve(app_with(hello), ssl_context=server_ssl) as origin:
        with network_errors("GigaChat"):
            async with session.get(origin, ssl=context) as response:
                await raise_for_status(response)
                assert await response.text() == "привет по TLS"


async def test_unreadable_ca_file_is_certificate_error(tmp_path: Path) -> None:
    bad = tmp_path / "not-a-ca.pem"
    bad.write_text("hello")
    for path in (bad, tmp_path / "missing.pem"):
        with pytest.raises(CertificateError, match="CA file"):
            ssl_context(extra_ca_file=str(path))


def test_bad_ca_text_is_certificate_error() -> None:
    with pytest.raises(CertificateError):
        ssl_context(extra_ca_pem="-----BEGIN CERTIFICATE-----\nnope\n-----END CERTIFICATE-----\n")


async def test_server_that_stops_sending_times_out(session: aiohttp.ClientSession) -> None:
    release = asyncio.Event()

    async def stall(request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse(headers={"Content-Type": "text/event-stream"})
        await response.prepare(request)
        await response.write(b"data: first\n\n")
        await release.wait()
        return response

    events: list[SSEEvent] = []
    async with serve(app_with(stall)) as origin:
        try:
            with pytest.raises(TimedOutError) as caught, network_errors("GigaChat"):
                timeout = client_timeout(Timeouts(read=0.3))
                async with session.get(origin, timeout=timeout) as response:
                    async for batch in iter_sse_batches(response):
                        events.extend(batch)
        finally:
            release.set()
    assert events == [SSEEvent("first")]  # what arrived before the silence is kept
    assert caught.value.provider == "GigaChat"


async def test_server_closing_mid_body_is_protocol_error(session: aiohttp.ClientSession) -> None:
    async def cut(request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse(headers={"Content-Type": "text/event-stream"})
        response.content_length = 1000
        await response.prepare(request)
        await response.write(b"data: partial\n\n")
        assert request.transport is not None
        request.transport.close()
        return response

    events: list[SSEEvent] = []
    async with serve(app_with(cut)) as origin:
        with pytest.raises(ProtocolError) as caught, network_errors("GPTalk"):
            async with session.get(origin) as response:
                async for batch in iter_sse_batches(response):
                    events.extend(batch)
    assert events == [SSEEvent("partial")]
    assert caught.value.provider == "GPTalk"
    assert "text so far is kept" in caught.value.user_message


async def test_provider_errors_pass_through_unchanged() -> None:
    original = RateLimitError("slow down", provider="GigaChat", retry_after=3)
    with pytest.raises(RateLimitError) as caught, network_errors("Other"):
        raise original
    assert caught.value is original


# ---- stream readers -----------------------------------------------------------------


async def test_sse_reader_survives_characters_split_across_writes(
    session: aiohttp.ClientSession,
) -> None:
    body = (
        'data: {"content": "Привет, мир! 🙂"}\r\n\r\n'
        ": keep-alive\r\n\r\n"
        'data:{"content": "Ёжик"}\r\n\r\n'
        "data: [DONE]\r\n\r\n"
    ).encode()
    pieces = cut_everywhere(body, 5)
    with pytest.raises(UnicodeDecodeError):  # the writes really split characters
        for piece in pieces:
            piece.decode("utf-8", errors="strict")

    async def sse(request: web.Request) -> web.StreamResponse:
        return await write_in_pieces(request, pieces, "text/event-stream")

    async with serve(app_with(sse)) as origin, session.get(origin) as response:
        events = [event async for batch in iter_sse_batches(response) for event in batch]
    assert [parse_json(e.data)["content"] for e in events[:-1]] == ["Привет, мир! 🙂", "Ёжик"]
    assert events[-1].is_done


async def test_sse_reader_delivers_last_event_of_a_stream_without_blank_line(
    session: aiohttp.ClientSession,
) -> None:
    async def sse(request: web.Request) -> web.StreamResponse:
        return await write_in_pieces(request, [b"data: one\n\n", b"data: tw", b"o"], "text/plain")

    async with serve(app_with(sse)) as origin, session.get(origin) as response:
        batches = [batch async for batch in iter_sse_batches(response)]
    assert [[event.data for event in batch] for batch in batches] == [["one"], ["two"]]


async def test_iter_text_survives_characters_split_across_writes(
    session: aiohttp.ClientSession,
) -> None:
    text = "Сегодня хорошая погода ☀️, а завтра — дождь 🌧."
    pieces = cut_everywhere(text.encode(), 7)

    async def raw(request: web.Request) -> web.StreamResponse:
        return await write_in_pieces(request, pieces, "text/plain; charset=utf-8")

    async with serve(app_with(raw)) as origin, session.get(origin) as response:
        parts = [part async for part in iter_text(response)]
    assert "".join(parts) == text
    assert "\ufffd" not in "".join(parts)
    assert len(parts) > 1  # it streamed, it did not wait for the whole body


async def test_iter_text_with_unknown_charset_falls_back_to_utf8(
    session: aiohttp.ClientSession,
) -> None:
    async def raw(request: web.Request) -> web.StreamResponse:
        return await write_in_pieces(
            request, cut_everywhere("Ёлка".encode(), 1), "text/plain; charset=x-made-up"
        )

    async with serve(app_with(raw)) as origin, session.get(origin) as response:
        assert "".join([part async for part in iter_text(response)]) == "Ёлка"


def test_parse_json_errors_are_protocol_errors() -> None:
    assert parse_json('{"a": "б"}') == {"a": "б"}
    with pytest.raises(ProtocolError, match="malformed data"):
        parse_json("{not json", provider="GigaChat")


# ---- TLS contexts -------------------------------------------------------------------


def fingerprint(pem: str) -> str:
    digest = hashlib.sha256(ssl.PEM_cert_to_DER_cert(pem)).hexdigest().upper()
    return ":".join(digest[i : i + 2] for i in range(0, len(digest), 2))


def test_russian_ca_is_the_authentic_certificate() -> None:
    pem = russian_ca_pem()
    assert pem.count("BEGIN CERTIFICATE") == 1
    assert fingerprint(pem) == RUSSIAN_CA_SHA256


def test_russian_ca_is_added_on_top_of_the_system_store() -> None:
    der = ssl.PEM_cert_to_DER_cert(russian_ca_pem())
    system = ssl.create_default_context().get_ca_certs(binary_form=True)
    combined = ssl_context(extra_ca_pem=russian_ca_pem()).get_ca_certs(binary_form=True)
    assert der in combined
    assert set(system) <= set(combined)
    assert len(combined) == len(system) + (der not in system)
    subjects = [
        str(cert.get("subject"))
        for cert in ssl_context(extra_ca_pem=russian_ca_pem()).get_ca_certs()
    ]
    assert any(
        "('commonName', 'Russian Trusted Root CA')" in subject
        and "('countryName', 'RU')" in subject
        for subject in subjects
    )


@pytest.mark.parametrize("with_pem", [False, True])
@pytest.mark.parametrize("with_file", [False, True])
def test_ssl_context_always_verifies(with_pem: bool, with_file: bool, test_ca_file: Path) -> None:
    context = ssl_context(
        extra_ca_pem=russian_ca_pem() if with_pem else "",
        extra_ca_file=str(test_ca_file) if with_file else None,
    )
    assert context.verify_mode == ssl.CERT_REQUIRED
    assert context.check_hostname


@pytest.mark.parametrize(
    "text",
    [
        '{"content": "Привет 🦔", "n": 1.5, "ok": true, "none": null}',
        '{"content": "\\ud83e"}',  # half a surrogate pair: orjson refuses, json takes it
        "[1, 2, 3]",
    ],
)
def test_loads_json_reads_what_json_reads(text: str) -> None:
    assert loads_json(text) == json.loads(text)


def test_loads_json_refuses_what_json_refuses() -> None:
    for text in ("{", '{"a": }', "NaN-ish", ""):
        with pytest.raises(json.JSONDecodeError):
            loads_json(text)
