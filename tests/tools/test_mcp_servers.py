"""MCP servers through the tool box: real servers written with the SDK, over stdio and
Streamable HTTP; what the model would get back from each way a call can go."""

from __future__ import annotations

import asyncio
import contextlib
import json
import re
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from gui.core.tools.config import (
    ConfigError,
    ServerConfig,
    export_config,
    load_servers,
    parse_config,
    save_servers,
    secret_entry,
    split_secrets,
    with_secrets,
)
from gui.core.tools.toolbox import ToolBox

SERVER = Path(__file__).resolve().parents[1] / "servers" / "mcp_tools.py"
STDIO = ServerConfig("local", command=sys.executable, args=(str(SERVER),))


@pytest.fixture
async def box() -> AsyncIterator[ToolBox]:
    tools = ToolBox([STDIO], blocked_env={"BESEDKA_TEST_KEY"})
    try:
        yield tools
    finally:
        await tools.aclose()


async def test_a_stdio_server_starts_on_first_use_and_answers(box: ToolBox) -> None:
    assert not box.server("local").running
    offer = await box.offer(["local"])
    assert {spec.name for spec in offer.specs} == {"add", "crash", "echo_env", "slow"}
    add = next(spec for spec in offer.specs if spec.name == "add")
    assert add.parameters["properties"]["a"]["type"] == "integer"
    result = await offer.call("add", {"a": 2, "b": 40}, 10)
    assert (result.text, result.kind) == ("42", "")
    wrong = await offer.call("add", {"a": "x"}, 10)
    assert wrong.kind == "tool_error" and "validation" in wrong.text


async def test_a_crash_mid_call_is_an_error_result_and_the_next_call_starts_it_again(
    box: ToolBox,
) -> None:
    offer = await box.offer(["local"])
    crashed = await offer.call("crash", {}, 10)
    assert crashed.kind == "crashed"
    assert not box.server("local").running
    again = await offer.call("add", {"a": 1, "b": 1}, 10)
    assert (again.text, again.kind) == ("2", "")


async def test_a_slow_tool_times_out(box: ToolBox) -> None:
    offer = await box.offer(["local"])
    result = await offer.call("slow", {"seconds": 5}, 0.3)
    assert result.kind == "timeout"


async def test_configured_environment_passes_but_keys_of_besedka_do_not() -> None:
    config = ServerConfig(
        "local",
        command=sys.executable,
        args=(str(SERVER),),
        env={"GREETING": "привет", "BESEDKA_TEST_KEY": "leak"},
    )
    tools = ToolBox([config], blocked_env={"BESEDKA_TEST_KEY"})
    try:
        offer = await tools.offer(["local"])
        greeting = await offer.call("echo_env", {"name": "GREETING"}, 10)
        leaked = await offer.call("echo_env", {"name": "BESEDKA_TEST_KEY"}, 10)
    finally:
        await tools.aclose()
    assert greeting.text == "привет"
    assert leaked.text == "<unset>"


async def test_a_server_that_cannot_start_is_left_out() -> None:
    tools = ToolBox([ServerConfig("ghost", command="/nonexistent/mcp-server")])
    try:
        offer = await tools.offer(["ghost"])
        assert offer.specs == []
        assert offer.failed == {"ghost": "not_found"}
    finally:
        await tools.aclose()


@contextlib.asynccontextmanager
async def http_server() -> AsyncIterator[str]:
    """The same server over Streamable HTTP on a free loopback port."""
    process = await asyncio.create_subprocess_exec(
        sys.executable, str(SERVER), "--http", "0", stderr=asyncio.subprocess.PIPE
    )
    try:
        assert process.stderr is not None
        port = None
        while port is None:
            line = (await asyncio.wait_for(process.stderr.readline(), 30)).decode()
            assert line, "the server ended before saying its port"
            if match := re.match(r"PORT (\d+)", line):
                port = int(match.group(1))
        yield f"http://127.0.0.1:{port}/mcp"
    finally:
        process.terminate()
        await process.wait()


async def test_a_streamable_http_server_with_a_header() -> None:
    async with http_server() as url:
        config = ServerConfig("remote", url=url, headers={"X-Test": "1"})
        tools = ToolBox([config])
        try:
            offer = await tools.offer(["remote"])
            assert "add" in {spec.name for spec in offer.specs}
            result = await offer.call("add", {"a": 20, "b": 22}, 10)
        finally:
            await tools.aclose()
    assert (result.text, result.kind) == ("42", "")


async def test_two_servers_with_the_same_tool_get_distinct_names() -> None:
    other = ServerConfig("other", command=sys.executable, args=(str(SERVER),))
    tools = ToolBox([STDIO, other])
    try:
        offer = await tools.offer(["local", "other"])
        assert {"local__add", "other__add"} <= {spec.name for spec in offer.specs}
        assert offer.route("other__add") == ("other", "add")
        assert (await offer.call("other__add", {"a": 1, "b": 2}, 10)).text == "3"
    finally:
        await tools.aclose()


def test_the_common_json_is_parsed_validated_and_exported_without_secrets(
    tmp_path: Path,
) -> None:
    text = json.dumps(
        {
            "mcpServers": {
                "files": {
                    "command": "npx",
                    "args": ["-y", "@modelcontextprotocol/server-filesystem", "/tmp"],
                    "env": {"GITHUB_TOKEN": "ghp_secret", "LANG": "ru_RU.UTF-8"},
                },
                "web": {"url": "https://mcp.example/mcp", "headers": {"Authorization": "Bearer x"}},
            }
        }
    )
    files, web = parse_config(text)
    assert files.secrets == {"GITHUB_TOKEN"} and web.secrets == {"Authorization"}
    exported = json.loads(export_config([files, web]))["mcpServers"]
    assert exported["files"]["env"] == {"GITHUB_TOKEN": "", "LANG": "ru_RU.UTF-8"}
    assert exported["web"]["headers"] == {"Authorization": ""}

    bare, secrets = split_secrets(files)
    assert secrets == {secret_entry("files", "GITHUB_TOKEN"): "ghp_secret"}
    assert with_secrets(bare, secrets.get).env["GITHUB_TOKEN"] == "ghp_secret"

    path = tmp_path / "mcp_servers.json"
    assert save_servers(path, [files, web]) == {
        "mcp/files/GITHUB_TOKEN": "ghp_secret",
        "mcp/web/Authorization": "Bearer x",
    }
    assert "ghp_secret" not in path.read_text() and "Bearer x" not in path.read_text()
    again = load_servers(path)
    assert [s.secrets for s in again] == [files.secrets, web.secrets]


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("not json", "not_json"),
        ("[]", "no_servers"),
        ('{"mcpServers": {"x": {}}}', "command_or_url"),
        ('{"mcpServers": {"x": {"command": "a", "url": "http://h"}}}', "command_or_url"),
        ('{"mcpServers": {"x": {"command": "a", "args": "b"}}}', "bad_field"),
        ('{"mcpServers": {"x": {"url": "file:///etc/passwd"}}}', "bad_field"),
        ('{"mcpServers": {"a b": {"command": "a"}}}', "bad_name"),
    ],
)
def test_a_bad_config_is_refused_with_a_reason(text: str, reason: str) -> None:
    with pytest.raises(ConfigError) as caught:
        parse_config(text)
    assert caught.value.reason == reason


def test_a_servers_stderr_reaches_the_log_without_escapes_or_its_secrets() -> None:
    from gui.core.tools.server import _LogPipe

    pipe = _LogPipe("github", ["ghp_REALTOKEN"])
    line = pipe.clean("\x1b]52;c;cm0gLXJmIH4=\x07token ghp_REALTOKEN used\x1b[2J")
    assert "\x1b" not in line and "\x07" not in line
    assert "ghp_REALTOKEN" not in line and "***" in line
