"""The PyInstaller bundle, built from this checkout, runs with the venv out of sight.

The slow tests build the one-folder bundle once per session with packaging/build.sh (into
a temporary folder), then run the binary as a user without Python would: a bare
environment (no PYTHONPATH, no VIRTUAL_ENV, PATH with no Python on it, a fresh HOME, a
temporary working directory). The .desktop file and the icons are checked without a build.
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
import os
import re
import select
import shutil
import struct
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest

from tests.packaging.support import READY_MARKER, REPLY, ROOT, bare_env, run

DESKTOP_FILE = ROOT / "resources" / "besedka.desktop"
ICONS = ROOT / "resources" / "icons"
CA_FILE = ROOT / "providers" / "certs" / "russian_trusted_root_ca.pem"

# Bytes, as `du -sb` counts them: 150 MB until the official MCP SDK (issue #20) came,
# whose `import mcp` loads its server half too (pydantic-core, cryptography, starlette,
# uvicorn: about 20 MB); math (ziamath and its fonts) added 2.5 MB.
# Colour emoji for machines without any (Noto Color Emoji, issue #17): 11 MB more.
SIZE_LIMIT = 175_000_000
ICON_SIZES = (64, 128, 256)

# The `bundle` (the session's one build) and `gigachat` (the emulator) fixtures live in
# conftest.py: the .deb tests use them too.

# -- slow: build and run ------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.timeout(900)
def test_ask_streams_the_reply_from_gigachat_without_the_venv(
    bundle: Path, gigachat: dict[str, Any], tmp_path: Path
) -> None:
    env = bare_env(
        tmp_path,
        GIGACHAT_CREDENTIALS=gigachat["key"],
        GIGACHAT_BASE_URL=gigachat["base_url"],
        GIGACHAT_AUTH_URL=gigachat["auth_url"],
        GIGACHAT_CA_BUNDLE_FILE=gigachat["ca_file"],
    )
    profile = tmp_path / "profile"
    result = run(
        bundle / "besedka",
        *("--basedir", str(profile), "ask", "--provider", "gigachat", "Как дела?"),
        env=env,
        cwd=tmp_path / "cwd",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == REPLY
    assert (profile / "data" / "history.sqlite3").is_file()
    assert "Traceback" not in result.stderr


@pytest.mark.slow
@pytest.mark.timeout(900)
def test_window_starts_offscreen_and_exits_zero_on_request(bundle: Path, tmp_path: Path) -> None:
    profile = tmp_path / "profile"
    result = run(
        bundle / "besedka",
        *("--basedir", str(profile), "--quit-when-ready"),
        env=bare_env(tmp_path),
        cwd=tmp_path / "cwd",
    )
    assert result.returncode == 0, result.stderr
    assert READY_MARKER in result.stdout
    assert "Traceback" not in result.stderr
    assert (profile / "logs" / "besedka.log").is_file()


@pytest.mark.slow
@pytest.mark.timeout(900)
def test_window_starts_on_x11(bundle: Path, tmp_path: Path) -> None:
    """The bundled xcb platform plugin loads against a real (virtual) X server."""
    xvfb = shutil.which("Xvfb")
    if xvfb is None:
        pytest.skip("Xvfb is not installed (scripts/setup installs it)")
    read_end, write_end = os.pipe()
    server = subprocess.Popen(
        [xvfb, "-displayfd", str(write_end), "-nolisten", "tcp", "-screen", "0", "1024x768x24"],
        pass_fds=(write_end,),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    os.close(write_end)
    try:
        display = _read_display(read_end)
        env = bare_env(tmp_path, QT_QPA_PLATFORM="xcb", DISPLAY=f":{display}")
        result = run(
            bundle / "besedka",
            *("--basedir", str(tmp_path / "profile"), "--quit-when-ready"),
            env=env,
            cwd=tmp_path / "cwd",
        )
    finally:
        os.close(read_end)
        server.terminate()
        server.wait(timeout=15)
    assert result.returncode == 0, result.stderr
    assert READY_MARKER in result.stdout


def _read_display(fd: int) -> str:
    """Xvfb writes its display number and a newline to -displayfd once it accepts clients."""
    data = b""
    deadline = time.monotonic() + 30
    while not data.endswith(b"\n"):
        remaining = deadline - time.monotonic()
        ready, _, _ = select.select([fd], [], [], max(remaining, 0))
        chunk = os.read(fd, 64) if ready else b""
        assert chunk, "Xvfb did not start"
        data += chunk
    return data.decode().strip()


@pytest.mark.slow
@pytest.mark.timeout(900)
def test_bundle_carries_what_the_app_reads_at_run_time(bundle: Path) -> None:
    internal = bundle / "_internal"
    bundled_ca = internal / "providers" / "certs" / CA_FILE.name
    assert bundled_ca.read_bytes() == CA_FILE.read_bytes()
    assert (internal / "resources" / "besedka.desktop").is_file()
    assert (internal / "fonts" / "NotoColorEmoji.ttf").is_file()  # colour emoji anywhere
    assert (internal / "resources" / "icons" / "besedka.svg").is_file()
    for size in ICON_SIZES:
        assert (internal / "resources" / "icons" / f"besedka-{size}.png").is_file()
    translations = ROOT / "resources" / "translations"
    for qm in translations.glob("*.qm") if translations.is_dir() else []:
        assert (internal / "resources" / "translations" / qm.name).is_file()
    assert (internal / "PySide6" / "Qt" / "translations" / "qtbase_ru.qm").is_file()
    plugins = internal / "PySide6" / "Qt" / "plugins"
    assert (plugins / "platforms" / "libqoffscreen.so").is_file()
    assert (plugins / "platforms" / "libqxcb.so").is_file()
    assert (plugins / "imageformats" / "libqsvg.so").is_file()
    assert (plugins / "iconengines" / "libqsvgicon.so").is_file()


@pytest.mark.slow
@pytest.mark.timeout(900)
def test_bundle_is_lean(bundle: Path) -> None:
    size = _apparent_size(bundle)
    assert size < SIZE_LIMIT, f"the bundle is {size / 1e6:.1f} MB"
    names = {path.name for path in bundle.rglob("*")}
    unwanted = [
        name
        for name in names
        if re.match(
            r"libQt6(Qml|Quick|Pdf|Network|Multimedia|Sql|WebEngine|Wayland|Designer)", name
        )
        or re.match(r"lib(qwayland|qeglfs|qgtk3|gtk-3|gdk-3)", name)
        or name in {"tkinter", "_tkinter", "tcl", "tk"}
    ]
    assert not unwanted, f"unused parts were bundled: {sorted(unwanted)}"


def _apparent_size(folder: Path) -> int:
    """What `du -sb` reports: apparent sizes, symlinks counted as links."""
    total = folder.lstat().st_size
    for path in folder.rglob("*"):
        total += path.lstat().st_size
    return total


@pytest.mark.slow
@pytest.mark.timeout(900)
def test_bundle_reports_the_installed_version(bundle: Path, tmp_path: Path) -> None:
    try:
        expected = importlib.metadata.version("besedka")
    except importlib.metadata.PackageNotFoundError:
        expected = "dev"
    result = run(bundle / "besedka", "--version", env=bare_env(tmp_path), cwd=tmp_path / "cwd")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"besedka {expected}"


# -- fast: the .desktop file and the icons -----------------------------------------------

DESKTOP_KEY = re.compile(r"^(?P<key>[A-Za-z0-9-]+)(?:\[(?P<locale>[A-Za-z_@.]+)\])?$")
MAIN_CATEGORIES = {
    "AudioVideo",
    "Audio",
    "Video",
    "Development",
    "Education",
    "Game",
    "Graphics",
    "Network",
    "Office",
    "Science",
    "Settings",
    "System",
    "Utility",
}


def parse_desktop_entry(text: str) -> dict[str, dict[str, str]]:
    """Groups of `key[locale]=value` lines per the Desktop Entry spec; raises on malformed ones."""
    groups: dict[str, dict[str, str]] = {}
    current: dict[str, str] | None = None
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        if line.startswith("[") and line.endswith("]"):
            name = line[1:-1]
            assert name not in groups, f"line {number}: group [{name}] twice"
            current = groups[name] = {}
            continue
        assert current is not None, f"line {number}: a key before the first group"
        key, sep, value = line.partition("=")
        key = key.rstrip()
        assert sep, f"line {number}: not a key=value line"
        assert DESKTOP_KEY.match(key), f"line {number}: invalid key {key!r}"
        assert key not in current, f"line {number}: {key} twice"
        current[key] = value.lstrip()
    return groups


def test_desktop_file_is_a_valid_application_entry() -> None:
    text = DESKTOP_FILE.read_bytes().decode("utf-8")  # the spec requires UTF-8
    groups = parse_desktop_entry(text)
    assert next(iter(groups)) == "Desktop Entry"
    entry = groups["Desktop Entry"]
    assert entry["Type"] == "Application"
    assert entry["Name"] == "Besedka"
    assert entry["Exec"] == "besedka"
    assert entry["Icon"] == "besedka"
    assert entry["Comment"] and entry["Comment[ru]"]
    assert re.search("[а-яА-Я]", entry["Comment[ru]"])
    assert entry["Comment"] != entry["Comment[ru]"]
    categories = entry["Categories"]
    assert categories.endswith(";")
    assert set(categories.rstrip(";").split(";")) >= {"Network", "Chat"}
    assert MAIN_CATEGORIES & set(categories.split(";"))
    for key in ("Terminal", "StartupNotify"):
        assert entry.get(key, "false") in {"true", "false"}
    assert entry.get("Version", "1.5") in {"1.0", "1.1", "1.2", "1.3", "1.4", "1.5"}


def test_desktop_parser_rejects_malformed_entries() -> None:
    with pytest.raises(AssertionError):
        parse_desktop_entry("[Desktop Entry]\nName=A\nName=B\n")
    with pytest.raises(AssertionError):
        parse_desktop_entry("Name=A\n")
    with pytest.raises(AssertionError):
        parse_desktop_entry("[Desktop Entry]\nName A\n")


def _png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", f"{path.name} is not a PNG"
    assert data[12:16] == b"IHDR"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def test_icon_is_a_square_svg_with_png_renders() -> None:
    root = ET.parse(ICONS / "besedka.svg").getroot()
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    _x, _y, width, height = (float(n) for n in root.attrib["viewBox"].split())
    assert width == height
    for size in ICON_SIZES:
        assert _png_size(ICONS / f"besedka-{size}.png") == (size, size)


def test_render_icons_writes_every_size(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "packaging" / "render_icons.py"), "--out", str(tmp_path)],
        env=dict(os.environ, QT_QPA_PLATFORM="offscreen"),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    for size in ICON_SIZES:
        assert _png_size(tmp_path / f"besedka-{size}.png") == (size, size)
