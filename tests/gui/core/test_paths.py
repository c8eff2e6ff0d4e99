"""Where the profile lives: platform directories, or everything under --basedir."""

from __future__ import annotations

from pathlib import Path

import pytest

from gui.core.paths import AppPaths


def test_basedir_holds_every_directory(tmp_path: Path) -> None:
    paths = AppPaths.under(tmp_path / "portable").ensure()

    assert paths.config_dir == tmp_path / "portable" / "config"
    assert paths.data_dir == tmp_path / "portable" / "data"
    assert paths.cache_dir == tmp_path / "portable" / "cache"
    assert paths.log_dir == tmp_path / "portable" / "logs"
    for directory in (paths.config_dir, paths.data_dir, paths.cache_dir, paths.log_dir):
        assert directory.is_dir()
    assert paths.settings_file == paths.config_dir / "besedka.ini"
    assert paths.history_db == paths.data_dir / "history.sqlite3"
    assert paths.log_file == paths.log_dir / "besedka.log"


def test_ensure_is_repeatable(tmp_path: Path) -> None:
    paths = AppPaths.under(tmp_path)
    paths.ensure()
    paths.ensure()
    assert paths.config_dir.is_dir()


def test_default_uses_the_platform_user_directories(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg-config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg-cache"))
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "xdg-state"))

    paths = AppPaths.default()

    assert paths.config_dir == tmp_path / "xdg-config" / "besedka"
    assert paths.data_dir == tmp_path / "xdg-data" / "besedka"
    assert paths.cache_dir == tmp_path / "xdg-cache" / "besedka"
    assert paths.log_dir.is_relative_to(tmp_path)
    assert "besedka" in paths.log_dir.parts
    assert not paths.config_dir.exists()  # default() only names them; ensure() creates


def test_paths_are_immutable(tmp_path: Path) -> None:
    paths = AppPaths.under(tmp_path)
    with pytest.raises(AttributeError):
        paths.config_dir = tmp_path  # type: ignore[misc]
