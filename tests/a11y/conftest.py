"""Shared fixtures: the real window on a scripted model, the translations, the theme."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtWidgets import QApplication

from gui.widgets.theme import ThemeManager
from tests.gui.conftest import (  # noqa: F401 - fixtures and the loop hook, shared
    controller,
    pytest_asyncio_loop_factories,
    script,
    store,
    window,
)
from tests.i18n.conftest import catalogs, translations  # noqa: F401 - shared fixtures


@pytest.fixture
def theme(qapp: QApplication) -> Iterator[ThemeManager]:
    """The theme switcher; the platform's own palette again afterwards."""
    manager = ThemeManager(qapp)
    yield manager
    manager.apply("system")
    manager.deleteLater()
