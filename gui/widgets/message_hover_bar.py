"""The buttons of the message under the mouse (or holding the keyboard): an ActionBar
laid on the places its footer keeps for them (gui/widgets/message_hover.py decides which
message, and where)."""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

from PySide6.QtCore import QRect, QSize, QUrl
from PySide6.QtWidgets import QToolButton, QWidget

from gui.widgets.message_footer import ACTION_ICONS, ACTION_SIZE
from gui.widgets.message_html import MUTED, action_url

if TYPE_CHECKING:  # painting names load with the first bar shown, not at start
    from PySide6.QtGui import QColor, QPaintEvent, QWheelEvent

    from gui.widgets.chat_view import ChatView

#: The icon's side inside its button, and a button's step along the bar.
ICON_SIZE = 18
STEP = ACTION_SIZE


class Place(NamedTuple):
    """One action's place on a footer line, in the view's viewport."""

    action: str
    label: str
    tip: str
    rect: QRect


class ActionBar(QWidget):
    """The buttons of one message, laid on its footer's places. It paints the message's
    background under them, hiding the blank places (and Tab's selection of one)."""

    def __init__(self, view: ChatView) -> None:
        from PySide6.QtGui import QColor

        super().__init__(view.viewport())
        self.setObjectName("messageActions")
        self.message_id: int | None = None
        self.background = QColor()
        self.buttons: dict[str, QToolButton] = {}
        self._dark: bool | None = None
        self.hide()

    @property
    def _view(self) -> ChatView:
        """The view (its viewport's parent), not held: no cycle keeps it alive."""
        return self.parentWidget().parentWidget()  # type: ignore[return-value,union-attr]

    def button(self, action: str) -> QToolButton:
        """The action's button, made when first shown."""
        button = self.buttons.get(action)
        if button is None:
            from PySide6.QtCore import Qt

            button = self.buttons[action] = QToolButton(self)
            button.setObjectName(f"{action}MessageButton")
            button.setAutoRaise(True)
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # Tab reaches its place instead
            button.setCursor(Qt.CursorShape.PointingHandCursor)
            button.setIconSize(QSize(ICON_SIZE, ICON_SIZE))
            button.clicked.connect(lambda: self._follow(action))
            self._paint_icon(action, button)
        return button

    def _follow(self, action: str) -> None:
        if self.message_id is not None:
            self._view.on_anchor_clicked(QUrl(action_url(action, self.message_id)))

    def _paint_icon(self, action: str, button: QToolButton) -> None:
        from PySide6.QtGui import QIcon, QPixmap

        from gui.widgets import icons
        from gui.widgets.style_sheet import colours

        dark = self._view.dark
        ratio = max(1.0, self.devicePixelRatioF())
        picture = QIcon()
        for mode, colour in (
            (QIcon.Mode.Normal, MUTED[dark]),
            (QIcon.Mode.Active, colours(dark).text),  # under the mouse
        ):
            image = icons.image(ACTION_ICONS[action], colour, ICON_SIZE, ratio)
            picture.addPixmap(QPixmap.fromImage(image), mode)
        button.setIcon(picture)

    def restyle(self) -> None:
        """The theme's colours (once per theme, not per message shown)."""
        dark = self._view.dark
        if dark == self._dark:
            return
        self._dark = dark
        from gui.widgets.style_sheet import colours

        c = colours(dark)
        self.setStyleSheet(
            f"QToolButton {{ background: transparent; border: 1px solid transparent;"
            f" border-radius: 6px; padding: 0px; margin: 0px; }}"
            f" QToolButton:hover {{ background: {c.hover}; border-color: {c.border}; }}"
            f" QToolButton:pressed {{ background: {c.border}; }}"
            f' QToolButton[current="true"] {{ border: 2px solid {c.accent}; }}'
        )
        for action, button in self.buttons.items():
            self._paint_icon(action, button)

    def show_places(
        self, message_id: int, places: list[Place], background: QColor, current: str
    ) -> None:
        """Lay the buttons on `places` (viewport coordinates); `current` is the one Tab
        selected ("" for none), marked as focused."""
        self.restyle()
        self.message_id = message_id
        self.background = background
        area = places[0].rect
        for place in places[1:]:
            area = area.united(place.rect)
        area.setWidth(max(area.width(), len(places) * STEP))
        area.adjust(0, -2, 0, 2)  # over the dotted frame Qt draws round Tab's selection too
        self.setGeometry(area)
        wanted = {place.action for place in places}
        for action, button in self.buttons.items():
            if action not in wanted:
                button.hide()
        for index, place in enumerate(places):  # on the places, side by side
            button = self.button(place.action)
            top = place.rect.top() - area.top() + (place.rect.height() - ACTION_SIZE) // 2
            button.setGeometry(index * STEP, max(0, top), ACTION_SIZE, ACTION_SIZE)
            if button.toolTip() != place.tip:
                button.setToolTip(place.tip)
                button.setAccessibleName(place.label)
            marked = place.action == current
            if bool(button.property("current")) != marked:
                button.setProperty("current", marked)
                button.style().unpolish(button)
                button.style().polish(button)
            button.show()
        self.raise_()
        self.show()

    def wheelEvent(self, event: QWheelEvent) -> None:
        """The wheel over the buttons scrolls the conversation, as over its text."""
        self._view.wheelEvent(event)

    def paintEvent(self, event: QPaintEvent) -> None:
        from PySide6.QtGui import QPainter

        painter = QPainter(self)
        painter.fillRect(self.rect(), self.background)
        painter.end()
