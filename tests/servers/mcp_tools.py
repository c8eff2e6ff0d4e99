"""A real MCP server written with the official SDK, for the tool tests (test code only).

`python -m tests.servers.mcp_tools` serves it over stdio; `--http PORT` over Streamable
HTTP on 127.0.0.1 (PORT 0: any free port, printed as `PORT n` on stderr). Its tools: `add`,
`echo_env` (what a variable holds in the server's environment: keys must not be there),
`crash` (the process exits mid-call) and `slow` (sleeps, for timeouts and Stop).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys

from mcp.server.mcpserver import MCPServer

server = MCPServer("besedka-test-tools")


@server.tool()
def add(a: int, b: int) -> str:
    """Add two integers."""
    return str(a + b)


@server.tool()
def echo_env(name: str) -> str:
    """The value of an environment variable of this server, or <unset>."""
    return os.environ.get(name, "<unset>")


@server.tool()
def crash() -> str:
    """Exit the server process in the middle of the call."""
    print("crashing on purpose", file=sys.stderr, flush=True)
    os._exit(3)


@server.tool()
async def slow(seconds: float) -> str:
    """Sleep, then answer."""
    await asyncio.sleep(seconds)
    return "slept"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--http", type=int, default=None)
    args = parser.parse_args()
    print("test tools server starting", file=sys.stderr, flush=True)
    if args.http is None:
        server.run("stdio")
        return
    import socket

    import uvicorn

    sock = socket.socket()
    sock.bind(("127.0.0.1", args.http))
    print(f"PORT {sock.getsockname()[1]}", file=sys.stderr, flush=True)
    config = uvicorn.Config(server.streamable_http_app(), log_level="warning")
    asyncio.run(uvicorn.Server(config).serve(sockets=[sock]))


if __name__ == "__main__":
    main()
