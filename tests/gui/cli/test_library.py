"""`besedka import` and `besedka export --all` through the real command line: files on
disk in, a history out, a library file that comes back without duplicates."""

from __future__ import annotations

import asyncio
import json
import os
import sys
from pathlib import Path

from gui.core.paths import AppPaths
from gui.core.store import Store
from tests.gui.core.exports import branched_chat, chatbox_export, simple_chat, write_chatgpt


async def _besedka(*args: str | Path, home: Path) -> tuple[int, str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIGACHAT_")}
    env.update(HOME=str(home), PYTHON_KEYRING_BACKEND="keyring.backends.null.Keyring")
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "gui",
        *map(str, args),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        env=env,
    )
    out, err = await asyncio.wait_for(process.communicate(), timeout=90)
    assert process.returncode is not None
    return process.returncode, out.decode(), err.decode()


def _chats(basedir: Path) -> list[tuple[str, list[str]]]:
    with Store.open(AppPaths.under(basedir).history_db) as store:
        return sorted(
            (c.title, [m.text for m in store.messages(c.id)]) for c in store.list_conversations()
        )


async def test_import_reads_each_format_and_says_what_it_took(tmp_path: Path) -> None:
    profile = tmp_path / "profile"
    chatgpt = write_chatgpt(tmp_path / "conversations.json", [branched_chat(), simple_chat("s", 2)])
    chatbox = tmp_path / "chatbox.json"
    chatbox.write_text(json.dumps(chatbox_export(), ensure_ascii=False), encoding="utf-8")
    code, out, err = await _besedka("--basedir", profile, "import", chatgpt, chatbox, home=tmp_path)
    assert (code, err) == (0, "")
    first, second = out.splitlines()
    assert first.startswith(f"{chatgpt}: ChatGPT export, 2 chat(s) and 10 message(s) added")
    assert first.endswith(
        "; skipped 2 tool message(s), 1 non-text message(s), 1 image(s) or other non-text part(s)"
    )
    assert second.startswith(f"{chatbox}: Chatbox export, 2 chat(s) and 5 message(s) added")
    assert len(_chats(profile)) == 4

    code, out, err = await _besedka("import", "--basedir", profile, chatgpt, home=tmp_path)
    assert code == 0
    assert "0 chat(s) and 0 message(s) added; 2 chat(s) already in the history" in out
    assert len(_chats(profile)) == 4


async def test_export_all_then_import_into_a_fresh_profile_twice(tmp_path: Path) -> None:
    source, copy = tmp_path / "source", tmp_path / "copy"
    chatgpt = write_chatgpt(tmp_path / "conversations.json", [branched_chat()])
    assert (await _besedka("--basedir", source, "import", chatgpt, home=tmp_path))[0] == 0
    with Store.open(AppPaths.under(source).history_db) as store:
        made = store.create_conversation(title="здесь")
        store.add_message(made.id, "user", "вопрос")
    library = tmp_path / "library.json"
    code, out, err = await _besedka("--basedir", source, "export", "--all", library, home=tmp_path)
    assert (code, err) == (0, "")
    assert out.strip() == f"{library}: 2 chat(s), 7 message(s)"
    assert json.loads(library.read_text(encoding="utf-8"))["format"] == "besedka-library"

    for _ in range(2):
        code, out, err = await _besedka("--basedir", copy, "import", library, home=tmp_path)
        assert (code, err) == (0, "")
    assert "2 chat(s) already in the history" in out
    assert _chats(copy) == _chats(source)


async def test_failures_are_one_line_and_an_exit_status(tmp_path: Path) -> None:
    profile = tmp_path / "profile"
    foreign = tmp_path / "foreign.json"
    foreign.write_text('{"what": "ever"}', encoding="utf-8")
    good = write_chatgpt(tmp_path / "conversations.json", [simple_chat("s", 1)])
    code, out, err = await _besedka(
        "--basedir", profile, "import", tmp_path / "missing.json", foreign, good, home=tmp_path
    )
    assert code == 1
    lines = err.splitlines()
    assert lines[0] == f"besedka import: {tmp_path / 'missing.json'}: No such file or directory"
    assert lines[1].startswith(f"besedka import: {foreign}: Cannot import: this is not a")
    assert "Traceback" not in err
    assert out.count("\n") == 1 and "1 chat(s)" in out  # the good file still went in

    code, _out, err = await _besedka("--basedir", profile, "export", tmp_path, home=tmp_path)
    assert code == 2 and "--all" in err
    code, _out, err = await _besedka(
        "--basedir", profile, "export", "--all", tmp_path, home=tmp_path
    )
    assert code == 1 and err.startswith(f"besedka export: {tmp_path}:")
    not_ours = tmp_path / "not-ours"
    (not_ours / "data").mkdir(parents=True)
    (not_ours / "data" / "history.sqlite3").write_bytes(b"not a database at all" * 10)
    code, _out, err = await _besedka("--basedir", not_ours, "import", good, home=tmp_path)
    assert code == 3 and err.startswith("besedka import: ")


async def test_a_backup_restores_chats_trees_and_assistants_into_a_fresh_profile(
    tmp_path: Path,
) -> None:
    """#22: backup → fresh profile → restore gives the same chats (every version), the
    assistants and the settings, no keys; a second restore adds nothing."""
    import zipfile

    from gui.core.assistants import AssistantBook, checked

    old = tmp_path / "old"
    chatgpt = write_chatgpt(tmp_path / "conversations.json", [branched_chat(), simple_chat("s", 4)])
    assert (await _besedka("--basedir", old, "import", chatgpt, home=tmp_path))[0] == 0
    paths = AppPaths.under(old)
    editor = checked({"id": "ed1", "name": "Редактор", "system_prompt": "Правь текст."})
    assert editor is not None
    AssistantBook(paths.config_dir).save([editor])
    paths.settings_file.write_text("[general]\ntheme = dark\n", encoding="utf-8")
    backup = tmp_path / "backup.zip"
    code, out, err = await _besedka("--basedir", old, "backup", backup, home=tmp_path)
    assert (code, err) == (0, "") and "2 chat(s)" in out
    with zipfile.ZipFile(backup) as archive:
        inside = b"".join(archive.read(name) for name in archive.namelist())
    assert b"api_key" not in inside and b"credentials" not in inside.lower()

    fresh = tmp_path / "fresh"
    code, out, err = await _besedka("--basedir", fresh, "import", backup, home=tmp_path)
    assert (code, err) == (0, ""), err
    assert "Besedka library, 2 chat(s)" in out and "1 assistant(s), settings restored" in out
    assert _chats(fresh) == _chats(old)  # every message of every version
    assert [a.name for a in AssistantBook(AppPaths.under(fresh).config_dir).load()] == ["Редактор"]
    assert "theme = dark" in AppPaths.under(fresh).settings_file.read_text(encoding="utf-8")
    code, out, _err = await _besedka("--basedir", fresh, "import", backup, home=tmp_path)
    assert code == 0 and "2 chat(s) already in the history" in out
    assert len(_chats(fresh)) == 2
