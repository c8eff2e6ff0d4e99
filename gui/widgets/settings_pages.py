"""The settings dialog's page for one provider: its fields, proxy and "Test connection"."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from gui.values import ConnectionResult, ErrorInfo, FieldInfo, ProviderInfo
from gui.widgets.i18n import provider_text
from gui.widgets.settings_editors import FileEditor, SecretEditor
from gui.widgets.settings_form import (
    KeyForm,
    ProviderForm,
    UrlChecks,
)

__all__ = ["ProviderPage"]

_OK_STYLE = "color: #1a7f37;"
_ERROR_STYLE = "color: #cf222e;"


class ProviderPage(QWidget):
    """One provider's fields, proxy and "Test connection"."""

    test_requested = Signal(str)
    changed = Signal()

    def __init__(
        self,
        info: ProviderInfo,
        form: ProviderForm,
        *,
        keychain_available: bool,
        checks: UrlChecks,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.info = info
        self._initial = form
        self._keychain_available = keychain_available
        self._url_checks = checks
        self.secret_editor: SecretEditor | None = None
        self.result_ok: bool | None = None
        self._getters: dict[str, Callable[[], str]] = {}
        self._checks: list[Callable[[], str]] = []

        layout = QVBoxLayout(self)
        title = QLabel(f"<b>{provider_text(info.label)}</b>", self)
        title.setAccessibleName(provider_text(info.label))
        layout.addWidget(title)
        if not info.working:
            note = QLabel(self.tr("This provider is marked as not working at the moment."), self)
            note.setWordWrap(True)
            layout.addWidget(note)

        overridden = list(form.env_overrides)
        if overridden:
            env_note = QLabel(
                self.tr(
                    "Set in the environment, used for this session instead of the values"
                    " below and never saved: {0}"
                ).format(", ".join(overridden)),
                self,
            )
            env_note.setWordWrap(True)
            env_note.setAccessibleName(self.tr("Environment overrides"))
            layout.addWidget(env_note)
            self.env_note: QLabel | None = env_note
        else:
            self.env_note = None

        basic = QFormLayout()
        layout.addLayout(basic)
        values = dict(form.values)
        advanced_fields = [f for f in info.fields if f.advanced]
        for field in info.fields:
            if field.advanced:
                continue
            basic.addRow(self._label(field), self._editor(field, values))
        if not info.fields:
            basic.addRow(QLabel(self.tr("This provider needs no key or address."), self))

        self.proxy_mode = QComboBox(self)
        self.proxy_mode.setAccessibleName(self.tr("Proxy"))
        for mode, text in (
            ("none", self.tr("No proxy")),
            ("system", self.tr("System proxy")),
            ("url", self.tr("Proxy URL")),
        ):
            self.proxy_mode.addItem(text, mode)
        self.proxy_mode.setCurrentIndex(max(self.proxy_mode.findData(form.proxy_mode), 0))
        self.proxy_url = QLineEdit(form.proxy_url, self)
        self.proxy_url.setAccessibleName(self.tr("Proxy URL"))
        self.proxy_url.setPlaceholderText("http://proxy.example:3128")
        self.proxy_mode.currentIndexChanged.connect(self._on_proxy_mode_changed)
        self.proxy_url.textChanged.connect(self._emit_changed)
        proxy_row = QHBoxLayout()
        proxy_row.addWidget(self.proxy_mode)
        proxy_row.addWidget(self.proxy_url, 1)
        basic.addRow(self.tr("Proxy:"), proxy_row)
        self._checks.append(self._check_proxy)
        self._on_proxy_mode_changed()

        self._form = basic
        self._advanced_rows: list[QWidget] = []
        self.advanced_toggle: QToolButton | None = None
        if advanced_fields:
            self.advanced_toggle = QToolButton(self)
            self.advanced_toggle.setText(self.tr("Advanced"))
            self.advanced_toggle.setAccessibleName(self.tr("Advanced settings"))
            self.advanced_toggle.setCheckable(True)
            self.advanced_toggle.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
            self.advanced_toggle.setArrowType(Qt.ArrowType.RightArrow)
            self.advanced_toggle.toggled.connect(self.on_advanced_toggled)
            basic.addRow(self.advanced_toggle)
            # Same form as the basic fields, so labels line up; rows are hidden until asked.
            for field in advanced_fields:
                editor = self._editor(field, values)
                basic.addRow(self._label(field), editor)
                basic.setRowVisible(editor, False)
                self._advanced_rows.append(editor)

        self.error_label = QLabel(self)
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet(_ERROR_STYLE)
        self.error_label.setAccessibleName(self.tr("Problems"))
        layout.addWidget(self.error_label)

        self.test_button = QPushButton(self.tr("Test connection"), self)
        self.test_button.setAccessibleName(
            self.tr("Test connection to {0}").format(provider_text(info.label))
        )
        self.test_button.clicked.connect(self._on_test_clicked)
        self.result_label = QLabel(self)
        self.result_label.setWordWrap(True)
        self.result_label.setAccessibleName(self.tr("Connection test result"))
        self.result_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        test_row = QHBoxLayout()
        test_row.addWidget(self.test_button)
        test_row.addWidget(self.result_label, 1)
        layout.addLayout(test_row)
        layout.addStretch(1)
        self.changed.connect(self._show_problems)
        self._show_problems()

    # -- building ----------------------------------------------------------------------

    def _label(self, field: FieldInfo) -> str:
        return self.tr("{0}:").format(provider_text(field.label))

    def _editor(self, field: FieldInfo, values: dict[str, str]) -> QWidget:
        if field.is_secret:
            editor = SecretEditor(
                field,
                self._initial.key or KeyForm(),
                keychain_available=self._keychain_available,
                parent=self,
            )
            editor.line_edit.textChanged.connect(self._emit_changed)
            self.secret_editor = editor
            return editor
        value = values.get(field.name, field.default)
        if field.kind == "choice" and field.choices:
            combo = QComboBox(self)
            combo.setAccessibleName(provider_text(field.label))
            combo.addItems(list(field.choices))
            combo.setCurrentText(value if value in field.choices else field.default)
            combo.currentIndexChanged.connect(self._emit_changed)
            self._getters[field.name] = combo.currentText
            return combo
        if field.kind == "file":
            file_editor = FileEditor(field, value, self)
            file_editor.line_edit.textChanged.connect(self._emit_changed)
            self._getters[field.name] = file_editor.line_edit.text
            self._checks.append(lambda: self._check_file(field, file_editor.line_edit.text()))
            return file_editor
        line_edit = QLineEdit(value, self)
        line_edit.setAccessibleName(provider_text(field.label))
        if field.default:
            line_edit.setPlaceholderText(field.default)
        line_edit.textChanged.connect(self._emit_changed)
        self._getters[field.name] = line_edit.text
        if field.kind == "url":
            self._checks.append(lambda: self._check_url(field, line_edit.text()))
        return line_edit

    # -- reading the form --------------------------------------------------------------

    def values(self) -> dict[str, str]:
        """The non-secret fields as the form shows them."""
        return {name: getter().strip() for name, getter in self._getters.items()}

    def proxy(self) -> tuple[str, str]:
        """The proxy mode and, for "url", its address."""
        mode = str(self.proxy_mode.currentData() or "none")
        return mode, self.proxy_url.text().strip() if mode == "url" else ""

    def form(self) -> ProviderForm:
        """The page as it is now (not saved)."""
        mode, url = self.proxy()
        key = self.secret_editor.form() if self.secret_editor is not None else None
        return dataclasses.replace(
            self._initial, values=self.values(), proxy_mode=mode, proxy_url=url, key=key
        )

    def problems(self) -> list[str]:
        return [problem for check in self._checks if (problem := check())]

    def _check_url(self, field: FieldInfo, text: str) -> str:
        if text.strip() and not self._url_checks.is_http_url(text):
            return self.tr("{0} must be an http:// or https:// address.").format(
                provider_text(field.label)
            )
        return ""

    def _check_file(self, field: FieldInfo, text: str) -> str:
        if text.strip() and not Path(text.strip()).expanduser().is_file():
            return self.tr("{0}: there is no such file.").format(provider_text(field.label))
        return ""

    def _check_proxy(self) -> str:
        mode, url = self.proxy()
        if mode == "url" and not self._url_checks.is_http_url(url):
            return self.tr("The proxy must be an http:// or https:// address.")
        if mode == "url" and self._url_checks.has_password(url):
            return self.tr(
                "A proxy password would be stored in plain text, so it is not accepted here. "
                "Use “System proxy” with the password in HTTPS_PROXY, or a proxy without one."
            )
        return ""

    # -- reacting ----------------------------------------------------------------------

    def on_advanced_toggled(self, shown: bool) -> None:
        for editor in self._advanced_rows:
            self._form.setRowVisible(editor, shown)
        if self.advanced_toggle is not None:
            arrow = Qt.ArrowType.DownArrow if shown else Qt.ArrowType.RightArrow
            self.advanced_toggle.setArrowType(arrow)

    def _on_proxy_mode_changed(self) -> None:
        self.proxy_url.setEnabled(self.proxy()[0] == "url")
        self._emit_changed()

    def _emit_changed(self) -> None:
        self.changed.emit()

    def _show_problems(self) -> None:
        self.error_label.setText("\n".join(self.problems()))

    def _on_test_clicked(self) -> None:
        self.test_requested.emit(self.info.name)

    def set_testing(self) -> None:
        self.test_button.setEnabled(False)
        self.result_ok = None
        self.result_label.setStyleSheet("")
        self.result_label.setText(self.tr("Testing…"))

    def show_result(self, ok: bool, message: str) -> None:
        """A sentence already in the interface language: green when `ok`, else red."""
        self.test_button.setEnabled(True)
        self.result_ok = ok
        self.result_label.setStyleSheet(_OK_STYLE if ok else _ERROR_STYLE)
        self.result_label.setText(message)

    def show_connection(self, result: ConnectionResult) -> None:
        """A connection test's answer, worded here in the interface language."""
        from gui.widgets.error_text import error_text  # here: only when a test ran

        provider = provider_text(result.provider or self.info.label)
        # The "ProviderError" context is where these sentences have always been translated.
        if result.ok and result.models is not None:
            text = QCoreApplication.translate(
                "ProviderError", "{0}: connected, {1} models available."
            ).format(provider, result.models)
        elif result.ok:
            text = QCoreApplication.translate("ProviderError", "{0}: connected.").format(provider)
        else:
            text = error_text(result.error or ErrorInfo("failed", provider=result.provider))
        self.show_result(result.ok, text)
