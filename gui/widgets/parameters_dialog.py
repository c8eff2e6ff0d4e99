"""Per-conversation system prompt, temperature, reply length, reasoning effort and context
limit.

Parameters are numbers (the history keeps them so): the reasoning effort is 1, 2, 3 for
low, medium, high, and the context limit a count of tokens, 0 for the model's default.
Reasoning effort is offered only when the chat's provider takes it; a value the dialog
does not show (set while the chat used another provider) is kept as it is.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence

from PySide6.QtCore import QLocale
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QLabel,
    QPlainTextEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

#: The parameters' names (gui.core.context reads them); the widgets import no core.
REASONING_EFFORT = "reasoning_effort"
CONTEXT_TOKENS = "context_tokens"
#: The largest context limit one may type: above any model's window today.
MAX_CONTEXT_TOKENS = 10_000_000


class ParametersDialog(QDialog):
    def __init__(
        self,
        system_prompt: str,
        params: dict[str, float | int],
        parent: QWidget | None = None,
        *,
        options: Collection[str] | None = None,
        context_default: int = 0,
    ) -> None:
        """`options`: what the chat's provider takes (None: not known, all offered);
        `context_default`: the model's own context in tokens, shown for 0 (0: unknown)."""
        super().__init__(parent)
        self._given = dict(params)
        self._offers_effort = options is None or REASONING_EFFORT in options
        self.setWindowTitle(self.tr("Conversation parameters"))
        self.prompt = QPlainTextEdit(system_prompt)
        self.prompt.setAccessibleName(self.tr("System prompt"))
        self.prompt.setAccessibleDescription(
            self.tr("Instructions the model gets before the conversation; Tab leaves the field")
        )
        self.prompt.setTabChangesFocus(True)
        self.use_temperature = QCheckBox(self.tr("Set t&emperature"))
        self.use_temperature.setAccessibleName(self.tr("Set temperature"))
        self.use_temperature.setAccessibleDescription(
            self.tr("When off, the provider's default temperature is used")
        )
        self.temperature = QDoubleSpinBox()
        self.temperature.setAccessibleName(self.tr("Temperature"))
        self.temperature.setAccessibleDescription(
            self.tr("From 0 (focused) to 2 (varied); 0.7 is a common choice")
        )
        self.temperature.setRange(0.0, 2.0)
        self.temperature.setSingleStep(0.1)
        self.max_tokens = QSpinBox()
        self.max_tokens.setAccessibleName(self.tr("Maximum reply tokens"))
        self.max_tokens.setAccessibleDescription(self.tr("0 leaves the length to the provider"))
        self.max_tokens.setRange(0, 1_000_000)
        self.max_tokens.setSpecialValueText(self.tr("provider default"))
        if "temperature" in params:
            self.use_temperature.setChecked(True)
            self.temperature.setValue(float(params["temperature"]))
        else:
            self.temperature.setValue(0.7)
        self.temperature.setEnabled(self.use_temperature.isChecked())
        self.use_temperature.toggled.connect(self.temperature.setEnabled)
        self.max_tokens.setValue(int(params.get("max_tokens", 0)))
        self.effort = self._effort_box(params)
        self.context_tokens = self._context_box(params, context_default)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setAccessibleName(
            self.tr("Save parameters")
        )
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setAccessibleName(
            self.tr("Discard changes")
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        form.addRow(self.tr("&System prompt:"), self.prompt)
        form.addRow(self.use_temperature, self.temperature)
        form.addRow(self.tr("Max &tokens:"), self.max_tokens)
        form.addRow(self.tr("&Reasoning effort:"), self.effort)
        form.setRowVisible(self.effort, self._offers_effort)
        form.addRow(self.tr("Conte&xt limit (tokens):"), self.context_tokens)
        form.addRow(buttons)
        self._form = form
        self.tool_boxes: dict[str, QCheckBox] = {}

    def _effort_box(self, params: dict[str, float | int]) -> QComboBox:
        box = QComboBox()
        box.setAccessibleName(self.tr("Reasoning effort"))
        box.setAccessibleDescription(
            self.tr("How long a reasoning model thinks before it answers; more takes longer")
        )
        for code, label in enumerate(
            (self.tr("Service default"), self.tr("Low"), self.tr("Medium"), self.tr("High"))
        ):
            box.addItem(label, code)
        index = box.findData(params.get(REASONING_EFFORT, 0))
        box.setCurrentIndex(max(index, 0))
        return box

    def _context_box(self, params: dict[str, float | int], context_default: int) -> QSpinBox:
        box = QSpinBox()
        box.setAccessibleName(self.tr("Context limit in tokens"))
        box.setAccessibleDescription(
            self.tr(
                "The most the model is sent: older messages that do not fit are left out;"
                " 0 uses the model's default"
            )
        )
        box.setRange(0, MAX_CONTEXT_TOKENS)
        box.setSingleStep(1_000)
        box.setGroupSeparatorShown(True)
        if context_default > 0:
            default = self.tr("model default ({0})").format(QLocale().toString(context_default))
        else:
            default = self.tr("model default")
        box.setSpecialValueText(default)
        box.setValue(int(params.get(CONTEXT_TOKENS, 0)))
        return box

    def set_tools(self, servers: Sequence[tuple[str, bool]], chosen: Collection[str]) -> None:
        """The Tools section: a check box per configured server (name, enabled in
        Settings); none is offered to the model until checked here."""
        column = QVBoxLayout()
        for name, enabled in servers:
            box = QCheckBox(name if enabled else self.tr("{0} (off in Settings)").format(name))
            box.setAccessibleName(self.tr("Offer the tools of {0}").format(name))
            box.setChecked(name in chosen)
            box.setEnabled(enabled)
            self.tool_boxes[name] = box
            column.addWidget(box)
        if not servers:
            column.addWidget(QLabel(self.tr("No tool servers yet: add them in Settings → Tools.")))
        else:
            hint = QLabel(self.tr("Each call asks you first."))
            hint.setWordWrap(True)
            column.addWidget(hint)
        self._form.insertRow(self._form.rowCount() - 1, self.tr("Tools:"), column)

    def chosen_tools(self) -> list[str]:
        """The servers checked, in the order shown."""
        return [name for name, box in self.tool_boxes.items() if box.isChecked()]

    def system_prompt(self) -> str:
        return self.prompt.toPlainText().strip()

    def params(self) -> dict[str, float | int]:
        """The parameters as set here; those the dialog does not show stay as they were."""
        temperature = self.temperature.value() if self.use_temperature.isChecked() else None
        shown: dict[str, float | int | None] = {
            "temperature": None if temperature is None else round(temperature, 2),
            "max_tokens": self.max_tokens.value() or None,
            CONTEXT_TOKENS: self.context_tokens.value() or None,
        }
        if self._offers_effort:
            shown[REASONING_EFFORT] = int(self.effort.currentData()) or None
        params = dict(self._given)
        for key, value in shown.items():
            if value is None:
                params.pop(key, None)
            else:
                params[key] = value
        return params
