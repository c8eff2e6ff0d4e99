"""A process killed mid-stream loses at most the save in flight, and the file stays consistent."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from gui.core.store import MessageStatus, Store

ROOT = Path(__file__).resolve().parents[4]

# Streams a reply the way the controller does: one whole-text save per delta.
WRITER = """
import sys
from pathlib import Path
from gui.core.store import MessageStatus, Store

store = Store.open(Path(sys.argv[1]))
conversation = store.create_conversation(provider="gigachat")
question = store.add_message(conversation.id, "user", "Расскажи длинную сказку")
reply = store.add_message(
    conversation.id, "assistant", "", status=MessageStatus.STREAMING, parent_id=question.id
)
text = ""
for n in range(10_000_000):
    text += f"слово{n} "
    store.update_message(reply.id, text=text)
    print(reply.id, len(text), flush=True)
"""


def expected_text(length: int) -> str:
    text = ""
    n = 0
    while len(text) < length:
        text += f"слово{n} "
        n += 1
    return text


def child_env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    return env


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
def test_sigkill_mid_stream_keeps_the_partial_reply(tmp_path: Path) -> None:
    path = tmp_path / "history.sqlite3"
    child = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(path)],
        stdout=subprocess.PIPE,
        text=True,
        cwd=ROOT,
        env=child_env(),
    )
    try:
        assert child.stdout is not None
        for saves, line in enumerate(child.stdout, start=1):
            reply_id, committed = map(int, line.split())
            if saves == 200:
                break
        child.send_signal(signal.SIGKILL)
    finally:
        child.wait(timeout=30)
        if child.stdout is not None:
            child.stdout.close()
    assert child.returncode == -signal.SIGKILL

    conn = sqlite3.connect(path)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        conn.execute("INSERT INTO messages_fts(messages_fts) VALUES ('integrity-check')")
    finally:
        conn.close()

    with Store.open(path) as store:
        assert store.interrupted_on_open == 1
        reply = store.get_message(reply_id)
        assert reply.status is MessageStatus.INTERRUPTED
        # Everything reported as saved is there; at most the saves after it were added.
        assert len(reply.text) >= committed
        assert reply.text == expected_text(len(reply.text))
        (conversation,) = store.list_conversations()
        assert conversation.title == "Расскажи длинную сказку"
        assert [m.role for m in store.messages(conversation.id)] == ["user", "assistant"]
        assert [hit.message_id for hit in store.search("слово150")] == [reply_id]


def test_the_store_imports_no_qt_and_no_aiohttp() -> None:
    probe = (
        "import sys, gui.core.store\n"
        "loaded = sorted(m for m in sys.modules"
        " if m.split('.')[0] in {'PySide6', 'shiboken6', 'qasync', 'aiohttp', 'providers'})\n"
        "print(','.join(loaded))"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=child_env(),
        timeout=60,
        check=True,
    )
    assert result.stdout.strip() == ""
