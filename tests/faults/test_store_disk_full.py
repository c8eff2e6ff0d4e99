"""A disk that fills up under the history and the exports (issue #21, items 3, 13, 15).

Each case runs in a child process with a small tmpfs of its own mounted in a private mount
namespace (root and `unshare` needed, else skipped): the real ENOSPC / SQLITE_FULL, not a
simulation. The child prints what it found as JSON.
"""

from __future__ import annotations

import json
import os
import shutil
import ssl
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from gui.cli.parser import OK
from tests.servers.gigachat import GigaChatEmulator, run_gigachat

ROOT = Path(__file__).resolve().parents[2]

#: mounts a tmpfs of $1 on $0, then runs the rest
MOUNT = 'mount -t tmpfs -o size="$1" tmpfs "$0" && shift && exec "$@"'

#: fills the disk under $1 but for $2 bytes (a file that can be grown no more)
FILL = """
import os, sys
def fill(folder, spare):
    with open(os.path.join(folder, "filler"), "wb") as filler:
        try:
            while True:
                filler.write(b"\\0" * 65536)
                filler.flush()
        except OSError:
            pass
    size = os.path.getsize(os.path.join(folder, "filler"))
    os.truncate(os.path.join(folder, "filler"), max(0, size - spare))
"""


def _can_mount() -> bool:
    if os.geteuid() != 0 or shutil.which("unshare") is None:
        return False
    probe = subprocess.run(
        ["unshare", "-m", "sh", "-c", "mount -t tmpfs -o size=64k tmpfs /mnt && true"],
        capture_output=True,
        timeout=30,
        check=False,
    )
    return probe.returncode == 0


needs_mount = pytest.mark.skipif(not _can_mount(), reason="needs root and mount namespaces")


def _env(extra: dict[str, str] | None = None) -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    env.update(extra or {})
    return env


def _on_small_disk(
    disk: Path, size: str, argv: list[str], env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    disk.mkdir(exist_ok=True)
    return subprocess.run(
        ["unshare", "-m", "sh", "-c", MOUNT, str(disk), size, *argv],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env or _env(),
        timeout=180,
        check=False,
    )


def _python(disk: Path, size: str, script: str, *args: str) -> dict[str, Any]:
    result = _on_small_disk(disk, size, [sys.executable, "-c", FILL + script, str(disk), *args])
    assert result.returncode == 0, result.stderr
    found: dict[str, Any] = json.loads(result.stdout.strip().splitlines()[-1])
    return found


STREAM = """
import asyncio, json, sys
from pathlib import Path
from gui.core.recorder import ReplyRecorder
from gui.core.store import MessageStatus, Store
from providers.base import FinishReason, Provider

class Long(Provider):
    name = label = "long"
    working = True
    default_model = "l-1"
    async def _stream(self, model, messages, stream, options):
        for n in range(400):
            yield f"строка {n} " + "слово " * 200 + "\\n"
            await asyncio.sleep(0)
        yield FinishReason("stop")

async def main():
    disk = Path(sys.argv[1])
    store = Store.open(disk / "history.sqlite3")
    chat = store.create_conversation(provider="long")
    store.add_message(chat.id, "user", "Напиши длинно")
    reply = store.add_message(chat.id, "assistant", "", status=MessageStatus.STREAMING,
                              provider="long")
    fill(str(disk), 48 * 1024)
    recorder = ReplyRecorder(store, reply)
    final = await recorder.run(Long(session=None), None, [{"role": "user", "content": "?"}], {})
    stored = store.get_message(reply.id)
    print(json.dumps({"status": final.status, "error": final.error and final.error.kind,
                      "chars": len(final.text), "save_failed": recorder.save_failed,
                      "stored": len(stored.text), "stored_status": stored.status,
                      "whole": final.text.count("строка")}))

asyncio.run(main())
"""


@needs_mount
def test_a_reply_that_cannot_be_saved_is_marked_and_kept_whole(tmp_path: Path) -> None:
    """The original failure: the window showed the reply as done while the history kept
    half of it. Now the final message says "not_saved" and still holds every piece."""
    found = _python(tmp_path / "disk", "2m", STREAM)
    assert found["status"] == "complete"
    assert found["error"] == "not_saved" and found["save_failed"] is True
    assert found["whole"] == 400  # all of it, in memory
    assert found["stored"] < found["chars"] and found["stored_status"] == "streaming"


EXPORT = """
import json, os, sys
from pathlib import Path
from gui.core import chat_files
from gui.core.store import Store
disk = Path(sys.argv[1])
store = Store.open(Path(sys.argv[2]))  # the history is on the big disk
chat = store.create_conversation(title="Большой")
for n in range(60):
    store.add_message(chat.id, "user", f"вопрос {n} " + "текст " * 2000)
old = "старый экспорт\\n" * 1000
(disk / "chat.md").write_text(old, encoding="utf-8")
(disk / "plain.md").write_text(old, encoding="utf-8")
fill(str(disk), 16 * 1024)
try:
    chat_files.export_file(store, chat.id, disk / "chat.md", "md", label_of=str)
    error = None
except OSError as failure:
    error = failure.errno
try:  # what a plain write does on the same disk
    (disk / "plain.md").write_text(store.export_markdown(chat.id), encoding="utf-8")
except OSError:
    pass
print(json.dumps({
    "error": error,
    "kept": (disk / "chat.md").read_text(encoding="utf-8") == old,
    "plain_kept": (disk / "plain.md").read_text(encoding="utf-8") == old,
    "files": sorted(p.name for p in disk.iterdir()),
}))
"""


@needs_mount
def test_an_export_on_a_full_disk_keeps_the_old_file(tmp_path: Path) -> None:
    found = _python(tmp_path / "disk", "1m", EXPORT, str(tmp_path / "history.sqlite3"))
    assert found["error"] == 28  # ENOSPC, said
    assert found["kept"] is True  # the old export is whole
    assert found["plain_kept"] is False  # the failure it replaces: a plain write lost it
    assert found["files"] == ["chat.md", "filler", "plain.md"]  # no temporary file left


BACKUP = """
import json, sqlite3, sys
from pathlib import Path
from gui.core.store import Store, StoreError, schema
disk = Path(sys.argv[1])
path = disk / "history.sqlite3"
conn = sqlite3.connect(path, isolation_level=None)
conn.execute("BEGIN")
for migration in schema.MIGRATIONS[:5]:
    migration(conn)
conn.execute("INSERT INTO conversations (title, created_at, updated_at) VALUES ('x', 1, 1)")
for n in range(200):
    conn.execute("INSERT INTO messages (conversation_id, role, text, created_at, updated_at)"
                 " VALUES (1, 'user', ?, 1, 1)", ("текст " * 300,))
conn.execute("PRAGMA user_version = 5")
conn.execute("COMMIT")
conn.close()
before = path.read_bytes()
fill(str(disk), 64 * 1024)
errors = []
for attempt in range(3):
    try:
        Store.open(path).close()
    except StoreError as error:
        errors.append(str(error))
print(json.dumps({
    "errors": errors,
    "unchanged": path.read_bytes() == before,
    "files": sorted(p.name for p in disk.iterdir()),
}))
"""


@needs_mount
def test_a_backup_that_fails_on_a_full_disk_leaves_no_file(tmp_path: Path) -> None:
    found = _python(tmp_path / "disk", "2m", BACKUP)
    assert len(found["errors"]) == 3
    assert all("Cannot back up" in error for error in found["errors"])
    assert found["unchanged"] is True
    assert not [name for name in found["files"] if ".bak-" in name]


# -- `besedka ask` on a full disk ------------------------------------------------------

PREPARE = """
import sys
from pathlib import Path
from gui.core.paths import AppPaths
from gui.core.store import Store
paths = AppPaths.under(Path(sys.argv[1]) / "profile").ensure()
Store.open(paths.history_db).close()
paths.log_file.symlink_to("/dev/null")  # the log's failures are another test's
fill(sys.argv[1], 256 * 1024)
"""


@pytest.fixture
async def long_reply(server_ssl: ssl.SSLContext) -> AsyncIterator[GigaChatEmulator]:
    async with run_gigachat(server_ssl) as emulator:
        emulator.reply = " ".join(f"слово{n}" for n in range(60_000))
        emulator.chunk_size = 4_000
        yield emulator


@needs_mount
async def test_ask_on_a_full_disk_exits_non_zero(
    long_reply: GigaChatEmulator, test_ca_file: Path, tmp_path: Path
) -> None:
    import asyncio

    from tests.gui.cli.test_ask import _env as ask_env

    disk = tmp_path / "disk"
    disk.mkdir()
    env = _env(ask_env(long_reply, test_ca_file, tmp_path))
    env["PREPARE"] = FILL + PREPARE
    command = (
        f'"{sys.executable}" -c "$PREPARE" "$0" && exec "{sys.executable}" -m gui'
        ' --basedir "$0/profile" ask "Напиши длинно"'
    )
    process = await asyncio.create_subprocess_exec(
        *["unshare", "-m", "sh", "-c", MOUNT, str(disk), "3m", "sh", "-c", command, str(disk)],
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        env=env,
        cwd=ROOT,
    )
    out, err = await asyncio.wait_for(process.communicate(), timeout=120)
    stderr = err.decode()
    assert "Traceback" not in stderr, stderr
    assert len(out) > 300_000, (process.returncode, stderr)  # the whole reply was shown
    assert process.returncode != OK, stderr
    assert "could not be saved" in stderr
