"""One MCP server, through the official `mcp` SDK (2.x): started when first needed,
stopped at exit, its tools listed and called with a timeout.

The SDK's transports and session are anyio context managers that must be entered and
left by one task, so each server has a task of its own holding them open; calls are
made from any task. A stdio server gets only the SDK's safe environment (PATH, HOME…)
plus its own configured variables, never Besedka's keys (they are taken out of any
configured environment too); its stderr goes to the log, a line at a time. Everything
that goes wrong (it cannot start, it crashes mid-call, a call times out) comes back as a
ToolResult with an error `kind`, and a crashed server is started again on its next call.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
import os
import threading
import unicodedata
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING, Any, TextIO

from gui.core.tools.config import ServerConfig

if TYPE_CHECKING:
    from mcp.client.session import ClientSession

__all__ = ["McpServer", "RemoteTool", "ToolResult"]

log = logging.getLogger(__name__)

#: the longest a server may take to start and list its tools, and a call to answer
START_TIMEOUT_S = 30.0
CALL_TIMEOUT_S = 60.0
#: the most of a result the model (and the history) gets: a tool may answer megabytes
MAX_RESULT_CHARS = 100_000


@dataclasses.dataclass(frozen=True)
class RemoteTool:
    """A tool as its server lists it."""

    name: str
    description: str
    schema: dict[str, Any]


@dataclasses.dataclass(frozen=True)
class ToolResult:
    """What a call gave: the text for the model, and for a failure its `kind`
    ("tool_error": the tool said it failed; "crashed", "timeout", "start_failed",
    "unknown_tool", "malformed_arguments", "denied")."""

    text: str
    kind: str = ""

    @property
    def is_error(self) -> bool:
        return bool(self.kind)


class McpServer:
    """A connection to one configured server (`config` with its secrets filled in)."""

    def __init__(self, config: ServerConfig, *, blocked_env: frozenset[str] = frozenset()):
        self.config = config
        #: variables never passed on (Besedka's own keys), whatever the config says
        self.blocked_env = blocked_env
        self._session: ClientSession | None = None
        self._tools: list[RemoteTool] | None = None
        self._runner: asyncio.Task[None] | None = None
        self._stop: asyncio.Event | None = None
        self._starting: asyncio.Future[list[RemoteTool]] | None = None

    @property
    def running(self) -> bool:
        return self._session is not None

    async def tools(self) -> list[RemoteTool]:
        """Its tools (starting it first if needed); raises ToolStartError."""
        if self._tools is not None and self._session is not None:
            return self._tools
        if self._starting is None or (self._starting.done() and self._session is None):
            loop = asyncio.get_running_loop()
            self._starting = loop.create_future()
            self._stop = asyncio.Event()
            self._runner = asyncio.ensure_future(self._run(self._starting, self._stop))
        try:
            return await asyncio.wait_for(asyncio.shield(self._starting), START_TIMEOUT_S)
        except TimeoutError:
            await self.stop()
            raise ToolStartError("start_timeout") from None

    async def call(
        self, name: str, arguments: dict[str, Any], limit_s: float = CALL_TIMEOUT_S
    ) -> ToolResult:
        """Call a tool; every failure is a ToolResult with its kind."""
        from mcp.shared.exceptions import MCPError

        if self._session is not None and not self._alive():
            await self.stop()  # it ended while idle: this call starts it again
        try:
            await self.tools()
        except ToolStartError as error:
            return ToolResult(f"the tool server could not start ({error.reason})", "start_failed")
        session = self._session
        assert session is not None
        try:
            result = await asyncio.wait_for(session.call_tool(name, arguments), limit_s)
        except TimeoutError:
            return ToolResult(f"the tool did not answer within {limit_s:g} s", "timeout")
        except MCPError as error:
            if "closed" in str(error).lower() or not self._alive():
                await self.stop()
                return ToolResult("the tool server stopped during the call", "crashed")
            return ToolResult(f"the tool server refused the call: {error}", "tool_error")
        except Exception as error:  # a transport failing in its own way
            log.info("tool %s of %s failed: %s", name, self.config.name, type(error).__name__)
            await self.stop()
            return ToolResult("the tool server stopped during the call", "crashed")
        return _result(result)

    def _alive(self) -> bool:
        return self._runner is not None and not self._runner.done()

    async def stop(self) -> None:
        """Stop the server (a stdio one's process ends); the next call starts it again."""
        runner, self._runner = self._runner, None
        self._session, self._tools = None, None
        if self._stop is not None:
            self._stop.set()
        if runner is not None and not runner.done():
            with contextlib.suppress(BaseException):
                await asyncio.wait_for(runner, 10.0)

    async def _run(self, ready: asyncio.Future[list[RemoteTool]], stop: asyncio.Event) -> None:
        """Hold the transport and the session open until `stop` (or the server ends)."""
        from mcp.client.session import ClientSession

        errlog: TextIO | None = None
        try:
            async with contextlib.AsyncExitStack() as stack:
                if self.config.url:
                    streams = await stack.enter_async_context(self._http())
                else:
                    secrets = [
                        value
                        for key, value in {**self.config.env, **self.config.headers}.items()
                        if key in self.config.secrets and len(value) >= 4
                    ]
                    errlog = _LogPipe(self.config.name, secrets).open()
                    streams = await stack.enter_async_context(self._stdio(errlog))
                    errlog.close()  # the child holds its own copy
                read, write = streams[0], streams[1]
                session = await stack.enter_async_context(ClientSession(read, write))
                await session.initialize()
                listed = await session.list_tools()
                self._tools = [
                    RemoteTool(t.name, t.description or "", dict(t.input_schema or {}))
                    for t in listed.tools
                ]
                self._session = session
                ready.set_result(self._tools)
                await stop.wait()
        except BaseException as error:
            if not ready.done():
                log.info("tool server %s did not start: %r", self.config.name, error)
                ready.set_exception(ToolStartError(_start_reason(error)))
            if isinstance(error, asyncio.CancelledError):
                raise
        finally:
            self._session = None
            if errlog is not None and not errlog.closed:
                errlog.close()

    def _stdio(self, errlog: TextIO) -> contextlib.AbstractAsyncContextManager[Any]:
        from mcp.client.stdio import StdioServerParameters, stdio_client

        env = {k: v for k, v in self.config.env.items() if k not in self.blocked_env}
        params = StdioServerParameters(
            command=self.config.command, args=list(self.config.args), env=env
        )
        return stdio_client(params, errlog=errlog)

    @contextlib.asynccontextmanager
    async def _http(self) -> AsyncIterator[Any]:
        """The transport over an HTTP client of ours (it carries the headers; the SDK
        leaves a client it was given open, so it is closed here)."""
        from mcp.client.streamable_http import streamable_http_client
        from mcp.shared._httpx_utils import create_mcp_http_client

        async with (
            create_mcp_http_client(headers=dict(self.config.headers)) as client,
            streamable_http_client(self.config.url, http_client=client) as streams,
        ):
            yield streams


class ToolStartError(Exception):
    """The server did not start or list its tools; `reason` is a code."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _start_reason(error: BaseException) -> str:
    if isinstance(error, FileNotFoundError):
        return "not_found"
    if isinstance(error, PermissionError):
        return "not_executable"
    if isinstance(error, OSError):
        return "cannot_run"
    return "no_handshake"


def _result(result: Any) -> ToolResult:
    """A CallToolResult as text: its text parts joined; other parts named by type."""
    parts = []
    for item in getattr(result, "content", None) or []:
        text = getattr(item, "text", None)
        parts.append(text if isinstance(text, str) else f"[{getattr(item, 'type', 'data')}]")
    text = "\n".join(parts)
    if not parts and getattr(result, "structured_content", None) is not None:
        import json

        text = json.dumps(result.structured_content, ensure_ascii=False)
    if len(text) > MAX_RESULT_CHARS:
        cut = len(text) - MAX_RESULT_CHARS
        text = f"{text[:MAX_RESULT_CHARS]}\n[… {cut} more characters left out]"
    return ToolResult(text, "tool_error" if getattr(result, "is_error", False) else "")


class _LogPipe:
    """A pipe whose write end is a server's stderr; a thread logs what comes out of it."""

    def __init__(self, server: str, secrets: list[str] | None = None) -> None:
        self.server = server
        self.secrets = secrets or []

    def open(self) -> TextIO:
        read_fd, write_fd = os.pipe()
        threading.Thread(target=self._drain, args=(read_fd,), daemon=True).start()
        return os.fdopen(write_fd, "w")

    def _drain(self, read_fd: int) -> None:
        with os.fdopen(read_fd, "r", encoding="utf-8", errors="replace") as lines:
            for line in lines:
                log.info("tool server %s: %s", self.server, self.clean(line.rstrip()[:2000]))

    def clean(self, line: str) -> str:
        """A line fit for the log and a terminal: no control characters (a server's
        escape sequences), and its own secret values, should it print them, as ***."""
        for secret in self.secrets:
            line = line.replace(secret, "***")
        return "".join(
            ch if ch == "\t" or unicodedata.category(ch)[0] != "C" else "?" for ch in line
        )
