"""Many processes opening one brand-new history at the same moment (issue #21, item 15).

Before, about 1 open in 70 failed ("not a Besedka history database", "database is locked"):
one process read the version before another's first commit and the tables after it, and
switching a new file to write-ahead logging is refused at once, without waiting, while
another process holds it. Here 80 real processes start together, each opens the new file,
adds a chat and closes: every one must succeed and every chat must be there.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from gui.core.store import Store

ROOT = Path(__file__).resolve().parents[2]
PROCESSES = 80

OPENER = """
import sys, time
from pathlib import Path
from gui.core.store import Store
path, go = Path(sys.argv[1]), Path(sys.argv[2])
print("ready", flush=True)
while not go.exists():
    time.sleep(0.001)
try:
    store = Store.open(path)
    store.create_conversation(title=sys.argv[3])
    store.close()
except Exception as error:
    print(f"failed: {type(error).__name__}: {error}", flush=True)
else:
    print("ok", flush=True)
"""


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    return env


# A file system without hard links (FAT on a USB stick, some network shares) makes the
# new history in place; os.link is refused there as it would be by the kernel.
NO_LINKS = (
    "import os\n"
    "def _refused(*args, **kwargs):\n"
    "    raise PermissionError(1, 'Operation not permitted')\n"
    "os.link = _refused\n"
)


@pytest.mark.parametrize("links", [True, False], ids=["linked-into-place", "made-in-place"])
def test_many_processes_open_one_new_history_at_once(tmp_path: Path, links: bool) -> None:
    path, go = tmp_path / "history.sqlite3", tmp_path / "go"
    script = OPENER if links else NO_LINKS + OPENER
    children = [
        subprocess.Popen(
            [sys.executable, "-c", script, str(path), str(go), f"chat {n}"],
            stdout=subprocess.PIPE,
            text=True,
            cwd=ROOT,
            env=_env(),
        )
        for n in range(PROCESSES)
    ]
    try:
        for child in children:  # every one imported and waiting
            assert child.stdout is not None and child.stdout.readline().strip() == "ready"
        go.touch()
        outcomes = []
        deadline = time.monotonic() + 120
        for child in children:
            assert child.stdout is not None
            outcomes.append(child.stdout.read().strip())
            child.wait(timeout=max(1.0, deadline - time.monotonic()))
    finally:
        for child in children:
            if child.poll() is None:
                child.kill()
                child.wait()
            if child.stdout is not None:
                child.stdout.close()

    failures = [outcome for outcome in outcomes if outcome != "ok"]
    assert failures == []
    with Store.open(path) as store:
        titles = {chat.title for chat in store.list_conversations()}
    assert titles == {f"chat {n}" for n in range(PROCESSES)}
    # Nothing was left behind by the processes that lost the race to create it.
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "go",
        "history.sqlite3",
        "history.sqlite3-presence",
    ]
