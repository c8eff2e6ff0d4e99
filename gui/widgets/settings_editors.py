"""The settings dialog's key and file editors."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Literal

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from gui.values import FieldInfo
from gui.widgets.i18n import provider_text
from gui.widgets.settings_form import KeyChange, KeyForm, KeySource

__all__ = ["FileEditor", "SecretEditor"]

#: Where the key the app uses right now comes from.
Source = KeySource | Literal["environment"]


class SecretEditor(QWidget):
    """A masked key with Show, Remove key and a line saying where the key comes from.

    The provider's key is called a key; any other secret (GigaChat's password, access
    token, client key password) is spoken of as a value."""

    def __init__(
        self,
        field: FieldInfo,
        key: KeyForm,
        *,
        keychain_available: bool,
        is_key: bool = True,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.field = field
        self.is_key = is_key
        self.key = key
        self.env_name = key.env_name
        self.env_active = key.env_active
        self.keychain_available = keychain_available
        self.loaded = ""
        self.stored_source: KeySource | None = None
        self._touched = False

        self.line_edit = QLineEdit(self)
        self.line_edit.setEchoMode(QLineEdit.EchoMode.Password)
        # Keep input methods from learning or suggesting the key, even when it is shown.
        self.line_edit.setInputMethodHints(
            Qt.InputMethodHint.ImhHiddenText
            | Qt.InputMethodHint.ImhSensitiveData
            | Qt.InputMethodHint.ImhNoPredictiveText
            | Qt.InputMethodHint.ImhNoAutoUppercase
        )
        self.line_edit.setAccessibleName(provider_text(field.label))
        if is_key:
            self.line_edit.setPlaceholderText(self.tr("Paste the key here"))
        self.line_edit.textChanged.connect(self._update_label)
        self.line_edit.textEdited.connect(self._on_edited)

        self.show_button = QPushButton(self.tr("Show"), self)
        self.show_button.setCheckable(True)
        self.show_button.setAccessibleName(self.tr("Show {0}").format(provider_text(field.label)))
        self.show_button.toggled.connect(self.on_show_toggled)

        self.remove_button = QPushButton(
            self.tr("Remove key") if is_key else self.tr("Remove"), self
        )
        self.remove_button.setAccessibleName(
            self.tr("Remove {0}").format(provider_text(field.label))
        )
        self.remove_button.clicked.connect(self.on_remove_clicked)

        self.source_label = QLabel(self)
        self.source_label.setWordWrap(True)
        self.source_label.setAccessibleName(self.tr("Where the key comes from"))
        self.source_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.line_edit, 1)
        row.addWidget(self.show_button)
        row.addWidget(self.remove_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(row)
        layout.addWidget(self.source_label)
        self._update_label()

    @property
    def source(self) -> Source | None:
        """Where the app takes the key from right now (before this dialog's changes)."""
        return "environment" if self.env_active else self.stored_source

    def set_loaded(self, value: str | None, source: KeySource | None) -> None:
        """Show the saved key, unless the user already started changing it."""
        self.loaded = value or ""
        self.stored_source = source if value else None
        if not self._touched:
            self.line_edit.setText(self.loaded)
        self._update_label()

    def text(self) -> str:
        return self.line_edit.text().strip()

    def change(self) -> tuple[KeyChange, str]:
        """What OK has to do with the key: keep it, store the new text, or delete it."""
        text = self.text()
        if text == self.loaded:
            return "keep", ""
        return ("set", text) if text else ("delete", "")

    def form(self) -> KeyForm:
        """The key as the field holds it now, and what Save is to do with it."""
        change, _ = self.change()
        return dataclasses.replace(self.key, text=self.text(), change=change)

    def on_show_toggled(self, shown: bool) -> None:
        mode = QLineEdit.EchoMode.Normal if shown else QLineEdit.EchoMode.Password
        self.line_edit.setEchoMode(mode)
        self.show_button.setText(self.tr("Hide") if shown else self.tr("Show"))

    def on_remove_clicked(self) -> None:
        self._touched = True
        self.line_edit.clear()

    def _on_edited(self, _text: str) -> None:
        self._touched = True

    def _update_label(self) -> None:
        text = " ".join(self._key_status() if self.is_key else self._status())
        self.source_label.setText(text)
        self.source_label.setHidden(not text)  # an unset password needs no line
        self.remove_button.setEnabled(bool(self.line_edit.text() or self.loaded))

    def _status(self) -> list[str]:
        """Where a secret that is not the key comes from, and what OK will do with it."""
        parts: list[str] = []
        if self.env_active:
            parts.append(
                self.tr(
                    "From the environment variable {0}: it overrides the saved value"
                    " for this session and is never saved."
                ).format(self.env_name)
            )
        elif self.stored_source == "keychain":
            parts.append(self.tr("Stored in the system keychain."))
        elif self.stored_source == "session":
            parts.append(self.tr("Kept for this session only."))
        change, _ = self.change()
        if change == "set":
            parts.append(
                self.tr("It will be saved in the system keychain when you press OK.")
                if self.keychain_available
                else self.tr(
                    "No system keychain is available; it can be kept for this session only."
                )
            )
        elif change == "delete":
            parts.append(self.tr("The saved value will be removed when you press OK."))
        return parts

    def _key_status(self) -> list[str]:
        parts: list[str] = []
        if self.env_active:
            parts.append(
                self.tr(
                    "Key from the environment variable {0}: it overrides the saved key"
                    " for this session and is never saved."
                ).format(self.env_name)
            )
        elif self.stored_source == "keychain":
            parts.append(self.tr("Key stored in the system keychain."))
        elif self.stored_source == "session":
            parts.append(self.tr("Key kept for this session only."))
        else:
            parts.append(self.tr("No key set."))
        change, _ = self.change()
        if change == "set":
            parts.append(
                self.tr("The new key will be saved in the system keychain when you press OK.")
                if self.keychain_available
                else self.tr(
                    "No system keychain is available; the key can be kept for this session only."
                )
            )
        elif change == "delete":
            parts.append(self.tr("The saved key will be removed when you press OK."))
        elif not self.keychain_available and not self.env_active:
            parts.append(
                self.tr("No system keychain is available; a key can be kept for this session only.")
            )
        return parts


class FileEditor(QWidget):
    """A path with a Browse… button."""

    def __init__(self, field: FieldInfo, value: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.field = field
        self.line_edit = QLineEdit(value, self)
        self.line_edit.setAccessibleName(provider_text(field.label))
        self.browse_button = QPushButton(self.tr("Browse…"), self)
        self.browse_button.setAccessibleName(
            self.tr("Browse for {0}").format(provider_text(field.label))
        )
        self.browse_button.clicked.connect(self.on_browse_clicked)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.line_edit, 1)
        layout.addWidget(self.browse_button)

    def on_browse_clicked(self) -> None:
        start = (
            str(Path(self.line_edit.text()).expanduser().parent) if self.line_edit.text() else ""
        )
        path, _ = QFileDialog.getOpenFileName(
            self,
            self.tr("Choose {0}").format(provider_text(self.field.label)),
            start,
            self.tr("Certificates (*.pem *.crt *.cer);;All files (*)"),
        )
        if path:
            self.line_edit.setText(path)
