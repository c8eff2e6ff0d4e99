"""Build step setuptools cannot express in pyproject.toml: the wheel carries `resources/`
as `gui/resources/` (icons, the .desktop file, translations), with the translations
compiled from `resources/translations/*.ts` by PySide6's lrelease (a build requirement;
the .qm files are build output, not sources). `gui.core.paths.resources_dir` finds them
there when Besedka runs from an installed wheel rather than a checkout or the bundle.
"""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent
RESOURCES = ROOT / "resources"


def _lrelease() -> Path:
    spec = importlib.util.find_spec("PySide6")
    if spec is None or spec.origin is None:
        raise RuntimeError("building Besedka needs PySide6: its lrelease compiles the translations")
    package = Path(spec.origin).parent
    for name in ("lrelease", "lrelease.exe", "Qt/libexec/lrelease"):
        if (package / name).is_file():
            return package / name
    raise RuntimeError(f"PySide6 at {package} has no lrelease")


class BuildWithResources(build_py):
    """build_py, then resources/ into the package with freshly compiled translations."""

    def run(self) -> None:
        super().run()
        if getattr(self, "editable_mode", False):
            return  # an editable install runs from the checkout, which has resources/
        target = Path(self.build_lib) / "gui" / "resources"
        shutil.copytree(
            RESOURCES, target, dirs_exist_ok=True, ignore=shutil.ignore_patterns("*.ts", "*.qm")
        )
        lrelease = _lrelease()
        for source in sorted((RESOURCES / "translations").glob("besedka_*.ts")):
            compiled = target / "translations" / f"{source.stem}.qm"
            subprocess.run(
                [str(lrelease), "-silent", str(source), "-qm", str(compiled)], check=True
            )


setup(cmdclass={"build_py": BuildWithResources})
