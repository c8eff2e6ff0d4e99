"""MCP servers as users configure them: the common `{"mcpServers": {name: …}}` JSON.

A stdio server is `{"command", "args", "env"}`, a Streamable HTTP server `{"url",
"headers"}`. Values of the environment or headers that are secrets (a name with KEY,
TOKEN, SECRET, PASSWORD, or the Authorization header; or named in `secrets`) are kept
in the keychain, never in a file: `split_secrets` takes them out of a server (each under
`secret_entry`), `with_secrets` puts them back when the server starts. A file that is
not valid is a ConfigError with a reason code, never a crash.
"""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

__all__ = [
    "SERVERS_FILE",
    "ConfigError",
    "ServerConfig",
    "export_config",
    "load_servers",
    "parse_config",
    "save_servers",
    "secret_entry",
    "split_secrets",
    "with_secrets",
]

_NAME = re.compile(r"^[A-Za-z0-9_.-]{1,64}$")
_SECRET_WORDS = ("KEY", "TOKEN", "SECRET", "PASSWORD", "PASSWD", "CREDENTIAL", "AUTH")


class ConfigError(ValueError):
    """An `mcpServers` JSON we cannot use: `reason` says why, `server` which one."""

    def __init__(self, reason: str, server: str = "", detail: str = "") -> None:
        super().__init__(f"{reason}: {server} {detail}".strip())
        self.reason, self.server, self.detail = reason, server, detail


@dataclasses.dataclass(frozen=True)
class ServerConfig:
    """One server: `command` (stdio) or `url` (Streamable HTTP); `secrets` names the
    env/header entries whose values belong in the keychain."""

    name: str
    command: str = ""
    args: tuple[str, ...] = ()
    env: Mapping[str, str] = dataclasses.field(default_factory=dict)
    url: str = ""
    headers: Mapping[str, str] = dataclasses.field(default_factory=dict)
    secrets: frozenset[str] = frozenset()
    enabled: bool = True

    @property
    def transport(self) -> str:
        return "http" if self.url else "stdio"


def looks_secret(name: str) -> bool:
    upper = name.upper()
    return any(word in upper for word in _SECRET_WORDS)


def _strings(value: Any, server: str, field: str) -> dict[str, str]:
    if value is None:
        return {}
    if not isinstance(value, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in value.items()
    ):
        raise ConfigError("bad_field", server, field)
    return dict(value)


def _server(name: str, data: Any) -> ServerConfig:
    if not _NAME.match(name):
        raise ConfigError("bad_name", name)
    if not isinstance(data, dict):
        raise ConfigError("not_object", name)
    command, url = data.get("command"), data.get("url")
    if bool(command) == bool(url):
        raise ConfigError("command_or_url", name)
    args = data.get("args", [])
    if not isinstance(args, list) or not all(isinstance(a, str) for a in args):
        raise ConfigError("bad_field", name, "args")
    env = _strings(data.get("env"), name, "env")
    headers = _strings(data.get("headers"), name, "headers")
    if url is not None and (
        not isinstance(url, str) or not url.startswith(("http://", "https://"))
    ):
        raise ConfigError("bad_field", name, "url")
    if command is not None and not isinstance(command, str):
        raise ConfigError("bad_field", name, "command")
    marked = data.get("secrets", [])
    if not isinstance(marked, list) or not all(isinstance(s, str) for s in marked):
        raise ConfigError("bad_field", name, "secrets")
    secrets = {k for k in (*env, *headers) if looks_secret(k)} | set(marked)
    return ServerConfig(
        name,
        command=command or "",
        args=tuple(args),
        env=env,
        url=url or "",
        headers=headers,
        secrets=frozenset(secrets),
        enabled=data.get("disabled") is not True,
    )


def parse_config(text: str) -> list[ServerConfig]:
    """The servers of an `mcpServers` JSON text (a bare `{name: server}` is taken too)."""
    try:
        data = json.loads(text)
    except ValueError as error:
        raise ConfigError("not_json", detail=str(error)) from None
    if isinstance(data, dict) and "mcpServers" in data:
        data = data["mcpServers"]
    if not isinstance(data, dict):
        raise ConfigError("no_servers")
    return [_server(name, item) for name, item in data.items()]


def export_config(servers: Iterable[ServerConfig], *, with_values: bool = False) -> str:
    """The `mcpServers` JSON of these servers; secret values are left out (empty)
    unless `with_values` (a file the user asked to hold them)."""
    out: dict[str, Any] = {}
    for server in servers:
        item: dict[str, Any] = {}
        if server.url:
            item["url"] = server.url
            fields = {"headers": server.headers}
        else:
            item["command"] = server.command
            item["args"] = list(server.args)
            fields = {"env": server.env}
        for field, values in fields.items():
            if values:
                item[field] = {
                    k: v if with_values or k not in server.secrets else ""
                    for k, v in values.items()
                }
        if not server.enabled:
            item["disabled"] = True
        out[server.name] = item
    return json.dumps({"mcpServers": out}, ensure_ascii=False, indent=2)


def secret_entry(server: str, name: str) -> str:
    """The keychain entry of one secret value of a server."""
    return f"mcp/{server}/{name}"


def split_secrets(server: ServerConfig) -> tuple[ServerConfig, dict[str, str]]:
    """The server without its secret values (what a file may hold), and those values by
    keychain entry."""
    values: dict[str, str] = {}

    def keep(fields: Mapping[str, str]) -> dict[str, str]:
        kept = {}
        for key, value in fields.items():
            if key in server.secrets:
                if value:
                    values[secret_entry(server.name, key)] = value
                kept[key] = ""
            else:
                kept[key] = value
        return kept

    bare = dataclasses.replace(server, env=keep(server.env), headers=keep(server.headers))
    return bare, values


def with_secrets(server: ServerConfig, lookup: Callable[[str], str | None]) -> ServerConfig:
    """The server with its secret values read back (`lookup` by keychain entry); a value
    already there (a file given for one run) is kept."""

    def fill(fields: Mapping[str, str]) -> dict[str, str]:
        return {
            k: v or (lookup(secret_entry(server.name, k)) or "") if k in server.secrets else v
            for k, v in fields.items()
        }

    return dataclasses.replace(server, env=fill(server.env), headers=fill(server.headers))


#: where Settings → Tools keeps the servers (secret values in the keychain, not here)
SERVERS_FILE = "mcp_servers.json"


def load_servers(path: Path) -> list[ServerConfig]:
    """The servers saved in `path` ([] when there is no file); ConfigError when it is
    not a valid `mcpServers` JSON."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return []
    except OSError as error:
        raise ConfigError("unreadable", detail=error.strerror or "") from None
    return parse_config(text)


def save_servers(path: Path, servers: Iterable[ServerConfig]) -> dict[str, str]:
    """Write the servers without their secret values; returns those values by keychain
    entry, for the caller to put in the keychain."""
    bare, secrets = [], {}
    for server in servers:
        kept, values = split_secrets(server)
        bare.append(kept)
        secrets.update(values)
    text = export_config(bare)
    data = json.loads(text)
    for server in bare:  # the marks travel with the file, the values do not
        if server.secrets:
            data["mcpServers"][server.name]["secrets"] = sorted(server.secrets)
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f"{path.name}.tmp")
    temporary.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")
    temporary.replace(path)
    return secrets
