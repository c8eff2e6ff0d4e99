"""The tool servers Settings → Tools keeps: the file without secret values, the values in
the keychain (one entry each, `config.secret_entry`), and the app's tool box built from
them. Keychain calls block: the window runs `load`/`save` off the GUI thread."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from gui.core.tools.config import (
    SERVERS_FILE,
    ServerConfig,
    load_servers,
    save_servers,
    secret_entry,
)
from gui.core.tools.toolbox import ToolBox

if TYPE_CHECKING:
    from gui.core.keychain import SecretStore
    from gui.core.paths import AppPaths

__all__ = ["SavedServers"]


class SavedServers:
    """Load and save the configured servers; `toolbox()` for a chat turn."""

    def __init__(self, paths: AppPaths, keys: SecretStore) -> None:
        self.path = paths.config_dir / SERVERS_FILE
        self.keys = keys

    def load(self) -> list[ServerConfig]:
        """The servers as saved, secret values left empty (ConfigError for a bad file)."""
        return load_servers(self.path)

    def save(self, servers: Sequence[ServerConfig]) -> None:
        """Write the file; put each secret value in the keychain (an empty one keeps what
        the keychain has) and drop the entries of secrets no server has any more.
        KeychainUnavailableError when there is no keychain to hold a value: the file is
        then not written, so no secret is lost or put anywhere else."""
        before = {
            secret_entry(server.name, name)
            for server in self._previous()
            for name in server.secrets
        }
        from gui.core.tools.config import split_secrets

        values: dict[str, str] = {}
        for server in servers:
            values.update(split_secrets(server)[1])
        for entry, value in values.items():
            self.keys.set(entry, value)
        save_servers(self.path, servers)
        kept = {secret_entry(s.name, name) for s in servers for name in s.secrets}
        for entry in before - kept:
            self.keys.delete(entry)

    def _previous(self) -> list[ServerConfig]:
        try:
            return self.load()
        except ValueError:  # a damaged file: nothing to clean up after
            return []

    def toolbox(self, environment: Sequence[str] = ()) -> ToolBox:
        """A tool box of the saved servers: secret values read from the keychain when a
        server starts; Besedka's own key variables (and `environment`, those held at
        start-up) never passed on."""
        from gui.core.keychain import secret_variables

        return ToolBox(
            self.load(),
            secret=lambda entry: self.keys.get(entry),
            blocked_env={*secret_variables(), *environment},
        )
