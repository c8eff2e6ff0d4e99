"""What the packaging tests share: the paths, the reply the emulator sends, and how to run
a built binary as a user without Python would (a bare environment, a fresh HOME)."""

from __future__ import annotations

import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
READY_MARKER = "besedka: window ready"  # gui/app.py prints it for --quit-when-ready
REPLY = "Привет из собранной Беседки! Hello from the bundle."


def bare_env(home: Path, **extra: str) -> dict[str, str]:
    """An environment with nothing of the venv or of any Python in it."""
    for name in ("home", "bin", "runtime"):
        (home / name).mkdir(mode=0o700, exist_ok=True)
    return {
        "PATH": str(home / "bin"),  # empty: no python, no .venv/bin
        "HOME": str(home / "home"),
        "XDG_RUNTIME_DIR": str(home / "runtime"),
        "LANG": "C.UTF-8",
        "PYTHONNOUSERSITE": "1",
        "QT_QPA_PLATFORM": "offscreen",
        **extra,
    }


def run(
    binary: Path | str, *args: str, env: dict[str, str], cwd: Path
) -> subprocess.CompletedProcess[str]:
    cwd.mkdir(exist_ok=True)
    return subprocess.run(
        [str(binary), *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        encoding="utf-8",
        errors="replace",
        timeout=120,
        check=False,
    )


def control_fields(deb: Path) -> dict[str, str]:
    """The package's control fields (`dpkg-deb -f`), continuation lines joined by newlines."""
    text = subprocess.run(
        ["dpkg-deb", "-f", str(deb)], capture_output=True, text=True, check=True, timeout=60
    ).stdout
    fields: dict[str, str] = {}
    name = ""
    for line in text.splitlines():
        if line.startswith((" ", "\t")):
            fields[name] += "\n" + line[1:]
        else:
            name, _, value = line.partition(":")
            fields[name] = value.strip()
    return fields


def depended_packages(depends: str) -> set[str]:
    """Every package a Depends field names, alternatives included, versions dropped."""
    names = set()
    for clause in depends.split(","):
        for alternative in clause.split("|"):
            names.add(alternative.split("(")[0].split(":")[0].strip())
    return names - {""}


def project_version() -> str:
    import tomllib

    with (ROOT / "pyproject.toml").open("rb") as file:
        version = tomllib.load(file)["project"]["version"]
    assert isinstance(version, str)
    return version
