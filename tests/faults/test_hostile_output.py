"""Hostile model output through the real view: nothing is fetched, nothing runs, no freeze.

A model's reply is untrusted: it may reference remote images (a tracking pixel tells the
sender when and where the chat was read), link to `file:` or `javascript:` URLs, or be built
to choke a layout engine. The reply here comes from the OpenAI-compatible emulator, through
the provider, the controller and the real window; the "remote" image host is a local aiohttp
server that counts every request it gets.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

from aiohttp import web
from PySide6.QtCore import QObject, QUrl, Slot
from PySide6.QtGui import QDesktopServices

from gui.core.store import MessageStatus
from gui.history_actions import HistoryActions
from gui.widgets.chat_view import MAX_MARKDOWN_CHARS
from providers.openai_compat import OpenAICompatible
from tests.faults.conftest import open_desk
from tests.servers.loopback import serve
from tests.servers.openai import OpenAIEmulator, run_openai

RTL = "שלום עולם · مرحبا بالعالم · \u202etxt.exe\u202c"
ZERO_WIDTH = "pass\u200bword\u200c\u200d\u2060join\ufeffend"
SCHEMES = ("http", "https", "file", "javascript", "data", "vbscript", "ftp")


class _Host:
    """The 'remote' server the reply points at: it must never be asked for anything."""

    def __init__(self) -> None:
        self.requests: list[str] = []

    async def handle(self, request: web.Request) -> web.Response:
        self.requests.append(request.path)
        return web.Response(body=b"GIF89a", content_type="image/gif")

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self.handle)
        return app


@contextlib.asynccontextmanager
async def remote_host() -> AsyncIterator[tuple[_Host, str]]:
    host = _Host()
    async with serve(host.app()) as origin:
        yield host, origin


class _UrlCatcher(QObject):
    """Stands in for the desktop's URL handlers: records what the view tried to open."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    @Slot(QUrl)
    def open(self, url: QUrl) -> None:
        self.urls.append(url.toString())


def markdown_attack(host: str) -> str:
    """Everything a hostile reply can try in Markdown and raw HTML, under the Markdown limit."""
    columns = 12
    table = (
        "| " + " | ".join(f"h{c}" for c in range(columns)) + " |\n"
        "|"
        + "---|" * columns
        + "\n"
        + "".join(
            "| " + " | ".join(f"r{r}c{c}" for c in range(columns)) + " |\n" for r in range(250)
        )
    )
    parts = [
        "# Заголовок",
        f"![pixel]({host}/md.png) ![ref][pic]",
        f"[![inside a link]({host}/in-link.png)]({host}/page)",
        f'<img src="{host}/raw.png"> <IMG SRC={host}/raw2.png>',
        f'<iframe src="{host}/frame"></iframe> <object data="{host}/object"></object>',
        f'<link rel="stylesheet" href="{host}/style.css">',
        f"<style>@import url({host}/import.css); body {{ background: url({host}/bg.png) }}</style>",
        f'<span style="background-image:url({host}/inline.png)">styled</span>',
        f'<video poster="{host}/poster.png"></video> <audio src="{host}/a.mp3"></audio>',
        "<script>alert('script')</script>",
        '<a href="javascript:alert(1)">raw js</a> <a href="file:///etc/passwd">raw file</a>',
        "[js](javascript:alert(2)) [JS](JaVaScRiPt:alert(3)) [vb](vbscript:msgbox(4))",
        "[local](file:///etc/passwd) "
        "[data](data:text/html;base64,PHNjcmlwdD5hbGVydCg1KTwvc2NyaXB0Pg==)",
        "<javascript:alert(6)> <file:///etc/shadow>",
        RTL,
        ZERO_WIDTH,
        ">" * 300 + " deep quote",
        table,
        f"[pic]: {host}/reference.png",
        "the end of the reply",
        "- " * 400 + "deep list",
    ]
    text = "\n\n".join(parts)
    assert len(text) <= MAX_MARKDOWN_CHARS
    return text


def plain_attack(host: str) -> str:
    """A 100 KB single line with no break opportunity (base64-like), bait in the middle:
    too long for Markdown, so it is shown as plain text."""
    bait = f'![x]({host}/big.png)<img src="{host}/big-raw.png">{RTL}{ZERO_WIDTH}'.replace(" ", "")
    half = (100_000 - len(bait)) // 2
    text = "Ж" * half + bait + "Ж" * (100_000 - len(bait) - half)
    assert len(text) == 100_000 and not any(c.isspace() for c in text)
    return text


async def test_hostile_replies_fetch_nothing_run_nothing_and_keep_the_window_alive(
    qtbot: Any, tmp_path: Path
) -> None:
    catcher = _UrlCatcher()
    for scheme in SCHEMES:
        QDesktopServices.setUrlHandler(scheme, catcher, "open")  # type: ignore[arg-type]
    try:
        async with (
            remote_host() as (host, origin),
            run_openai(OpenAIEmulator(chunk_chars=997)) as emulator,
            open_desk(
                qtbot,
                tmp_path,
                classes={"openai": OpenAICompatible},
                provider="openai",
                model="llama3.2",
                configs={"openai": {"base_url": emulator.base_url}},
            ) as desk,
        ):
            window = desk.window
            actions: list[tuple[str, int]] = []
            window.view.action_requested.connect(lambda a, m: actions.append((a, m)))
            replies = []
            for attack in (markdown_attack(origin), plain_attack(origin)):
                emulator.reply = attack
                ticks = desk.ticker.ticks
                conversation = desk.ask("Покажи картинку")
                reply = await desk.finished(conversation, timeout=30)
                assert desk.ticker.ticks > ticks  # the loop ran while it streamed and rendered
                # Nothing is lost: the reply is saved and held by the view exactly as sent.
                assert reply.status == MessageStatus.COMPLETE
                assert reply.text == attack
                assert window.view.message_text(reply.id) == attack
                replies.append(reply)
                window.grab()  # lay out and paint everything, images included if any
                assert await desk.ticker.advances()

            shown = desk.view_text()
            assert "שלום עולם" in shown and "مرحبا بالعالم" in shown
            assert "pass\u200bword" in shown
            assert "styled" in shown
            assert "r249c11" in shown and "the end of the reply" in shown

            html = window.view.toHtml()
            # No picture from the reply: the only images are the view's own action icons.
            assert re.findall(r'<img src="(?!besedka-icon:)', html, re.IGNORECASE) == []
            hrefs = re.findall(r'href="([^"]*)"', html)
            assert hrefs, "the safe links should still be links"
            schemes = {QUrl(href).scheme().lower() for href in hrefs}
            assert schemes <= {"http", "https", "mailto", "besedka"}, schemes

            # Clicking what a hostile reply offers opens or runs nothing but http(s).
            for url in (
                "javascript:alert(1)",
                "JaVaScRiPt:alert(3)",
                "vbscript:msgbox(4)",
                "file:///etc/passwd",
                "data:text/html;base64,PHNjcmlwdD4=",
            ):
                window.view.on_anchor_clicked(QUrl(url))
            assert catcher.urls == []
            assert actions == []

            # The export a person may open in a browser carries no live markup either.
            export = tmp_path / "hostile.html"
            assert desk.controller.current_id is not None
            HistoryActions(desk.controller).export(desk.controller.current_id, str(export), "html")
            page = export.read_text(encoding="utf-8")
            assert "<img" not in page.lower() and "<script" not in page.lower()
            assert "default-src 'none'" in page

            assert await desk.ticker.advances()
            assert host.requests == []
    finally:
        for scheme in SCHEMES:
            QDesktopServices.unsetUrlHandler(scheme)


async def test_text_after_a_hostile_nested_list_stays_on_screen(qtbot: Any, tmp_path: Path) -> None:
    attack = (
        "Before.\n\n"
        + ">" * 30
        + " Inside the quote: keep me.\n\n"
        + "- " * 30
        + "deep\n\nAfter the list: keep me."
    )
    async with (
        run_openai(OpenAIEmulator(reply=attack, chunk_chars=50)) as emulator,
        open_desk(
            qtbot,
            tmp_path,
            classes={"openai": OpenAICompatible},
            provider="openai",
            model="llama3.2",
            configs={"openai": {"base_url": emulator.base_url}},
        ) as desk,
    ):
        reply = await desk.finished(desk.ask("Список"))
        assert reply.text == attack
        shown = desk.view_text()
        assert "Inside the quote: keep me." in shown
        assert "After the list: keep me." in shown
