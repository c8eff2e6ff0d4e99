"""The tools a chat offers: the chosen servers' tools under names a model can call
(`ToolBox.offer` → a `ToolOffer`, the runner of gui.core.tool_loop.ToolLoop).

A tool keeps its own name when no other offered server has one like it, else it is
`server__tool` (OpenAI takes `[A-Za-z0-9_-]{1,64}`). Servers start on the first `offer`
that names them and stop at `aclose` (the app's exit). Keys of Besedka never reach
them: `blocked_env` names the variables taken out of every server's environment.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from gui.core.tools.config import ServerConfig, with_secrets
from gui.core.tools.server import McpServer, ToolResult, ToolStartError
from providers.tools import ToolSpec

__all__ = ["ToolBox", "ToolOffer"]

_UNSAFE = re.compile(r"[^A-Za-z0-9_-]")


def _safe(name: str) -> str:
    return _UNSAFE.sub("_", name)[:64] or "tool"


class ToolBox:
    """The configured servers and, once offered, their tools by exposed name."""

    def __init__(
        self,
        servers: Iterable[ServerConfig],
        *,
        secret: Callable[[str], str | None] = lambda _entry: None,
        blocked_env: Iterable[str] = (),
    ) -> None:
        self.configs = {server.name: server for server in servers}
        self._secret = secret
        self._blocked = frozenset(blocked_env)
        self._servers: dict[str, McpServer] = {}

    def names(self) -> list[str]:
        return list(self.configs)

    def server(self, name: str) -> McpServer:
        """A server made already (`started`), or one without secrets, made now."""
        if name not in self._servers:
            config = self.configs[name]
            if config.secrets:
                config = with_secrets(config, self._secret)
            self._servers[name] = McpServer(config, blocked_env=self._blocked)
        return self._servers[name]

    async def started(self, name: str) -> McpServer:
        """The server, made with its secrets read from the keychain on a worker thread
        (a Secret Service round trip can take longer than a frame)."""
        config = self.configs[name]
        if name not in self._servers and config.secrets:
            filled = await asyncio.to_thread(with_secrets, config, self._secret)
            if name not in self._servers:  # another reply may have made it meanwhile
                self._servers[name] = McpServer(filled, blocked_env=self._blocked)
        return self.server(name)

    async def offer(self, servers: Sequence[str]) -> ToolOffer:
        """The tools of these servers (started if needed; KeyError for an unknown name),
        for one reply: each reply has its own offer, so chats streaming at once with
        different servers never mix their names. A server that does not start is left
        out and noted in the offer's `failed`."""
        listed: list[tuple[str, Any]] = []
        failed: dict[str, str] = {}
        for name in servers:
            try:
                tools = await (await self.started(name)).tools()
            except ToolStartError as error:
                failed[name] = error.reason
                continue
            listed += [(name, tool) for tool in tools]
        counts: dict[str, int] = {}
        for _server, tool in listed:
            counts[_safe(tool.name)] = counts.get(_safe(tool.name), 0) + 1
        routes: dict[str, tuple[str, str]] = {}
        specs = []
        for server, tool in listed:
            exposed = _safe(tool.name)
            if counts[exposed] > 1:
                exposed = _safe(f"{server}__{tool.name}")
            base, number = exposed, 2
            while exposed in routes:  # still taken ("a.b" and "a_b", a 64-character cut)
                suffix = f"_{number}"
                exposed, number = base[: 64 - len(suffix)] + suffix, number + 1
            routes[exposed] = (server, tool.name)
            schema = tool.schema or {"type": "object", "properties": {}}
            specs.append(ToolSpec(exposed, tool.description, schema))
        return ToolOffer(self, specs, routes, failed)

    async def aclose(self) -> None:
        """Stop every server started."""
        for server in self._servers.values():
            await server.stop()
        self._servers.clear()


class ToolOffer:
    """The tools offered in one reply: their specs, the names' routes, what did not start."""

    def __init__(
        self,
        box: ToolBox,
        specs: list[ToolSpec],
        routes: dict[str, tuple[str, str]],
        failed: dict[str, str],
    ) -> None:
        self.box = box
        self.specs = specs
        #: exposed name → (server, the tool's own name)
        self.routes = routes
        #: servers that did not start: name → reason code
        self.failed = failed

    def route(self, exposed: str) -> tuple[str, str] | None:
        """(server, tool) an exposed name stands for; None: nobody offered it."""
        return self.routes.get(exposed)

    async def call(self, exposed: str, arguments: dict[str, Any], limit_s: float) -> ToolResult:
        route = self.routes.get(exposed)
        if route is None:
            return ToolResult(f"there is no tool named {exposed!r}", "unknown_tool")
        server, tool = route
        return await self.box.server(server).call(tool, arguments, limit_s)
