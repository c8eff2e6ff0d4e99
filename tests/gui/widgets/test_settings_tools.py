"""Settings → Tools as a person uses it (issue #20): add a stdio server, Test starts it and
lists its tools, OK puts its secret in the keychain (the real Secret Service the test
runner starts) and not in the file; Export leaves secrets out; Import adds servers; a
server that cannot start says why."""

from __future__ import annotations

import json
import sys
import uuid
from pathlib import Path

from PySide6.QtWidgets import QDialogButtonBox
from pytestqt.qtbot import QtBot

from gui.core.keychain import SecretStore
from gui.core.settings import Settings
from gui.core.tools.config import SERVERS_FILE
from gui.settings_controller import SettingsEditor
from tests.gui.core.conftest import PROVIDERS, FakeTest, wait_for

SERVER = Path(__file__).resolve().parents[2] / "servers" / "mcp_tools.py"


def _editor(qtbot: QtBot, settings: Settings, keys: SecretStore) -> SettingsEditor:
    editor = SettingsEditor(PROVIDERS, settings, keys, FakeTest())
    qtbot.addWidget(editor.dialog)
    editor.dialog.resize(1000, 700)
    editor.dialog.show()
    return editor


async def test_a_server_is_added_tested_and_its_secret_kept_in_the_keychain(
    qtbot: QtBot, settings: Settings, tmp_path: Path
) -> None:
    keys = SecretStore(service=f"besedka-test-{uuid.uuid4()}")
    editor = _editor(qtbot, settings, keys)
    dialog = editor.dialog
    dialog.page_list.setCurrentRow(dialog.page_list.count() - 1)
    assert dialog.page_list.currentItem().text() == "Tools"
    page = editor.tools.page
    page.add_button.click()
    page.name.setText("local")
    page.command.setText(sys.executable)
    page.args.setText(str(SERVER))
    page.env.setPlainText("SERVICE_TOKEN=tok-секрет\nPYTHONUTF8=1")
    page.test_button.click()
    await wait_for(lambda: "tools:" in page.result.text(), timeout=30)
    for tool in ("add", "crash", "echo_env", "slow"):
        assert tool in page.result.text()
    dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    await wait_for(lambda: dialog.result() == dialog.DialogCode.Accepted, timeout=10)
    saved = (settings.path.parent / SERVERS_FILE).read_text(encoding="utf-8")
    assert "tok-секрет" not in saved and "SERVICE_TOKEN" in saved and "local" in saved
    assert keys.get("mcp/local/SERVICE_TOKEN") == "tok-секрет"

    again = _editor(qtbot, settings, keys)  # Settings opened again: the server is there
    (entry,) = again.tools.page.current_entries()
    assert entry.name == "local" and dict(entry.env)["SERVICE_TOKEN"] == ""  # in the keychain
    out = tmp_path / "export.json"
    assert again.tools.export_file(out)
    exported = json.loads(out.read_text(encoding="utf-8"))
    assert exported["mcpServers"]["local"]["command"] == sys.executable
    assert "tok-секрет" not in out.read_text(encoding="utf-8")
    other = tmp_path / "other.json"
    other.write_text(json.dumps({"mcpServers": {"web": {"url": "https://example.org/mcp"}}}))
    assert again.tools.import_file(other)
    assert [e.name for e in again.tools.page.current_entries()] == ["local", "web"]
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    assert not again.tools.import_file(bad)
    assert "not_json" in again.tools.page.result.text()
    keys.delete("mcp/local/SERVICE_TOKEN")


async def test_a_server_that_cannot_start_says_why(
    qtbot: QtBot, settings: Settings, tmp_path: Path
) -> None:
    keys = SecretStore(service=f"besedka-test-{uuid.uuid4()}")
    page = _editor(qtbot, settings, keys).tools.page
    page.add_button.click()
    page.name.setText("missing")
    page.command.setText(str(tmp_path / "no-such-program"))
    page.test_button.click()
    await wait_for(lambda: "did not start" in page.result.text(), timeout=30)
    assert "not found" in page.result.text()
    page.command.setText("")
    page.test_button.click()
    assert "needs a command or a URL" in page.result.text()
