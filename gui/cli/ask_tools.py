"""`besedka ask --tools SERVER…`: the tool servers of one run, and asking about each call.

Servers are the ones saved by Settings → Tools, plus those of an `--mcp-config` file
(for this run only; a name in both is the file's). Only the servers named by `--tools`
are offered. Each call is approved with `--yes`, else asked on the terminal: on
/dev/tty, since stdin may be the question. With no terminal and no `--yes` the run is
refused before the model is asked. Every call and its outcome is one line on stderr.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from gui.core.paths import AppPaths

if TYPE_CHECKING:
    from gui.core.keychain import SecretStore
    from gui.core.store import ToolStep
    from gui.core.tool_loop import Approval, ToolLoop, ToolRequest
    from gui.core.tools.config import ServerConfig
    from gui.core.tools.toolbox import ToolBox

__all__ = ["TTY", "ToolRun", "open_tools"]

TTY = "/dev/tty"
#: what a failed call looks like on stderr
_KINDS = {
    "crashed": "the tool server stopped during the call",
    "timeout": "the tool did not answer in time",
    "start_failed": "the tool server could not start",
    "tool_error": "the tool reported an error",
    "unknown_tool": "the model called a tool that does not exist",
    "malformed_arguments": "the model's arguments were not valid JSON",
    "denied": "denied",
}


class ToolRun:
    """The tool box of this run, its loop, and what the calls did (for the exit status)."""

    def __init__(self, box: ToolBox, servers: Sequence[str], say: Callable[[str], None]):
        self.box = box
        self.servers = list(servers)
        self.say = say
        self.failures: list[ToolStep] = []
        self._tty: tuple[TextIO, TextIO] | None = None

    async def loop(self, *, yes: bool) -> ToolLoop | str:
        """The loop offering the servers' tools, or why not (words for stderr)."""
        from gui.core.tool_loop import ToolLoop

        if not yes:
            try:
                self._tty = _open_tty()
            except OSError:
                return (
                    "no terminal to ask on whether a tool may run: give --yes to allow every call"
                )
        offer = await self.box.offer(self.servers)
        for name, reason in offer.failed.items():
            self.say(f"tool server {name} did not start ({reason})")
        if not offer.specs:
            return "no tools to offer: " + ("no server started" if offer.failed else "none")
        approve = self._allow if yes else self._ask
        return ToolLoop(offer, approve, on_call=self._calling, on_result=self._done)

    async def _allow(self, _request: ToolRequest) -> Approval:
        from gui.core.tool_loop import Approval

        return Approval.ONCE

    async def _ask(self, request: ToolRequest) -> Approval:
        """Ask on the terminal: y (once), a (always this tool), anything else denies."""
        from gui.cli.terminal import one_line
        from gui.core.tool_loop import Approval

        assert self._tty is not None
        reader, writer = self._tty
        shown = one_line(request.call.arguments)[:500]
        what = one_line(f"{request.tool} ({request.server})")
        writer.write(f"Run tool {what} with {shown}? [y/a/N] ")
        writer.flush()
        answer = (await asyncio.to_thread(reader.readline)).strip().lower()
        if answer in ("y", "yes"):
            return Approval.ONCE
        if answer in ("a", "always"):
            return Approval.ALWAYS
        return Approval.DENY

    def _calling(self, request: ToolRequest) -> None:
        self.say(f"tool {request.tool} ({request.server}) {request.call.arguments}")

    def _done(self, step: ToolStep) -> None:
        name = step.tool or step.name
        if not step.kind:
            self.say(f"tool {name}: {len(step.result)} characters back")
            return
        if step.kind not in ("denied", "unknown_tool", "malformed_arguments"):
            self.failures.append(step)
        self.say(f"tool {name}: {_KINDS.get(step.kind, step.kind)}; the model is told so")

    async def aclose(self) -> None:
        await self.box.aclose()
        for end in self._tty or ():
            with contextlib.suppress(OSError):
                end.close()


def _open_tty() -> tuple[TextIO, TextIO]:
    """The controlling terminal to ask on, for reading and for writing (a terminal is
    not seekable: one "r+" file cannot do both); OSError when there is none."""
    reader = open(TTY, encoding="utf-8", errors="replace")  # noqa: SIM115 - kept open
    try:
        return reader, open(TTY, "w", encoding="utf-8", errors="replace")
    except OSError:
        reader.close()
        raise


def open_tools(
    paths: AppPaths,
    servers: Sequence[str],
    config_file: Path | None,
    keys: SecretStore,
    environment: Sequence[str],
    say: Callable[[str], None],
) -> ToolRun | str:
    """The run's tool box, or why not (words for stderr)."""
    from gui.core.keychain import secret_variables
    from gui.core.tools.config import SERVERS_FILE, ConfigError, load_servers, parse_config
    from gui.core.tools.toolbox import ToolBox

    try:
        known = {s.name: s for s in load_servers(paths.config_dir / SERVERS_FILE)}
    except ConfigError as error:
        return f"the saved tool servers cannot be read ({error.reason})"
    if config_file is not None:
        try:
            text = config_file.read_text(encoding="utf-8")
        except OSError as error:
            return f"cannot read {config_file}: {error.strerror}"
        try:
            given = {s.name: s for s in parse_config(text)}
        except ConfigError as error:
            where = f" (server {error.server})" if error.server else ""
            return f"{config_file} is not a valid mcpServers file: {error.reason}{where}"
        # A file's server gets the keychain's secrets of a saved one only when it is that
        # server (same command, arguments, address): not one that merely takes its name.
        untrusted = {
            name
            for name, server in given.items()
            if name not in known or _runs(known[name]) != _runs(server)
        }
        known.update(given)
    missing = [name for name in servers if name not in known]
    if missing:
        names = ", ".join(sorted(known)) or "none"
        return f"unknown tool server {missing[0]!r} (known: {names})"
    blocked = {*secret_variables(), *environment}
    if config_file is None:
        untrusted = set()

    def secret(entry: str) -> str | None:
        owner = entry.split("/")[1] if entry.count("/") >= 2 else ""
        return None if owner in untrusted else keys.get(entry)

    box = ToolBox(known.values(), secret=secret, blocked_env=blocked)
    return ToolRun(box, list(dict.fromkeys(servers)), say)


def _runs(server: ServerConfig) -> tuple[str, tuple[str, ...], str]:
    """What a server runs or reaches: two configs with the same are the same server."""
    return server.command, tuple(server.args), server.url
