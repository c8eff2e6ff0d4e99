"""Besedka's override of PyInstaller's PySide6.QtGui hook: the same, minus plugins we never load.

The stock hook collects every QtGui plugin, and PyInstaller then bundles each plugin's
library dependencies too (the gtk3 platform theme alone drags in GTK, about 8 MB; the
wayland and eglfs plugins bring their own Qt libraries, the generic touch
plugin brings QtNetwork and Kerberos). Dropping them here, before that
dependency scan, keeps those libraries out; filtering the finished bundle would not.
"""

from pathlib import PurePath

from PyInstaller.utils.hooks.qt import add_qt6_dependencies  # type: ignore[import-untyped, unused-ignore]

#: plugin folder → file names kept (None: keep the whole folder). Folders not listed go.
KEEP = {
    # offscreen: tests and headless runs; xcb: X11 and XWayland desktops.
    "platforms": {"libqoffscreen.so", "libqxcb.so"},
    # xcb's GLX/EGL glue, small: OpenGL-backed drawing under X11.
    "xcbglintegrations": None,
    "imageformats": {"libqsvg.so", "libqico.so", "libqjpeg.so", "libqgif.so"},
    "iconengines": None,  # SVG icons in QIcon
    "platforminputcontexts": None,  # ibus/compose: typing Cyrillic and accents
    "platformthemes": {"libqxdgdesktopportal.so"},  # portal file dialogs; not gtk3
}


def _kept(source: str, destination: str) -> bool:
    parts = PurePath(destination).parts
    if "plugins" not in parts:
        return True  # a library, not a plugin
    folder = "/".join(parts[parts.index("plugins") + 1 :])
    names = KEEP.get(folder, set())
    return names is None or PurePath(source).name in names


hiddenimports, binaries, datas = add_qt6_dependencies(__file__)
binaries = [(source, destination) for source, destination in binaries if _kept(source, destination)]
