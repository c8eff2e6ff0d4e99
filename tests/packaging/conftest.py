"""The session's one PyInstaller build and the GigaChat emulator, for the bundle and the
.deb tests alike: the build is the slowest step of the suite, so it happens once."""

from __future__ import annotations

import importlib.util
import json
import os
import select
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.packaging.support import REPLY, ROOT

BUILD = ROOT / "packaging" / "build.sh"


@pytest.fixture(scope="session")
def bundle(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The one-folder bundle, built once per session; its folder holds the `besedka` binary."""
    out = tmp_path_factory.mktemp("bundle")
    result = subprocess.run(
        [str(BUILD), "--distpath", str(out / "dist"), "--workpath", str(out / "work")],
        cwd=ROOT,
        env=dict(os.environ, PYTHON=sys.executable),
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, f"build failed:\n{result.stdout[-3000:]}{result.stderr[-5000:]}"
    shutil.rmtree(out / "work")  # PyInstaller's intermediate files: 20 MB nobody reads
    folder = out / "dist" / "besedka"
    assert (folder / "besedka").is_file()
    return folder


@pytest.fixture
def gigachat(tmp_path: Path) -> Iterator[dict[str, Any]]:
    """`python -m tests.servers.gigachat` serving REPLY; yields its ready line."""
    if importlib.util.find_spec("tests.servers.gigachat") is None:
        pytest.skip("tests/servers/gigachat.py (the GigaChat emulator) is not in this checkout")
    log = tmp_path / "gigachat.log"
    command = [sys.executable, "-m", "tests.servers.gigachat", "--port", "0"]
    command += ["--ca-out", str(tmp_path / "gigachat-ca.pem"), "--reply", REPLY]
    with (
        log.open("w", encoding="utf-8") as stderr,
        subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=stderr) as process,
    ):
        try:
            assert process.stdout is not None
            ready, _, _ = select.select([process.stdout], [], [], 60)
            line = process.stdout.readline() if ready else b""
            assert line, f"the emulator did not start:\n{log.read_text(encoding='utf-8')}"
            yield json.loads(line)
        finally:
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()


@pytest.fixture(scope="session")
def deb(bundle: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The .deb packaging/build_deb.sh makes from the session's bundle (no second build)."""
    missing = [tool for tool in ("dpkg-deb", "dpkg-shlibdeps") if shutil.which(tool) is None]
    if missing:
        pytest.skip(f"{', '.join(missing)} missing: not Debian, or no dpkg-dev (scripts/setup)")
    out = tmp_path_factory.mktemp("deb")
    result = subprocess.run(
        [str(ROOT / "packaging" / "build_deb.sh"), "--bundle", str(bundle), "--out", str(out)],
        cwd=ROOT,
        env=dict(os.environ, PYTHON=sys.executable),
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, f"build_deb.sh failed:\n{result.stdout}{result.stderr[-5000:]}"
    (package,) = out.glob("besedka_*.deb")
    return package


@pytest.fixture(scope="session")
def unpacked(deb: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The package's files as they would land under /."""
    root = tmp_path_factory.mktemp("deb-root")
    subprocess.run(["dpkg-deb", "-x", str(deb), str(root)], check=True, timeout=300)
    return root
