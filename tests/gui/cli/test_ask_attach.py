"""`besedka ask --attach PATH` (repeatable): the files are uploaded to GigaChat's emulator
and named in the question, and the history keeps them; a bad file is one line, exit 2."""

from __future__ import annotations

import base64
import ssl
from pathlib import Path

from gui.core.paths import AppPaths
from gui.core.store import Store
from tests.gui.cli.test_ask import _ask, _env
from tests.servers.gigachat import run_gigachat

PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg=="
)


async def test_ask_attach_uploads_and_keeps_the_files(
    server_ssl: ssl.SSLContext, test_ca_file: Path, tmp_path: Path
) -> None:
    photo, notes = tmp_path / "cat.png", tmp_path / "notes.txt"
    photo.write_bytes(PNG)
    notes.write_text("список покупок", encoding="utf-8")
    base = tmp_path / "profile"
    async with run_gigachat(server_ssl) as emulator:
        env = _env(emulator, test_ca_file, tmp_path)
        args = ["--basedir", str(base), "ask", "--provider", "gigachat", "--model"]
        code, _out, err = await _ask(
            [*args, "GigaChat-2-Max", "--attach", str(photo), "--attach", str(notes), "Что тут?"],
            env,
        )
        assert code == 0, err
        uploads = emulator.file_store.uploads
        assert [(u.filename, u.content_type) for u in uploads] == [
            ("cat.png", "image/png"),
            ("notes.txt", "text/plain"),
        ]
        question = emulator.chat_requests[-1].json()["messages"][-1]
        assert question == {
            "role": "user",
            "content": "Что тут?",
            "attachments": [u.id for u in uploads],
        }
        code, _out, err = await _ask([*args, "GigaChat-2", "--attach", str(tmp_path), "x"], env)
        assert code == 2 and "is a folder" in err
        # A picture for a model that does not see images: refused before anything is
        # uploaded or saved, as the window refuses it at Send.
        asked = len(emulator.chat_requests)
        code, _out, err = await _ask([*args, "GigaChat-2", "--attach", str(photo), "Что?"], env)
        assert code == 2 and "image" in err.lower(), err
        assert len(emulator.file_store.uploads) == 2 and len(emulator.chat_requests) == asked
    store = Store.open(AppPaths.under(base).history_db)
    try:
        assert len(store.list_conversations()) == 1  # the refused question is not kept
        chat = store.list_conversations()[-1].id
        first = store.messages(chat)[0]
        assert [f.name for f in first.attachments] == ["cat.png", "notes.txt"]
    finally:
        store.close()
