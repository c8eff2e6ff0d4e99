"""A reply whose model pauses, killed during the pause (issue #21, item 5).

Text used to be saved only when a piece arrived: a stream that paused 30 s after 300
characters and was killed meanwhile kept none of them. The recorder now saves on a timer
while it streams; here a real child process streams, pauses, and is killed with SIGKILL.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from gui.core.recorder import SAVE_EVERY_S
from gui.core.store import MessageStatus, Store

ROOT = Path(__file__).resolve().parents[2]

CHILD = """
import asyncio, sys
from pathlib import Path
from gui.core.recorder import ReplyRecorder
from gui.core.store import MessageStatus, Store
from providers.base import Provider, Reasoning

class Pausing(Provider):
    name = label = "pausing"
    working = True
    default_model = "p-1"
    async def _stream(self, model, messages, stream, options):
        yield Reasoning("Сначала подумаю. ")
        for n in range(30):
            yield "десять сим"  # 10 characters each, 300 in all
        await asyncio.sleep(30)
        yield "never"

async def main():
    store = Store.open(Path(sys.argv[1]))
    chat = store.create_conversation(provider="pausing")
    store.add_message(chat.id, "user", "Подумай и ответь")
    reply = store.add_message(chat.id, "assistant", "", status=MessageStatus.STREAMING)
    recorder = ReplyRecorder(store, reply)
    shown = []
    def on_text(piece):
        shown.append(piece)
        if sum(map(len, shown)) == 300:
            print(reply.id, flush=True)
    await recorder.run(Pausing(session=None), None, [{"role": "user", "content": "?"}], {},
                       on_text=on_text)

asyncio.run(main())
"""


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
def test_text_streamed_before_a_pause_survives_a_kill_during_it(tmp_path: Path) -> None:
    path = tmp_path / "history.sqlite3"
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(path)],
        stdout=subprocess.PIPE,
        text=True,
        cwd=ROOT,
        env=env,
    )
    try:
        assert child.stdout is not None
        reply_id = int(child.stdout.readline())
        paused_at = time.monotonic()
        time.sleep(SAVE_EVERY_S + 1.0)  # well into the 30 s pause: no piece arrives now
        assert child.poll() is None
        child.send_signal(signal.SIGKILL)
    finally:
        child.wait(timeout=30)
        if child.stdout is not None:
            child.stdout.close()
    assert child.returncode == -signal.SIGKILL
    assert time.monotonic() - paused_at < 25  # killed during the pause, not after it

    with Store.open(path) as store:
        assert store.interrupted_on_open == 1
        reply = store.get_message(reply_id)
        assert reply.status is MessageStatus.INTERRUPTED
        assert reply.text == "десять сим" * 30
        assert reply.reasoning == "Сначала подумаю. "
