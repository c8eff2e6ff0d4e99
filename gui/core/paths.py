"""Where the app keeps its files: the platform's user directories, or one base directory.

`besedka --basedir DIR` (portable use, tests) puts everything below DIR so that nothing
touches the user's real profile.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import NamedTuple

__all__ = ["APP_NAME", "AppPaths", "resources_dir"]

APP_NAME = "besedka"


class AppPaths(NamedTuple):  # not a dataclass: building one costs start-up 1 ms
    config_dir: Path
    data_dir: Path
    cache_dir: Path
    log_dir: Path

    @classmethod
    def default(cls) -> AppPaths:
        """The platform's per-user directories for the app."""
        import platformdirs  # only here: `--basedir` runs never need it

        return cls(
            config_dir=platformdirs.user_config_path(APP_NAME, appauthor=False),
            data_dir=platformdirs.user_data_path(APP_NAME, appauthor=False),
            cache_dir=platformdirs.user_cache_path(APP_NAME, appauthor=False),
            log_dir=platformdirs.user_log_path(APP_NAME, appauthor=False),
        )

    @classmethod
    def under(cls, basedir: Path) -> AppPaths:
        """Everything below one directory: the `--basedir` profile."""
        base = Path(basedir).expanduser().absolute()
        return cls(
            config_dir=base / "config",
            data_dir=base / "data",
            cache_dir=base / "cache",
            log_dir=base / "logs",
        )

    def ensure(self) -> AppPaths:
        """Create the directories (private to the user where the OS honours modes)."""
        for directory in (self.config_dir, self.data_dir, self.cache_dir, self.log_dir):
            directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        return self

    @property
    def settings_file(self) -> Path:
        return self.config_dir / "besedka.ini"

    @property
    def history_db(self) -> Path:
        return self.data_dir / "history.sqlite3"

    @property
    def log_file(self) -> Path:
        return self.log_dir / "besedka.log"


def resources_dir() -> Path:
    """Icons, the .desktop file and translations: `resources/` of a PyInstaller bundle or
    of a checkout (an editable install runs from one), else `gui/resources/` inside the
    installed package, where the wheel build puts them with the compiled translations
    (setup.py). The package's own folder, as `importlib.resources.files("gui")` gives it
    for an installed package, without the import."""
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle is not None:
        return Path(bundle) / "resources"
    package = Path(__file__).resolve().parents[1]
    checkout = package.parent / "resources"  # ours, not another package's "resources"
    return checkout if (checkout / "besedka.desktop").is_file() else package / "resources"
