"""The settings dialog's page for one provider: its fields, proxy and "Test connection".

A field tied to another (`FieldInfo.shown_when`: GigaChat's password to the password
login) is shown only while that one has a matching value, and switches live. A page of
an OpenAI-compatible profile also edits the profile's name and can remove it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt, Signal
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

from gui.values import ConnectionResult, FieldInfo, ProviderInfo
from gui.widgets.i18n import provider_text
from gui.widgets.settings_editors import FileEditor, SecretEditor
from gui.widgets.settings_form import KeyForm, ProviderForm, UrlChecks
from gui.widgets.settings_result import connection_text

__all__ = ["ProviderPage"]

_OK_STYLE = "color: #1a7f37;"
_ERROR_STYLE = "color: #cf222e;"
#: The profile field that names it (gui/core/profiles.py).
_LABEL = "label"


class ProviderPage(QWidget):
    """One provider's fields, proxy and "Test connection"."""

    test_requested = Signal(str)
    changed = Signal()
    #: A profile's page: the name it shows now (its page title), and "remove it".
    title_changed = Signal(str, str)
    remove_requested = Signal(str)

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
        self.secret_editors: dict[str, SecretEditor] = {}
        self.result_ok: bool | None = None
        self._getters: dict[str, Callable[[], str]] = {}
        self._checks: list[tuple[FieldInfo | None, Callable[[], str]]] = []
        self._rows: dict[str, QWidget] = {}
        self.name_edit: QLineEdit | None = None

        layout = QVBoxLayout(self)
        self.title_label = QLabel(self)
        layout.addWidget(self.title_label)
        if not info.working:
            note = QLabel(self.tr("This provider is marked as not working at the moment."), self)
            note.setWordWrap(True)
            layout.addWidget(note)

        overridden = list(form.env_overrides)
        self.env_note: QLabel | None = None
        if overridden:
            self.env_note = QLabel(
                self.tr(
                    "Set in the environment, used for this session instead of the values"
                    " below and never saved: {0}"
                ).format(", ".join(overridden)),
                self,
            )
            self.env_note.setWordWrap(True)
            self.env_note.setAccessibleName(self.tr("Environment overrides"))
            layout.addWidget(self.env_note)

        self._form = basic = QFormLayout()
        layout.addLayout(basic)
        values = dict(form.values)
        for field in info.fields:
            if not field.advanced:
                self._add_row(field, values)
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
        self.proxy_url.setPlaceholderText("http://proxy.example:3128, socks5h://127.0.0.1:1080")
        self.proxy_mode.currentIndexChanged.connect(self._on_proxy_mode_changed)
        self.proxy_url.textChanged.connect(self._emit_changed)
        proxy_row = QHBoxLayout()
        proxy_row.addWidget(self.proxy_mode)
        proxy_row.addWidget(self.proxy_url, 1)
        basic.addRow(self.tr("Proxy:"), proxy_row)
        self._checks.append((None, self._check_proxy))
        self._on_proxy_mode_changed()

        self.advanced_toggle: QToolButton | None = None
        if any(f.advanced for f in info.fields):
            self.advanced_toggle = QToolButton(self)
            self.advanced_toggle.setText(self.tr("Advanced"))
            self.advanced_toggle.setAccessibleName(self.tr("Advanced settings"))
            self.advanced_toggle.setCheckable(True)
            self.advanced_toggle.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
            self.advanced_toggle.setArrowType(Qt.ArrowType.RightArrow)
            self.advanced_toggle.toggled.connect(self.on_advanced_toggled)
            basic.addRow(self.advanced_toggle)
            # Same form as the basic fields, so labels line up; rows are hidden until asked.
            for field in info.fields:
                if field.advanced:
                    self._add_row(field, values)

        self.error_label = QLabel(self)
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet(_ERROR_STYLE)
        self.error_label.setAccessibleName(self.tr("Problems"))
        layout.addWidget(self.error_label)

        self.test_button = QPushButton(self.tr("Test connection"), self)
        self.test_button.clicked.connect(self._on_test_clicked)
        self.result_label = QLabel(self)
        self.result_label.setWordWrap(True)
        self.result_label.setAccessibleName(self.tr("Connection test result"))
        self.result_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        test_row = QHBoxLayout()
        test_row.addWidget(self.test_button)
        test_row.addWidget(self.result_label, 1)
        layout.addLayout(test_row)
        self.remove_button: QPushButton | None = None
        if info.removable:
            self.remove_button = QPushButton(self.tr("Remove profile"), self)
            self.remove_button.clicked.connect(lambda: self.remove_requested.emit(self.info.name))
            remove_row = QHBoxLayout()
            remove_row.addStretch(1)
            remove_row.addWidget(self.remove_button)
            layout.addLayout(remove_row)
        layout.addStretch(1)
        self.changed.connect(self._show_problems)
        self._update_rows()
        self._update_title()
        self._show_problems()

    # -- building ----------------------------------------------------------------------

    @property
    def secret_editor(self) -> SecretEditor | None:
        """The provider's key (its first secret field), if it has one."""
        return next(iter(self.secret_editors.values()), None)

    def key_editor(self) -> SecretEditor | None:
        """The secret the chosen login asks for first (GigaChat's password for the
        password login, else its key), if the page has one."""
        shown = (
            editor
            for field in self.info.secret_fields
            if self.shown(field) and (editor := self.secret_editors.get(field.name)) is not None
        )
        return next(shown, self.secret_editor)

    def title(self) -> str:
        """The page's name as the list shows it: a profile's name as typed (an empty one
        stands for its default, the first profile's "OpenAI-compatible")."""
        if self.name_edit is None:
            return provider_text(self.info.label)
        return self.name_edit.text().strip() or self.name_edit.placeholderText()

    def _label(self, field: FieldInfo) -> str:
        return self.tr("{0}:").format(provider_text(field.label))

    def _add_row(self, field: FieldInfo, values: dict[str, str]) -> None:
        editor = self._editor(field, values)
        self._form.addRow(self._label(field), editor)
        self._rows[field.name] = editor

    def _editor(self, field: FieldInfo, values: dict[str, str]) -> QWidget:
        if field.is_secret:
            editor = SecretEditor(
                field,
                self._initial.keys.get(field.name, KeyForm()),
                keychain_available=self._keychain_available,
                is_key=field == self.info.secret_field,
                parent=self,
            )
            editor.line_edit.textChanged.connect(self._emit_changed)
            self.secret_editors[field.name] = editor
            return editor
        value = values.get(field.name, field.default)
        if field.kind == "choice" and field.choices:
            combo = QComboBox(self)
            combo.setAccessibleName(provider_text(field.label))
            for choice in field.choices:  # ids as data, words (translated) as text
                combo.addItem(provider_text(field.choice_label(choice)), choice)
            wanted = value if value in field.choices else field.default
            combo.setCurrentIndex(max(combo.findData(wanted), 0))
            combo.currentIndexChanged.connect(self._emit_changed)
            combo.currentIndexChanged.connect(self._update_rows)
            self._getters[field.name] = lambda: str(combo.currentData() or "")
            return combo
        if field.kind == "file":
            file_editor = FileEditor(field, value, self)
            file_editor.line_edit.textChanged.connect(self._emit_changed)
            self._getters[field.name] = file_editor.line_edit.text
            check = lambda: self._check_file(field, file_editor.line_edit.text())  # noqa: E731
            self._checks.append((field, check))
            return file_editor
        naming = field.name == _LABEL and bool(self.info.profile_of)
        if naming and value == field.default:
            value = ""  # the default name, shown in the interface language below
        line_edit = QLineEdit(value, self)
        line_edit.setAccessibleName(provider_text(field.label))
        if field.default:
            line_edit.setPlaceholderText(provider_text(field.default) if naming else field.default)
        line_edit.textChanged.connect(self._emit_changed)
        self._getters[field.name] = line_edit.text
        if field.kind == "url":
            self._checks.append((field, lambda: self._check_url(field, line_edit.text())))
        if naming:
            self.name_edit = line_edit
            line_edit.textChanged.connect(self._update_title)
        return line_edit

    # -- reading the form --------------------------------------------------------------

    def values(self) -> dict[str, str]:
        """The non-secret fields as the form shows them (hidden ones too: they are kept)."""
        return {name: getter().strip() for name, getter in self._getters.items()}

    def proxy(self) -> tuple[str, str]:
        """The proxy mode and, for "url", its address."""
        mode = str(self.proxy_mode.currentData() or "none")
        return mode, self.proxy_url.text().strip() if mode == "url" else ""

    def form(self) -> ProviderForm:
        """The page as it is now (not saved)."""
        mode, url = self.proxy()
        keys = {name: editor.form() for name, editor in self.secret_editors.items()}
        return dataclasses.replace(
            self._initial, values=self.values(), proxy_mode=mode, proxy_url=url, keys=keys
        )

    def shown(self, field: FieldInfo) -> bool:
        """Whether `field` matters with the values chosen now (advanced or not)."""
        return self.info.field_shown(field, self.values())

    def problems(self) -> list[str]:
        """What keeps the page from being saved; fields hidden by the choice do not count."""
        return [
            problem
            for field, check in self._checks
            if field is None or self.shown(field)
            if (problem := check())
        ]

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
        is_proxy_url = self._url_checks.is_proxy_url or self._url_checks.is_http_url
        if mode == "url" and not is_proxy_url(url):
            return self.tr(
                "The proxy must be an http://, https://, socks5:// or socks5h:// address."
            )
        if mode == "url" and self._url_checks.has_password(url):
            return self.tr(
                "A proxy password would be stored in plain text, so it is not accepted here. "
                "Use “System proxy” with the password in HTTPS_PROXY or ALL_PROXY, or a proxy "
                "without one."
            )
        return ""

    # -- reacting ----------------------------------------------------------------------

    def on_advanced_toggled(self, shown: bool) -> None:
        self._update_rows()
        if self.advanced_toggle is not None:
            arrow = Qt.ArrowType.DownArrow if shown else Qt.ArrowType.RightArrow
            self.advanced_toggle.setArrowType(arrow)

    def _update_rows(self) -> None:
        """Show the rows that matter for the choices made, advanced ones when unfolded."""
        unfolded = self.advanced_toggle is not None and self.advanced_toggle.isChecked()
        values = self.values()
        for field in self.info.fields:
            visible = self.info.field_shown(field, values) and (unfolded or not field.advanced)
            self._form.setRowVisible(self._rows[field.name], visible)
        self._show_problems()

    def _update_title(self) -> None:
        title = self.title()
        self.title_label.setText(f"<b>{title.replace('&', '&amp;').replace('<', '&lt;')}</b>")
        self.title_label.setAccessibleName(title)
        self.test_button.setAccessibleName(self.tr("Test connection to {0}").format(title))
        if self.remove_button is not None:
            self.remove_button.setAccessibleName(self.tr("Remove the profile {0}").format(title))
        self.title_changed.emit(self.info.name, title)

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
        """A connection test's answer, worded in the interface language."""
        self.show_result(result.ok, connection_text(result, self.title()))
