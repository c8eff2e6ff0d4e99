"""Per-conversation system prompt, temperature and reply length."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QPlainTextEdit,
    QSpinBox,
    QWidget,
)


class ParametersDialog(QDialog):
    def __init__(
        self, system_prompt: str, params: dict[str, float | int], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
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
        form.addRow(buttons)

    def system_prompt(self) -> str:
        return self.prompt.toPlainText().strip()

    def params(self) -> dict[str, float | int]:
        params: dict[str, float | int] = {}
        if self.use_temperature.isChecked():
            params["temperature"] = round(self.temperature.value(), 2)
        if self.max_tokens.value():
            params["max_tokens"] = self.max_tokens.value()
        return params
