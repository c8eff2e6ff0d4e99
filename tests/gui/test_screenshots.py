"""scripts/screenshot.py renders the real window on a virtual X screen (Xvfb, xcb)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtGui import QImage

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("Xvfb") is None, reason="Xvfb is not installed")
def test_screenshots_show_the_window_in_english_light_and_russian_dark(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "screenshot.py"), str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    light = QImage(str(tmp_path / "main-en-light.png"))
    dark = QImage(str(tmp_path / "main-ru-dark.png"))
    assert not light.isNull()
    assert not dark.isNull()
    assert light.width() >= 800
    assert light.height() >= 500

    def mean_lightness(image: QImage) -> float:
        step = 16
        values = [
            image.pixelColor(x, y).lightnessF()
            for x in range(0, image.width(), step)
            for y in range(0, image.height(), step)
        ]
        return sum(values) / len(values)

    # The themes really differ: a light window is mostly light, a dark one mostly dark.
    assert mean_lightness(light) > 0.6
    assert mean_lightness(dark) < 0.4
    # Every state of issue #17 is rendered: first start, a reply mid-stream (both
    # themes), the settings, and the window at 640×480.
    for name in ("welcome", "streaming", "streaming-ru-dark", "settings", "narrow"):
        image = QImage(str(tmp_path / f"{name}.png"))
        assert not image.isNull(), name
    assert mean_lightness(QImage(str(tmp_path / "streaming-ru-dark.png"))) < 0.4
    narrow = QImage(str(tmp_path / "narrow.png"))
    assert (narrow.width(), narrow.height()) == (640, 480)
