"""Local servers are found by asking them: real aiohttp servers on free loopback ports."""

from __future__ import annotations

import socket

from aiohttp import web

from gui.core.local_servers import LocalServer, probe_local_servers
from tests.servers.loopback import serve


def closed_port() -> int:
    """A loopback port nothing listens on (bound, then let go)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def port_of(origin: str) -> int:
    return int(origin.rsplit(":", 1)[1])


def ollama(*, native: bool = True) -> web.Application:
    async def tags(_request: web.Request) -> web.Response:
        return web.json_response(
            {"models": [{"name": "llama3.2:latest"}, {"name": "qwen2.5:7b"}, {"x": 1}]}
        )

    async def models(_request: web.Request) -> web.Response:
        return web.json_response({"object": "list", "data": [{"id": "llama3.2:latest"}]})

    app = web.Application()
    if native:
        app.router.add_get("/api/tags", tags)
    app.router.add_get("/v1/models", models)
    return app


def lmstudio() -> web.Application:
    async def models(_request: web.Request) -> web.Response:
        return web.json_response({"data": [{"id": "qwen2.5-7b-instruct"}, {"id": "phi-4"}]})

    app = web.Application()
    app.router.add_get("/v1/models", models)
    return app


def not_a_model_server() -> web.Application:
    async def page(_request: web.Request) -> web.Response:
        return web.Response(text="<html>hello</html>", content_type="text/html")

    app = web.Application()
    app.router.add_get("/{tail:.*}", page)
    return app


async def test_both_servers_answer_with_their_models() -> None:
    async with serve(ollama()) as first, serve(lmstudio()) as second:
        found = await probe_local_servers(ollama_port=port_of(first), lmstudio_port=port_of(second))
    assert found == [
        LocalServer("ollama", "Ollama", f"{first}/v1", ("llama3.2:latest", "qwen2.5:7b")),
        LocalServer("lmstudio", "LM Studio", f"{second}/v1", ("qwen2.5-7b-instruct", "phi-4")),
    ]


async def test_an_ollama_without_its_own_list_is_found_by_the_openai_one() -> None:
    async with serve(ollama(native=False)) as origin:
        found = await probe_local_servers(ollama_port=port_of(origin), lmstudio_port=closed_port())
    assert [(s.kind, s.models) for s in found] == [("ollama", ("llama3.2:latest",))]


async def test_closed_ports_and_other_programs_are_not_servers() -> None:
    async with serve(not_a_model_server()) as origin:
        found = await probe_local_servers(
            ollama_port=closed_port(), lmstudio_port=port_of(origin), wait=2
        )
    assert found == []
