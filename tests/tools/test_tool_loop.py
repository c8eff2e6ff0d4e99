"""The tool loop of one reply, against the emulators, a real stdio MCP server and a real
history: approval, denial, Stop, the round limit, and later turns sending it all back."""

from __future__ import annotations

import asyncio
import json
import ssl
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from gui.core.recorder import ReplyRecorder
from gui.core.session import history_for
from gui.core.store import MessageStatus, Store, ToolStep
from gui.core.tool_loop import Approval, ToolLoop, ToolRequest, flatten
from gui.core.tools.config import ServerConfig
from gui.core.tools.toolbox import ToolBox
from providers.base import Message, Provider
from providers.gigachat import GigaChat
from providers.openai_compat import OpenAICompatible
from tests.servers.gigachat import run_gigachat
from tests.servers.openai import OpenAIEmulator, run_openai

SERVER = Path(__file__).resolve().parents[1] / "servers" / "mcp_tools.py"
ADD = '{"a": 2, "b": 3}'
PREAMBLE = "Сложу. "


@pytest.fixture
async def box() -> AsyncIterator[ToolBox]:
    tools = ToolBox([ServerConfig("local", command=sys.executable, args=(str(SERVER),))])
    try:
        yield tools
    finally:
        await tools.aclose()


@pytest.fixture
def store(tmp_path: Path) -> Any:
    opened = Store.open(tmp_path / "history.sqlite3")
    yield opened
    opened.close()


class Answers:
    """An approver that answers from a list and remembers what it was asked."""

    def __init__(self, *answers: Approval) -> None:
        self.answers = list(answers)
        self.asked: list[ToolRequest] = []

    async def __call__(self, request: ToolRequest) -> Approval:
        self.asked.append(request)
        return self.answers.pop(0)


async def _reply(
    store: Store, provider: Provider, loop: ToolLoop, question: str = "2+3?"
) -> tuple[int, Any]:
    chat = store.create_conversation(provider=provider.name)
    store.add_message(chat.id, "user", question)
    reply = store.add_message(chat.id, "assistant", "", status=MessageStatus.STREAMING)
    recorder = ReplyRecorder(store, reply)
    final = await recorder.run(provider, "llama3.2", history_for(store, chat), {}, loop=loop)
    return chat.id, final


def _call(name: str, arguments: str, ident: str) -> list[dict[str, str]]:
    return [{"id": ident, "name": name, "arguments": arguments}]


async def test_deny_sends_an_error_result_and_always_asks_once(
    session: aiohttp.ClientSession, store: Store, box: ToolBox
) -> None:
    emulator = OpenAIEmulator(
        tool_rounds=[_call("add", ADD, "c1"), _call("add", ADD, "c2"), _call("add", ADD, "c3")],
        tool_round_text=PREAMBLE,
    )
    answers = Answers(Approval.DENY, Approval.ALWAYS)
    results: list[ToolStep] = []
    async with run_openai(emulator):
        provider = OpenAICompatible(session=session, base_url=emulator.base_url)
        loop = ToolLoop(await box.offer(["local"]), answers, on_result=results.append)
        chat, final = await _reply(store, provider, loop)
        assert final.status == MessageStatus.COMPLETE
        assert final.text == PREAMBLE * 3 + emulator.reply
        assert [step.kind for step in final.tools] == ["denied", "", ""]
        assert [step.result for step in results][1:] == ["5", "5"]
        assert len(answers.asked) == 2  # "always" covered the third call
        assert answers.asked[0].server == "local" and answers.asked[0].arguments == {"a": 2, "b": 3}
        tool_messages = [m for m in emulator.requests[1].body["messages"] if m["role"] == "tool"]
        assert json.loads(tool_messages[0]["content"])["error"] == "denied"

        # A later turn sends the calls and results back as OpenAI wants them, each round's
        # text with its calls, the answer after the last result.
        assert [step.at for step in final.tools] == [len(PREAMBLE) * n for n in (1, 2, 3)]
        store.add_message(chat, "user", "ещё?")
        later = history_for(store, chat)
        assert [m["role"] for m in later] == [
            "user", "assistant", "tool", "assistant", "tool", "assistant", "tool", "assistant",
            "user",
        ]  # fmt: skip
        assistant = [m["content"] for m in later if m["role"] == "assistant"]
        assert assistant == [PREAMBLE, PREAMBLE, PREAMBLE, emulator.reply]
        async for _chunk in provider.stream("llama3.2", later):
            pass  # the emulator refuses a history out of OpenAI's order


async def test_stop_while_waiting_for_approval_ends_the_reply(
    session: aiohttp.ClientSession, store: Store, box: ToolBox
) -> None:
    emulator = OpenAIEmulator(tool_rounds=[_call("add", ADD, "c1")])
    waiting = asyncio.Event()

    async def never(_request: ToolRequest) -> Approval:
        waiting.set()
        await asyncio.Event().wait()
        raise AssertionError("unreachable")

    async with run_openai(emulator):
        provider = OpenAICompatible(session=session, base_url=emulator.base_url)
        loop = ToolLoop(await box.offer(["local"]), never)
        task = asyncio.ensure_future(_reply(store, provider, loop))
        await asyncio.wait_for(waiting.wait(), 10)
        task.cancel()
        _chat, final = await task
    assert final.status == MessageStatus.STOPPED
    assert len(emulator.requests) == 1


async def test_stop_while_a_tool_runs(
    session: aiohttp.ClientSession, store: Store, box: ToolBox
) -> None:
    emulator = OpenAIEmulator(tool_rounds=[_call("slow", '{"seconds": 30}', "s1")])
    running = asyncio.Event()
    async with run_openai(emulator):
        provider = OpenAICompatible(session=session, base_url=emulator.base_url)
        offer = await box.offer(["local"])
        loop = ToolLoop(offer, Answers(Approval.ONCE), on_call=lambda _r: running.set())
        task = asyncio.ensure_future(_reply(store, provider, loop))
        await asyncio.wait_for(running.wait(), 10)
        task.cancel()
        _chat, final = await asyncio.wait_for(task, 10)
    assert final.status == MessageStatus.STOPPED


async def test_at_most_ten_rounds_then_a_request_without_tools(
    session: aiohttp.ClientSession, store: Store, box: ToolBox
) -> None:
    emulator = OpenAIEmulator(tool_rounds=[_call("add", ADD, f"c{n}") for n in range(12)])
    async with run_openai(emulator):
        provider = OpenAICompatible(session=session, base_url=emulator.base_url)
        loop = ToolLoop(await box.offer(["local"]), Answers(Approval.ALWAYS))
        _chat, final = await _reply(store, provider, loop)
    assert len(final.tools) == 10
    assert len(emulator.requests) == 11
    assert "tools" not in emulator.requests[-1].body
    assert final.text == emulator.reply


async def test_gigachat_function_call_round_and_a_later_turn(
    session: aiohttp.ClientSession,
    store: Store,
    box: ToolBox,
    server_ssl: ssl.SSLContext,
    test_ca_file: Path,
) -> None:
    async with run_gigachat(server_ssl) as emulator:
        emulator.function_calls = [{"name": "add", "arguments": {"a": 2, "b": 3}}]
        giga = GigaChat(
            session=session,
            api_key=emulator.valid_key,
            base_url=emulator.base_url,
            auth_url=emulator.auth_url,
            ca_bundle=test_ca_file,
        )
        loop = ToolLoop(await box.offer(["local"]), Answers(Approval.ONCE))
        chat = store.create_conversation(provider="gigachat")
        store.add_message(chat.id, "user", "2+3?")
        reply = store.add_message(chat.id, "assistant", "", status=MessageStatus.STREAMING)
        final = await ReplyRecorder(store, reply).run(
            giga, "GigaChat-2", history_for(store, chat), {}, loop=loop
        )
        assert final.status == MessageStatus.COMPLETE, final.error
        sent = emulator.chat_requests[-1].json()["messages"]
        assert sent[-1] == {"role": "function", "name": "add", "content": '{"result": "5"}'}
        assert sent[-2]["functions_state_id"] == "state-1"
        store.add_message(chat.id, "user", "спасибо")
        async for _chunk in giga.stream("GigaChat-2", history_for(store, chat)):
            pass  # the emulator checks the function messages as GigaChat does
        roles = [m["role"] for m in emulator.chat_requests[-1].json()["messages"]]
        assert roles == ["user", "assistant", "function", "assistant", "user"]


def test_a_service_without_tools_gets_the_text_only() -> None:
    history: list[Message] = [
        {"role": "user", "content": "q"},
        {"role": "assistant", "content": "Let me see. ", "tool_calls": []},
        {"role": "tool", "content": "5", "tool_call_id": "c"},
        {"role": "assistant", "content": "It is 5."},
    ]
    assert flatten(history) == [
        {"role": "user", "content": "q"},
        {"role": "assistant", "content": "Let me see. It is 5."},
    ]
