"""Settings → Tools behind the page (gui/widgets/settings_tools.py): the saved servers in,
Test (start a server as edited and list its tools), Import / Export of the `mcpServers`
JSON, and the save on OK — the file without secret values, the values in the keychain
(gui/core/tools/saved.py), keychain calls in worker threads.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Coroutine
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication

from gui.core.keychain import KeychainUnavailableError, secret_variables
from gui.core.paths import AppPaths
from gui.core.tasks import spawn
from gui.core.tools.config import (
    ConfigError,
    ServerConfig,
    export_config,
    looks_secret,
    parse_config,
    with_secrets,
)
from gui.core.tools.saved import SavedServers
from gui.core.tools.server import ToolStartError
from gui.core.tools.toolbox import ToolBox
from gui.widgets.settings_tools import ServerEntry, ToolsPage
from gui.widgets.tool_cards import start_words

if TYPE_CHECKING:
    from gui.core.keychain import SecretStore
    from gui.widgets.settings_dialog import SettingsDialog

__all__ = ["ToolSettings", "config_of", "entry_of"]

log = logging.getLogger(__name__)
translate = QCoreApplication.translate


def entry_of(config: ServerConfig) -> ServerEntry:
    return ServerEntry(
        config.name,
        config.command,
        config.args,
        tuple(config.env.items()),
        config.url,
        tuple(config.headers.items()),
        config.secrets,
        config.enabled,
    )


def config_of(entry: ServerEntry) -> ServerConfig:
    """A server as edited; names that look secret have their values kept as secrets."""
    names = {key for key, _value in (*entry.env, *entry.headers)}
    secrets = {name for name in names if looks_secret(name) or name.lower() == "authorization"}
    return ServerConfig(
        entry.name,
        command=entry.command,
        args=entry.args,
        env=dict(entry.env),
        url=entry.url,
        headers=dict(entry.headers),
        secrets=frozenset(secrets | (set(entry.secrets) & names)),
        enabled=entry.enabled,
    )


def _words(error: ConfigError) -> str:
    where = f" ({error.server})" if error.server else ""
    return translate("SettingsDialog", "Not a valid mcpServers file: {0}{1}.").format(
        error.reason, where
    )


class ToolSettings:
    """The Tools page of one open Settings dialog."""

    def __init__(self, dialog: SettingsDialog, config_dir: Path, secrets: SecretStore) -> None:
        paths = AppPaths(config_dir, config_dir, config_dir, config_dir)  # config_dir is used
        self.saved = SavedServers(paths, secrets)
        self.secrets = secrets
        self.tasks: set[asyncio.Task[None]] = set()
        try:
            entries = [entry_of(config) for config in self.saved.load()]
            problem = ""
        except ConfigError as error:  # kept as it is until saved again
            entries, problem = [], _words(error)
        self.page: ToolsPage = dialog.add_tools_page(entries)
        if problem:
            self.page.show_result(problem)
        self.page.test_requested.connect(lambda entry: self._spawn(self.test(entry)))
        self.page.import_requested.connect(lambda path: self.import_file(Path(path)))
        self.page.export_requested.connect(lambda path: self.export_file(Path(path)))

    def _spawn(self, coroutine: Coroutine[Any, Any, None]) -> None:
        spawn(self.tasks, coroutine, "tool-settings")

    async def test(self, entry: ServerEntry) -> None:
        """Start the server as edited (its stored secrets filled in) and list its tools."""
        config = config_of(entry)
        filled = await asyncio.to_thread(with_secrets, config, self.secrets.get)
        box = ToolBox([filled], blocked_env=secret_variables())
        try:
            tools = await box.server(config.name).tools()
        except ToolStartError as error:
            self.page.show_result(start_words(config.name, error.reason))
            return
        finally:
            await box.aclose()
        names = ", ".join(tool.name for tool in tools) or translate("SettingsDialog", "none")
        said = translate("SettingsDialog", "{0} started. Its tools: {1}.").format(
            config.name, names
        )
        self.page.show_result(said)

    def import_file(self, path: Path) -> bool:
        """Add a file's servers (one of the same name is replaced); False when unreadable."""
        try:
            servers = parse_config(path.read_text(encoding="utf-8"))
        except OSError as error:
            self.page.show_result(f"{path}: {error.strerror}")
            return False
        except ConfigError as error:
            self.page.show_result(_words(error))
            return False
        held = {entry.name: entry for entry in self.page.current_entries()}
        held.update({server.name: entry_of(server) for server in servers})
        self.page.set_entries(list(held.values()))
        said = translate("SettingsDialog", "Imported {0} tool servers.").format(len(servers))
        self.page.show_result(said)
        return True

    def export_file(self, path: Path) -> bool:
        """The servers as `mcpServers` JSON, secret values left out."""
        servers = [config_of(entry) for entry in self.page.current_entries()]
        try:
            path.write_text(export_config(servers), encoding="utf-8")
        except OSError as error:
            self.page.show_result(f"{path}: {error.strerror}")
            return False
        said = translate("SettingsDialog", "Exported to {0}; secret values are not in it.")
        self.page.show_result(said.format(path))
        return True

    async def save(self) -> bool:
        """OK: the file and the keychain (a worker thread); False when no keychain took a
        secret value (the file is then not written)."""
        servers = [config_of(entry) for entry in self.page.current_entries()]
        try:
            await asyncio.to_thread(self.saved.save, servers)
        except KeychainUnavailableError:
            said = translate("SettingsDialog", "No keychain to keep a tool server's secret in.")
            self.page.show_result(said)
            return False
        except OSError as error:
            self.page.show_result(f"{self.saved.path}: {error.strerror}")
            return False
        return True

    def cancel(self) -> None:
        for task in list(self.tasks):
            task.cancel()
