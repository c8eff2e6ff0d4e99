"""Assistants (File → Assistants…): create, edit, duplicate, delete and reorder the
presets a new chat can start from. It edits plain values (dicts) and says `saved` with
the whole list on OK; the caller checks and keeps them (gui/core/assistants.py)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QListWidget,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)


class AssistantsDialog(QDialog):
    #: every assistant, in order, as dicts (id, name, icon, system_prompt, provider,
    #: model, params)
    saved = Signal(list)

    def __init__(
        self,
        assistants: Sequence[dict[str, Any]],
        providers: Sequence[tuple[str, str]],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("assistantsDialog")
        self.setMinimumSize(720, 460)
        self.items = [dict(item, params=dict(item.get("params", {}))) for item in assistants]
        self.list = QListWidget()
        self.name = QLineEdit()
        self.icon = QLineEdit()
        self.icon.setMaxLength(8)
        self.prompt = QPlainTextEdit()
        self.provider = QComboBox()
        self.provider.addItem("", "")
        for name, label in providers:
            self.provider.addItem(label, name)
        self.model = QLineEdit()
        self.temperature = QDoubleSpinBox()
        self.temperature.setRange(-0.1, 2.0)  # -0.1: not set (the special value)
        self.temperature.setSingleStep(0.1)
        self.max_tokens = QSpinBox()
        self.max_tokens.setRange(0, 1_000_000)  # 0: not set
        self.new_button, self.duplicate_button, self.delete_button = (
            QPushButton(),
            QPushButton(),
            QPushButton(),
        )
        self.up_button, self.down_button = QPushButton("↑"), QPushButton("↓")
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self._lay_out()
        self._showing = False
        self.list.currentRowChanged.connect(self._show)
        for field in (self.name, self.icon, self.model):
            field.textEdited.connect(self._take)
        self.prompt.textChanged.connect(self._take)
        self.provider.currentIndexChanged.connect(self._take)
        self.temperature.valueChanged.connect(self._take)
        self.max_tokens.valueChanged.connect(self._take)
        self.new_button.clicked.connect(self.add)
        self.duplicate_button.clicked.connect(self.duplicate)
        self.delete_button.clicked.connect(self.delete)
        self.up_button.clicked.connect(lambda: self.move_current(-1))
        self.down_button.clicked.connect(lambda: self.move_current(1))
        self.buttons.accepted.connect(self._accept)
        self.buttons.rejected.connect(self.reject)
        self.retranslate()
        self._fill(0)

    def _lay_out(self) -> None:
        side = QVBoxLayout()
        side.addWidget(self.list, 1)
        row = QHBoxLayout()
        for button in (self.new_button, self.duplicate_button, self.delete_button):
            row.addWidget(button)
        side.addLayout(row)
        order = QHBoxLayout()
        order.addWidget(self.up_button)
        order.addWidget(self.down_button)
        side.addLayout(order)
        self.form = QFormLayout()
        for field in (
            self.name,
            self.icon,
            self.prompt,
            self.provider,
            self.model,
            self.temperature,
            self.max_tokens,
        ):
            self.form.addRow("", field)
        body = QHBoxLayout()
        body.addLayout(side, 2)
        body.addLayout(self.form, 5)
        outer = QVBoxLayout(self)
        outer.addLayout(body, 1)
        outer.addWidget(self.buttons)

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("Assistants"))
        labels = (
            self.tr("Name:"),
            self.tr("Icon:"),
            self.tr("System prompt:"),
            self.tr("Provider:"),
            self.tr("Model:"),
            self.tr("Temperature:"),
            self.tr("Reply length:"),
        )
        for row, text in enumerate(labels):
            label = self.form.itemAt(row, QFormLayout.ItemRole.LabelRole)
            shown = label.widget() if label is not None else None
            if shown is not None:
                shown.setProperty("text", text)
        fields = (self.name, self.icon, self.prompt, self.provider, self.model)
        for field, text in zip(fields, labels, strict=False):
            field.setAccessibleName(text.rstrip(":"))
        self.temperature.setAccessibleName(labels[5].rstrip(":"))
        self.max_tokens.setAccessibleName(labels[6].rstrip(":"))
        self.provider.setItemText(0, self.tr("The one chosen when the chat starts"))
        self.model.setPlaceholderText(self.tr("The provider's default"))
        self.icon.setPlaceholderText(self.tr("An emoji, e.g. ✍️"))
        self.temperature.setSpecialValueText(self.tr("Not set"))
        self.max_tokens.setSpecialValueText(self.tr("Not set"))
        self.list.setAccessibleName(self.tr("Assistants"))
        for button, text in (
            (self.new_button, self.tr("New")),
            (self.duplicate_button, self.tr("Duplicate")),
            (self.delete_button, self.tr("Delete")),
            (self.up_button, self.tr("Move up")),
            (self.down_button, self.tr("Move down")),
        ):
            if button not in (self.up_button, self.down_button):
                button.setText(text)
            button.setToolTip(text)
            button.setAccessibleName(text)

    # -- the list ----------------------------------------------------------------------
    def _fill(self, row: int) -> None:
        self.list.clear()
        for item in self.items:
            self.list.addItem(f"{item.get('icon', '')} {item.get('name', '')}".strip())
        if self.items:
            self.list.setCurrentRow(max(0, min(row, len(self.items) - 1)))
        for widget in (self.name, self.icon, self.prompt, self.provider, self.model):
            widget.setEnabled(bool(self.items))

    def add(self) -> None:
        self.items.append({"id": "", "name": self.tr("New assistant"), "params": {}})
        self._fill(len(self.items) - 1)
        self.name.setFocus()
        self.name.selectAll()

    def duplicate(self) -> None:
        row = self.list.currentRow()
        if 0 <= row < len(self.items):
            copy = dict(self.items[row], id="", params=dict(self.items[row]["params"]))
            copy["name"] = self.tr("{0} (copy)").format(copy.get("name", ""))
            self.items.insert(row + 1, copy)
            self._fill(row + 1)

    def delete(self) -> None:
        row = self.list.currentRow()
        if 0 <= row < len(self.items):
            del self.items[row]
            self._fill(row)

    def move_current(self, step: int) -> None:
        row = self.list.currentRow()
        target = row + step
        if 0 <= row < len(self.items) and 0 <= target < len(self.items):
            self.items[row], self.items[target] = self.items[target], self.items[row]
            self._fill(target)

    # -- the form ----------------------------------------------------------------------
    def _show(self, row: int) -> None:
        if not 0 <= row < len(self.items):
            return
        item = self.items[row]
        self._showing = True
        try:
            self.name.setText(str(item.get("name", "")))
            self.icon.setText(str(item.get("icon", "")))
            self.prompt.setPlainText(str(item.get("system_prompt", "")))
            index = self.provider.findData(item.get("provider", ""))
            self.provider.setCurrentIndex(max(0, index))
            self.model.setText(str(item.get("model", "")))
            params = item.get("params", {})
            self.temperature.setValue(float(params.get("temperature", -0.1)))
            self.max_tokens.setValue(int(params.get("max_tokens", 0)))
        finally:
            self._showing = False

    def _take(self, *_changed: object) -> None:
        row = self.list.currentRow()
        if self._showing or not 0 <= row < len(self.items):
            return
        item = self.items[row]
        item.update(
            name=self.name.text().strip(),
            icon=self.icon.text().strip(),
            system_prompt=self.prompt.toPlainText(),
            provider=str(self.provider.currentData() or ""),
            model=self.model.text().strip(),
        )
        params = item.setdefault("params", {})
        for key, value, unset in (
            ("temperature", round(self.temperature.value(), 2), -0.1),
            ("max_tokens", self.max_tokens.value(), 0),
        ):
            if value == unset:
                params.pop(key, None)
            else:
                params[key] = value
        shown = self.list.item(row)
        if shown is not None:
            shown.setText(f"{item['icon']} {item['name']}".strip())

    def _accept(self) -> None:
        self.saved.emit([dict(item) for item in self.items if str(item.get("name", "")).strip()])
        self.accept()
