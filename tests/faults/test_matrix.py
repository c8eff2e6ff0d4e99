"""The fault matrix: every fault × every provider, end to end through the window.

One test per cell: the real MainWindow (offscreen), ChatController, ProviderFactory and
provider talk to the provider's loopback emulator with one fault switched on. The person
must see what failed and what to do, keep the text that arrived, keep a working window, and
get a whole reply once the fault is gone. The run writes tests/FAULTS.md (see conftest).
"""

from __future__ import annotations

import abc
import contextlib
import dataclasses
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any, ClassVar

import pytest

from gui.core.store import MessageStatus
from gui.widgets.error_text import error_text
from providers.base import Provider, Timeouts
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
    UntrustedServerError,
)
from providers.gigachat import GigaChat
from providers.gprochat import GPROChat, RequestRefusedError
from providers.gptalk import GPTalk, SessionRefusedError
from providers.openai_compat import OpenAICompatible
from providers.retry import RETRY_STATUSES
from tests.faults.conftest import (
    QUICK_RETRIES,
    Desk,
    GPROChatWithFaults,
    GPTalkWithFaults,
    matrix_cells,
    open_desk,
    wait_for,
)
from tests.servers.gigachat import DEFAULT_REPLY, run_gigachat
from tests.servers.gprochat import SECRET, run_gprochat
from tests.servers.gptalk import run_gptalk
from tests.servers.loopback import serve
from tests.servers.openai import OpenAIEmulator, run_openai

CLASSES: dict[str, type[Provider]] = {
    "gigachat": GigaChat,
    "openai": OpenAICompatible,
    "gprochat": GPROChat,
    "gptalk": GPTalk,
}
QUESTION = "Расскажи что-нибудь, пожалуйста"
#: Typed with real key presses after the fault: proves the composer still takes input.
NEXT_QUESTION = "Try again please"
DEFAULT_TIMEOUTS = Timeouts(connect=5, read=10)
#: The read timeout of the "server stops sending" cells, and how long the server pauses.
SHORT_READ = 0.3
PAUSE = 1.0
DNS_FAILURE = "http://nonexistent.invalid"


@dataclasses.dataclass
class Expect:
    """What the person must see for one cell."""

    error: type[ProviderError]
    how: str
    #: the inline message must contain this (by default the error class's hint)
    says: str = ""
    #: text arrives before the fault, and must be kept
    partial: bool = False
    #: the fault lasts a while: the window must keep ticking through it
    slow: bool = False
    #: run while the reply streams (e.g. drop the connection after the first text)
    during: Callable[[], Awaitable[None]] | None = None
    #: requests the failed send may make (None: not checked)
    attempts: int | None = 1

    def __post_init__(self) -> None:
        if not self.says:
            hint = self.error.hint
            assert isinstance(hint, str)
            self.says = hint


class Rig(abc.ABC):
    """One provider's emulator, its working settings and how to switch each fault on."""

    name: ClassVar[str]
    model: ClassVar[str]
    reply: str

    #: set once the window is up (the emulator runs first, so Settings can point at it)
    desk: Desk

    def __init__(self, closed_port: int, test_ca_file: Path) -> None:
        self.closed_port = closed_port
        self.test_ca_file = str(test_ca_file)
        self.base: dict[str, str] = {}

    @property
    def label(self) -> str:
        return CLASSES[self.name].label

    @abc.abstractmethod
    async def start(self, stack: contextlib.AsyncExitStack, server_ssl: Any) -> None:
        """Run the emulator (and a TLS twin where needed); fill `self.base`."""

    @abc.abstractmethod
    def attempts(self) -> int:
        """Chat requests the emulator has seen so far."""

    def configure(self, **changes: str | None) -> None:
        config = {**self.base, **changes}
        self.desk.configs[self.name] = {k: v for k, v in config.items() if v is not None}

    def urls(self, origin: str) -> dict[str, str]:
        return {"base_url": origin}

    async def inject(self, fault: str) -> Expect:
        """Network faults are the same for everyone: Settings point somewhere bad."""
        if fault == "refused":
            self.configure(**self.urls(f"http://127.0.0.1:{self.closed_port}"))
            return Expect(
                NetworkError, "Settings point at a loopback port nobody listens on", attempts=0
            )
        if fault == "dns":
            self.configure(**self.urls(DNS_FAILURE))
            return Expect(NetworkError, f"Settings point at {DNS_FAILURE}", attempts=0)
        if fault == "stall":
            self.desk.timeouts = Timeouts(connect=5, read=SHORT_READ)
            expect = self.stall()
            expect.how += f"; reply timeout {SHORT_READ} s"
            return expect
        return await self.inject_own(fault)

    @abc.abstractmethod
    async def inject_own(self, fault: str) -> Expect: ...

    @abc.abstractmethod
    def stall(self) -> Expect: ...

    def clear(self) -> None:
        self.desk.configs[self.name] = dict(self.base)
        self.desk.timeouts = DEFAULT_TIMEOUTS
        self.clear_own()

    @abc.abstractmethod
    def clear_own(self) -> None: ...

    async def drop_after_first_text(self, drop: Callable[[], None]) -> None:
        """Cut the connection from the server side once the person sees some text."""
        desk = self.desk
        conversation = desk.controller.current_id
        assert conversation is not None
        message_id = desk.last_reply(conversation).id
        await wait_for(lambda: desk.window.view.message_text(message_id) != "")
        drop()


def retried(status: int) -> bool:
    return status in RETRY_STATUSES


def _status_expect(status: int, how: str, *, refused: type[ProviderError] = AuthError) -> Expect:
    if status in (401, 403):
        return Expect(refused, how)
    if status == 404:
        return Expect(NotFoundError, how)
    if status in (413, 422):
        return Expect(BadRequestError, how)
    if status == 429:
        return Expect(RateLimitError, how, says="Retry in 7 s.")
    return Expect(ServerError, how)


class GigaChatRig(Rig):
    name = "gigachat"
    model = "GigaChat"
    reply = DEFAULT_REPLY

    async def start(self, stack: contextlib.AsyncExitStack, server_ssl: Any) -> None:
        # Both GigaChat hosts speak TLS, as the real ones do; the test CA is the "extra CA".
        self.emulator = await stack.enter_async_context(run_gigachat(server_ssl))
        self.base = {
            "api_key": self.emulator.valid_key,
            "scope": "GIGACHAT_API_PERS",
            "base_url": self.emulator.base_url,
            "auth_url": self.emulator.auth_url,
            "ca_bundle": self.test_ca_file,
        }

    def attempts(self) -> int:
        return len(self.emulator.chat_requests)

    def urls(self, origin: str) -> dict[str, str]:
        return {"base_url": f"{origin}/api/v1", "auth_url": f"{origin}/api/v2/oauth"}

    async def inject_own(self, fault: str) -> Expect:
        emulator = self.emulator
        if fault == "tls":
            self.configure(ca_bundle=None)
            return Expect(
                CertificateError,
                "no extra CA file: the emulator's CA is not trusted",
                attempts=0,
            )
        if fault.isdigit():
            status = int(fault)
            # A first 401 makes the provider refresh its token and retry once, before any
            # text (the SDK does the same); a second one is the person's problem. A busy
            # status is retried (`QUICK_RETRIES`): it fails only when every try does.
            count = 2 if status == 401 else 1 + QUICK_RETRIES.retries if retried(status) else 1
            emulator.fail_next(status, count, retry_after=7 if status == 429 else None)
            expect = _status_expect(status, f"emulator `fail_next({status}, {count})`")
            expect.attempts = count
            return expect
        if fault == "cut":
            emulator.cut_after = 2
            return Expect(ProtocolError, "connection aborted after 2 chunks", partial=True)
        if fault == "malformed":
            emulator.malformed_after = 2
            return Expect(ProtocolError, "a broken `data:` line after 2 chunks", partial=True)
        if fault == "error_object":
            emulator.error_after = 2
            return Expect(
                RateLimitError,
                '`data: {"status":429,...}` after 2 chunks',
                says=RateLimitError("x").hint,
                partial=True,
            )
        raise AssertionError(fault)

    def stall(self) -> Expect:
        self.emulator.chunk_delay = PAUSE
        return Expect(TimedOutError, f"{PAUSE} s pause after each chunk", partial=True, slow=True)

    def clear_own(self) -> None:
        emulator = self.emulator
        emulator.fail_count = 0
        emulator.cut_after = emulator.malformed_after = emulator.error_after = None
        emulator.chunk_delay = 0.0


class OpenAIRig(Rig):
    name = "openai"
    model = "llama3.2"
    key = "sk-besedka-matrix"

    async def start(self, stack: contextlib.AsyncExitStack, server_ssl: Any) -> None:
        self.emulator = await stack.enter_async_context(
            run_openai(OpenAIEmulator(api_key=self.key))
        )
        self.reply = self.emulator.reply
        tls_origin = await stack.enter_async_context(
            serve(self.emulator.app(), ssl_context=server_ssl)
        )
        self.tls_base = f"{tls_origin}/v1"
        self.base = {"base_url": self.emulator.base_url, "api_key": self.key}

    def attempts(self) -> int:
        return sum(r.path == "/v1/chat/completions" for r in self.emulator.requests)

    async def inject_own(self, fault: str) -> Expect:
        emulator = self.emulator
        if fault == "tls":
            self.configure(base_url=self.tls_base)
            self.base = {**self.base, "base_url": self.tls_base, "ca_file": self.test_ca_file}
            return Expect(CertificateError, "HTTPS with a CA the system does not trust", attempts=0)
        if fault == "401":
            self.configure(api_key="sk-wrong")
            return Expect(AuthError, "a wrong API key in Settings")
        if fault == "404":
            emulator.models = ["qwen2.5:7b"]
            return Expect(NotFoundError, "the model is not on the server")
        if fault.isdigit():
            status = int(fault)
            emulator.status = status
            emulator.retry_after = "7" if status == 429 else None
            expect = _status_expect(status, f"emulator `status = {status}`")
            if status in (400, 422):  # once more without stream_options: a server may refuse it
                expect.attempts = 2
            return expect
        if fault == "cut":
            emulator.cut_after, emulator.abort = 2, True
            return Expect(ProtocolError, "connection closed after 2 deltas", partial=True)
        if fault == "malformed":
            emulator.malformed = True
            return Expect(ProtocolError, "a broken `data:` line after 1 delta", partial=True)
        if fault == "error_object":
            emulator.stream_error = {
                "error": {
                    "message": "Rate limit reached for requests",
                    "type": "rate_limit_error",
                    "code": "rate_limit_exceeded",
                }
            }
            return Expect(
                RateLimitError,
                '`data: {"error": {"type": "rate_limit_error"...}}` after 1 delta',
                says=RateLimitError("x").hint,
                partial=True,
            )
        raise AssertionError(fault)

    def stall(self) -> Expect:
        # 400 bytes hold the role event and the first delta; then the server goes quiet.
        self.emulator.chunk_bytes, self.emulator.chunk_delay = 400, PAUSE
        return Expect(
            TimedOutError, f"{PAUSE} s pause after the first 400 bytes", partial=True, slow=True
        )

    def clear_own(self) -> None:
        emulator = self.emulator
        emulator.status = emulator.retry_after = None
        emulator.models = ["llama3.2", "qwen2.5:7b"]
        emulator.cut_after, emulator.abort = None, False
        emulator.malformed, emulator.stream_error = False, None
        emulator.chunk_bytes, emulator.chunk_delay = None, 0.0


class GPROChatRig(Rig):
    name = "gprochat"
    model = "gemini-1.5-pro"
    #: the instance whose clock the 401 cell set an hour back
    skewed: GPROChat | None = None

    async def start(self, stack: contextlib.AsyncExitStack, server_ssl: Any) -> None:
        self.emulator = GPROChatWithFaults()
        await stack.enter_async_context(run_gprochat(self.emulator))
        self.reply = self.emulator.reply
        plain = self.emulator.base_url
        self.tls_origin = await stack.enter_async_context(
            serve(self.emulator.app(), ssl_context=server_ssl)
        )
        self.base = {"base_url": plain}

    def attempts(self) -> int:
        return self.emulator.faults.hits

    async def inject_own(self, fault: str) -> Expect:
        emulator = self.emulator
        if fault == "tls":
            self.configure(base_url=self.tls_origin)
            return Expect(
                UntrustedServerError, "HTTPS with a CA the system does not trust", attempts=0
            )
        if fault == "401":
            provider = await self.desk.factory.get(self.name)
            assert isinstance(provider, GPROChat)
            provider.clock = lambda: time.time() - 3600
            self.skewed = provider
            emulator.max_age_ms = 60_000
            return Expect(RequestRefusedError, "the computer's clock is an hour slow")
        if fault == "403":
            emulator.secret = "rotated-secret"
            return Expect(RequestRefusedError, "the service changed its signing secret")
        if fault == "404":
            self.configure(base_url=self.base["base_url"] + "/v0")
            return Expect(NotFoundError, "a wrong path in the base URL", attempts=0)
        if fault.isdigit():
            status = int(fault)
            headers = {"Retry-After": "7"} if status == 429 else {}
            emulator.faults.force(status, **headers)
            return _status_expect(status, f"HTTP {status} in front of `/api/generate`")
        if fault == "cut":
            emulator.chunk_delay = 0.2
            return Expect(
                ProtocolError,
                "server drops the connection once text is shown",
                partial=True,
                during=lambda: self.drop_after_first_text(emulator.faults.drop_streams),
            )
        raise AssertionError(fault)

    def stall(self) -> Expect:
        self.emulator.chunk_delay = PAUSE
        return Expect(TimedOutError, f"{PAUSE} s pause after each 5 bytes", partial=True, slow=True)

    def clear_own(self) -> None:
        emulator = self.emulator
        emulator.faults.clear()
        emulator.secret = SECRET
        emulator.max_age_ms = None
        emulator.chunk_delay = 0.002
        if self.skewed is not None:
            self.skewed.clock = time.time


class GPTalkRig(Rig):
    name = "gptalk"
    model = "gpt-3.5-turbo"

    async def start(self, stack: contextlib.AsyncExitStack, server_ssl: Any) -> None:
        self.emulator = GPTalkWithFaults()
        await stack.enter_async_context(run_gptalk(self.emulator))
        self.reply = self.emulator.reply
        plain = self.emulator.base_url
        self.tls_origin = await stack.enter_async_context(
            serve(self.emulator.app(), ssl_context=server_ssl)
        )
        self.base = {"base_url": plain}

    def attempts(self) -> int:
        return self.emulator.faults.hits

    async def inject_own(self, fault: str) -> Expect:
        emulator = self.emulator
        if fault == "tls":
            self.configure(base_url=self.tls_origin)
            return Expect(
                UntrustedServerError, "HTTPS with a CA the system does not trust", attempts=0
            )
        if fault in ("500", "503"):
            emulator.text_status = int(fault)
            return Expect(ServerError, f"emulator `text_status = {fault}`")
        if fault.isdigit():
            status = int(fault)
            headers = {"Retry-After": "7"} if status == 429 else {}
            emulator.faults.force(status, **headers)
            return _status_expect(
                status, f"HTTP {status} from `chatapi/text`", refused=SessionRefusedError
            )
        if fault == "cut":
            emulator.chunk_delay = 0.2
            return Expect(
                ProtocolError,
                "server drops the connection once text is shown",
                partial=True,
                during=lambda: self.drop_after_first_text(emulator.faults.drop_streams),
            )
        if fault == "malformed":
            emulator.malformed = True
            return Expect(ProtocolError, "a broken `data:` line mid-stream", partial=True)
        if fault == "error_object":
            emulator.error_object = {"code": 500, "message": "the model is overloaded"}
            return Expect(
                ServerError, '`data: {"code": 500, "message": ...}` after 2 lines', partial=True
            )
        raise AssertionError(fault)

    def stall(self) -> Expect:
        self.emulator.chunk_delay = PAUSE
        return Expect(TimedOutError, f"{PAUSE} s pause after each line", partial=True, slow=True)

    def clear_own(self) -> None:
        emulator = self.emulator
        emulator.faults.clear()
        emulator.text_status = None
        emulator.chunk_delay = 0.0
        emulator.malformed = False
        emulator.error_object = None


RIGS: dict[str, type[Rig]] = {
    rig.name: rig for rig in (GigaChatRig, OpenAIRig, GPROChatRig, GPTalkRig)
}


@pytest.mark.parametrize(
    ("provider", "fault"), matrix_cells(), ids=[f"{p}-{f}" for p, f in matrix_cells()]
)
async def test_fault(
    provider: str,
    fault: str,
    qtbot: Any,
    tmp_path: Path,
    server_ssl: Any,
    test_ca_file: Path,
    closed_port: int,
    record_cell: Callable[..., None],
) -> None:
    rig_class = RIGS[provider]
    async with contextlib.AsyncExitStack() as stack:
        rig = rig_class(closed_port, test_ca_file)
        await rig.start(stack, server_ssl)
        desk = rig.desk = await stack.enter_async_context(
            open_desk(
                qtbot,
                tmp_path,
                classes=CLASSES,
                provider=provider,
                model=rig.model,
                configs={provider: dict(rig.base)},
            )
        )

        expect = await rig.inject(fault)
        if fault.isdigit() and retried(int(fault)) and expect.attempts == 1:
            expect.attempts = 1 + QUICK_RETRIES.retries  # every try failed
        attempts_before = rig.attempts()
        ticks_before = desk.ticker.ticks
        conversation = desk.ask(QUESTION)
        if expect.during is not None:
            await expect.during()
        failed = await desk.finished(conversation)
        ticks_during = desk.ticker.ticks - ticks_before

        # The person sees what failed, where, and what to do — inline, under the reply.
        assert failed.status == MessageStatus.FAILED, failed
        # Stored as data: the failure's kind and the provider's label, worded on display.
        assert failed.error is not None, failed
        assert failed.error.kind == expect.error.kind, failed.error
        assert failed.error.provider == rig.label, failed.error
        said = error_text(failed.error)
        assert said.startswith(f"{rig.label}: "), said
        assert expect.says in said, said
        shown = desk.view_text()
        assert said in shown
        # The text that arrived is kept on screen and in the database, and nothing else.
        assert desk.window.view.message_text(failed.id) == failed.text
        if expect.partial:
            assert failed.text, "the fault came before any text: the cell tests nothing"
            assert rig.reply.startswith(failed.text)
            assert failed.text.strip() in shown
            assert failed.text != rig.reply
        else:
            assert failed.text == ""
        # No silent retry: the text shown is never requested twice.
        if expect.attempts is not None:
            assert rig.attempts() - attempts_before == expect.attempts
        # The window kept running through the fault and takes input right after.
        if expect.slow:
            assert ticks_during >= 10, ticks_during
        assert await desk.ticker.advances()
        assert not desk.window.stop_button.isEnabled()

        rig.clear()
        desk.type_and_send(NEXT_QUESTION)
        answer = await desk.finished(conversation)
        assert answer.status == MessageStatus.COMPLETE, answer
        assert answer.text == rig.reply
        assert rig.reply in desk.view_text()
        roles = [(m.role, m.status) for m in desk.store.messages(conversation)]
        assert roles == [
            ("user", MessageStatus.COMPLETE),
            ("assistant", MessageStatus.FAILED),
            ("user", MessageStatus.COMPLETE),
            ("assistant", MessageStatus.COMPLETE),
        ]
        record_cell(
            error=expect.error.__name__,
            how=expect.how,
            message=said,
            kept="yes, on screen and saved" if expect.partial else "nothing had arrived",
        )
