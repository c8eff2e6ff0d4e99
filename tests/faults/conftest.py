"""Fault-suite plumbing: a real window on a real controller, emulator fault switches the
emulators lack, and the FAULTS.md table a whole matrix run checks at the end (and rewrites
only when asked: `BESEDKA_WRITE_FAULTS=1`, since no test writes into the work tree).

Everything here runs on a qasync loop (as the app does), so widgets, the controller, the
provider and the loopback emulators share one event loop in one thread.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import json
import os
import re
from collections.abc import AsyncIterator, Awaitable, Callable, Generator, Mapping
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import aiohttp
import pytest
import qasync
from aiohttp import web
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication

from gui.controller import ChatController
from gui.core.provider_factory import ProviderFactory
from gui.core.store import MessageStatus, Store, StoredMessage
from gui.values import ProviderInfo
from gui.widgets.main_window import MainWindow
from gui.wiring import Wiring
from providers.base import Provider, Timeouts
from providers.retry import RetryPolicy
from tests.servers.gprochat import GPROChatEmulator
from tests.servers.gptalk import GPTalkEmulator

#: Busy statuses are retried as in the app, without the waits (tests/providers/test_retry.py
#: holds the waits): a fault here is what the person sees when every try failed.
QUICK_RETRIES = RetryPolicy(retries=2, backoff=(0.0,), cap=0.0)


@pytest.fixture(autouse=True)
def quick_retries(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(Provider, "retry_policy", QUICK_RETRIES)


ROOT = Path(__file__).resolve().parents[2]
FAULTS_MD = ROOT / "tests" / "FAULTS.md"
#: Set to 1 to rewrite FAULTS.md from a whole matrix run instead of checking it.
WRITE_FAULTS = "BESEDKA_WRITE_FAULTS"


def pytest_asyncio_loop_factories(config: Any, item: Any) -> dict[str, Callable[[], Any]]:
    return {"qasync": lambda: qasync.QEventLoop(QApplication.instance() or QApplication([]))}


# ---- the matrix: what is run, and what cannot be ----------------------------------------

#: (provider name, label) in table order.
PROVIDERS: tuple[tuple[str, str], ...] = (
    ("gigachat", "GigaChat"),
    ("openai", "OpenAI-compatible"),
    ("gprochat", "GPROChat"),
    ("gptalk", "GPTalk"),
)

#: (fault key, row title) in table order.
FAULTS: tuple[tuple[str, str], ...] = (
    ("refused", "Connection refused"),
    ("dns", "DNS failure (`nonexistent.invalid`)"),
    ("tls", "TLS certificate not trusted"),
    ("401", "HTTP 401"),
    ("403", "HTTP 403"),
    ("404", "HTTP 404"),
    ("413", "HTTP 413"),
    ("422", "HTTP 422"),
    ("429", "HTTP 429 + Retry-After: 7"),
    ("500", "HTTP 500"),
    ("503", "HTTP 503"),
    ("cut", "Stream cut mid-way"),
    ("malformed", "Malformed stream line"),
    ("error_object", "Error object inside a 200 stream"),
    ("stall", "Server stops sending (read timeout)"),
)

#: Cells a protocol cannot produce, with the reason shown in the table.
NOT_APPLICABLE: Mapping[tuple[str, str], str] = {
    ("gprochat", "malformed"): (
        "GPROChat streams raw text with no line or JSON framing: any bytes are reply text, "
        "so no line can be malformed"
    ),
    ("gprochat", "error_object"): (
        "GPROChat streams raw text: there is no in-band error object; errors come only as "
        "HTTP statuses"
    ),
}


def matrix_cells() -> list[tuple[str, str]]:
    """Every (provider, fault) that is run, in table order."""
    return [
        (provider, fault)
        for fault, _title in FAULTS
        for provider, _label in PROVIDERS
        if (provider, fault) not in NOT_APPLICABLE
    ]


# ---- collecting outcomes and writing FAULTS.md -----------------------------------------

#: What a matrix test saw, put on its item by the test itself (see `record_cell`).
CELL_DETAIL = pytest.StashKey[dict[str, str]]()
_OUTCOMES: dict[tuple[str, str], tuple[str, dict[str, str]]] = {}


@pytest.fixture
def record_cell(request: pytest.FixtureRequest) -> Callable[..., None]:
    """Matrix tests call this with what the person saw; the table shows it."""

    def record(**detail: str) -> None:
        request.node.stash[CELL_DETAIL] = detail

    return record


def _cell_of(item: pytest.Item) -> tuple[str, str] | None:
    callspec = getattr(item, "callspec", None)
    if callspec is None or getattr(item, "originalname", "") != "test_fault":
        return None
    params = callspec.params
    if "provider" not in params or "fault" not in params:
        return None
    return str(params["provider"]), str(params["fault"])


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    report = yield
    cell = _cell_of(item)
    if cell is not None and (report.failed or report.when == "call"):
        outcome = "fail" if report.failed else report.outcome
        if cell not in _OUTCOMES or _OUTCOMES[cell][0] != "fail":
            _OUTCOMES[cell] = (outcome, item.stash.get(CELL_DETAIL, {}))
    return report


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """When the whole matrix ran, check that FAULTS.md says what this run saw, or rewrite it
    with BESEDKA_WRITE_FAULTS=1. A `-k` subset checks nothing; a stale table fails the run."""
    cells = matrix_cells()
    if not cells or any(cell not in _OUTCOMES for cell in cells):
        return
    table = render_table(_OUTCOMES)
    if os.environ.get(WRITE_FAULTS) == "1":
        FAULTS_MD.write_text(table, encoding="utf-8")
        return
    written = FAULTS_MD.read_text(encoding="utf-8") if FAULTS_MD.exists() else ""
    if written == table:
        return
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    if reporter is not None:
        reporter.write_sep(
            "=",
            f"tests/FAULTS.md does not say what this run saw: if the change is right, "
            f"rewrite it with {WRITE_FAULTS}=1 pytest tests/faults",
            red=True,
        )
    session.exitstatus = pytest.ExitCode.TESTS_FAILED


def _md(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def normalize(text: str) -> str:
    """Run-specific parts (loopback ports) out of a message, so the table is stable."""
    return re.sub(r"127\.0\.0\.1:\d+", "127.0.0.1:PORT", text)


def render_table(outcomes: Mapping[tuple[str, str], tuple[str, Mapping[str, str]]]) -> str:
    labels = dict(PROVIDERS)
    lines = [
        "# Faults × providers",
        "",
        f"_Written by `{WRITE_FAULTS}=1 pytest tests/faults` (see `tests/faults/conftest.py`);"
        " a plain run checks it. Do not edit by hand._",
        "",
        "Each cell is one end-to-end run: the real `MainWindow` (offscreen) and `ChatController`,"
        " the real `ProviderFactory` and provider, and the provider's loopback emulator"
        " (`tests/servers/`) with the fault switched on. A cell passes when the person sees the"
        " error inline, naming the provider and saying what to do; the text that arrived before"
        " the fault stays on screen and in the database; the window keeps running (a 5 ms"
        " timer keeps ticking and the composer takes typing right after); no request is"
        " silently repeated after text was shown; and, with the fault switched off, the next"
        " message typed gets the whole reply.",
        "",
        "| Fault | " + " | ".join(label for _name, label in PROVIDERS) + " |",
        "| --- |" + " --- |" * len(PROVIDERS),
    ]
    notes: list[str] = []
    for fault, title in FAULTS:
        row = [title]
        for provider, _label in PROVIDERS:
            if (provider, fault) in NOT_APPLICABLE:
                notes.append(
                    f"- **{labels[provider]} · {title}**: {NOT_APPLICABLE[provider, fault]}."
                )
                row.append(f"n/a [{len(notes)}]")
                continue
            outcome, detail = outcomes[provider, fault]
            mark = "✅" if outcome == "passed" else "❌"
            row.append(f"{mark} {detail.get('error', outcome)}")
        lines.append("| " + " | ".join(_md(cell) for cell in row) + " |")
    lines += ["", "Not applicable:", ""]
    lines += [f"{index}. {note[2:]}" for index, note in enumerate(notes, 1)]
    lines += [
        "",
        "## What the person saw",
        "",
        "| Fault | Provider | How the fault was made | Inline message | Text kept |",
        "| --- | --- | --- | --- | --- |",
    ]
    for fault, title in FAULTS:
        for provider, label in PROVIDERS:
            if (provider, fault) in NOT_APPLICABLE:
                continue
            outcome, detail = outcomes[provider, fault]
            message = detail.get("message", f"({outcome})")
            lines.append(
                "| "
                + " | ".join(
                    _md(cell)
                    for cell in (
                        title,
                        label,
                        detail.get("how", ""),
                        normalize(message),
                        detail.get("kept", ""),
                    )
                )
                + " |"
            )
    lines += _hostile_cases()
    return "\n".join(lines) + "\n"


def _hostile_cases() -> list[str]:
    """The red-team cases of issue #21, each with the tests that reproduce it."""
    from tests.faults.cases import CASES

    lines = [
        "",
        "## Hostile and unlucky input (issue #21)",
        "",
        "Each case of the red-team pass and the tests that reproduced it (they failed before"
        " the fix and pass now); `tests/faults/cases.py` holds the list.",
        "",
        "| # | What broke | Tests | Left |",
        "| --- | --- | --- | --- |",
    ]
    for number, what, tests, left in CASES:
        named = "<br>".join(f"`{test}`" for test in tests) or "—"
        lines.append(f"| {number} | {_md(what)} | {named} | {_md(left) or '—'} |")
    return lines


# ---- fault switches the emulators lack ---------------------------------------------------


class Faults:
    """A middleware in front of an emulator's routes: forced statuses, and a record of the
    connections that carry streams so a test can drop them mid-reply."""

    def __init__(self, status_path: str, stream_path: str) -> None:
        self.status_path = status_path
        self.stream_path = stream_path
        self.status: int | None = None
        self.headers: dict[str, str] = {}
        self.hits = 0
        self.transports: list[asyncio.Transport] = []

    def middleware(self) -> Any:
        @web.middleware
        async def faults(
            request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
        ) -> web.StreamResponse:
            if request.path == self.status_path:
                self.hits += 1
                if self.status is not None:
                    await request.read()
                    reason = _REASONS.get(self.status, "Error")
                    return web.Response(
                        status=self.status, text=f"{self.status}: {reason}", headers=self.headers
                    )
            if request.path == self.stream_path and request.transport is not None:
                self.transports.append(request.transport)
            return await handler(request)

        return faults

    def force(self, status: int, **headers: str) -> None:
        self.status, self.headers = status, dict(headers)

    def clear(self) -> None:
        self.status, self.headers = None, {}

    def drop_streams(self) -> None:
        """Drop every stream connection: the body stops mid-way, unterminated."""
        for transport in self.transports:
            transport.abort()


_REASONS = {
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    413: "Request Entity Too Large",
    422: "Unprocessable Entity",
    429: "Too Many Requests",
    500: "Internal Server Error",
    503: "Service Unavailable",
}


class GPROChatWithFaults(GPROChatEmulator):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.faults = Faults("/api/generate", "/api/generate")

    def app(self) -> web.Application:
        app = super().app()
        app.middlewares.append(self.faults.middleware())
        return app


class GPTalkWithFaults(GPTalkEmulator):
    """Adds what the GPTalk emulator has no switch for: an error object mid-stream."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.faults = Faults("/api/chatgpt/chatapi/text", "/api/chatgpt/chatapi/stream")
        self.error_object: dict[str, Any] | None = None

    def app(self) -> web.Application:
        app = super().app()
        app.middlewares.append(self.faults.middleware())
        return app

    def _lines(self, reply: str) -> list[str]:
        lines = super()._lines(reply)
        if self.error_object is not None:
            lines.insert(2, "data: " + json.dumps(self.error_object, ensure_ascii=False))
        return lines


# ---- the desk: a real window on a real controller, store and provider factory -------------


async def wait_for(predicate: Callable[[], bool], timeout: float = 10.0) -> None:
    """Poll on the running (qasync) loop; qtbot.waitUntil hangs inside async tests."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not predicate():
        if loop.time() > deadline:
            raise AssertionError("condition not reached in time")
        await asyncio.sleep(0.01)


class Ticker:
    """A 5 ms Qt timer that counts: if the GUI thread blocks, the count stops growing."""

    def __init__(self) -> None:
        self.ticks = 0
        self._timer = QTimer()
        self._timer.setInterval(5)
        self._timer.timeout.connect(self._tick)
        self._timer.start()

    def _tick(self) -> None:
        self.ticks += 1

    def stop(self) -> None:
        self._timer.stop()

    async def advances(self) -> bool:
        """The timer still fires: the loop is not stuck."""
        before = self.ticks
        await wait_for(lambda: self.ticks > before + 2, timeout=5)
        return True


@dataclasses.dataclass
class Desk:
    qtbot: Any
    window: MainWindow
    controller: ChatController
    store: Store
    factory: ProviderFactory
    #: provider name → the settings its config source returns (edit to "change Settings")
    configs: dict[str, dict[str, str]]
    ticker: Ticker
    timeouts: Timeouts = dataclasses.field(default_factory=lambda: Timeouts(connect=5, read=10))

    def ask(self, text: str) -> int:
        """Type (any script) and press Enter; returns the conversation id."""
        self.window.composer.setPlainText(text)
        self.qtbot.keyClick(self.window.composer, Qt.Key.Key_Return)
        assert self.controller.current_id is not None
        return self.controller.current_id

    def type_and_send(self, ascii_text: str) -> None:
        """Real key presses (ASCII only: offscreen Qt drops others), then Enter."""
        self.qtbot.keyClicks(self.window.composer, ascii_text)
        assert self.window.composer.toPlainText() == ascii_text
        self.qtbot.keyClick(self.window.composer, Qt.Key.Key_Return)

    def last_reply(self, conversation_id: int) -> StoredMessage:
        return [m for m in self.store.messages(conversation_id) if m.role == "assistant"][-1]

    async def finished(self, conversation_id: int, timeout: float = 15.0) -> StoredMessage:
        """The reply once it ended (complete, failed or stopped), as saved."""
        await wait_for(lambda: not self.controller.is_busy(conversation_id), timeout=timeout)
        reply = self.last_reply(conversation_id)
        assert reply.status != MessageStatus.STREAMING
        return reply

    def view_text(self) -> str:
        return self.window.view.toPlainText()


@contextlib.asynccontextmanager
async def open_desk(
    qtbot: Any,
    tmp_path: Path,
    *,
    classes: Mapping[str, type[Provider]],
    provider: str,
    model: str,
    configs: dict[str, dict[str, str]] | None = None,
) -> AsyncIterator[Desk]:
    """The app's wiring (app.py) with an in-memory config source and test timeouts."""
    store = Store.open(tmp_path / "history.sqlite3")
    configs = configs if configs is not None else {}
    ticker = Ticker()
    desk: Desk | None = None
    try:
        async with aiohttp.ClientSession() as session:

            async def config_source(info: ProviderInfo) -> Mapping[str, str | None]:
                await asyncio.sleep(0)  # as the keychain read: a real await
                return dict(configs.get(info.name, {}))

            factory = ProviderFactory(
                session,
                config_source,
                timeouts=lambda: desk.timeouts if desk is not None else Timeouts(),
                classes=classes,
            )
            window = MainWindow()
            qtbot.addWidget(window)
            window.show()
            controller = ChatController(store, factory)
            Wiring(window, controller, provider=provider, model=model)
            desk = Desk(qtbot, window, controller, store, factory, configs, ticker)
            try:
                yield desk
            finally:
                await controller.shutdown()
                # qtbot closes the window after the loop: closing the last window inside
                # it would quit the application and stop the loop under the next test.
    finally:
        ticker.stop()
        store.close()
