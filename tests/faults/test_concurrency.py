"""Twenty conversations stream at once from GigaChat while its token is revoked.

The emulator answers every question with text derived from that question, so a reply that
lands in the wrong conversation, or text from two streams mixed into one, shows up as a
wrong reply. Revoking the token while ten streams run makes the ten sent afterwards meet a
401 together: the shared token cache must refresh exactly once for all of them.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from aiohttp import web

from gui.core.store import MessageStatus
from providers.gigachat import GigaChat
from tests.faults.conftest import open_desk, wait_for
from tests.servers.gigachat import GigaChatEmulator, run_gigachat

CONVERSATIONS = 20


def answer_for(question: str) -> str:
    """The reply the emulator gives to `question`: long enough to stream for a while."""
    words = " ".join(f"{question}·{index}" for index in range(12))
    return f"Ответ на «{question}»: {words}. Конец ответа на «{question}»."


class EchoingGigaChat(GigaChatEmulator):
    """Each reply is built from the question it answers."""

    async def _stream(
        self,
        request: web.Request,
        data: dict[str, Any],
        chunks: Sequence[str],
        finish: str,
        usage: dict[str, int],
        model: str,
    ) -> web.StreamResponse:
        reply = answer_for(str(data["messages"][-1]["content"]))
        size = max(1, self.chunk_size)
        own = [reply[i : i + size] for i in range(0, len(reply), size)]
        return await super()._stream(request, data, own, finish, usage, model)


async def test_twenty_streams_one_token_refresh_no_cross_talk(
    qtbot: Any, tmp_path: Path, server_ssl: Any, test_ca_file: Path
) -> None:
    emulator = EchoingGigaChat(chunk_size=7)
    emulator.chunk_delay = 0.03  # ~40 chunks: each reply streams for over a second
    async with run_gigachat(server_ssl, emulator=emulator):
        config = {
            "api_key": emulator.valid_key,
            "base_url": emulator.base_url,
            "auth_url": emulator.auth_url,
            "ca_bundle": str(test_ca_file),
        }
        async with open_desk(
            qtbot,
            tmp_path,
            classes={"gigachat": GigaChat},
            provider="gigachat",
            model="GigaChat",
            configs={"gigachat": config},
        ) as desk:
            controller = desk.controller
            # Twenty chats (New chat on an empty chat would reuse it: made in the store).
            conversations = [
                desk.store.create_conversation(provider="gigachat", model="GigaChat").id
                for _ in range(CONVERSATIONS)
            ]
            controller.open_conversation(conversations[0])
            questions = {cid: f"вопрос-{n:02d}" for n, cid in enumerate(conversations)}
            first, second = conversations[:10], conversations[10:]
            await wait_for(lambda: emulator.oauth_calls == 1)  # the model-list fetch's token

            for cid in first:
                controller.send(questions[cid], cid)
            await wait_for(lambda: len(emulator.chat_requests) == len(first))
            await asyncio.sleep(0.2)  # well into every reply
            assert all(controller.is_busy(cid) for cid in first)

            emulator.revoke_tokens()
            requests_before = len(emulator.chat_requests)
            for cid in second:
                controller.send(questions[cid], cid)
            assert all(controller.is_busy(cid) for cid in conversations)  # 20 at once

            # Follow one of the first ten on screen while all of them stream.
            watched = first[3]
            controller.open_conversation(watched)
            for cid in conversations:
                await desk.finished(cid, timeout=30)

            for cid in conversations:
                messages = desk.store.messages(cid)
                assert [(m.role, m.text) for m in messages] == [
                    ("user", questions[cid]),
                    ("assistant", answer_for(questions[cid])),
                ]
                assert messages[1].status == MessageStatus.COMPLETE

            # One OAuth call to start, exactly one refresh after the revocation.
            assert emulator.oauth_calls == 2
            # Each of the ten late requests met the revoked token once at most.
            assert len(emulator.chat_requests) - requests_before <= 2 * len(second)
            refused = len(emulator.chat_requests) - requests_before - len(second)
            assert refused >= 1, "the revocation was never noticed: the test proved nothing"

            # The screen shows the watched conversation's reply once, and nobody else's.
            shown = desk.view_text()
            assert answer_for(questions[watched]) in re.sub(r"\s+", " ", shown)
            others = [questions[cid] for cid in conversations if cid != watched]
            assert not any(f"«{question}»" in shown for question in others)
