"""Translation fixtures: catalogs compiled from the committed .ts into a temporary folder.

Compiling here (rather than reading the .qm that scripts/setup builds) tests the sources
as committed, on a fresh clone too. Every test starts and ends in English, whatever the
machine's locale, and in the light theme.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication

from gui.widgets.i18n import Translations
from tests.gui.conftest import (  # noqa: F401 - fixtures and the loop hook, shared
    controller,
    pytest_asyncio_loop_factories,
    script,
    store,
    window,
)

ROOT = Path(__file__).resolve().parents[2]
TS_DIR = ROOT / "resources" / "translations"


def tool(name: str) -> str:
    """A Qt tool from the venv PySide6 lives in (pyside6-lupdate, pyside6-lrelease)."""
    path = Path(sys.executable).with_name(f"pyside6-{name}")
    if not path.exists():
        pytest.fail(f"{path} is missing: PySide6's tools come with the test dependencies")
    return str(path)


@pytest.fixture(scope="session")
def catalogs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """besedka_*.qm compiled from the committed .ts files."""
    out = tmp_path_factory.mktemp("qm")
    for source in sorted(TS_DIR.glob("besedka_*.ts")):
        result = subprocess.run(
            [tool("lrelease"), str(source), "-qm", str(out / f"{source.stem}.qm")],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert result.returncode == 0, result.stdout + result.stderr
    return out


@pytest.fixture
def translations(catalogs: Path, qapp: QApplication) -> Iterator[Translations]:
    """Switches the app's language; English again afterwards."""
    switcher = Translations(qapp, catalogs)
    switcher.apply("en")
    yield switcher
    switcher.apply("en")
    QApplication.processEvents()
