"""The settings dialog: a General page and one page per provider.

Keys go to the keychain through the injected SecretStore, everything else to Settings;
"Test connection" runs an injected coroutine, so this module never touches the network,
providers or keyring itself. Keychain calls run in worker threads when an event loop runs.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Coroutine, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, ParamSpec

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QStackedWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from gui.core.keychain import KeychainUnavailableError
from gui.core.settings import (
    MAX_TIMEOUT,
    PROXY_MODES,
    Language,
    Proxy,
    ProxyMode,
    Theme,
    assemble_config,
    env_override,
    has_password,
    is_http_url,
)
from gui.widgets.i18n import localize_message, provider_text

if TYPE_CHECKING:
    from gui.core.keychain import SecretSource, SecretStore
    from gui.core.settings import Settings
    from gui.values import FieldInfo, ProviderInfo

    _P = ParamSpec("_P")

    def asyncSlot(
        *types: type,
    ) -> Callable[[Callable[_P, Coroutine[Any, Any, object]]], Callable[_P, object]]: ...
else:
    from qasync import asyncSlot

__all__ = ["ProviderPage", "SecretEditor", "SettingsDialog", "TestConnection"]

log = logging.getLogger(__name__)

#: (provider name, constructor keywords from the form) → (ok, message for the user).
TestConnection = Callable[[str, dict[str, str]], Awaitable[tuple[bool, str]]]

_OK_STYLE = "color: #1a7f37;"
_ERROR_STYLE = "color: #cf222e;"

SecretChange = Literal["keep", "set", "delete"]


def _running_loop() -> asyncio.AbstractEventLoop | None:
    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        return None


async def _answer(box: QMessageBox) -> None:
    """Show `box` window-modally without a nested event loop and wait until it closes."""
    finished: asyncio.Future[None] = asyncio.get_running_loop().create_future()

    def on_finished(_result: int) -> None:
        if not finished.done():
            finished.set_result(None)

    box.finished.connect(on_finished)
    box.open()
    await finished


class SecretEditor(QWidget):
    """A masked key with Show, Remove key and a line saying where the key comes from."""

    def __init__(
        self,
        field: FieldInfo,
        *,
        env_name: str,
        env_active: bool,
        keychain_available: bool,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.field = field
        self.env_name = env_name
        self.env_active = env_active
        self.keychain_available = keychain_available
        self.loaded = ""
        self.stored_source: SecretSource | None = None
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
        self.line_edit.setPlaceholderText(self.tr("Paste the key here"))
        self.line_edit.textChanged.connect(self._update_label)
        self.line_edit.textEdited.connect(self._on_edited)

        self.show_button = QPushButton(self.tr("Show"), self)
        self.show_button.setCheckable(True)
        self.show_button.setAccessibleName(self.tr("Show {0}").format(provider_text(field.label)))
        self.show_button.toggled.connect(self.on_show_toggled)

        self.remove_button = QPushButton(self.tr("Remove key"), self)
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
    def source(self) -> SecretSource | None:
        """Where the app takes the key from right now (before this dialog's changes)."""
        return "environment" if self.env_active else self.stored_source

    def set_loaded(self, value: str | None, source: SecretSource | None) -> None:
        """Show the saved key, unless the user already started changing it."""
        self.loaded = value or ""
        self.stored_source = source if value else None
        if not self._touched:
            self.line_edit.setText(self.loaded)
        self._update_label()

    def text(self) -> str:
        return self.line_edit.text().strip()

    def change(self) -> tuple[SecretChange, str]:
        """What OK has to do with the key: keep it, store the new text, or delete it."""
        text = self.text()
        if text == self.loaded:
            return "keep", ""
        return ("set", text) if text else ("delete", "")

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
        self.source_label.setText(" ".join(parts))
        self.remove_button.setEnabled(bool(self.line_edit.text() or self.loaded))


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


class ProviderPage(QWidget):
    """One provider's fields, proxy and "Test connection"."""

    test_requested = Signal(str)
    changed = Signal()

    def __init__(
        self,
        info: ProviderInfo,
        settings: Settings,
        secrets: SecretStore,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.info = info
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

        overridden = [f.env for f in info.fields if env_override(f) is not None]
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
        values = settings.field_values(info)
        advanced_fields = [f for f in info.fields if f.advanced]
        for field in info.fields:
            if field.advanced:
                continue
            basic.addRow(self._label(field), self._editor(field, values, secrets))
        if not info.fields:
            basic.addRow(QLabel(self.tr("This provider needs no key or address."), self))

        proxy = settings.proxy(info.name)
        self.proxy_mode = QComboBox(self)
        self.proxy_mode.setAccessibleName(self.tr("Proxy"))
        for mode, text in (
            ("none", self.tr("No proxy")),
            ("system", self.tr("System proxy")),
            ("url", self.tr("Proxy URL")),
        ):
            self.proxy_mode.addItem(text, mode)
        self.proxy_mode.setCurrentIndex(PROXY_MODES.index(proxy.mode))
        self.proxy_url = QLineEdit(proxy.url, self)
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
                editor = self._editor(field, values, secrets)
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

    def _editor(self, field: FieldInfo, values: dict[str, str], secrets: SecretStore) -> QWidget:
        if field.is_secret:
            editor = SecretEditor(
                field,
                env_name=secrets.env_name(self.info),
                env_active=secrets.from_environment(self.info) is not None,
                keychain_available=secrets.available,
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

    def proxy(self) -> Proxy:
        mode: ProxyMode = PROXY_MODES[max(self.proxy_mode.currentIndex(), 0)]
        return Proxy(mode, self.proxy_url.text().strip() if mode == "url" else "")

    def problems(self) -> list[str]:
        return [problem for check in self._checks if (problem := check())]

    def _check_url(self, field: FieldInfo, text: str) -> str:
        if text.strip() and not is_http_url(text):
            return self.tr("{0} must be an http:// or https:// address.").format(
                provider_text(field.label)
            )
        return ""

    def _check_file(self, field: FieldInfo, text: str) -> str:
        if text.strip() and not Path(text.strip()).expanduser().is_file():
            return self.tr("{0}: there is no such file.").format(provider_text(field.label))
        return ""

    def _check_proxy(self) -> str:
        proxy = self.proxy()
        if proxy.mode == "url" and not is_http_url(proxy.url):
            return self.tr("The proxy must be an http:// or https:// address.")
        if proxy.mode == "url" and has_password(proxy.url):
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
        self.proxy_url.setEnabled(self.proxy().mode == "url")
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
        self.test_button.setEnabled(True)
        self.result_ok = ok
        self.result_label.setStyleSheet(_OK_STYLE if ok else _ERROR_STYLE)
        self.result_label.setText(localize_message(message))


class SettingsDialog(QDialog):
    """Edit preferences and keys; OK saves (settings file + keychain), Cancel discards."""

    def __init__(
        self,
        providers: Sequence[ProviderInfo],
        settings: Settings,
        secrets: SecretStore,
        test_connection: TestConnection,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Settings"))
        self.setMinimumSize(680, 460)
        self._providers = list(providers)
        self._settings = settings
        self._secrets = secrets
        self._test_connection = test_connection
        self._tasks: set[asyncio.Task[Any]] = set()
        self._loaded: asyncio.Task[None] | None = None

        self.page_list = QListWidget(self)
        self.page_list.setAccessibleName(self.tr("Settings pages"))
        self.page_list.setMaximumWidth(200)
        self.stack = QStackedWidget(self)
        self.stack.setAccessibleName(self.tr("Settings page"))

        self._build_general_page()
        self.pages: dict[str, ProviderPage] = {}
        for info in self._providers:
            page = ProviderPage(info, settings, secrets, self)
            page.test_requested.connect(self.on_test_requested)
            self.pages[info.name] = page
            self._add_page(provider_text(info.label), page)
        self.page_list.currentRowChanged.connect(self.stack.setCurrentIndex)
        self.page_list.setCurrentRow(0)

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok_button.setAccessibleName(self.tr("Save settings"))
        cancel_button = self.buttons.button(QDialogButtonBox.StandardButton.Cancel)
        cancel_button.setAccessibleName(self.tr("Discard changes"))
        self.buttons.accepted.connect(self.on_ok_clicked)
        self.buttons.rejected.connect(self.reject)

        body = QHBoxLayout()
        body.addWidget(self.page_list)
        body.addWidget(self.stack, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(body, 1)
        layout.addWidget(self.buttons)
        self._start_loading()

    # -- pages -------------------------------------------------------------------------

    def _add_page(self, title: str, page: QWidget) -> None:
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        # Not a Tab stop of its own: focus goes to the fields, and it scrolls to show them.
        scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        scroll.setAccessibleName(title)
        scroll.setWidget(page)
        self.stack.addWidget(scroll)
        self.page_list.addItem(title)

    def _build_general_page(self) -> None:
        page = QWidget(self)
        form = QFormLayout(page)
        self.language = QComboBox(page)
        self.language.setAccessibleName(self.tr("Language"))
        # Language names in their own language, as every language menu shows them.
        for code, text in (("system", self.tr("System default")), ("en", "English")):
            self.language.addItem(text, code)
        self.language.addItem("Русский", "ru")
        self.language.setCurrentIndex(max(self.language.findData(self._settings.language), 0))
        form.addRow(self.tr("Language:"), self.language)

        self.theme = QComboBox(page)
        self.theme.setAccessibleName(self.tr("Theme"))
        for code, text in (
            ("system", self.tr("System default")),
            ("light", self.tr("Light")),
            ("dark", self.tr("Dark")),
        ):
            self.theme.addItem(text, code)
        self.theme.setCurrentIndex(max(self.theme.findData(self._settings.theme), 0))
        form.addRow(self.tr("Theme:"), self.theme)

        self.tray_icon = QCheckBox(self.tr("Show an icon in the system tray"), page)
        self.tray_icon.setAccessibleName(self.tr("Tray icon"))
        self.tray_icon.setChecked(self._settings.tray_icon)
        form.addRow(self.tray_icon)

        self.connect_timeout = self._seconds_box(
            self.tr("Connection timeout"), self._settings.connect_timeout, page
        )
        form.addRow(self.tr("Connection timeout:"), self.connect_timeout)
        self.read_timeout = self._seconds_box(
            self.tr("Reply timeout"), self._settings.read_timeout, page
        )
        self.read_timeout.setToolTip(self.tr("The longest silence allowed while a reply streams"))
        form.addRow(self.tr("Reply timeout:"), self.read_timeout)
        self._add_page(self.tr("General"), page)

    def _seconds_box(self, name: str, value: float, parent: QWidget) -> QDoubleSpinBox:
        box = QDoubleSpinBox(parent)
        box.setAccessibleName(name)
        box.setDecimals(0)
        box.setRange(1, MAX_TIMEOUT)
        box.setSuffix(self.tr(" s"))
        box.setValue(value)
        return box

    def show_provider(self, name: str) -> None:
        """Open on one provider's page (e.g. after an authentication error)."""
        if name in self.pages:
            self.page_list.setCurrentRow(1 + list(self.pages).index(name))

    # -- background work ---------------------------------------------------------------

    def _spawn(self, coro: Coroutine[Any, Any, Any]) -> asyncio.Task[Any]:
        task = asyncio.ensure_future(coro)
        self._tasks.add(task)
        task.add_done_callback(self._task_done)
        return task

    def _task_done(self, task: asyncio.Task[Any]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and (error := task.exception()) is not None:
            log.error("settings dialog task failed", exc_info=error)

    def _start_loading(self) -> None:
        """Fill in the saved keys: in a worker thread when a loop runs, else right away."""
        if _running_loop() is None:
            for page in self._secret_pages():
                assert page.secret_editor is not None
                page.secret_editor.set_loaded(*self._secrets.lookup(page.info, environment=False))
            return
        self._loaded = self._spawn(self._load_secrets())

    async def _load_secrets(self) -> None:
        for page in self._secret_pages():
            value, source = await self._secrets.alookup(page.info, environment=False)
            assert page.secret_editor is not None
            page.secret_editor.set_loaded(value, source)

    async def wait_loaded(self) -> None:
        """Return once the saved keys are shown in the form."""
        if self._loaded is not None:
            await asyncio.shield(self._loaded)

    def _secret_pages(self) -> list[ProviderPage]:
        return [page for page in self.pages.values() if page.secret_editor is not None]

    # -- test connection ---------------------------------------------------------------

    def form_config(self, name: str) -> dict[str, str]:
        """Constructor keywords from the form as it is now (not saved); environment first."""
        page = self.pages[name]
        secret: str | None = None
        if page.secret_editor is not None:
            secret = self._secrets.from_environment(page.info) or page.secret_editor.text() or None
        return assemble_config(page.info, page.values(), secret, page.proxy())

    @asyncSlot(str)
    async def on_test_requested(self, name: str) -> None:
        await self.run_test(name)

    async def run_test(self, name: str) -> tuple[bool, str]:
        """Run the injected connection test with the form's config and show its answer."""
        page = self.pages[name]
        if problems := page.problems():
            page.show_result(False, problems[0])
            return False, problems[0]
        page.set_testing()
        task = asyncio.current_task()
        if task is not None:
            self._tasks.add(task)
        try:
            await self.wait_loaded()
            ok, message = await self._test_connection(name, self.form_config(name))
        except asyncio.CancelledError:
            with contextlib.suppress(RuntimeError):  # the page may be gone at app exit
                page.show_result(False, self.tr("The test was cancelled."))
            raise
        except Exception as error:
            # The test callable should turn errors into messages; its text is not trusted here.
            log.warning("connection test for %s raised %s", name, type(error).__name__)
            ok = False
            message = self.tr("The test failed unexpectedly ({0}).").format(type(error).__name__)
        finally:
            if task is not None:
                self._tasks.discard(task)
        page.show_result(ok, message)
        return ok, message

    # -- saving ------------------------------------------------------------------------

    def on_ok_clicked(self) -> None:
        """OK: save in the background when the app's loop runs, else save right here."""
        if _running_loop() is None:
            self.accept()
            return
        self.buttons.setEnabled(False)
        self._spawn(self.save_and_close())

    async def save_and_close(self) -> bool:
        try:
            saved = await self.save()
        finally:
            self.buttons.setEnabled(True)
        if saved:
            QDialog.accept(self)
        return saved

    def accept(self) -> None:
        """Save synchronously (blocking keychain calls) and close when valid."""
        if self.save_blocking():
            super().accept()

    def done(self, result: int) -> None:
        # Stop loading and tests, but not the save that is closing the dialog.
        current = asyncio.current_task() if _running_loop() is not None else None
        for task in list(self._tasks):
            if task is not current:
                task.cancel()
        super().done(result)

    def _check_pages(self) -> bool:
        for page in self.pages.values():
            if page.problems():
                self.show_provider(page.info.name)
                if page.advanced_toggle is not None:
                    page.advanced_toggle.setChecked(True)  # the culprit may be folded away
                return False
        return True

    def _write_settings(self) -> None:
        settings = self._settings
        language: Language = self.language.currentData()
        theme: Theme = self.theme.currentData()
        settings.language = language
        settings.theme = theme
        settings.tray_icon = self.tray_icon.isChecked()
        settings.connect_timeout = self.connect_timeout.value()
        settings.read_timeout = self.read_timeout.value()
        for page in self.pages.values():
            for name, value in page.values().items():
                settings.set_field(page.info, name, value)
            settings.set_proxy(page.info.name, page.proxy())
        settings.save()

    def _try_write_settings(self) -> QMessageBox | None:
        """Write the settings file; on failure, the message box that explains it."""
        try:
            self._write_settings()
        except OSError as error:
            log.warning("cannot write %s: %s", self._settings.path, error.strerror)
            box = QMessageBox(self)
            box.setIcon(QMessageBox.Icon.Critical)
            box.setWindowTitle(self.tr("Settings"))
            box.setAccessibleName(self.tr("Settings not saved"))
            box.setText(self.tr("The settings could not be saved."))
            box.setInformativeText(f"{self._settings.path}: {error.strerror or error}")
            box.addButton(QMessageBox.StandardButton.Ok).setAccessibleName(self.tr("OK"))
            return box
        return None

    def _secret_changes(self) -> list[tuple[ProviderInfo, SecretChange, str]]:
        changes: list[tuple[ProviderInfo, SecretChange, str]] = []
        for page in self._secret_pages():
            assert page.secret_editor is not None
            change, secret = page.secret_editor.change()
            if change != "keep":
                changes.append((page.info, change, secret))
        return changes

    def save_blocking(self) -> bool:
        """Write settings and keys now; False (nothing saved) when the form has problems."""
        if not self._check_pages():
            return False
        if (failure := self._try_write_settings()) is not None:
            failure.exec()
            failure.deleteLater()
            return False
        for info, change, secret in self._secret_changes():
            try:
                if change == "set":
                    self._secrets.set(info, secret)
                else:
                    self._secrets.delete(info)
            except KeychainUnavailableError:
                box, keep = self._keychain_box(info, change)
                box.exec()
                self._after_box(info, box, keep, secret)
        return True

    async def save(self) -> bool:
        """`save_blocking` with keychain calls in a worker thread and non-modal questions."""
        # The form compares each key with the stored one: both must be known first, or a
        # "Remove key" clicked before the keychain answered would be taken for "keep".
        await self.wait_loaded()
        if not self._check_pages():
            return False
        if (failure := self._try_write_settings()) is not None:
            await _answer(failure)
            failure.deleteLater()
            return False
        for info, change, secret in self._secret_changes():
            try:
                if change == "set":
                    await self._secrets.aset(info, secret)
                else:
                    await self._secrets.adelete(info)
            except KeychainUnavailableError:
                box, keep = self._keychain_box(info, change)
                await _answer(box)
                self._after_box(info, box, keep, secret)
        return True

    def _keychain_box(
        self, info: ProviderInfo, change: SecretChange
    ) -> tuple[QMessageBox, QPushButton | None]:
        """The plain question (or notice) shown when the keychain cannot do what OK asked."""
        box = QMessageBox(self)
        box.setIcon(QMessageBox.Icon.Warning)
        box.setWindowTitle(self.tr("System keychain"))
        box.setAccessibleName(self.tr("System keychain"))
        if change == "set":
            box.setText(
                self.tr(
                    "No system keychain is available; the key can be kept for this session only."
                )
            )
            box.setInformativeText(
                self.tr(
                    "Keep the {0} key in memory until Besedka exits? It is never written to disk."
                ).format(provider_text(info.label))
            )
            keep = box.addButton(
                self.tr("Keep for this session"), QMessageBox.ButtonRole.AcceptRole
            )
            keep.setAccessibleName(self.tr("Keep for this session"))
            discard = box.addButton(self.tr("Discard the key"), QMessageBox.ButtonRole.RejectRole)
            discard.setAccessibleName(self.tr("Discard the key"))
            box.setDefaultButton(keep)
            return box, keep
        box.setText(
            self.tr("The {0} key could not be removed from the system keychain.").format(
                provider_text(info.label)
            )
        )
        box.addButton(QMessageBox.StandardButton.Ok).setAccessibleName(self.tr("OK"))
        return box, None

    def _after_box(
        self, info: ProviderInfo, box: QMessageBox, keep: QPushButton | None, secret: str
    ) -> None:
        if keep is not None and box.clickedButton() is keep:
            self._secrets.keep_for_session(info, secret)
        box.deleteLater()
