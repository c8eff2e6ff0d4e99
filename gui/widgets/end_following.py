"""Following the end of the conversation (issue #17): sending, or End, scrolls to the
newest message and the view stays there as the reply grows; scrolling up stops that and
shows a round "↓" over the bottom edge, which goes back. A mixin of ChatView."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QToolButton

if TYPE_CHECKING:  # what the mixin is used with (its methods are the view's)
    from PySide6.QtWidgets import QTextBrowser as _View
else:
    _View = object

__all__ = ["EndFollowing"]


class EndFollowing(_View):
    """The "↓" button and following; the view sets `following`, `has_newer` and
    `_to_end_button` (None until first needed)."""

    following: bool
    has_newer: bool
    _to_end_button: QToolButton | None

    def retranslate(self) -> None: ...

    def scroll_to_bottom(self) -> None:
        bar = self.verticalScrollBar()
        bar.setValue(bar.maximum())

    @property
    def to_end_button(self) -> QToolButton:
        """The "↓" button, made when first needed (the Qt namespace costs the first frame)."""
        if self._to_end_button is None:
            from PySide6.QtCore import Qt

            button = self._to_end_button = QToolButton(self)
            button.setObjectName("toEndButton")
            button.setText("↓")
            button.setCursor(Qt.CursorShape.PointingHandCursor)
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # End does it by keyboard
            button.hide()
            button.clicked.connect(self.follow)
            self.retranslate()
        return self._to_end_button

    def follow(self) -> None:
        """Go to the end and stay there as the conversation grows (Send, "↓", End)."""
        self.following = not self.has_newer
        self.scroll_to_bottom()
        if self._to_end_button is not None:
            self._to_end_button.hide()

    def _on_range_changed(self, _minimum: int, maximum: int) -> None:
        """The text grew or shrank (a delta, a render, a relayout): a view following the
        end stays at it; any other keeps showing what it showed."""
        if self.following and not self.has_newer:
            self.verticalScrollBar().setValue(maximum)
        self._place_to_end_button()

    def _place_to_end_button(self) -> None:
        bar = self.verticalScrollBar()
        wanted = not self.following and bar.maximum() - bar.value() > 4
        if not wanted and self._to_end_button is None:
            return
        button = self.to_end_button
        if wanted:
            size = 36
            viewport = self.viewport().geometry()
            button.setGeometry(
                viewport.center().x() - size // 2, viewport.bottom() - size - 12, size, size
            )
            button.raise_()
        button.setVisible(wanted)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """End (or Ctrl+End) goes to the newest message and follows it again."""
        from PySide6.QtCore import Qt

        if event.key() == Qt.Key.Key_End:
            self.follow()
            event.accept()
            return
        super().keyPressEvent(event)
