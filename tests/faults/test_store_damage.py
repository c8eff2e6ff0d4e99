"""A history file whose bytes went bad (issue #21, items 4 and 9), on real SQLite files.

Bytes flipped inside a data page of the newest chat used to pass the open and then fail
every start on the first read; now the open refuses the file with DamagedHistoryError,
keeps a dated copy beside it, and `Store.recover` rebuilds a history from what still
reads. A damaged presence sidecar used to block the start with a message blaming the
healthy history: it is emptied when nobody holds it, and named when somebody does.
"""

from __future__ import annotations

import os
import random
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from gui.cli.parser import NO_HISTORY
from gui.core.paths import AppPaths
from gui.core.store import DamagedHistoryError, Store, StoreError

ROOT = Path(__file__).resolve().parents[2]
MARKER = "последнее-сообщение-маркер"


def _child_env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    return env


def _build(path: Path) -> dict[int, list[str]]:
    """Two older chats and, newest, one of 240 messages; their texts by chat."""
    rng = random.Random(5)
    words = ["привет", "функция", "память", "ответ", "вопрос", "данные", "ключ", "список"]
    texts: dict[int, list[str]] = {}
    with Store.open(path) as store:
        for title, count in (("Старый чат", 30), ("Второй", 30), ("Новый большой", 240)):
            chat = store.create_conversation(title=title)
            texts[chat.id] = []
            for n in range(count):
                text = " ".join(rng.choice(words) for _ in range(25)) + f" №{n}"
                if title == "Новый большой" and n == 200:
                    text += f" {MARKER}"
                store.add_message(chat.id, "user" if n % 2 == 0 else "assistant", text)
                texts[chat.id].append(text)
    return texts


def _page_of(path: Path, needle: str) -> int:
    """The 1-based number of the page holding `needle`."""
    data = path.read_bytes()
    offset = data.index(needle.encode())
    return offset // 4096 + 1


def _flip(path: Path, page: int, seed: int = 7) -> None:
    """Random bytes flipped in the header and cell pointers of one page."""
    rng = random.Random(seed)
    with path.open("r+b") as file:
        start = (page - 1) * 4096
        file.seek(start)
        chunk = bytearray(file.read(64))
        for position in rng.sample(range(1, 64), 24):
            chunk[position] ^= rng.randrange(1, 256)
        file.seek(start)
        file.write(chunk)


@pytest.fixture
def damaged(tmp_path: Path) -> tuple[Path, dict[int, list[str]]]:
    path = tmp_path / "history.sqlite3"
    texts = _build(path)
    page = _page_of(path, MARKER)
    conn = sqlite3.connect(path)
    assert conn.execute("SELECT name FROM dbstat WHERE pageno = ?", (page,)).fetchone() == (
        "messages",
    )
    conn.close()
    _flip(path, page)
    return path, texts


def test_the_damage_fails_plain_reads_of_the_newest_chat(
    damaged: tuple[Path, dict[int, list[str]]],
) -> None:
    """The original failure: the file opens, its newest chat does not read."""
    path, texts = damaged
    newest = max(texts)
    conn = sqlite3.connect(path)
    with pytest.raises(sqlite3.DatabaseError):
        conn.execute("SELECT text FROM messages WHERE conversation_id = ?", (newest,)).fetchall()
    conn.close()


def test_a_damaged_history_is_refused_at_open_and_copied_aside_once(
    damaged: tuple[Path, dict[int, list[str]]],
) -> None:
    path, _texts = damaged
    before = path.read_bytes()
    with pytest.raises(DamagedHistoryError) as caught:
        Store.open(path)
    copy = caught.value.copy
    assert copy is not None and copy.parent == path.parent
    assert copy.name.startswith("history.sqlite3.damaged-")
    assert copy.read_bytes() == before
    assert path.read_bytes() == before  # left as it was
    assert str(path) in str(caught.value) and str(copy) in str(caught.value)
    with pytest.raises(DamagedHistoryError) as again:
        Store.open(path)
    assert again.value.copy == copy  # the next start makes no second copy
    assert len(list(path.parent.glob("*.damaged-*"))) == 1


def test_recover_rebuilds_the_history_from_what_still_reads(
    damaged: tuple[Path, dict[int, list[str]]],
) -> None:
    path, texts = damaged
    with pytest.raises(DamagedHistoryError) as caught:
        Store.open(path)
    kept = Store.recover(path, damaged_copy=caught.value.copy)
    assert kept == caught.value.copy and kept.exists()

    with Store.open(path) as store:
        chats = {chat.title: chat for chat in store.list_conversations()}
        assert set(chats) == {"Старый чат", "Второй", "Новый большой"}
        for chat in chats.values():
            saved = [m.text for m in store.messages_by_id(store.path_ids(chat.id))]
            original = texts[chat.id]
            if chat.title == "Новый большой":
                # One page of it is lost; everything else reads, and the path goes on
                # across the gap.
                assert 200 <= len(saved) < len(original)
                assert set(saved) < set(original)
                assert saved[0] == original[0] and saved[-1] == original[-1]
            else:
                assert saved == original
        assert store.search("привет")
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    conn.close()
    assert not [p for p in path.parent.iterdir() if ".recover" in p.name]


def test_recover_without_a_copy_moves_the_damaged_file_aside(
    damaged: tuple[Path, dict[int, list[str]]],
) -> None:
    path, _texts = damaged
    before = path.read_bytes()
    kept = Store.recover(path)
    assert kept.name.startswith("history.sqlite3.damaged-") and kept.read_bytes() == before
    with Store.open(path) as store:
        assert len(store.list_conversations()) == 3


def test_damage_in_an_old_chat_of_a_small_history_is_found_too(tmp_path: Path) -> None:
    path = tmp_path / "history.sqlite3"
    _build(path)
    _flip(path, _page_of(path, "№3"))  # the first chat, far from what a start reads
    with pytest.raises(DamagedHistoryError):
        Store.open(path)


HOLD = """
import sys
from pathlib import Path
from gui.core.store.presence import Presence
presence = Presence(Path(sys.argv[1]))
presence.claim()
print("holding", flush=True)
sys.stdin.read()
"""


def _holder(path: Path) -> subprocess.Popen[str]:
    child = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        cwd=ROOT,
        env=_child_env(),
    )
    assert child.stdout is not None and child.stdout.readline().strip() == "holding"
    return child


def _release(child: subprocess.Popen[str]) -> None:
    assert child.stdin is not None
    child.stdin.close()
    child.wait(timeout=30)
    if child.stdout is not None:
        child.stdout.close()


def test_recover_waits_for_other_windows_to_close(
    damaged: tuple[Path, dict[int, list[str]]],
) -> None:
    path, _texts = damaged
    before = path.read_bytes()
    child = _holder(path)
    try:
        with pytest.raises(StoreError, match="another Besedka"):
            Store.recover(path)
    finally:
        _release(child)
    assert path.read_bytes() == before


def test_ask_refuses_to_write_into_a_damaged_history(tmp_path: Path) -> None:
    base = tmp_path / "profile"
    path = AppPaths.under(base).ensure().history_db
    _build(path)
    _flip(path, _page_of(path, MARKER))
    before = path.read_bytes()
    result = subprocess.run(
        [sys.executable, "-m", "gui", "--basedir", str(base), "ask", "привет"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=_child_env(),
        timeout=120,
        check=False,
    )
    assert result.returncode == NO_HISTORY, result.stderr
    assert "damaged" in result.stderr and "Traceback" not in result.stderr
    assert path.read_bytes() == before


# -- the presence sidecar (item 9) -------------------------------------------------------


def _garble(presence: Path) -> None:
    """Overwrite the sidecar's bytes in place (the same file, as a bad disk would)."""
    with presence.open("r+b") as file:
        file.write(random.Random(3).randbytes(presence.stat().st_size))


def test_a_damaged_presence_file_nobody_holds_is_made_anew(tmp_path: Path) -> None:
    path = tmp_path / "history.sqlite3"
    _build(path)
    presence = tmp_path / "history.sqlite3-presence"
    _garble(presence)
    with Store.open(path) as store:
        assert len(store.list_conversations()) == 3
    conn = sqlite3.connect(presence)
    assert conn.execute("PRAGMA quick_check").fetchall() == [("ok",)]
    conn.close()


def test_a_damaged_presence_file_someone_holds_is_named_not_the_history(tmp_path: Path) -> None:
    path = tmp_path / "history.sqlite3"
    _build(path)
    child = _holder(path)
    presence = tmp_path / "history.sqlite3-presence"
    try:
        _garble(presence)
        with pytest.raises(StoreError) as caught:
            Store.open(path)
        assert not isinstance(caught.value, DamagedHistoryError)
        assert str(presence) in str(caught.value)
        assert "history itself was not touched" in str(caught.value)
    finally:
        _release(child)
    with Store.open(path) as store:  # once it is closed, the next start mends it
        assert len(store.list_conversations()) == 3
