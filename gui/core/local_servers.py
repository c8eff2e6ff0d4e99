"""Local model servers on this machine: Ollama and LM Studio, found by asking them.

The welcome panel offers what answers, so a newcomer with a server running gets a reply
without a key or a form. Both are asked at once with a short timeout (a closed port
answers at once; a firewall that drops packets must not keep the panel waiting), and
what they said comes back as data: which server, its OpenAI-compatible base URL (what a
profile stores) and its models. Nothing here is worded for people.
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import logging
from collections.abc import Sequence
from typing import Any

import aiohttp

__all__ = [
    "LMSTUDIO_PORT",
    "OLLAMA_PORT",
    "LocalServer",
    "probe_local_servers",
]

log = logging.getLogger(__name__)

OLLAMA_PORT = 11434
LMSTUDIO_PORT = 1234
#: Seconds a server has to answer; loopback answers in milliseconds.
TIMEOUT = 1.5
#: A model list longer than this is cut: the panel shows a few, the picker gets the rest
#: from the server itself.
MAX_MODELS = 200
_MAX_BODY = 1 << 20


@dataclasses.dataclass(frozen=True)
class LocalServer:
    """A server that answered: `kind` is a profile preset's key ("ollama", "lmstudio")."""

    kind: str
    label: str
    base_url: str
    models: tuple[str, ...]


async def probe_local_servers(
    *,
    host: str = "127.0.0.1",
    ollama_port: int = OLLAMA_PORT,
    lmstudio_port: int = LMSTUDIO_PORT,
    wait: float = TIMEOUT,
) -> list[LocalServer]:
    """Ask Ollama and LM Studio at once; those that answered, in that order."""
    client_timeout = aiohttp.ClientTimeout(total=wait)
    # trust_env=False: a proxy from the environment has no business with loopback.
    async with aiohttp.ClientSession(timeout=client_timeout, trust_env=False) as session:
        found = await asyncio.gather(
            _ollama(session, f"http://{host}:{ollama_port}"),
            _lmstudio(session, f"http://{host}:{lmstudio_port}"),
        )
    return [server for server in found if server is not None]


async def _ollama(session: aiohttp.ClientSession, origin: str) -> LocalServer | None:
    """Ollama's own list (`/api/tags`), else its OpenAI-compatible one."""
    body = await _get_json(session, f"{origin}/api/tags")
    models = _names(body, "models", ("name", "model"))
    if models is None:
        body = await _get_json(session, f"{origin}/v1/models")
        models = _names(body, "data", ("id",))
    if models is None:
        return None
    return LocalServer("ollama", "Ollama", f"{origin}/v1", models)


async def _lmstudio(session: aiohttp.ClientSession, origin: str) -> LocalServer | None:
    body = await _get_json(session, f"{origin}/v1/models")
    models = _names(body, "data", ("id",))
    if models is None:
        return None
    return LocalServer("lmstudio", "LM Studio", f"{origin}/v1", models)


async def _get_json(session: aiohttp.ClientSession, url: str) -> Any:
    """The JSON at `url`, or None for anything else: no server, another program on the
    port, a refusal, a timeout, a body too big to be a model list."""
    try:
        async with session.get(url, headers={"Accept": "application/json"}) as response:
            if response.status != 200:
                return None
            raw = await response.content.read(_MAX_BODY + 1)
            if len(raw) > _MAX_BODY:
                return None
            return json.loads(raw.decode("utf-8", errors="replace"))
    except (aiohttp.ClientError, TimeoutError, ValueError, OSError) as error:
        log.debug("no local server at %s (%s)", url, type(error).__name__)
        return None


def _names(body: Any, key: str, fields: Sequence[str]) -> tuple[str, ...] | None:
    """The model names of a list answer (`{key: [{field: name}, …]}`), each once; None
    when the answer is not such a list."""
    if not isinstance(body, dict) or not isinstance(items := body.get(key), list):
        return None
    names: dict[str, None] = {}
    for item in items:
        if not isinstance(item, dict):
            continue
        name = next((item[f] for f in fields if isinstance(item.get(f), str) and item[f]), "")
        if name and len(names) < MAX_MODELS:
            names[name.strip()] = None
    return tuple(name for name in names if name)
