"""PySide6 6.12.0 on Python 3.11 took a reference from None on every void call and
crashed the app mid-stream (toolchain.md §0). A version bump must not bring it back."""

from __future__ import annotations

import sys

from PySide6.QtWidgets import QTextBrowser


def test_void_qt_calls_keep_the_refcount_of_none(qtbot: object) -> None:
    browser = QTextBrowser()
    cursor = browser.textCursor()
    before = sys.getrefcount(None)
    for _ in range(1000):
        cursor.insertText("токен ")
    after = sys.getrefcount(None)
    # None is immortal from 3.12 on (a huge constant count); on 3.11 the bug showed as -1000.
    assert after - before > -50, f"refcount of None fell by {before - after} over 1000 calls"
    assert browser.toPlainText().count("токен") == 1000
