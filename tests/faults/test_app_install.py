"""`pip install .` (not editable) gives an app with its translations and icons.

The sources are copied as a fresh clone has them (no compiled .qm: they are build
output) and installed, non-editable, into a new virtual environment; its dependencies
(PySide6, aiohttp, …) and the build tools come from the test environment through a .pth
line, so nothing is downloaded and nothing is written into the work tree. Then the
installed app, started from elsewhere in isolated mode, must find the Russian catalog and
its icon, and speak Russian with them.
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
#: What a clone holds that an install needs.
SOURCES = (
    "gui",
    "providers",
    "resources",
    "pyproject.toml",
    "README.md",
    "setup.py",
    "MANIFEST.in",
)

CHECK = """
import json, sys
from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication
import gui
from gui.core.paths import resources_dir
from gui.widgets.i18n import Translations
app = QApplication([])
where = resources_dir()
Translations(app, where / "translations").apply("ru")
print(json.dumps({
    "package": gui.__file__,
    "resources": str(where),
    "catalog": (where / "translations" / "besedka_ru.qm").is_file(),
    "icon": not QIcon(str(where / "icons" / "besedka.svg")).isNull(),
    "desktop": (where / "besedka.desktop").is_file(),
    "text": QCoreApplication.translate("ConversationList", "New chat"),
}))
"""


def _dependency_paths() -> list[str]:
    """Where this interpreter finds its packages: not the standard library, not the
    checkout (the installed copy must be the one imported)."""
    stdlib = {Path(sysconfig.get_paths()[key]).resolve() for key in ("stdlib", "platstdlib")}
    found = []
    for entry in sys.path:
        path = Path(entry or ".").resolve()
        if not path.is_dir() or path == ROOT or path in stdlib or path.name == "lib-dynload":
            continue
        found.append(str(path))
    return found


def _can_build_wheels() -> bool:
    """setuptools 70.1+ builds wheels itself; older ones need the `wheel` package."""
    return any(
        importlib.util.find_spec(name) is not None
        for name in ("setuptools.command.bdist_wheel", "wheel")
    )


def test_a_non_editable_install_finds_its_translations_and_icons(tmp_path: Path) -> None:
    if not _can_build_wheels():
        pytest.skip("the test environment cannot build wheels offline (setuptools>=70.1)")
    source = tmp_path / "clone"
    source.mkdir()
    ignore = shutil.ignore_patterns("__pycache__", "*.qm", "*.egg-info")
    for name in SOURCES:
        path = ROOT / name
        if path.is_dir():
            shutil.copytree(path, source / name, ignore=ignore)
        elif path.is_file():
            shutil.copy2(path, source / name)

    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    site = Path(
        subprocess.run(
            [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    )
    # The dependencies and build tools of this environment, after the venv's own packages.
    (site / "_besedka_test_deps.pth").write_text("".join(f"{p}\n" for p in _dependency_paths()))
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PIP_", "PYTHON"))}
    pip = [sys.executable, "-m", "pip", "--python", str(python), "--disable-pip-version-check"]
    install = subprocess.run(
        [*pip, "install", "--no-deps", "--no-build-isolation", "--no-index", str(source)],
        capture_output=True,
        text=True,
        timeout=600,
        env=env,
        check=False,
    )
    assert install.returncode == 0, install.stdout + install.stderr

    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    run = subprocess.run(
        [str(python), "-I", "-c", CHECK],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=elsewhere,
        env=dict(env, QT_QPA_PLATFORM="offscreen", HOME=str(tmp_path / "home")),
        check=False,
    )
    assert run.returncode == 0, run.stderr
    found = json.loads(run.stdout.splitlines()[-1])
    assert Path(found["package"]).is_relative_to(site)  # the installed copy, not the clone
    assert Path(found["resources"]).is_relative_to(site)
    assert found["catalog"] and found["icon"] and found["desktop"], found
    assert found["text"] == "Новый чат"
