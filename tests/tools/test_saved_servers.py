"""Settings → Tools' servers on disk and in the keychain (the real Secret Service the
test runner starts), and a chat's tool choice in the history."""

from __future__ import annotations

import sys
import threading
import uuid
from pathlib import Path

from gui.core.keychain import SecretStore
from gui.core.paths import AppPaths
from gui.core.store import ChatTools, Store
from gui.core.tools.config import SERVERS_FILE, ServerConfig
from gui.core.tools.saved import SavedServers

SERVER = Path(__file__).resolve().parents[1] / "servers" / "mcp_tools.py"


class WatchedKeys(SecretStore):
    """The real keychain, noting which thread reads it (a read can outlast a frame)."""

    threads: list[int]

    def get(
        self, provider: object, *, field: str | None = None, strict: bool = False
    ) -> str | None:
        self.threads.append(threading.get_ident())
        return super().get(provider, field=field, strict=strict)  # type: ignore[arg-type]


async def test_secret_values_go_to_the_keychain_and_reach_only_their_server(
    tmp_path: Path,
) -> None:
    keys = WatchedKeys(service=f"besedka-test-{uuid.uuid4()}")
    keys.threads = []
    saved = SavedServers(AppPaths.under(tmp_path), keys)
    server = ServerConfig(
        "local",
        command=sys.executable,
        args=(str(SERVER),),
        env={"SERVICE_TOKEN": "tok-секрет", "LANG": "C.UTF-8"},
        secrets=frozenset({"SERVICE_TOKEN"}),
    )
    saved.save([server])
    text = (AppPaths.under(tmp_path).config_dir / SERVERS_FILE).read_text(encoding="utf-8")
    assert "tok-секрет" not in text and "SERVICE_TOKEN" in text
    assert keys.get("mcp/local/SERVICE_TOKEN") == "tok-секрет"
    (loaded,) = saved.load()
    assert loaded.env == {"SERVICE_TOKEN": "", "LANG": "C.UTF-8"}

    keys.threads = []
    box = saved.toolbox()
    try:
        offer = await box.offer(["local"])
        result = await offer.call("echo_env", {"name": "SERVICE_TOKEN"}, 10)
    finally:
        await box.aclose()
    assert result.text == "tok-секрет"
    assert keys.threads and threading.get_ident() not in keys.threads  # never on the loop

    saved.save([ServerConfig("local", command=sys.executable)])  # the secret is gone
    assert keys.get("mcp/local/SERVICE_TOKEN") is None


def test_a_chat_offers_no_tools_until_enabled_and_a_fork_keeps_the_choice(
    tmp_path: Path,
) -> None:
    with Store.open(tmp_path / "h.sqlite3") as store:
        chat = store.create_conversation()
        assert store.chat_tools(chat.id) == ChatTools()
        choice = ChatTools(("files", "web"), frozenset({"read_file"}))
        store.set_chat_tools(chat.id, choice)
        assert store.chat_tools(chat.id) == choice
        first = store.add_message(chat.id, "user", "hi")
        assert store.chat_tools(store.fork(first.id).id) == choice
